import { numberOrNull, readSegment, text, type CoverageStatus } from './analysis';
import { coverageText, formatCount, formatRisk, kmRange } from './analysispopup';
import { readWhere } from '../priorities/priorities';
import { ApiError, type Feature } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { describeError } from '../../shared/status';
import { causeLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';
import { el, svg } from '../../shared/dom';

/**
 * The details of one stretch of route (GET /risk/segments/{id}): dead and
 * missing per year as a small bar chart (with a table of the same numbers
 * for screen readers), the nearest service per category, and the incidents
 * that count most (listed to partners and staff only: at the public privacy
 * tier the answer counts them but lists none). Built from DOM nodes; every
 * text through textContent.
 */

/** One incident that counts for the stretch. */
export interface DetailIncident {
  id: string;
  /** YYYY-MM-DD, or '' when unknown. */
  date: string;
  dead: number;
  missing: number;
  cause: string;
  distanceKm: number | null;
  weight: number | null;
}

/** Incidents, dead and missing of one year; null where the server suppressed a count of 1–4. */
export interface YearCount {
  year: number;
  incidents: number | null;
  dead: number | null;
  missing: number | null;
}

/** One service category near the stretch. */
export interface DetailService {
  category: string;
  status: CoverageStatus;
  nearestKm: number | null;
  nearestName: string;
}

/** The answer of the details endpoint, read defensively. */
export interface SegmentDetails {
  segment: Feature | null;
  incidents: DetailIncident[];
  incidentsTotal: number;
  perYear: YearCount[];
  services: DetailService[];
}

/** Incidents listed at most. */
export const TOP_INCIDENTS = 20;

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const count = (v: unknown): number => Math.max(0, numberOrNull(v) ?? 0);
const tally = (v: unknown): number | null => (v === null ? null : count(v));

/** Reads the untrusted JSON of /risk/segments/{id}. Missing or malformed parts become empty. */
export function readDetails(json: unknown): SegmentDetails {
  const body = obj(json);
  const seg = obj(body.segment);
  const segment = seg.type === 'Feature' ? (seg as unknown as Feature) : null;
  const incidents = arr(body.incidents).map((x): DetailIncident => {
    const o = obj(x);
    return {
      id: typeof o.id === 'number' ? String(o.id) : text(o.id),
      date: text(o.date),
      dead: count(o.dead),
      missing: count(o.missing),
      cause: text(o.cause_category),
      distanceKm: numberOrNull(o.distance_km),
      weight: numberOrNull(o.weight),
    };
  });
  const perYear = arr(body.per_year)
    .map((x) => {
      const o = obj(x);
      return { year: numberOrNull(o.year), incidents: tally(o.incidents), dead: tally(o.dead), missing: tally(o.missing) };
    })
    .filter((y): y is YearCount => y.year !== null && Number.isInteger(y.year))
    .sort((a, b) => a.year - b.year);
  const services = arr(body.services).flatMap((x): DetailService[] => {
    const o = obj(x);
    const status = o.status;
    if (status !== 'ok' && status !== 'gap' && status !== 'no_data') return [];
    const category = text(o.category);
    if (!category) return [];
    return [{ category, status, nearestKm: numberOrNull(o.nearest_km), nearestName: text(obj(o.nearest).name) }];
  });
  const total = numberOrNull(body.incidents_total);
  return { segment, incidents, incidentsTotal: Math.max(incidents.length, total ?? 0), perYear, services };
}

/** The URL of a stretch's details: its id (encoded: ids hold ':') and the risk query. */
export function segmentDetailsUrl(id: string, params: URLSearchParams, base = '/api/v1'): string {
  const q = params.toString();
  return `${base}/risk/segments/${encodeURIComponent(id)}${q ? `?${q}` : ''}`;
}

/** Chart geometry, in SVG user units. */
const CHART = { barWidth: 24, gap: 8, height: 100, top: 16, bottom: 18 } as const;

/**
 * The per-year chart of dead and missing: one bar per year (a year without
 * any is a bar of height 0), its value above and the year below. The SVG is
 * hidden from screen readers; a visually hidden table holds the numbers.
 */
export function buildPerYearChart(i18n: I18n, years: readonly YearCount[], min?: number): HTMLElement {
  const { t } = i18n;
  const cap = el('figcaption', null, t('details.perYear'));
  if (years.length === 0) return el('figure', { class: 'details-chart' }, [cap, el('p', { class: 'details-empty' }, t('details.noYears'))]);
  const sum = (y: YearCount) => (y.dead ?? 0) + (y.missing ?? 0);
  const suppressed = (y: YearCount) => y.dead === null || y.missing === null;
  const max = Math.max(1, ...years.map(sum));
  const width = years.length * (CHART.barWidth + CHART.gap) + CHART.gap;
  const full = CHART.top + CHART.height + CHART.bottom;
  const bars = years.map((y, i) => {
    const value = sum(y);
    const h = Math.round((value / max) * CHART.height * 10) / 10;
    const x = CHART.gap + i * (CHART.barWidth + CHART.gap);
    return svg('g', null, [
      svg('rect', {
        class: 'bar', x, y: CHART.top + CHART.height - h, width: CHART.barWidth, height: h, 'data-year': y.year, 'data-value': value,
      }, svg('title', null, t('details.barTitle', { year: String(y.year), count: value }))),
      svg('text', { class: 'bar-value', x: x + CHART.barWidth / 2, y: CHART.top + CHART.height - h - 3, 'text-anchor': 'middle' },
        suppressed(y) ? formatCount(i18n, null, min) : i18n.formatNumber(value)),
      svg('text', { class: 'bar-year', x: x + CHART.barWidth / 2, y: full - 4, 'text-anchor': 'middle' }, String(y.year)),
    ]);
  });
  const heads = ['details.year', 'details.incidents', 'prop.dead', 'prop.missing', 'details.deadMissing'] as const;
  return el('figure', { class: 'details-chart' }, [
    cap,
    svg('svg', { viewBox: `0 0 ${width} ${full}`, class: 'details-bars', 'aria-hidden': 'true', focusable: 'false' }, bars),
    el('table', { class: 'visually-hidden details-table' }, [
      el('caption', null, t('details.perYear')),
      el('thead', null, el('tr', null, heads.map((k) => el('th', { scope: 'col' }, t(k))))),
      el('tbody', null, years.map((y) => el('tr', null, [
        el('th', { scope: 'row' }, String(y.year)),
        ...[y.incidents, y.dead, y.missing, suppressed(y) ? null : sum(y)].map((n) => el('td', null, formatCount(i18n, n, min))),
      ]))),
    ]),
  ]);
}

/** The body of the details panel: chart, services, top incidents and how many more. */
export function renderDetails(i18n: I18n, d: SegmentDetails, reachKm: number, vocab: Vocabulary | null = null): HTMLElement {
  const { t } = i18n;
  const root = el('div', { class: 'details-body' }, buildPerYearChart(i18n, d.perYear, vocab?.minPublicCount));

  if (d.services.length > 0) {
    root.append(el('h3', null, t('details.services')), el('dl', { class: 'details-services' }, d.services.flatMap((s) => {
      const words = coverageText(i18n, { category: s.category, status: s.status, nearestKm: s.nearestKm }, reachKm);
      return [
        el('dt', { dir: 'auto' }, serviceCategoryLabel(i18n, s.category, vocab)),
        el('dd', { class: `coverage coverage-${s.status}`, 'data-coverage': s.status },
          s.nearestName && s.status !== 'no_data' ? t('details.nearestNamed', { text: words, name: s.nearestName }) : words),
      ];
    })));
  }

  root.append(el('h3', null, t('details.topIncidents')));
  const top = [...d.incidents].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0)).slice(0, TOP_INCIDENTS);
  // At the public privacy tier the server counts the incidents but lists none.
  if (top.length === 0 && d.incidentsTotal > 0) {
    root.append(el('p', { class: 'details-restricted' }, t('details.incidentsRestricted')));
    return root;
  }
  if (top.length === 0) {
    root.append(el('p', { class: 'details-empty' }, t('details.noIncidents')));
    return root;
  }
  const heads = ['details.date', 'prop.dead', 'prop.missing', 'details.cause', 'details.distance'] as const;
  root.append(el('table', { class: 'details-incidents' }, [
    el('thead', null, el('tr', null, heads.map((k) => el('th', { scope: 'col' }, t(k))))),
    el('tbody', null, top.map((inc) => el('tr', { 'data-id': inc.id || null }, [
      inc.date ? i18n.formatDate(inc.date) : t('details.unknownDate'),
      i18n.formatNumber(inc.dead),
      i18n.formatNumber(inc.missing),
      inc.cause ? causeLabel(i18n, inc.cause, vocab) : '–',
      inc.distanceKm !== null ? t('details.distanceKm', { km: i18n.formatNumber(inc.distanceKm, 1) }) : '–',
    ].map((c) => el('td', { dir: 'auto' }, c))))),
  ]));
  const more = d.incidentsTotal - top.length;
  if (more > 0) root.append(el('p', { class: 'details-more' }, t('details.more', { count: more })));
  return root;
}

