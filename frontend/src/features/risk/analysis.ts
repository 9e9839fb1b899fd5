import type { Feature, Properties } from '../../shared/api';
import { num } from '../../map/geometry';
import { datetimeParam } from '../filters/filters';
import { defaultRiskSettings, RISK_LIMITS, RISK_SETTING_KEYS, type RiskSettings } from './risksettings';
import { appendFilters, FILTER_PARAMS, type Filters } from '../../shared/urlstate';
import { resolutionForZoom, isRiskClass, serviceCategoryRank, type Vocabulary } from '../../shared/vocabulary';

/**
 * The analyses the server runs over the layers: route risk (segments of
 * every route with their risk, class and service coverage), the ranked
 * outreach priorities, and incident hotspots (H3 cells with Getis-Ord Gi*
 * classes). Pure logic: query building and reading the untrusted
 * properties of the answers. No DOM, no Leaflet.
 */

/** Ids of the dashboard's own analysis layers, as they appear in `layers=` of the URL. */
export const ANALYSIS_IDS = { risk: 'risk', hotspots: 'hotspots' } as const;
/** The id of an analysis layer. */
export type AnalysisId = (typeof ANALYSIS_IDS)[keyof typeof ANALYSIS_IDS];

/**
 * A risk class: one of the vocabulary's (`low`, `medium`, `high`,
 * `critical` today), whose breakpoints the vocabulary gives too.
 */
export type RiskClass = string;

/** Hotspot classes, from hot (99 % confidence) to cold (99 %). */
export const HOTSPOT_CLASSES = ['hot_99', 'hot_95', 'hot_90', 'not_significant', 'cold_90', 'cold_95', 'cold_99'] as const;
/** A hotspot class. */
export type HotspotClass = (typeof HOTSPOT_CLASSES)[number];
/** The order hotspot cells are drawn in: not significant first, the most confident on top. */
export const HOTSPOT_DRAW_ORDER: readonly HotspotClass[] = ['not_significant', 'cold_90', 'hot_90', 'cold_95', 'hot_95', 'cold_99', 'hot_99'];

/**
 * The settings of the risk analysis the dashboard asks for. They are the
 * server's defaults, sent explicitly so that the legend and the popups,
 * which quote them, always describe the numbers shown.
 */
export const RISK_SETTINGS = {
  /** Length of a route segment, km. */
  segment_km: 10,
  /** Incidents up to this far from a segment count for it, km. */
  radius_km: 25,
  /** Age at which an incident weighs half, days. */
  half_life_days: 365,
  /** A service category with no current service this close leaves a gap, km. */
  reach_km: 50,
} as const;

/** Length of the outreach priority list. */
export const PRIORITY_LIMIT = 20;

/**
 * Query parameters of /risk/segments for `filters`: the settings, the date
 * range, the route and the cause. The service-category filter does not
 * change the analysis (coverage is reported for every category).
 */
export function riskParams(filters: Filters, settings: RiskSettings = defaultRiskSettings()): URLSearchParams {
  const q = new URLSearchParams();
  q.set('segment_km', String(RISK_SETTINGS.segment_km));
  for (const k of RISK_SETTING_KEYS) q.set(RISK_LIMITS[k].param, String(settings[k]));
  const dt = datetimeParam(filters.from, filters.to);
  if (dt) q.set('datetime', dt);
  return appendFilters(q, filters, ['route', 'cause'], FILTER_PARAMS);
}

/**
 * The highest map zoom of each overview band of the route-risk layer, as
 * the server's risk.OverviewZoom: below RISK_FULL_ZOOM the layer comes as
 * stretches (the segments of one line in one class merged, with the id of
 * the first, the highest risk, simplified and rounded to what the band
 * shows), one answer per band.
 */
export const RISK_ZOOM_BANDS = [3, 6] as const;
/** The first map zoom at which the route-risk layer has every segment with all its figures. */
export const RISK_FULL_ZOOM = 7;

/**
 * The `zoom` parameter of /risk/segments for map zoom `zoom`: the top of
 * its band (so every zoom of a band asks, and caches, one answer), or null
 * from RISK_FULL_ZOOM on, where the layer is asked without it.
 */
export function riskZoomParam(zoom: number): string | null {
  const z = Number.isFinite(zoom) ? Math.ceil(zoom) : RISK_FULL_ZOOM;
  const band = RISK_ZOOM_BANDS.find((b) => z <= b);
  return band === undefined ? null : String(band);
}

