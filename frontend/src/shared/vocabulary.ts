import type { I18n } from './i18n';

/**
 * RouteRisk's vocabulary as the server serves it (GET /api/v1/vocabulary):
 * the risk classes and their breakpoints, the service categories in the
 * order every list shows them, the Missing Migrants cause categories, the
 * route names and the map zoom → H3 resolution steps. The dashboard and the
 * embedded map fetch it once at start-up and read every one of these from
 * it; the frontend keeps no copy. Labels still come from the message
 * catalogue (`cause.<key>`, `serviceCategory.<category>`), falling back to
 * the vocabulary's English label, then to the raw value.
 */

/** A band of route risk: a risk from `from` (inclusive) up to the next class's `from`. */
export interface RiskClassTerm {
  cls: string;
  from: number;
  label: string;
}

/** One kind of help a service gives. */
export interface ServiceCategoryTerm {
  category: string;
  label: string;
  /** Values of a service's `type` that belong to it. */
  subtypes: string[];
}

/** One Missing Migrants cause-of-death category. */
export interface CauseTerm {
  /** As the record spells it (and as filters and properties carry it). */
  category: string;
  /** Short stable name, for the catalogue (`cause.<key>`). */
  key: string;
}

/** From map zoom `minZoom` on, cells are drawn at `resolution`. */
export interface ZoomStep {
  minZoom: number;
  resolution: number;
}

/** The H3 resolutions the server offers, and how map zooms map onto them. */
export interface Resolutions {
  min: number;
  max: number;
  default: number;
  /** Finest resolution restricted layers are counted in at the public tier. */
  publicMax: number;
  /** Lowest zoom first. */
  zoomSteps: ZoomStep[];
}

/** The whole vocabulary. */
export interface Vocabulary {
  /** Lowest first (also the drawing order: the highest ends on top). */
  riskClasses: RiskClassTerm[];
  serviceCategories: ServiceCategoryTerm[];
  causes: CauseTerm[];
  routes: string[];
  resolutions: Resolutions;
  /** Fewest incidents a cell shown at the public tier counts. */
  minPublicCount: number;
  /** A service last verified longer ago than this many years is stale (the analysis's default stale_years). */
  staleYears: number;
}

/** The analysis's default stale_years, for a server that does not say. */
export const DEFAULT_STALE_YEARS = 10;

/** The path of the vocabulary under the API root. */
export const VOCABULARY_PATH = 'vocabulary';

/**
 * Reads the vocabulary from its untrusted JSON. Entries that are not what
 * they should be are dropped; an answer without risk classes, causes,
 * service categories or zoom steps is not a vocabulary and throws.
 */
export function parseVocabulary(v: unknown): Vocabulary {
  const o = obj(v);
  const riskClasses: RiskClassTerm[] = [];
  for (const e of arr(o.risk_classes)) {
    const c = obj(e);
    if (typeof c.class === 'string' && c.class !== '' && finite(c.from)) {
      riskClasses.push({ cls: c.class, from: c.from, label: str(c.label) || c.class });
    }
  }
  riskClasses.sort((a, b) => a.from - b.from);
  const serviceCategories: ServiceCategoryTerm[] = [];
  for (const e of arr(o.service_categories)) {
    const c = obj(e);
    if (typeof c.category === 'string' && c.category !== '') {
      serviceCategories.push({
        category: c.category,
        label: str(c.label) || c.category,
        subtypes: arr(c.subtypes).filter((s): s is string => typeof s === 'string'),
      });
    }
  }
  const causes: CauseTerm[] = [];
  for (const e of arr(o.causes)) {
    const c = obj(e);
    if (typeof c.category === 'string' && c.category !== '' && typeof c.key === 'string' && /^[a-z0-9_]{1,40}$/.test(c.key)) {
      causes.push({ category: c.category, key: c.key });
    }
  }
  const r = obj(o.resolutions);
  const zoomSteps: ZoomStep[] = [];
  for (const e of arr(r.zoom_steps)) {
    const s = obj(e);
    if (finite(s.min_zoom) && Number.isInteger(s.resolution)) zoomSteps.push({ minZoom: s.min_zoom, resolution: s.resolution as number });
  }
  zoomSteps.sort((a, b) => a.minZoom - b.minZoom);
  if (riskClasses.length === 0 || serviceCategories.length === 0 || causes.length === 0 || zoomSteps.length === 0) {
    throw new Error('the vocabulary lacks risk classes, service categories, causes or zoom steps');
  }
  const min = Number.isInteger(r.min) ? (r.min as number) : Math.min(...zoomSteps.map((s) => s.resolution));
  const max = Number.isInteger(r.max) ? (r.max as number) : Math.max(...zoomSteps.map((s) => s.resolution));
  return {
    riskClasses,
    serviceCategories,
    causes,
    routes: arr(o.routes).filter((s): s is string => typeof s === 'string' && s !== ''),
    resolutions: {
      min,
      max,
      default: Number.isInteger(r.default) ? (r.default as number) : min,
      publicMax: Number.isInteger(r.public_max) ? (r.public_max as number) : max,
      zoomSteps,
    },
    minPublicCount: finite(o.min_public_count) ? o.min_public_count : 0,
    staleYears: Number.isInteger(o.stale_years) && (o.stale_years as number) > 0 ? (o.stale_years as number) : DEFAULT_STALE_YEARS,
  };
}

