import { readTier } from '../../shared/api';
import { decodeState, encodeState, isIsoDate, MAX_ZOOM, roundCoord, type Filters, type View } from '../../shared/urlstate';
import type { RiskSettings } from '../risk/risksettings';
import { LAYER_ID } from '../../shared/kinds';
import type { Vocabulary } from '../../shared/vocabulary';

/**
 * The state of an embedded map, as its URL (`/embed?…`), its signed token's
 * claims (`GET /api/v1/embed`) and the share dialog write it, and the URLs
 * built from it: the embed itself, its image (`/api/v1/render.png|svg`) and
 * the dashboard at the same place. Pure logic: every value from a URL or an
 * answer is checked on its own, and a malformed, hostile or out-of-range one
 * is ignored (falls back to its default), never thrown.
 */

/** A bounding box: west, south, east, north, in degrees (the `bbox` of the URL). */
export type BBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

/** What an embed shows: a box fitted into the frame, or a centre and a zoom. */
export type EmbedView = { bbox: BBox } | View;

/** Reports whether a view is a bounding box. */
export function isBBoxView(v: EmbedView): v is { bbox: BBox } {
  return 'bbox' in v;
}

/** Everything an embed shows and how. */
export interface EmbedState {
  /** Absent: the dashboard's default view. */
  view?: EmbedView;
  /** Ids of the layers shown (API layers and the analyses `risk`, `hotspots`); absent: the dashboard's default. */
  layers?: string[];
  filters: Filters;
  /** Absent: the default risk settings. */
  risk?: RiskSettings;
  /** Shown above the map; '' for none. */
  title: string;
  /** Whether the legend is shown. */
  legend: boolean;
  /** The date of the "As of" line, YYYY-MM-DD. */
  asof: string;
  /** The language asked for (a BCP 47 tag; the page falls back to English). */
  lang: string;
}

/** An embed's URL: its state, and the signed token when there is one (which then fixes the state). */
export interface EmbedRequest {
  state: EmbedState;
  token: string | null;
}

/** The claims of a signed embed token (GET /api/v1/embed), as far as they are valid. */
export interface EmbedClaims {
  id: string;
  /** The privacy tier the token grants. */
  tier: 'public' | 'partner';
  state: EmbedState;
  /** When the token expires (RFC 3339), '' when not said. */
  expiresAt: string;
}

/** Longest title accepted. */
export const MAX_TITLE = 200;
/** Longest token accepted from a URL (a longer one is not a token this server made). */
export const MAX_TOKEN = 4096;
/** Bounds of a rendered image: width and height in CSS pixels, and the pixel ratio. */
export const RENDER_LIMITS = { minSize: 200, maxSize: 4000, minRatio: 1, maxRatio: 3 } as const;

/** A number written plainly ("-12.5"); null for anything else (hex, exponents, words, blanks). */
export function parsePlainNumber(s: string | null | undefined): number | null {
  if (typeof s !== 'string') return null;
  const v = s.trim();
  if (!/^[-+]?\d{1,12}(\.\d{1,15})?$/.test(v)) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Checks a bounding box: four finite numbers, longitudes in [-180, 180],
 * latitudes in [-90, 90], west before east and south before north (a box
 * across the antimeridian is not accepted). Null when it is not valid.
 */
export function checkBBox(v: readonly unknown[]): BBox | null {
  if (v.length !== 4 || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
  const [w, s, e, n] = v as number[] as BBox;
  if (w < -180 || e > 180 || s < -90 || n > 90 || !(w < e) || !(s < n)) return null;
  return [w, s, e, n];
}

/** Reads `minLon,minLat,maxLon,maxLat`; null when it is not a valid box. */
export function parseBBox(s: string | null | undefined): BBox | null {
  if (typeof s !== 'string') return null;
  const parts = s.split(',');
  if (parts.length !== 4) return null;
  const nums = parts.map(parsePlainNumber);
  return nums.some((n) => n === null) ? null : checkBBox(nums);
}

/** Writes a box as `minLon,minLat,maxLon,maxLat`, each rounded to 5 decimals. */
export function formatBBox(b: BBox): string {
  return b.map(roundCoord).join(',');
}

/** A view as the token's claims give it: `{bbox: [...]}` or `{z, lat, lon}`; null when neither is valid. */
export function readView(v: unknown): EmbedView | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.bbox)) {
    const b = checkBBox(o.bbox);
    return b ? { bbox: b } : null;
  }
  const { z, lat, lon } = o;
  if (
    typeof z === 'number' && Number.isInteger(z) && z >= 0 && z <= MAX_ZOOM &&
    typeof lat === 'number' && lat >= -90 && lat <= 90 &&
    typeof lon === 'number' && lon >= -180 && lon <= 180
  ) {
    return { z, lat, lon };
  }
  return null;
}

