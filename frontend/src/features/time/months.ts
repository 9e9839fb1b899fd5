import { datetimeParam } from '../filters/filters';
import { appendFilters, isIsoDate, type Filters } from '../../shared/urlstate';

/**
 * The logic of the time slider and the monthly chart, without the page:
 * reading the API's monthly series, the slider's positions over the
 * incidents' months, and the date filter each position stands for.
 */

/** One month of a series; null counts are withheld by the server (the public tier's rule for small counts). */
export interface MonthRow {
  month: string;
  incidents: number | null;
  dead: number | null;
  missing: number | null;
}

/** A monthly series (GET /layers/{id}/months), or several merged. */
export interface MonthSeries {
  months: MonthRow[];
  /** The last incident's date or month ('' when unknown). */
  dataThrough: string;
  caveats: string[];
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** Reports whether s is a month written YYYY-MM. */
export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && MONTH.test(s);
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
}

/** Reads an untrusted monthly series answer; rows that are not months are dropped, and the rest sorted. */
export function parseMonths(body: unknown): MonthSeries {
  const o = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const rows = Array.isArray(o.months) ? o.months : [];
  const months: MonthRow[] = [];
  for (const r of rows) {
    const m = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    if (!isMonth(m.month)) continue;
    months.push({ month: m.month, incidents: count(m.incidents), dead: count(m.dead), missing: count(m.missing) });
  }
  months.sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : 0));
  const caveats = Array.isArray(o.caveats) ? o.caveats.filter((c): c is string => typeof c === 'string') : [];
  return { months, dataThrough: typeof o.data_through === 'string' ? o.data_through : '', caveats };
}

/**
 * Merges the series of several incident layers month by month: counts are
 * added; a withheld count (null) in one layer makes the month's sum
 * withheld, since the sum would otherwise not be what either shows.
 */
export function mergeSeries(list: readonly MonthSeries[]): MonthSeries {
  if (list.length === 1) return list[0]!;
  const by = new Map<string, MonthRow>();
  const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
  for (const s of list) {
    for (const r of s.months) {
      const prev = by.get(r.month);
      by.set(r.month, prev
        ? { month: r.month, incidents: add(prev.incidents, r.incidents), dead: add(prev.dead, r.dead), missing: add(prev.missing, r.missing) }
        : { ...r });
    }
  }
  const months = [...by.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
  const dataThrough = list.map((s) => s.dataThrough).sort().at(-1) ?? '';
  const caveats = [...new Set(list.flatMap((s) => s.caveats))];
  return { months, dataThrough, caveats };
}

/** The first and last day of a month ("2023-02" → 2023-02-01, 2023-02-28). */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/** The month the date filter covers exactly (its first to its last day), or null. */
export function monthOfFilters(f: Pick<Filters, 'from' | 'to'>): string | null {
  if (!isIsoDate(f.from) || !isIsoDate(f.to)) return null;
  const month = f.from.slice(0, 7);
  const r = monthRange(month);
  return r.from === f.from && r.to === f.to ? month : null;
}

/**
 * The slider's position for the filters over `months`: 0 is "every date"
 * (no date filter, or one that is not a single month of the list), and
 * i + 1 the i-th month.
 */
export function sliderIndex(months: readonly string[], f: Pick<Filters, 'from' | 'to'>): number {
  const m = monthOfFilters(f);
  return m === null ? 0 : months.indexOf(m) + 1;
}

/** The filters with the date range of slider position `index` (0: no date filter). */
export function filtersAtIndex(months: readonly string[], index: number, f: Filters): Filters {
  const month = index >= 1 ? months[Math.min(index, months.length) - 1] : undefined;
  if (!month) return { ...f, from: '', to: '' };
  return { ...f, ...monthRange(month) };
}

/** The next position while playing: one month on, from "every date" the first month; null past the last. */
export function nextIndex(index: number, count: number): number | null {
  const next = Math.max(index, 0) + 1;
  return next > count ? null : next;
}

/**
 * Whether a month lies inside the date filter (both ends optional); with no
 * date filter, no month is marked.
 */
export function monthSelected(month: string, f: Pick<Filters, 'from' | 'to'>): boolean {
  const from = isIsoDate(f.from) ? f.from : '';
  const to = isIsoDate(f.to) ? f.to : '';
  if (!from && !to) return false;
  const r = monthRange(month);
  return (!from || r.to >= from) && (!to || r.from <= to);
}

/**
 * The query of a monthly series under `filters`: the route and cause only.
 * The chart spans every month and marks the chosen dates, so the date
 * range is not sent (the series stays one cached answer while playing).
 */
export function monthsParams(filters: Filters): URLSearchParams {
  return appendFilters(new URLSearchParams(), filters, ['route', 'cause']);
}

/** The query of a menu's counts: every filter of an incident layer but the menu's own. */
export function valuesParams(filters: Filters, own: 'route' | 'cause', dated: boolean): URLSearchParams {
  const q = new URLSearchParams();
  const dt = dated ? datetimeParam(filters.from, filters.to) : '';
  if (dt) q.set('datetime', dt);
  return appendFilters(q, filters, own === 'route' ? ['cause'] : ['route']);
}

/** One bar of the chart: dead stacked under missing, heights in chart units. */
export interface Bar {
  month: string;
  dead: number;
  missing: number;
  /** Whether a count of the month is withheld (drawn as a mark, not a bar). */
  withheld: boolean;
}

/** Scales the series to bars of at most `height` units (the tallest month is `height`). */
export function chartBars(months: readonly MonthRow[], height: number): Bar[] {
  const total = (r: MonthRow) => (r.dead ?? 0) + (r.missing ?? 0);
  const max = Math.max(0, ...months.map(total));
  const scale = max > 0 ? height / max : 0;
  const round = (n: number) => Math.round(n * 100) / 100;
  return months.map((r) => ({
    month: r.month,
    dead: round((r.dead ?? 0) * scale),
    missing: round((r.missing ?? 0) * scale),
    withheld: r.dead === null || r.missing === null || r.incidents === null,
  }));
}
