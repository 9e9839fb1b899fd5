import { ApiError, isAbort, parseMeta, type Feature, type LayerMeta } from '../../shared/api';
import type { Session } from '../session/session';
import { isKind, type Kind } from '../../shared/kinds';

/**
 * The client of the upload and layer-management endpoints. Every request goes
 * through the session, so the cookie is sent and writes carry the CSRF token.
 * Every answer is untrusted and read field by field.
 */

/** What was done about an issue. */
export type IssueAction = 'rejected' | 'repaired' | 'flagged';

/** One problem with one feature of a file (feature: its 1-based position in the file). */
export interface Issue {
  feature: number;
  id: string;
  field: string;
  code: string;
  message: string;
  action: string;
}

/** What an import or a check found. */
export interface Report {
  read: number;
  accepted: number;
  repaired: number;
  rejected: number;
  /** Issues per code. */
  counts: Record<string, number>;
  issues: Issue[];
}

/** The features of a preview. */
export interface Preview {
  type: 'FeatureCollection';
  features: Feature[];
}

/** The answer of POST /uploads/validate. */
export interface Validation {
  format: string;
  kind: Kind | '';
  layout: string;
  /** The columns of the file, in its order. */
  columns: string[];
  /** Normalised field → source column. */
  mapping: Record<string, string>;
  /** The normalised fields of the kind. */
  fields: string[];
  report: Report;
  preview: Preview;
  bbox: [number, number, number, number] | null;
  notes: string[];
}

/** The file of an upload, with the name it is sent under. */
export interface UploadFile {
  file: Blob;
  name: string;
}

/** What a check of a file may override. */
export interface ValidateOptions {
  kind?: Kind | '';
  format?: string;
  mapping?: Record<string, string> | null;
}

/** Sensitivity of a layer. */
export type Sensitivity = 'public' | 'restricted';

/** What to do with features that cannot be read. */
export type OnError = 'reject' | 'skip';

/** The fields of a new layer. */
export interface NewLayer {
  id: string;
  kind: Kind;
  title: string;
  sensitivity: Sensitivity;
  source: string;
  license: string;
  description?: string;
  attribution?: string;
}

/**
 * Where a service layer has data, declared at upload: ISO 3166-1 codes
 * (alpha-2 or alpha-3, separated by commas) and/or a GeoJSON Polygon or
 * MultiPolygon. Without one the server computes it from the points.
 */
export interface CoverageDeclaration {
  countries?: string;
  area?: string;
}

/** What goes with the file of every publication. */
export interface PublishOptions {
  mapping?: Record<string, string> | null;
  onError: OnError;
  format?: string;
  kind?: Kind | '';
  coverage?: CoverageDeclaration;
}

/** The answer of a publication: the layer as it is now, and what the import found. */
export interface PublishResult {
  layer: LayerMeta;
  report: Report;
}

/** The versions of a layer, newest first, and the current version number. */
export interface Versions {
  versions: LayerMeta[];
  current: number;
}

/** The client of the upload endpoints. */
export interface UploadApi {
  /** POST /uploads/validate: reads the file, stores nothing. */
  validate(upload: UploadFile, options: ValidateOptions, signal?: AbortSignal): Promise<Validation>;
  /** POST /layers: a new layer (409 when the id exists, 422 with details.report when features are bad). */
  create(upload: UploadFile, layer: NewLayer, options: PublishOptions): Promise<PublishResult>;
  /** PUT /layers/{id}: a new version of a layer. */
  replace(id: string, upload: UploadFile, options: PublishOptions): Promise<PublishResult>;
  /** GET /layers. */
  layers(signal?: AbortSignal): Promise<LayerMeta[]>;
  /** GET /layers/{id}/versions. */
  versions(id: string, signal?: AbortSignal): Promise<Versions>;
  /** POST /layers/{id}/versions/{v}/restore: the old content as a new version. */
  restore(id: string, version: number): Promise<LayerMeta>;
  /** DELETE /layers/{id} (kept recoverable on the server). */
  remove(id: string): Promise<void>;
}

/** The formats the server reads, as the format parameter names them. */
export const FORMATS = ['geojson', 'csv', 'kml', 'kmz', 'gpx', 'shapefile', 'geopackage', 'hsds', 'osm'] as const;

/** The file types the file chooser offers. */
export const ACCEPT = '.geojson,.json,.csv,.tsv,.txt,.kml,.kmz,.gpx,.zip,.gpkg,.osm,.pbf';