/** A title: trimmed, at most MAX_TITLE characters, no control characters; '' otherwise. */
export function cleanTitle(s: unknown): string {
  if (typeof s !== 'string') return '';
  const v = s.trim();
  // eslint-disable-next-line no-control-regex
  if ([...v].length > MAX_TITLE || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(v)) return '';
  return v;
}

/** A language tag ("en", "pt-BR"); 'en' for anything else. */
export function cleanLang(s: unknown): string {
  return typeof s === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/.test(s) ? s : 'en';
}

/** The `legend` parameter: "0" hides the legend, anything else (or nothing) shows it. */
export function parseLegend(s: string | null): boolean {
  return s === null ? true : s.trim() !== '0';
}

/** A token as a URL carries it: printable ASCII without spaces, bounded; null otherwise. */
export function cleanToken(s: string | null): string | null {
  if (s === null) return null;
  const v = s.trim();
  return v.length > 0 && v.length <= MAX_TOKEN && /^[\x21-\x7e]+$/.test(v) ? v : null;
}

/** Today's date where the page runs, YYYY-MM-DD. */
export function todayIso(now: Date = new Date()): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(now.getFullYear(), 4)}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

/**
 * Reads an embed's query string ("?bbox=…&layers=…&title=…"). The view is
 * `bbox` when valid, else `z,lat,lon`; layers, filters and risk settings are
 * read as the dashboard reads them; `asof` falls back to `today`. A token
 * is returned as is (when it can be one): the page then asks the server for
 * its claims, which replace everything else. Without `vocab` the cause is
 * checked later (checkFilters), once the vocabulary is known.
 */
export function decodeEmbedParams(search: string, today: string, vocab: Vocabulary | null = null): EmbedRequest {
  const q = new URLSearchParams(search);
  const base = decodeState(search, vocab);
  const state: EmbedState = {
    filters: base.filters,
    title: cleanTitle(q.get('title')),
    legend: parseLegend(q.get('legend')),
    asof: isIsoDate(q.get('asof') ?? '') ? q.get('asof')! : today,
    lang: cleanLang(q.get('lang')),
  };
  const bbox = parseBBox(q.get('bbox'));
  if (bbox) state.view = { bbox };
  else if (base.view) state.view = base.view;
  if (base.layers) state.layers = base.layers;
  if (base.risk) state.risk = base.risk;
  return { state, token: cleanToken(q.get('token')) };
}

/**
 * Reads the claims of a signed embed token. Null when the answer is not
 * claims at all (no id, no known tier, no valid view). The filters and
 * risk settings come from `params`, a query string in the dashboard's format.
 */
export function parseClaims(v: unknown, today: string): EmbedClaims | null {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  const tier = readTier(typeof o.tier === 'string' ? o.tier : '');
  const view = readView(o.view);
  if (typeof o.id !== 'string' || o.id === '' || (tier !== 'public' && tier !== 'partner') || !view) return null;
  const params = typeof o.params === 'string' ? decodeState(o.params.startsWith('?') ? o.params : `?${o.params}`) : null;
  const state: EmbedState = {
    view,
    filters: params?.filters ?? decodeState('').filters,
    title: cleanTitle(o.title),
    legend: typeof o.legend === 'boolean' ? o.legend : true,
    asof: typeof o.asof === 'string' && isIsoDate(o.asof) ? o.asof : today,
    lang: cleanLang(o.lang),
  };
  if (Array.isArray(o.layers)) {
    state.layers = [...new Set(o.layers.filter((id): id is string => typeof id === 'string' && LAYER_ID.test(id)))];
  }
  if (params?.risk) state.risk = params.risk;
  return { id: o.id, tier, state, expiresAt: typeof o.expires_at === 'string' ? o.expires_at : '' };
}

/**
 * The filters and risk settings of a state as a query string in the
 * dashboard's format, without "?" (the `params` of a signed embed).
 */
export function filterParams(state: Pick<EmbedState, 'filters' | 'risk'>): string {
  return encodeState({ filters: state.filters, risk: state.risk }).replace(/^\?/, '');
}

/**
 * The query parameters of an embed (and of its image): the view, the layers,
 * the filters and risk settings as the dashboard writes them, the title
 * (when there is one), the as-of date, the legend (always written: 1 or 0)
 * and the language.
 */
