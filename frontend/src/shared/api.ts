import type { Geometry } from 'geojson';
import { isKind, LAYER_ID, type Kind } from './kinds';

/** Server settings for the dashboard (GET /api/v1/config). */
export interface Config {
  tile_url: string;
  tile_attribution: string;
  version: string;
}

/** One origin of a layer's data, with the attribution its licence asks for. */
export interface Source {
  name: string;
  url?: string;
  license: string;
  attribution: string;
}

/** A layer's metadata (GET /api/v1/layers/{id}). */
export interface LayerMeta {
  id: string;
  kind: Kind;
  title: string;
  description?: string;
  sources: Source[];
  sensitivity: string;
  version: number;
  updated_at?: string;
  updated_by?: string;
  feature_count: number;
  bbox?: number[];
  schema?: { name: string; type: string }[];
  time_property?: string;
}

/** Property values as they arrive: every one of them is untrusted. */
export type Properties = Record<string, unknown>;

/** One GeoJSON feature as the API returns it. */
export interface Feature {
  type: 'Feature';
  id?: string | number;
  geometry: Geometry | null;
  properties: Properties | null;
}

/** The features of one query, all pages followed. */
export interface FeatureResult {
  features: Feature[];
  numberMatched: number;
  /** The privacy tier the server answered at (X-Privacy-Tier of the first page), when it said. */
  tier?: PrivacyTier;
  /**
   * The other top-level members of the first page (e.g. `data_through`,
   * `caveats`, `parameters` of an analysis), untrusted like any property.
   */
  members?: Properties;
}

/** Top-level members of a FeatureCollection page that are not its own extras. */
const COLLECTION_MEMBERS = new Set(['type', 'features', 'links', 'numberMatched', 'numberReturned', 'timeStamp']);

/**
 * How much of a restricted layer the server shows the caller, as it states
 * in the X-Privacy-Tier header of every answer: counts per area (public),
 * rounded positions without free text (partner), or everything (staff).
 */
export type PrivacyTier = 'public' | 'partner' | 'staff';

/** The header that states the privacy tier of an answer. */
export const TIER_HEADER = 'X-Privacy-Tier';

/** Reads the privacy tier of a header value; null when it is missing or unknown. */
export function readTier(v: string | null | undefined): PrivacyTier | null {
  const t = (v ?? '').trim().toLowerCase();
  return t === 'public' || t === 'partner' || t === 'staff' ? t : null;
}

/** One distinct value of a property with the number of features that hold it. */
export interface ValueCount {
  value: string;
  count: number;
}

/** The analysis endpoints: route segments with risk, ranked outreach priorities, incident hotspots. */
export type AnalysisPath = 'risk/segments' | 'risk/priorities' | 'hotspots';

/** An error response of the API, or a failure to reach it (status 0). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly requestId: string = '',
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The typed client of the RouteRisk JSON API. */
export interface Api {
  /** GET /config. */
  config(signal?: AbortSignal): Promise<Config>;
  /** GET /layers; entries that are not valid metadata are dropped. */
  layers(signal?: AbortSignal): Promise<LayerMeta[]>;
  /** GET /layers/{id}/features with params, following `next` links until every page is read. */
  features(layerId: string, params: URLSearchParams, signal?: AbortSignal): Promise<FeatureResult>;
  /** GET /{path} of an analysis endpoint: its FeatureCollection (any `next` links followed). */
  analysis(path: AnalysisPath, params: URLSearchParams, signal?: AbortSignal): Promise<FeatureResult>;
  /** GET /layers/{id}/features/{featureId}: one feature with all its properties. */
  feature(layerId: string, featureId: string | number, signal?: AbortSignal): Promise<Feature>;
  /**
   * GET /layers/{id}/values?property=…: distinct values with counts, of the
   * features that pass `filters` (datetime, route, cause, …) when given.
   */
  values(layerId: string, property: string, signal?: AbortSignal, filters?: URLSearchParams): Promise<ValueCount[]>;
  /**
   * GET {base}/{path} as JSON, unparsed (the caller reads it field by field),
   * with the client's options; an answer other than 2xx rejects with an ApiError.
   */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>;
  /** The privacy tier of the latest answer that stated one, or null before any did. */
  readonly tier: PrivacyTier | null;
  /** Calls fn whenever an answer states another privacy tier than the one before; returns the unsubscribe. */
  onTier(fn: (tier: PrivacyTier) => void): () => void;
}

