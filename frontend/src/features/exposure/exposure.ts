import { formatCount } from '../risk/analysispopup';
import { createInfoBlock } from '../priorities/analysisinfo';
import { isAbort } from '../../shared/api';
import { el, svg } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { describeError } from '../../shared/status';

/**
 * Exposure: dead and missing per 1,000 crossings, per route and month
 * (GET /risk/routes?year=YYYY). A year selector, a table per route (dead and
 * missing, crossings, the rate, the series that counts the crossings, or why a
 * route has none) and a month-by-month chart of one route, built from DOM
 * nodes with every text through textContent. The answer is untrusted JSON.
 */

/** A crossing series: what it is called and what it counts. */
export interface CrossingSeries {
  name: string;
  counts: string;
  attribution: string;
  /** Who produced the series (its source), '' when not given. */
  origin: string;
  /** The uploaded exposure layer version the counts come from; null for a bundled series. */
  layer: { id: string; version: number } | null;
}

/** One month of a route. Counts are null where the server suppressed them or has none. */
export interface MonthExposure {
  month: string;
  dead: number | null;
  missing: number | null;
  crossings: number | null;
  per1000: number | null;
}

/** Another series that checks a route's rate (e.g. arrivals in Italy). */
export interface CrossCheck {
  label: string;
  per1000: number | null;
}

/** One route of the answer. */
export interface RouteExposure {
  route: string;
  dead: number | null;
  missing: number | null;
  crossings: number | null;
  source: CrossingSeries | null;
  per1000: number | null;
  /** Why the route has no rate, as the API words it; '' when it has one. */
  reason: string;
  crossChecks: CrossCheck[];
  months: MonthExposure[];
}

/** The answer of /risk/routes. */
export interface ExposureAnswer {
  year: number | null;
  routes: RouteExposure[];
  caveats: string[];
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null);

/** Reads crossings_layer: the uploaded layer version a route's denominator comes from, or null. */
function layerRef(v: unknown): { id: string; version: number } | null {
  const o = obj(v);
  const id = str(o.id);
  const version = num(o.version);
  return id && version !== null && Number.isInteger(version) ? { id, version } : null;
}

/** Reads the untrusted JSON of /risk/routes; malformed parts become empty or null. Routes without a name are dropped. */
export function readExposure(json: unknown): ExposureAnswer {
  const body = obj(json);
  const routes = arr(body.routes).flatMap((x): RouteExposure[] => {
    const o = obj(x);
    const route = str(o.route);
    if (!route) return [];
    const s = obj(o.crossings_source);
    const name = str(s.name);
    return [{
      route,
      dead: num(o.dead),
      missing: num(o.missing),
      crossings: num(o.crossings),
      source: name ? { name, counts: str(s.counts), attribution: str(s.attribution), origin: str(s.source), layer: layerRef(o.crossings_layer) } : null,
      per1000: num(o.per_1000),
      reason: str(o.reason),
      crossChecks: arr(o.cross_checks).map(obj).filter((c) => str(c.label) !== '').map((c) => ({ label: str(c.label), per1000: num(c.per_1000) })),
      months: arr(o.months).map(obj).filter((m) => /^\d{4}-(0[1-9]|1[0-2])$/.test(str(m.month))).map((m) => ({
        month: str(m.month), dead: num(m.dead), missing: num(m.missing), crossings: num(m.crossings), per1000: num(m.per_1000),
      })),
    }];
  });
  const year = num(body.year);
  return {
    year: year !== null && Number.isInteger(year) ? year : null,
    routes,
    caveats: arr(body.caveats).map(str).filter((c) => c !== ''),
  };
}

/** The URL of a year's answer, relative to the API root. */
export function exposurePath(year: number): string {
  return `risk/routes?year=${encodeURIComponent(String(year))}`;
}