export function embedParams(state: EmbedState): URLSearchParams {
  const q = new URLSearchParams();
  if (state.view) {
    if (isBBoxView(state.view)) {
      q.set('bbox', formatBBox(state.view.bbox));
    } else {
      q.set('z', String(state.view.z));
      q.set('lat', roundCoord(state.view.lat));
      q.set('lon', roundCoord(state.view.lon));
    }
  }
  for (const [k, v] of new URLSearchParams(encodeState({ layers: state.layers, filters: state.filters, risk: state.risk }))) q.append(k, v);
  const title = cleanTitle(state.title);
  if (title) q.set('title', title);
  if (isIsoDate(state.asof)) q.set('asof', state.asof);
  q.set('legend', state.legend ? '1' : '0');
  q.set('lang', cleanLang(state.lang));
  return q;
}

/** The URL of an embed at `origin` ("https://routerisk.example.org"): `/embed?…`. */
export function embedUrl(origin: string, state: EmbedState): string {
  return `${origin}/embed?${embedParams(state).toString()}`;
}

/** The size of a rendered image. */
export interface RenderSize {
  /** CSS pixels, 200–4000. */
  width: number;
  height: number;
  /** Pixel ratio, 1–3. */
  ratio: number;
}

/** Clamps n (rounded) into [min, max]; `fallback` when it is not a finite number. */
export function clamp(n: number, min: number, max: number, fallback: number): number {
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}

/** A render size within the server's bounds. */
export function clampRenderSize(s: RenderSize): RenderSize {
  const { minSize, maxSize, minRatio, maxRatio } = RENDER_LIMITS;
  return {
    width: clamp(s.width, minSize, maxSize, 800),
    height: clamp(s.height, minSize, maxSize, 500),
    ratio: clamp(s.ratio, minRatio, maxRatio, 1),
  };
}

/** The image formats of `/api/v1/render.{png,svg}`. */
export type RenderFormat = 'png' | 'svg';

/**
 * The URL of an image of the embed state (`{base}/render.png?…` or `.svg`):
 * the embed's parameters, the size (clamped into the server's bounds) and
 * the token when there is one.
 */
export function renderUrl(format: RenderFormat, state: EmbedState, size: RenderSize, token: string | null = null, base = '/api/v1'): string {
  const q = embedParams(state);
  const s = clampRenderSize(size);
  q.set('width', String(s.width));
  q.set('height', String(s.height));
  q.set('ratio', String(s.ratio));
  const t = cleanToken(token);
  if (t) q.set('token', t);
  return `${base}/render.${format}?${q.toString()}`;
}

/**
 * The dashboard at a view with the state's layers, filters and risk
 * settings, relative to the page (`./?z=…`): the embed is served at
 * `/embed`, the dashboard at `/`.
 */
export function dashboardUrl(state: Pick<EmbedState, 'layers' | 'filters' | 'risk'>, view: View): string {
  return `./${encodeState({ view, layers: state.layers, filters: state.filters, risk: state.risk })}`;
}

/**
 * A box grown by `fraction` of its size on every side (0.25: a quarter of
 * its width west and east, of its height south and north), kept within the
 * world.
 */
export function padBBox(b: BBox, fraction: number): BBox {
  const dx = (b[2] - b[0]) * fraction;
  const dy = (b[3] - b[1]) * fraction;
  return [Math.max(-180, b[0] - dx), Math.max(-90, b[1] - dy), Math.min(180, b[2] + dx), Math.min(90, b[3] + dy)];
}

/** Highest latitude of the map's projection (Web Mercator). */
const MAX_MERCATOR_LAT = 85.05112878;

/**
 * The box of a map's bounds, clamped into the world (a map zoomed far out
 * shows more than 360° of longitude); null when nothing of the world is left.
 */
export function boundsBBox(west: number, south: number, east: number, north: number): BBox | null {
  const w = Math.max(-180, west);
  const e = Math.min(180, east);
  const s = Math.max(-MAX_MERCATOR_LAT, south);
  const n = Math.min(MAX_MERCATOR_LAT, north);
  const round = (x: number) => Number(roundCoord(x));
  return checkBBox([round(w), round(s), round(e), round(n)]);
}

/**
 * The layers whose sources an embed credits: those it shows, and those the
 * analyses it shows are computed from (route risk: routes, incidents and
 * services; hotspots: incidents).
 */
export function attributedLayers<M extends { id: string; kind: string }>(metas: readonly M[], visible: ReadonlySet<string>): M[] {
  const kinds = new Set<string>();
  if (visible.has('risk')) for (const k of ['route', 'incident', 'service']) kinds.add(k);
  if (visible.has('hotspots')) kinds.add('incident');
  return metas.filter((m) => visible.has(m.id) || kinds.has(m.kind));
}
