/**
 * The manifest of an offline corridor pack (manifest.json in the pack's
 * zip), as GET /api/v1/packs writes it, and its validation: a pack is
 * opened only when its manifest says what the viewer expects.
 */

/** The `format` of a pack's manifest. */
export const PACK_FORMAT = 'routerisk-pack';
/** The manifest `version` this viewer reads. */
export const PACK_VERSION = 1;

/** One source of a layer of a pack. */
export interface PackSource {
  name: string;
  url: string;
  license: string;
  attribution: string;
}

/** One layer of a pack, as the manifest describes it. */
export interface PackLayerInfo {
  id: string;
  title: string;
  kind: string;
  version: string;
  updated_at: string;
  features: number | null;
  sources: PackSource[];
}

/** The manifest of a pack, checked. */
export interface PackManifest {
  format: typeof PACK_FORMAT;
  version: typeof PACK_VERSION;
  created: string;
  bbox: [number, number, number, number];
  tier: 'staff' | 'partner';
  minzoom: number;
  maxzoom: number;
  tiles: string;
  geopackage: string;
  layers: PackLayerInfo[];
  /** The last incident's date (YYYY-MM-DD), or its month (YYYY-MM) below the staff tier; null when the pack does not say. */
  data_through: string | null;
  caveats: string[];
  attribution: string;
  /** Files of the zip holding the dashboard's basemap (world-atlas TopoJSON), coarse first; empty when the pack has none. */
  basemap: string[];
}

/** A basemap file's path in a pack: a file under basemap/, nothing that climbs out. */
const BASEMAP_PATH = /^basemap\/[A-Za-z0-9_.-]+\.json$/;

/** Why a pack cannot be opened; `reason` names the message the page shows, `detail` what was wrong (English, technical). */
export type PackErrorReason = 'notZip' | 'noManifest' | 'badManifest' | 'wrongFormat' | 'wrongVersion' | 'noTiles' | 'badTiles' | 'tooLarge';

/** A pack that cannot be opened, and why. */
export class PackError extends Error {
  readonly reason: PackErrorReason;
  readonly detail: string;

  constructor(reason: PackErrorReason, detail: string) {
    super(`${reason}: ${detail}`);
    this.name = 'PackError';
    this.reason = reason;
    this.detail = detail;
  }
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
/** A day, or a month (partner packs give the month of the last incident). */
const DAY_OR_MONTH = /^\d{4}-\d{2}(?:-\d{2})?$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function bad(field: string, what: string): PackError {
  return new PackError('badManifest', `manifest.json: ${field} ${what}`);
}

function str(o: Record<string, unknown>, key: string, field: string, optional = false): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (optional) return '';
    throw bad(field, 'is missing');
  }
  if (typeof v !== 'string') throw bad(field, `must be text, not ${typeof v}`);
  return v;
}

function zoom(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 24) throw bad(key, 'must be a whole zoom level from 0 to 24');
  return v;
}

function source(v: unknown, field: string): PackSource {
  if (!isObject(v)) throw bad(field, 'must be an object');
  return {
    name: str(v, 'name', `${field}.name`),
    url: str(v, 'url', `${field}.url`, true),
    license: str(v, 'license', `${field}.license`, true),
    attribution: str(v, 'attribution', `${field}.attribution`, true),
  };
}

function layer(v: unknown, i: number): PackLayerInfo {
  const field = `layers[${i}]`;
  if (!isObject(v)) throw bad(field, 'must be an object');
  const version = v.version;
  if (version !== undefined && version !== null && typeof version !== 'number' && typeof version !== 'string') {
    throw bad(`${field}.version`, 'must be a number or text');
  }
  const features = v.features;
  if (features !== undefined && features !== null && (typeof features !== 'number' || !Number.isFinite(features) || features < 0)) {
    throw bad(`${field}.features`, 'must be a count');
  }
  const sources = v.sources ?? [];
  if (!Array.isArray(sources)) throw bad(`${field}.sources`, 'must be a list');
  return {
    id: str(v, 'id', `${field}.id`),
    title: str(v, 'title', `${field}.title`, true),
    kind: str(v, 'kind', `${field}.kind`, true),
    version: version === undefined || version === null ? '' : String(version),
    updated_at: str(v, 'updated_at', `${field}.updated_at`, true),
    features: typeof features === 'number' ? features : null,
    sources: sources.map((s, j) => source(s, `${field}.sources[${j}]`)),
  };
}