/** Dead plus missing when both are known; else both, each as formatCount reads it. */
export function deadMissingText(i18n: I18n, dead: number | null, missing: number | null, min?: number): string {
  if (dead !== null && missing !== null) return i18n.formatNumber(dead + missing);
  return `${formatCount(i18n, dead, min)} + ${formatCount(i18n, missing, min)}`;
}

/** A rate per 1,000 with one decimal below 100 (two below 1), or "no rate". */
export function formatRate(i18n: I18n, rate: number | null): string {
  if (rate === null) return i18n.t('exposure.noRate');
  return i18n.formatNumber(rate, rate < 1 ? 2 : rate < 100 ? 1 : 0);
}

/**
 * The table: routes with a rate first (highest first), then the others by
 * name. Each route is a group of two rows, so that it fits a narrow panel:
 * its figures, then the series that counts its crossings (with what it
 * counts and any cross-check) or why it has none.
 */
export function buildExposureTable(i18n: I18n, routes: readonly RouteExposure[], min?: number): HTMLTableElement {
  const { t } = i18n;
  const sorted = [...routes].sort((a, b) => {
    if ((a.per1000 === null) !== (b.per1000 === null)) return a.per1000 === null ? 1 : -1;
    if (a.per1000 !== null && b.per1000 !== null && a.per1000 !== b.per1000) return b.per1000 - a.per1000;
    return a.route.localeCompare(b.route, i18n.lang);
  });
  const heads = ['exposure.route', 'exposure.deadMissing', 'exposure.crossings', 'exposure.per1000'] as const;
  return el('table', { class: 'exposure-table' }, [
    el('caption', { class: 'visually-hidden' }, t('exposure.heading')),
    el('thead', null, el('tr', null, heads.map((k) => el('th', { scope: 'col' }, t(k))))),
    ...sorted.map((r) => el('tbody', { 'data-route': r.route, 'data-rate': r.per1000 === null ? 'none' : 'yes' }, [
      el('tr', { class: 'exposure-figures' }, [
        el('th', { scope: 'row', dir: 'auto' }, r.route),
        el('td', { class: 'num' }, deadMissingText(i18n, r.dead, r.missing, min)),
        el('td', { class: 'num' }, r.crossings === null ? '–' : i18n.formatNumber(r.crossings)),
        el('td', { class: 'num exposure-rate' }, formatRate(i18n, r.per1000)),
      ]),
      el('tr', { class: 'exposure-denominator' }, el('td', { colspan: 4, dir: 'auto' }, r.source
        ? [
          el('span', { class: 'exposure-source' }, `${t('exposure.source')}: ${r.source.name}`),
          r.source.counts && el('span', { class: 'exposure-counts' }, r.source.counts),
          r.source.layer && el('span', { class: 'exposure-layer', 'data-layer': r.source.layer.id },
            t('exposure.uploadedLayer', { id: r.source.layer.id, version: r.source.layer.version })),
          r.source.layer && r.source.origin && el('span', { class: 'exposure-origin' }, t('exposure.seriesSource', { source: r.source.origin })),
          ...r.crossChecks.map((c) => el('span', { class: 'exposure-check' }, t('exposure.crossCheck', { label: c.label, value: formatRate(i18n, c.per1000) }))),
        ]
        : el('span', { class: 'exposure-reason' }, r.reason || t('exposure.noRate')))),
    ])),
  ]);
}

/** Chart geometry, in SVG user units. */
const CHART = { barWidth: 20, gap: 6, height: 90, top: 14, bottom: 16 } as const;

/**
 * The month-by-month chart of one route's rate: a bar per month, a grey tick
 * where the month has no rate. The SVG is hidden from screen readers; a
 * visually hidden table holds the same numbers.
 */