/** Fetches and reads the vocabulary with `getJson` (the API client's). */
export async function loadVocabulary(getJson: (path: string, signal?: AbortSignal) => Promise<unknown>, signal?: AbortSignal): Promise<Vocabulary> {
  return parseVocabulary(await getJson(VOCABULARY_PATH, signal));
}

/**
 * The H3 resolution of cells at a map zoom, as the server maps `zoom=`: the
 * resolution of the last step whose `minZoom` the zoom reaches (a fractional
 * zoom counts as the whole zoom below it; anything else gets the minimum).
 */
export function resolutionForZoom(v: Vocabulary, zoom: number): number {
  const z = Number.isFinite(zoom) ? Math.floor(zoom) : -Infinity;
  let res = v.resolutions.min;
  for (const s of v.resolutions.zoomSteps) if (z >= s.minZoom) res = s.resolution;
  return res;
}

/**
 * The H3 resolution of the cells a restricted layer is counted in at the
 * public tier for a map zoom: the hotspot mapping, never finer than the
 * public maximum. A new resolution means a new request; zooming within one
 * asks nothing.
 */
export function publicCellResolution(v: Vocabulary, zoom: number): number {
  return Math.min(v.resolutions.publicMax, resolutionForZoom(v, zoom));
}

/** The names of the risk classes, lowest first. */
export function riskClassNames(v: Vocabulary): string[] {
  return v.riskClasses.map((c) => c.cls);
}

/** Reports whether `cls` is one of the vocabulary's risk classes. */
export function isRiskClass(v: Vocabulary, cls: unknown): cls is string {
  return typeof cls === 'string' && v.riskClasses.some((c) => c.cls === cls);
}

/** Reports whether `value` is one of the cause categories. */
export function isCause(v: Vocabulary, value: string): boolean {
  return v.causes.some((c) => c.category === value);
}

/** The place of a service category in the vocabulary's order (unknown ones after all known ones). */
export function serviceCategoryRank(v: Vocabulary, category: string): number {
  const i = v.serviceCategories.findIndex((c) => c.category === category);
  return i < 0 ? v.serviceCategories.length : i;
}

/**
 * The label of a cause category in the current language: the catalogue's
 * `cause.<key>`, else the value as the record spells it. Without a
 * vocabulary (or for a value it does not know) the value is shown as it is.
 */
export function causeLabel(i18n: I18n, value: string, v: Vocabulary | null): string {
  const c = v?.causes.find((x) => x.category === value);
  if (!c) return value;
  const key = `cause.${c.key}`;
  return i18n.has(key) ? i18n.t(key) : c.category;
}

/**
 * The label of a service category in the current language: the catalogue's
 * `serviceCategory.<category>`, else the vocabulary's label, else the value.
 */
export function serviceCategoryLabel(i18n: I18n, value: string, v: Vocabulary | null = null): string {
  const key = `serviceCategory.${value}`;
  if (i18n.has(key)) return i18n.t(key);
  return v?.serviceCategories.find((c) => c.category === value)?.label ?? value;
}

/**
 * The label of a risk class in the current language: the catalogue's
 * `risk.class.<class>`, else the vocabulary's label, else the class.
 */
export function riskClassTermLabel(i18n: I18n, cls: string, v: Vocabulary | null): string {
  const key = `risk.class.${cls}`;
  if (i18n.has(key)) return i18n.t(key);
  return v?.riskClasses.find((c) => c.cls === cls)?.label ?? cls;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