/** Query parameters of /risk/priorities: those of riskParams and the list length. */
export function prioritiesParams(filters: Filters, limit = PRIORITY_LIMIT, settings: RiskSettings = defaultRiskSettings()): URLSearchParams {
  const q = riskParams(filters, settings);
  q.set('limit', String(limit));
  return q;
}

/** Most priorities an export asks for. */
export const EXPORT_LIMIT = 500;

/** Formats the priorities can be downloaded in. */
export type ExportFormat = 'csv' | 'geojson';

/**
 * The download URL of the outreach priorities in `format`: the same query
 * as the list (settings and filters), `format` and `limit` first, up to
 * EXPORT_LIMIT stretches. `base` is the API root.
 */
export function priorityExportUrl(format: ExportFormat, filters: Filters, settings: RiskSettings = defaultRiskSettings(), base = '/api/v1'): string {
  const q = new URLSearchParams();
  q.set('format', format);
  q.set('limit', String(EXPORT_LIMIT));
  for (const [k, v] of prioritiesParams(filters, EXPORT_LIMIT, settings)) if (k !== 'limit') q.append(k, v);
  return `${base}/risk/priorities?${q.toString()}`;
}

/**
 * Query parameters of /hotspots for `filters` at map zoom `zoom`: the
 * resolution (the vocabulary's zoom steps), the date range and the cause. The hotspot analysis has no
 * route parameter (cells are not tied to routes), so the route filter does
 * not apply to it, nor does the service category.
 */
export function hotspotParams(filters: Filters, zoom: number, vocab: Vocabulary): URLSearchParams {
  const q = new URLSearchParams();
  q.set('resolution', String(resolutionForZoom(vocab, zoom)));
  const dt = datetimeParam(filters.from, filters.to);
  if (dt) q.set('datetime', dt);
  return appendFilters(q, filters, ['cause']);
}

/**
 * Whether the risk analysis can have segments for the route filter: the
 * filter is empty, or names a route of the route layers. `known` is null
 * while the route names are not known, and the request is then made.
 * (The route dropdown also lists route names that only incidents carry;
 * the analysis rejects those, as they have no line to cut into segments.)
 */
export function routeHasLine(route: string, known: ReadonlySet<string> | null): boolean {
  return route === '' || known === null || known.size === 0 || known.has(route);
}

/** Longest text taken from a property value. */
export const MAX_TEXT = 2000;

/** A string property, trimmed and clipped; '' when it is not a string. */
export function text(v: unknown): string {
  if (typeof v !== 'string') return '';
  const s = v.trim();
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}

/** A finite number property, or null (absent, null, not a number). */
export function numberOrNull(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A list of strings from a property (other entries dropped). */
export function textList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(text).filter((s) => s !== '') : [];
}

/** The risk class of a segment, or null when it is not one of the vocabulary's. */
export function riskClassOf(p: Properties | null, vocab: Vocabulary): RiskClass | null {
  const c = p?.class;
  return isRiskClass(vocab, c) ? c : null;
}

/** The class of a hotspot cell, or null when it is not one of the seven. */
export function hotspotClassOf(p: Properties | null): HotspotClass | null {
  const c = p?.class;
  return typeof c === 'string' && (HOTSPOT_CLASSES as readonly string[]).includes(c) ? (c as HotspotClass) : null;
}

/** One segment of route as the dashboard shows it. */
export interface Segment {
  id: string;
  route: string;
  startKm: number | null;
  endKm: number | null;
  risk: number | null;
  cls: RiskClass | null;
  /** Counts; null when the server suppressed a count of 1–4 (the public tier shows "fewer than 5"). */
  incidents: number | null;
  dead: number | null;
  missing: number | null;
  /** YYYY-MM-DD, or '' when no incident counted. */
  lastIncident: string;
  incidentsPerYear: number | null;
  priority: number | null;
  /** Outreach rank, or null when the segment is not ranked. */
  rank: number | null;
  /** Reasons for the rank (priorities only). */
  reasons: string[];
  /**
   * Whether the feature carries the counts (incidents, dead, missing, last
   * incident): a stretch of the layer at an overview zoom, which merges
   * segments, has none (see riskZoomParam), and its details give them.
   */
  counted: boolean;
}

/** A count as the server sent it: null (suppressed, "fewer than 5") stays null; anything else is a count of at least 0. */
export function countOrSuppressed(v: unknown): number | null {
  return v === null ? null : Math.max(0, num(v));
}