/**
 * Checks a parsed manifest.json and returns it typed. Throws a PackError:
 * `wrongFormat` when it is not a RouteRisk pack, `wrongVersion` when it is
 * another version of the format, `badManifest` naming the field otherwise.
 */
export function validateManifest(v: unknown): PackManifest {
  if (!isObject(v)) throw bad('(the whole file)', 'must be a JSON object');
  if (v.format !== PACK_FORMAT) {
    throw new PackError('wrongFormat', `manifest.json: format is ${JSON.stringify(v.format) ?? 'missing'}, not "${PACK_FORMAT}"`);
  }
  if (v.version !== PACK_VERSION) {
    throw new PackError('wrongVersion', `manifest.json: version is ${JSON.stringify(v.version) ?? 'missing'}; this page reads version ${PACK_VERSION}`);
  }
  const created = str(v, 'created', 'created');
  if (!RFC3339.test(created) || Number.isNaN(Date.parse(created))) throw bad('created', `"${created}" is not an RFC 3339 time`);
  const bbox = v.bbox;
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((n) => typeof n === 'number' && Number.isFinite(n))) {
    throw bad('bbox', 'must be four numbers [west, south, east, north]');
  }
  const [w, s, e, n] = bbox as number[];
  if (w! < -180 || e! > 180 || s! < -90 || n! > 90 || w! >= e! || s! >= n!) {
    throw bad('bbox', `[${bbox.join(', ')}] is not a box in longitude and latitude with west < east and south < north`);
  }
  const tier = v.tier;
  if (tier !== 'staff' && tier !== 'partner') throw bad('tier', `must be "staff" or "partner", not ${JSON.stringify(tier) ?? 'missing'}`);
  const minzoom = zoom(v, 'minzoom');
  const maxzoom = zoom(v, 'maxzoom');
  if (minzoom > maxzoom) throw bad('minzoom', `(${minzoom}) is above maxzoom (${maxzoom})`);
  const tiles = str(v, 'tiles', 'tiles');
  if (tiles === '') throw bad('tiles', 'is empty');
  if (!Array.isArray(v.layers)) throw bad('layers', 'must be a list');
  const layers = v.layers.map(layer);
  let dataThrough: string | null = null;
  if (v.data_through !== undefined && v.data_through !== null) {
    const d = str(v, 'data_through', 'data_through');
    if (!DAY_OR_MONTH.test(d)) throw bad('data_through', `"${d}" is not a date YYYY-MM-DD or a month YYYY-MM`);
    dataThrough = d;
  }
  const caveats = v.caveats ?? [];
  if (!Array.isArray(caveats) || !caveats.every((c) => typeof c === 'string')) throw bad('caveats', 'must be a list of sentences');
  const basemap = v.basemap ?? [];
  if (!Array.isArray(basemap) || !basemap.every((b) => typeof b === 'string' && BASEMAP_PATH.test(b) && !b.includes('..'))) {
    throw bad('basemap', 'must be a list of files under basemap/');
  }
  return {
    format: PACK_FORMAT,
    version: PACK_VERSION,
    created,
    bbox: [w!, s!, e!, n!],
    tier,
    minzoom,
    maxzoom,
    tiles,
    geopackage: str(v, 'geopackage', 'geopackage', true),
    layers,
    data_through: dataThrough,
    caveats: caveats as string[],
    attribution: str(v, 'attribution', 'attribution', true),
    basemap: basemap as string[],
  };
}