/** Most pages a single features query may follow before it is treated as a loop. */
export const MAX_PAGES = 200;

type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * How every request of a client is sent. The dashboard sends the browser's
 * defaults (the session cookie on the same origin); an embedded map sends no
 * cookie at all (`credentials: 'omit'`) and its embed token as a header.
 */
export interface ApiOptions {
  /** The credentials mode of every request; the browser's default when absent. */
  credentials?: RequestCredentials;
  /** Headers added to every request. */
  headers?: Readonly<Record<string, string>>;
}

/** The header that carries a signed embed token. */
export const EMBED_TOKEN_HEADER = 'X-Embed-Token';

/** The init of one request under `opts`: its headers added (they win over `init`'s), its credentials mode set. */
export function requestInit(opts: ApiOptions, init: RequestInit = {}): RequestInit {
  const headers = new Headers(init.headers);
  for (const [k, v] of Object.entries(opts.headers ?? {})) headers.set(k, v);
  const out: RequestInit = { ...init, headers };
  if (opts.credentials) out.credentials = opts.credentials;
  return out;
}

/**
 * Creates the API client. `base` is the API root ("/api/v1"); `origin` is the
 * origin `next` links must stay on; `opts` says how every request is sent.
 */
export function createApi(fetchFn: FetchFn = (i, init) => fetch(i, init), base = '/api/v1', origin = location.origin, opts: ApiOptions = {}): Api {
  let tier: PrivacyTier | null = null;
  const tierListeners = new Set<(tier: PrivacyTier) => void>();
  /** Notes the tier an answer states; returns it (null when it states none). */
  const noteTier = (res: Response): PrivacyTier | null => {
    const t = readTier(res.headers?.get(TIER_HEADER));
    if (t && t !== tier) {
      tier = t;
      for (const fn of [...tierListeners]) fn(t);
    }
    return t;
  };
  /** GETs url as JSON; `onTier` receives the tier the answer states. */
  const get = async (url: string, signal?: AbortSignal, onTier?: (t: PrivacyTier | null) => void): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetchFn(url, requestInit(opts, { signal, headers: { Accept: 'application/json, application/geo+json' } }));
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(err instanceof Error ? err.message : String(err), 0, 'network');
    }
    const t = noteTier(res);
    onTier?.(t);
    if (!res.ok) throw await toApiError(res);
    try {
      return await res.json();
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError('invalid JSON in response', res.status, 'bad_response');
    }
  };
  const layerPath = (id: string) => `${base}/layers/${encodeURIComponent(id)}`;
  /** Reads a FeatureCollection from `first`, following `next` links until every page is read. */
  const collect = async (first: string, signal?: AbortSignal): Promise<FeatureResult> => {
    const features: Feature[] = [];
    let numberMatched = -1;
    let members: Properties | undefined;
    let answeredAt: PrivacyTier | null = null;
    const firstTier = (t: PrivacyTier | null) => {
      answeredAt ??= t;
    };
    let url: string | null = first;
    for (let page = 0; url !== null; page++) {
      if (page >= MAX_PAGES) throw new ApiError('too many pages', 0, 'bad_response');
      const body = asObject(await get(url, signal, firstTier));
      if (body.type !== 'FeatureCollection' || !Array.isArray(body.features)) {
        throw new ApiError('response is not a FeatureCollection', 200, 'bad_response');
      }
      for (const f of body.features) {
        if (f && typeof f === 'object') features.push(f as Feature);
      }
      if (numberMatched < 0 && typeof body.numberMatched === 'number') numberMatched = body.numberMatched;
      if (members === undefined) {
        members = {};
        for (const [k, v] of Object.entries(body)) if (!COLLECTION_MEMBERS.has(k)) members[k] = v;
      }
      url = nextLink(body.links, origin);
    }
    const result: FeatureResult = { features, numberMatched: numberMatched < 0 ? features.length : numberMatched };
    if (answeredAt) result.tier = answeredAt;
    if (members && Object.keys(members).length > 0) result.members = members;
    return result;
  };

  return {
    get tier() {
      return tier;
    },

    onTier(fn) {
      tierListeners.add(fn);
      return () => tierListeners.delete(fn);
    },

    async config(signal) {
      const body = asObject(await get(`${base}/config`, signal));
      return {
        tile_url: asString(body.tile_url),
        tile_attribution: asString(body.tile_attribution),
        version: asString(body.version),
      };
    },

    async layers(signal) {
      const body = asObject(await get(`${base}/layers`, signal));
      const list = Array.isArray(body.layers) ? body.layers : [];
      return list.map(parseMeta).filter((m): m is LayerMeta => m !== null);
    },

    features(layerId, params, signal) {
      return collect(`${layerPath(layerId)}/features?${params.toString()}`, signal);
    },

    analysis(path, params, signal) {
      const q = params.toString();
      return collect(`${base}/${path}${q ? `?${q}` : ''}`, signal);
    },

    async feature(layerId, featureId, signal) {
      const body = asObject(await get(`${layerPath(layerId)}/features/${encodeURIComponent(String(featureId))}`, signal));
      if (body.type !== 'Feature') throw new ApiError('response is not a Feature', 200, 'bad_response');
      return body as unknown as Feature;
    },

    async values(layerId, property, signal, filters) {
      const q = new URLSearchParams({ property });
      for (const [k, v] of filters ?? []) q.append(k, v);
      const body = asObject(await get(`${layerPath(layerId)}/values?${q.toString()}`, signal));
      const list = Array.isArray(body.values) ? body.values : [];
      const out: ValueCount[] = [];
      for (const v of list) {
        const o = asObject(v);
        if (typeof o.value === 'string' || typeof o.value === 'number') {
          out.push({ value: String(o.value), count: typeof o.count === 'number' ? o.count : 0 });
        }
      }
      return out;
    },

    getJson(path, signal) {
      return get(`${base}/${path.replace(/^\/+/, '')}`, signal);
    },
  };
}