export function buildExposureChart(i18n: I18n, route: RouteExposure, min?: number): HTMLElement {
  const { t } = i18n;
  const caption = t('exposure.chart', { route: route.route });
  const max = Math.max(0, ...route.months.map((m) => m.per1000 ?? 0)) || 1;
  const width = route.months.length * (CHART.barWidth + CHART.gap) + CHART.gap;
  const full = CHART.top + CHART.height + CHART.bottom;
  const base = CHART.top + CHART.height;
  const bars = route.months.map((m, i) => {
    const x = CHART.gap + i * (CHART.barWidth + CHART.gap);
    const h = m.per1000 === null ? 0 : Math.round((m.per1000 / max) * CHART.height * 10) / 10;
    const title = t('exposure.barTitle', {
      month: i18n.formatMonth(m.month), value: formatRate(i18n, m.per1000),
      count: deadMissingText(i18n, m.dead, m.missing, min), crossings: m.crossings === null ? '–' : i18n.formatNumber(m.crossings),
    });
    return svg('g', null, [
      m.per1000 === null
        ? svg('rect', { class: 'bar-none', x, y: base - 1, width: CHART.barWidth, height: 1, 'data-month': m.month }, svg('title', null, title))
        : svg('rect', { class: 'bar', x, y: base - h, width: CHART.barWidth, height: h, 'data-month': m.month, 'data-value': m.per1000 }, svg('title', null, title)),
      svg('text', { x: x + CHART.barWidth / 2, y: base - h - 3, 'text-anchor': 'middle' }, m.per1000 === null ? '–' : formatRate(i18n, m.per1000)),
      svg('text', { x: x + CHART.barWidth / 2, y: full - 4, 'text-anchor': 'middle' }, m.month.slice(5)),
    ]);
  });
  const heads = ['exposure.month', 'exposure.deadMissing', 'exposure.crossings', 'exposure.per1000'] as const;
  return el('figure', { class: 'exposure-chart', 'data-route': route.route }, [
    el('figcaption', { dir: 'auto' }, caption),
    svg('svg', { viewBox: `0 0 ${width} ${full}`, 'aria-hidden': 'true', focusable: 'false' }, bars),
    el('table', { class: 'visually-hidden' }, [
      el('caption', null, caption),
      el('thead', null, el('tr', null, heads.map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', null, route.months.map((m) => el('tr', null, [
        el('th', { scope: 'row' }, i18n.formatMonth(m.month)),
        el('td', null, deadMissingText(i18n, m.dead, m.missing, min)),
        el('td', null, m.crossings === null ? '–' : i18n.formatNumber(m.crossings)),
        el('td', null, formatRate(i18n, m.per1000)),
      ]))),
    ]),
  ]);
}

/** What the exposure panel needs. */
export interface ExposureOptions {
  /** GETs a path under the API root as JSON (the API client's getJson). */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>;
  /** The years offered, oldest first. */
  years: readonly number[];
  /** The year shown first. */
  year: number;
  /** The public tier's smallest shown count (for "fewer than …"). */
  minCount?: number;
  /** Shows (or clears, with null) a message in the status region. */
  onError(message: string | null): void;
}

/** The exposure panel. */
export interface ExposurePanel {
  element: HTMLElement;
  /** Loads and shows a year (the panel loads its first year when first opened). */
  show(year: number): Promise<void>;
  /** Offers the years up to the date the data runs to (YYYY-MM[-DD]); the selection moves only before the first load. */
  setDataThrough(dataThrough: string): void;
  /** Loads the shown year again (after a sign-in changes what the caller may see); nothing before the first load. */
  refresh(): Promise<void>;
}