/**
 * Where a stretch lies and what its number is, in one line: its place, sea
 * or land, at sea its search-and-rescue region and landing place, and the
 * measure named for what it is. '' when the answer says none of these.
 */
export function whereLine(i18n: I18n, segment: Feature): string {
  const { t } = i18n;
  const w = readWhere(segment.properties);
  const risk = numberOrNull(segment.properties?.risk);
  const parts = [
    w.place || (w.location && t('priorities.location', { location: w.location })),
    w.setting && t(w.setting === 'sea' ? 'priorities.sea' : 'priorities.land'),
    w.srr && t('priorities.srr', { srr: w.srr }),
    w.landing && t('priorities.landing', { landing: w.landing }),
    risk !== null && t('priorities.measureValue', { risk: formatRisk(i18n, risk) }),
  ];
  return parts.filter((x): x is string => typeof x === 'string' && x !== '').join(' · ');
}

/** The details panel of the dashboard. */
export interface DetailsPanel {
  element: HTMLElement;
  /** Opens the panel on stretch `id` (the opener gets the focus back on close). */
  open(id: string, opener?: HTMLElement): Promise<void>;
  /** Reloads an open panel with the current settings and filters, leaving the focus where it is. */
  refresh(): Promise<void>;
  close(): void;
}

/** What the details panel needs: the vocabulary, the query of the current settings and filters, and where errors go. */
export interface DetailsOptions {
  /** The vocabulary: risk classes, and the labels of causes and service categories. */
  vocab: Vocabulary;
  /** The risk query of the current settings and filters. */
  params(): URLSearchParams;
  /** Shows (or clears, with null) a message in the status region. */
  onError(message: string | null): void;
  fetchFn?: (url: string, init?: RequestInit) => Promise<Response>;
  base?: string;
}