/** Reads a segment (of /risk/segments or /risk/priorities) from its untrusted properties; its class must be one of the vocabulary's. */
export function readSegment(f: Feature, vocab: Vocabulary): Segment {
  const p: Properties = f.properties && typeof f.properties === 'object' ? f.properties : {};
  const id = text(p.id) || (typeof f.id === 'string' || typeof f.id === 'number' ? String(f.id) : '');
  const rank = numberOrNull(p.rank);
  return {
    id,
    route: text(p.route),
    startKm: numberOrNull(p.start_km),
    endKm: numberOrNull(p.end_km),
    risk: numberOrNull(p.risk),
    cls: riskClassOf(p, vocab),
    incidents: countOrSuppressed(p.incidents),
    dead: countOrSuppressed(p.dead),
    missing: countOrSuppressed(p.missing),
    lastIncident: text(p.last_incident),
    incidentsPerYear: numberOrNull(p.incidents_per_year),
    priority: numberOrNull(p.priority),
    rank: rank !== null && rank > 0 ? rank : null,
    reasons: textList(p.reasons),
    counted: 'incidents' in p,
  };
}

/** Coverage of a segment by one service category. */
export type CoverageStatus = 'ok' | 'gap' | 'no_data';

/** One service category at one segment. */
export interface Coverage {
  category: string;
  status: CoverageStatus;
  /** Distance to the nearest current service, when the server found one. */
  nearestKm: number | null;
}

const COVERAGE_PREFIX = 'coverage_';
const STATUS_ORDER: Record<CoverageStatus, number> = { gap: 0, ok: 1, no_data: 2 };

/**
 * The service coverage of a segment, one entry per category: from the
 * `coverage_C` and `nearest_C_km` properties, plus any category named in
 * `gaps` or `no_data` without its own property. Gaps come first, then
 * categories with a service within reach, then those without data; within
 * each, the vocabulary's category order, then by name.
 */
export function segmentCoverage(p: Properties | null, vocab: Vocabulary): Coverage[] {
  if (!p) return [];
  const byCategory = new Map<string, Coverage>();
  for (const [key, value] of Object.entries(p)) {
    if (!key.startsWith(COVERAGE_PREFIX) || key.length === COVERAGE_PREFIX.length) continue;
    if (value !== 'ok' && value !== 'gap' && value !== 'no_data') continue;
    const category = key.slice(COVERAGE_PREFIX.length);
    byCategory.set(category, { category, status: value, nearestKm: numberOrNull(p[`nearest_${category}_km`]) });
  }
  for (const [list, status] of [[p.gaps, 'gap'], [p.no_data, 'no_data']] as const) {
    for (const category of textList(list)) {
      if (!byCategory.has(category)) byCategory.set(category, { category, status, nearestKm: null });
    }
  }
  const rank = (c: string) => serviceCategoryRank(vocab, c);
  return [...byCategory.values()].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      rank(a.category) - rank(b.category) ||
      (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
}

/** One hotspot cell as the dashboard shows it. */
export interface Cell {
  cell: string;
  resolution: number | null;
  /** Counts; null when the server suppressed a count of 1–4. */
  incidents: number | null;
  dead: number | null;
  missing: number | null;
  z: number | null;
  p: number | null;
  pFdr: number | null;
  cls: HotspotClass | null;
}

/** Reads a hotspot cell from its untrusted properties. */
export function readCell(f: Feature): Cell {
  const p: Properties = f.properties && typeof f.properties === 'object' ? f.properties : {};
  return {
    cell: text(p.cell) || (typeof f.id === 'string' ? text(f.id) : ''),
    resolution: numberOrNull(p.resolution),
    incidents: countOrSuppressed(p.incidents),
    dead: countOrSuppressed(p.dead),
    missing: countOrSuppressed(p.missing),
    z: numberOrNull(p.z),
    p: numberOrNull(p.p),
    pFdr: numberOrNull(p.p_fdr),
    cls: hotspotClassOf(p),
  };
}

/** Counts features per class. */
export function countClasses<C extends string>(features: readonly Feature[], classOf: (p: Properties | null) => C | null): Map<C, number> {
  const out = new Map<C, number>();
  for (const f of features) {
    const c = classOf(f.properties);
    if (c !== null) out.set(c, (out.get(c) ?? 0) + 1);
  }
  return out;
}