/** Builds the panel, collapsed; opening it loads the selected year. */
export function createExposurePanel(i18n: I18n, o: ExposureOptions): ExposurePanel {
  const { t } = i18n;
  const yearSelect = el('select', { id: 'exposure-year' }, o.years.map((y) => el('option', { value: String(y) }, String(y))));
  yearSelect.value = String(o.year);
  const routeSelect = el('select', { id: 'exposure-route' });
  const routeLabel = el('label', { hidden: true }, [t('exposure.chartRoute'), routeSelect]);
  const message = el('p', { class: 'exposure-message', role: 'status' });
  const tableSlot = el('div', { class: 'exposure-table-wrap' });
  const chartSlot = el('div');
  const info = createInfoBlock(i18n, 'exposure-info');
  const details = el('details', null, [
    el('summary', null, el('h2', { id: 'exposure-heading' }, t('exposure.heading'))),
    el('div', { class: 'exposure-controls' }, [el('label', null, [t('exposure.year'), yearSelect]), routeLabel]),
    el('p', { class: 'exposure-note' }, t('exposure.notPeople')),
    message,
    tableSlot,
    chartSlot,
    info.element,
  ]);
  const section = el('section', { class: 'panel-section exposure', id: 'exposure', 'aria-labelledby': 'exposure-heading' }, details);

  let answer: ExposureAnswer | null = null;
  let controller: AbortController | null = null;
  let loaded = false;

  const drawChart = () => {
    const r = answer?.routes.find((x) => x.route === routeSelect.value);
    chartSlot.replaceChildren(...(r ? [buildExposureChart(i18n, r, o.minCount)] : []));
  };
  routeSelect.addEventListener('change', drawChart);

  const show = async (year: number): Promise<void> => {
    loaded = true;
    controller?.abort();
    const c = new AbortController();
    controller = c;
    yearSelect.value = String(year);
    section.dataset.status = 'loading';
    section.setAttribute('aria-busy', 'true');
    message.textContent = t('exposure.loading');
    try {
      const a = readExposure(await o.getJson(exposurePath(year), c.signal));
      if (c.signal.aborted) return;
      answer = a;
      const rated = a.routes.filter((r) => r.per1000 !== null);
      message.textContent = rated.length === 0 ? t('exposure.noRoutes') : '';
      tableSlot.replaceChildren(buildExposureTable(i18n, a.routes, o.minCount));
      const keep = routeSelect.value;
      routeSelect.replaceChildren(...rated.map((r) => el('option', { value: r.route }, r.route)));
      const top = [...rated].sort((x, y) => (y.crossings ?? 0) - (x.crossings ?? 0))[0];
      routeSelect.value = rated.some((r) => r.route === keep) ? keep : top?.route ?? '';
      routeLabel.hidden = rated.length === 0;
      drawChart();
      info.set({ dataThrough: '', caveats: a.caveats });
      section.dataset.status = 'ready';
      o.onError(null);
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      section.dataset.status = 'error';
      message.textContent = t('exposure.error');
      o.onError(describeError(i18n, t('status.what.exposure'), err));
    } finally {
      if (controller === c) {
        controller = null;
        section.removeAttribute('aria-busy');
      }
    }
  };
  yearSelect.addEventListener('change', () => void show(Number(yearSelect.value)));
  details.addEventListener('toggle', () => {
    if (details.open && !loaded) void show(Number(yearSelect.value));
  });
  const setDataThrough = (through: string) => {
    const { years, year } = exposureYears(through, o.year);
    const keep = yearSelect.value;
    yearSelect.replaceChildren(...years.map((y) => el('option', { value: String(y) }, String(y))));
    yearSelect.value = loaded && years.includes(Number(keep)) ? keep : String(year);
  };
  const refresh = () => (loaded ? show(Number(yearSelect.value)) : Promise.resolve());
  return { element: section, show, setDataThrough, refresh };
}

/** The years to offer: from 2014 (the first year of the Missing Migrants Project) to the year the data runs to. */
export function exposureYears(dataThrough: string, fallbackYear: number): { years: number[]; year: number } {
  const m = /^(\d{4})-(\d{2})/.exec(dataThrough);
  const last = m ? Number(m[1]) : fallbackYear;
  const years: number[] = [];
  for (let y = 2014; y <= Math.max(2014, last); y++) years.push(y);
  // The last full year: the data's year only when it runs to December.
  const year = m && m[2] === '12' ? last : Math.max(2014, last - 1);
  return { years, year };
}
