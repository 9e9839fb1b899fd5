import { defaultRiskSettings, isDefaultRiskSettings, parseSetting, RISK_LIMITS, RISK_SETTING_KEYS, type RiskSettings } from '../features/risk/risksettings';
import { LAYER_ID } from './kinds';
import { isCause, type Vocabulary } from './vocabulary';

/** The map view: zoom level and centre. */
export interface View {
  z: number;
  lat: number;
  lon: number;
}

/** The filters a user can set. An empty string means "no filter". */
export interface Filters {
  /** First incident date, YYYY-MM-DD. */
  from: string;
  /** Last incident date, YYYY-MM-DD. */
  to: string;
  /** Route name (incidents: property `route`; routes: property `name`). */
  route: string;
  /** One of the seven cause categories. */
  cause: string;
  /** Service category. */
  category: string;
}

/** The filters a request can carry, by their name in a query. */
export type FilterName = 'route' | 'cause' | 'category';

/**
 * The one dialect of filters in a query: `route`, `cause`, `category`, each
 * repeatable, in the dashboard's URL, the embed's and the image's, and the
 * features and hotspots requests.
 */
export const FILTER_PARAMS: Readonly<Record<FilterName, string>> = { route: 'route', cause: 'cause', category: 'category' };

/**
 * Appends the filters named in `which` that are set to a query, under
 * `names` (FILTER_PARAMS unless an endpoint spells them otherwise).
 */
export function appendFilters(
  q: URLSearchParams, filters: Filters, which: readonly FilterName[], names: Readonly<Record<FilterName, string>> = FILTER_PARAMS,
): URLSearchParams {
  for (const k of which) if (filters[k]) q.append(names[k], filters[k]);
  return q;
}

/** Everything the URL carries. Absent parts are undefined and fall back to defaults. */
export interface UrlState {
  view?: View;
  /** Ids of the layers shown; undefined means "every layer". */
  layers?: string[];
  filters: Filters;
  /**
   * Settings of the risk analysis (keys radius, halflife, reach); undefined
   * when all are the defaults. A malformed or out-of-range value falls back
   * to its default.
   */
  risk?: RiskSettings;
}

/** Highest zoom level the map offers. */
export const MAX_ZOOM = 18;
/** Longest free-text filter value accepted from a URL. */
export const MAX_VALUE_LENGTH = 200;

/** Filters with nothing set. */
export function emptyFilters(): Filters {
  return { from: '', to: '', route: '', cause: '', category: '' };
}

/** Reports whether s is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Cleans a free-text value: trimmed, no control characters, bounded length; else ''. */
export function cleanText(s: string | null): string {
  if (s === null) return '';
  const v = s.trim();
  // eslint-disable-next-line no-control-regex
  if (v.length > MAX_VALUE_LENGTH || /[\u0000-\u001f\u007f]/.test(v)) return '';
  return v;
}

/**
 * Reads the state from a query string ("?z=5&lat=…"). Every part is checked on
 * its own; a missing, malformed or out-of-range part is ignored, never thrown.
 * With `vocab`, a cause must be one of its causes; without it, any clean text
 * is kept, to be checked with checkFilters once the vocabulary is known.
 */
export function decodeState(search: string, vocab: Vocabulary | null = null): UrlState {
  const q = new URLSearchParams(search);
  const state: UrlState = { filters: emptyFilters() };

  const z = parseNumber(q.get('z'));
  const lat = parseNumber(q.get('lat'));
  const lon = parseNumber(q.get('lon'));
  if (
    z !== null && Number.isInteger(z) && z >= 0 && z <= MAX_ZOOM &&
    lat !== null && lat >= -90 && lat <= 90 &&
    lon !== null && lon >= -180 && lon <= 180
  ) {
    state.view = { z, lat, lon };
  }

  const layers = q.get('layers');
  if (layers !== null) {
    const ids = layers.split(',').map((s) => s.trim()).filter((s) => LAYER_ID.test(s));
    state.layers = [...new Set(ids)];
  }

  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  if (isIsoDate(from)) state.filters.from = from;
  if (isIsoDate(to)) state.filters.to = to;
  state.filters.route = cleanText(q.get('route'));
  const cause = cleanText(q.get('cause'));
  if (cause && (!vocab || isCause(vocab, cause))) state.filters.cause = cause;
  state.filters.category = cleanText(q.get('category'));

  const risk = defaultRiskSettings();
  for (const k of RISK_SETTING_KEYS) {
    const v = parseSetting(k, q.get(RISK_LIMITS[k].url));
    if (v !== null) risk[k] = v;
  }
  if (!isDefaultRiskSettings(risk)) state.risk = risk;
  return state;
}

/**
 * Writes the state as a query string, starting with "?", in a fixed key order.
 * Empty filters are left out. decodeState(encodeState(s)) gives s back.
 */
export function encodeState(state: UrlState): string {
  const q = new URLSearchParams();
  if (state.view) {
    q.set('z', String(state.view.z));
    q.set('lat', roundCoord(state.view.lat));
    q.set('lon', roundCoord(state.view.lon));
  }
  if (state.layers) q.set('layers', state.layers.join(','));
  const f = state.filters;
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  appendFilters(q, f, ['route', 'cause', 'category']);
  if (state.risk) {
    for (const k of RISK_SETTING_KEYS) {
      if (state.risk[k] !== RISK_LIMITS[k].default) q.set(RISK_LIMITS[k].url, String(state.risk[k]));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The filters with a cause the vocabulary does not know left out. */
export function checkFilters(filters: Filters, vocab: Vocabulary): Filters {
  return filters.cause && !isCause(vocab, filters.cause) ? { ...filters, cause: '' } : filters;
}

/** Rounds a coordinate to 5 decimals (about 1 m) and drops trailing zeros. */
export function roundCoord(n: number): string {
  return String(Math.round(n * 1e5) / 1e5);
}

function parseNumber(s: string | null): number | null {
  if (s === null || s.trim() === '' || !/^[-+]?\d+(\.\d+)?$/.test(s.trim())) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