/**
 * Builds the details panel (hidden until opened). Opening fetches the
 * details; a 404 (the server has no details endpoint, or no such stretch)
 * reads as "not available" in the status region. Close and Escape hide it.
 */
export function createDetailsPanel(i18n: I18n, opts: DetailsOptions): DetailsPanel {
  const { t } = i18n;
  const fetchFn = opts.fetchFn ?? ((u: string, init?: RequestInit) => fetch(u, init));
  const h = el('h2', { id: 'details-heading', tabindex: -1 });
  const close = el('button', { type: 'button', class: 'details-close' }, t('details.close'));
  const message = el('p', { class: 'details-message', 'aria-live': 'polite' });
  const where = el('p', { class: 'details-where', dir: 'auto', hidden: true });
  const body = el('div', { 'aria-live': 'polite' });
  const aside = el('aside', { class: 'panel-section details', id: 'segment-details', hidden: true, 'aria-labelledby': 'details-heading' }, [
    el('div', { class: 'details-bar' }, [h, close]),
    where,
    message,
    body,
  ]);

  let controller: AbortController | null = null;
  let opener: HTMLElement | null = null;
  let currentId: string | null = null;

  const doClose = () => {
    controller?.abort();
    controller = null;
    aside.hidden = true;
    body.replaceChildren();
    message.textContent = '';
    where.textContent = '';
    where.hidden = true;
    delete aside.dataset.status;
    const back = opener;
    opener = null;
    currentId = null;
    if (back && back.isConnected) back.focus({ preventScroll: true });
  };
  close.addEventListener('click', doClose);
  aside.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.preventDefault();
      ev.stopPropagation();
      doClose();
    }
  });

  const load = async (id: string, from: HTMLElement | null, focus: boolean): Promise<void> => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    opener = from;
    currentId = id;
    const params = opts.params();
    const reach = Number(params.get('reach_km')) || 50;
    aside.hidden = false;
    aside.dataset.status = 'loading';
    aside.setAttribute('aria-busy', 'true');
    h.textContent = t('riskPopup.title');
    message.textContent = t('details.loading');
    body.replaceChildren();
    if (focus) h.focus({ preventScroll: false });
    try {
      let res: Response;
      try {
        res = await fetchFn(segmentDetailsUrl(id, params, opts.base), { signal: c.signal, headers: { Accept: 'application/json' } });
      } catch (err) {
        if (c.signal.aborted) return;
        throw new ApiError(err instanceof Error ? err.message : String(err), 0, 'network');
      }
      if (c.signal.aborted) return;
      if (res.status === 404) {
        aside.dataset.status = 'unavailable';
        message.textContent = t('details.notAvailable');
        opts.onError(t('details.notAvailable'));
        return;
      }
      if (!res.ok) throw new ApiError(`HTTP ${res.status}`, res.status, 'http_error');
      const d = readDetails(await res.json());
      if (c.signal.aborted) return;
      if (d.segment) {
        const s = readSegment(d.segment, opts.vocab);
        h.textContent = t('details.heading', { route: readWhere(d.segment.properties).route || t('riskPopup.title'), ...kmRange(i18n, s.startKm, s.endKm) });
      }
      where.textContent = d.segment ? whereLine(i18n, d.segment) : '';
      where.hidden = where.textContent === '';
      message.textContent = '';
      body.replaceChildren(renderDetails(i18n, d, reach, opts.vocab));
      aside.dataset.status = 'ready';
      opts.onError(null);
      if (focus) h.focus({ preventScroll: false });
    } catch (err) {
      if (c.signal.aborted) return;
      aside.dataset.status = 'error';
      const m = describeError(i18n, t('status.what.segmentDetails'), err);
      message.textContent = m;
      opts.onError(m);
    } finally {
      if (controller === c) {
        controller = null;
        aside.removeAttribute('aria-busy');
      }
    }
  };

  const open = (id: string, from?: HTMLElement) => load(id, from ?? null, true);
  const refresh = () => (aside.hidden || currentId === null ? Promise.resolve() : load(currentId, opener, false));
  return { element: aside, open, refresh, close: doClose };
}