/** Creates the client on top of a session; `base` is the API root. */
export function createUploadApi(session: Session, base = '/api/v1'): UploadApi {
  const json = async (res: Response): Promise<unknown> => {
    try {
      return await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError('invalid JSON in response', res.status, 'bad_response');
    }
  };
  const layerPath = (id: string) => `${base}/layers/${encodeURIComponent(id)}`;
  const publishForm = (upload: UploadFile, options: PublishOptions): FormData => {
    const fd = new FormData();
    fd.append('file', upload.file, upload.name);
    if (options.kind) fd.append('kind', options.kind);
    if (options.format) fd.append('format', options.format);
    if (options.mapping && Object.keys(options.mapping).length > 0) fd.append('mapping', JSON.stringify(options.mapping));
    fd.append('on_error', options.onError);
    const countries = options.coverage?.countries?.trim();
    const area = options.coverage?.area?.trim();
    if (countries) fd.append('coverage_countries', countries);
    if (area) fd.append('coverage_area', area);
    return fd;
  };
  const publishResult = async (res: Response): Promise<PublishResult> => {
    const body = asObject(await json(res));
    const layer = parseMeta(body.layer);
    if (!layer) throw new ApiError('response holds no layer', res.status, 'bad_response');
    return { layer, report: parseReport(body.report) };
  };

  return {
    async validate(upload, options, signal) {
      const fd = new FormData();
      fd.append('file', upload.file, upload.name);
      if (options.kind) fd.append('kind', options.kind);
      if (options.format) fd.append('format', options.format);
      if (options.mapping) fd.append('mapping', JSON.stringify(options.mapping));
      const res = await session.request(`${base}/uploads/validate`, { method: 'POST', body: fd, signal });
      return parseValidation(await json(res));
    },

    async create(upload, layer, options) {
      const fd = publishForm(upload, { ...options, kind: layer.kind });
      fd.append('id', layer.id);
      fd.append('title', layer.title);
      fd.append('sensitivity', layer.sensitivity);
      fd.append('source', layer.source);
      fd.append('license', layer.license);
      if (layer.description) fd.append('description', layer.description);
      if (layer.attribution) fd.append('attribution', layer.attribution);
      return publishResult(await session.request(`${base}/layers`, { method: 'POST', body: fd }));
    },

    async replace(id, upload, options) {
      return publishResult(await session.request(layerPath(id), { method: 'PUT', body: publishForm(upload, options) }));
    },

    async layers(signal) {
      const body = asObject(await json(await session.request(`${base}/layers`, { method: 'GET', signal })));
      const list = Array.isArray(body.layers) ? body.layers : [];
      return list.map(parseMeta).filter((m): m is LayerMeta => m !== null);
    },

    async versions(id, signal) {
      const body = asObject(await json(await session.request(`${layerPath(id)}/versions`, { method: 'GET', signal })));
      return parseVersions(body);
    },

    async restore(id, version) {
      const res = await session.request(`${layerPath(id)}/versions/${encodeURIComponent(String(version))}/restore`, { method: 'POST' });
      const layer = parseMeta(asObject(await json(res)).layer);
      if (!layer) throw new ApiError('response holds no layer', res.status, 'bad_response');
      return layer;
    },

    async remove(id) {
      await session.request(layerPath(id), { method: 'DELETE' });
    },
  };
}

/** Reads a report; anything missing or malformed counts as zero or is left out. */
export function parseReport(v: unknown): Report {
  const o = asObject(v);
  const counts: Record<string, number> = {};
  for (const [code, n] of Object.entries(asObject(o.counts))) {
    if (typeof n === 'number' && Number.isFinite(n)) counts[code] = n;
  }
  const issues: Issue[] = [];
  for (const item of Array.isArray(o.issues) ? o.issues : []) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
    const i = item as Record<string, unknown>;
    issues.push({
      feature: asCount(i.feature),
      id: asText(i.id),
      field: asText(i.field),
      code: asText(i.code),
      message: asText(i.message),
      action: asText(i.action),
    });
  }
  return {
    read: asCount(o.read),
    accepted: asCount(o.accepted),
    repaired: asCount(o.repaired),
    rejected: asCount(o.rejected),
    counts,
    issues,
  };
}

/** Reads the answer of a check. */
export function parseValidation(v: unknown): Validation {
  const o = asObject(v);
  const mapping: Record<string, string> = {};
  for (const [field, column] of Object.entries(asObject(o.mapping))) {
    if (typeof column === 'string') mapping[field] = column;
  }
  const previewObj = asObject(o.preview);
  const features = (Array.isArray(previewObj.features) ? previewObj.features : []).filter(
    (f): f is Feature => f !== null && typeof f === 'object' && (f as Record<string, unknown>).type === 'Feature',
  );
  const bbox = Array.isArray(o.bbox) && o.bbox.length === 4 && o.bbox.every((n) => typeof n === 'number' && Number.isFinite(n))
    ? (o.bbox as [number, number, number, number])
    : null;
  return {
    format: asText(o.format),
    kind: isKind(o.kind) ? o.kind : '',
    layout: asText(o.layout),
    columns: strings(o.columns),
    mapping,
    fields: strings(o.fields),
    report: parseReport(o.report),
    preview: { type: 'FeatureCollection', features },
    bbox,
    notes: strings(o.notes),
  };
}

/** Reads the versions of a layer, newest first. */
export function parseVersions(v: unknown): Versions {
  const o = asObject(v);
  const versions = (Array.isArray(o.versions) ? o.versions : [])
    .map(parseMeta)
    .filter((m): m is LayerMeta => m !== null)
    .sort((a, b) => b.version - a.version);
  const current = typeof o.current === 'number' ? o.current : (versions[0]?.version ?? 0);
  return { versions, current };
}

/** The report an error of an upload carries in details.report, if any. */
export function errorReport(err: unknown): Report | null {
  if (!(err instanceof ApiError)) return null;
  const report = asObject(err.details).report;
  return report !== null && typeof report === 'object' && !Array.isArray(report) ? parseReport(report) : null;
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return '';
}

function asCount(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