/** Reports whether err is the rejection of an aborted fetch. */
export function isAbort(err: unknown): boolean {
  return (
    (err instanceof DOMException && err.name === 'AbortError') ||
    (err instanceof Error && err.name === 'AbortError')
  );
}

/**
 * Returns the `next` link of a page as a URL on `origin`, or null. Links to
 * another origin, or that are not http(s), are not followed.
 */
export function nextLink(links: unknown, origin: string): string | null {
  if (!Array.isArray(links)) return null;
  for (const l of links) {
    const o = asObject(l);
    if (o.rel !== 'next' || typeof o.href !== 'string' || o.href === '') continue;
    let u: URL;
    try {
      u = new URL(o.href, origin);
    } catch {
      return null;
    }
    if (u.origin !== origin || (u.protocol !== 'http:' && u.protocol !== 'https:')) return null;
    return u.pathname + u.search;
  }
  return null;
}

/** Validates one metadata entry; returns null when it is not usable. */
export function parseMeta(v: unknown): LayerMeta | null {
  const o = asObject(v);
  if (typeof o.id !== 'string' || !LAYER_ID.test(o.id) || !isKind(o.kind)) return null;
  const sources = (Array.isArray(o.sources) ? o.sources : []).map((s) => {
    const so = asObject(s);
    return {
      name: asString(so.name),
      url: asString(so.url),
      license: asString(so.license),
      attribution: asString(so.attribution),
    };
  });
  return {
    id: o.id,
    kind: o.kind,
    title: asString(o.title) || o.id,
    description: asString(o.description),
    sources,
    sensitivity: asString(o.sensitivity),
    version: typeof o.version === 'number' ? o.version : 0,
    updated_at: asString(o.updated_at),
    updated_by: asString(o.updated_by),
    feature_count: typeof o.feature_count === 'number' ? o.feature_count : 0,
    bbox: Array.isArray(o.bbox) && o.bbox.length === 4 && o.bbox.every((n) => typeof n === 'number') ? (o.bbox as number[]) : undefined,
    schema: Array.isArray(o.schema) ? (o.schema as { name: string; type: string }[]) : [],
    time_property: asString(o.time_property),
  };
}

/** Reads an error response of the API (`{code, message, details, request_id}`) as an ApiError. */
export async function toApiError(res: Response): Promise<ApiError> {
  let body: Record<string, unknown> = {};
  try {
    body = asObject(await res.json());
  } catch {
    // not JSON: keep the status text
  }
  const message = asString(body.message) || res.statusText || `HTTP ${res.status}`;
  return new ApiError(message, res.status, asString(body.code) || 'http_error', asString(body.request_id), body.details);
}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function asString(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
