import { numberOrNull, readSegment, text, type CoverageStatus } from './analysis';
import { coverageText, kmRange } from './analysispopup';
import { ApiError, type Feature } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { describeError } from '../../shared/status';
import { causeLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';

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

/** Incidents, dead and missing of one year. */
export interface YearCount {
  year: number;
  incidents: number;
  dead: number;
  missing: number;
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
      return { year: numberOrNull(o.year), incidents: count(o.incidents), dead: count(o.dead), missing: count(o.missing) };
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

const SVG = 'http://www.w3.org/2000/svg';
/** Chart geometry, in SVG user units. */
const CHART = { barWidth: 24, gap: 8, height: 100, top: 16, bottom: 18 } as const;

/**
 * The per-year chart of dead and missing: one bar per year (a year without
 * any is a bar of height 0), its value above and the year below. The SVG is
 * hidden from screen readers; a visually hidden table holds the numbers.
 */
export function buildPerYearChart(doc: Document, i18n: I18n, years: readonly YearCount[]): HTMLElement {
  const { t } = i18n;
  const fig = doc.createElement('figure');
  fig.className = 'details-chart';
  const cap = doc.createElement('figcaption');
  cap.textContent = t('details.perYear');
  fig.append(cap);
  if (years.length === 0) {
    const p = doc.createElement('p');
    p.className = 'details-empty';
    p.textContent = t('details.noYears');
    fig.append(p);
    return fig;
  }
  const max = Math.max(1, ...years.map((y) => y.dead + y.missing));
  const width = years.length * (CHART.barWidth + CHART.gap) + CHART.gap;
  const full = CHART.top + CHART.height + CHART.bottom;
  const svg = doc.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', `0 0 ${width} ${full}`);
  svg.setAttribute('class', 'details-bars');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  years.forEach((y, i) => {
    const value = y.dead + y.missing;
    const h = Math.round((value / max) * CHART.height * 10) / 10;
    const x = CHART.gap + i * (CHART.barWidth + CHART.gap);
    const g = doc.createElementNS(SVG, 'g');
    const rect = doc.createElementNS(SVG, 'rect');
    rect.setAttribute('class', 'bar');
    rect.setAttribute('x', String(x));
    rect.setAttribute('y', String(CHART.top + CHART.height - h));
    rect.setAttribute('width', String(CHART.barWidth));
    rect.setAttribute('height', String(h));
    rect.setAttribute('data-year', String(y.year));
    rect.setAttribute('data-value', String(value));
    const title = doc.createElementNS(SVG, 'title');
    title.textContent = t('details.barTitle', { year: String(y.year), count: value });
    rect.append(title);
    const label = doc.createElementNS(SVG, 'text');
    label.setAttribute('class', 'bar-value');
    label.setAttribute('x', String(x + CHART.barWidth / 2));
    label.setAttribute('y', String(CHART.top + CHART.height - h - 3));
    label.setAttribute('text-anchor', 'middle');
    label.textContent = i18n.formatNumber(value);
    const year = doc.createElementNS(SVG, 'text');
    year.setAttribute('class', 'bar-year');
    year.setAttribute('x', String(x + CHART.barWidth / 2));
    year.setAttribute('y', String(full - 4));
    year.setAttribute('text-anchor', 'middle');
    year.textContent = String(y.year);
    g.append(rect, label, year);
    svg.append(g);
  });
  fig.append(svg);

  const table = doc.createElement('table');
  table.className = 'visually-hidden details-table';
  const caption = doc.createElement('caption');
  caption.textContent = t('details.perYear');
  const head = doc.createElement('tr');
  for (const k of ['details.year', 'details.incidents', 'prop.dead', 'prop.missing', 'details.deadMissing'] as const) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = t(k);
    head.append(th);
  }
  const thead = doc.createElement('thead');
  thead.append(head);
  const tbody = doc.createElement('tbody');
  for (const y of years) {
    const tr = doc.createElement('tr');
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = String(y.year);
    tr.append(th);
    for (const n of [y.incidents, y.dead, y.missing, y.dead + y.missing]) {
      const td = doc.createElement('td');
      td.textContent = i18n.formatNumber(n);
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  fig.append(table);
  return fig;
}

/** The body of the details panel: chart, services, top incidents and how many more. */
export function renderDetails(doc: Document, i18n: I18n, d: SegmentDetails, reachKm: number, vocab: Vocabulary | null = null): HTMLElement {
  const { t } = i18n;
  const root = doc.createElement('div');
  root.className = 'details-body';
  root.append(buildPerYearChart(doc, i18n, d.perYear));

  if (d.services.length > 0) {
    const h = doc.createElement('h3');
    h.textContent = t('details.services');
    const dl = doc.createElement('dl');
    dl.className = 'details-services';
    for (const s of d.services) {
      const dt = doc.createElement('dt');
      dt.dir = 'auto';
      dt.textContent = serviceCategoryLabel(i18n, s.category, vocab);
      const dd = doc.createElement('dd');
      dd.className = `coverage coverage-${s.status}`;
      dd.dataset.coverage = s.status;
      const words = coverageText(i18n, { category: s.category, status: s.status, nearestKm: s.nearestKm }, reachKm);
      dd.textContent = s.nearestName && s.status !== 'no_data' ? t('details.nearestNamed', { text: words, name: s.nearestName }) : words;
      dl.append(dt, dd);
    }
    root.append(h, dl);
  }

  const h = doc.createElement('h3');
  h.textContent = t('details.topIncidents');
  root.append(h);
  const top = [...d.incidents].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0)).slice(0, TOP_INCIDENTS);
  // At the public privacy tier the server counts the incidents but lists none.
  if (top.length === 0 && d.incidentsTotal > 0) {
    const p = doc.createElement('p');
    p.className = 'details-restricted';
    p.textContent = t('details.incidentsRestricted');
    root.append(p);
    return root;
  }
  if (top.length === 0) {
    const p = doc.createElement('p');
    p.className = 'details-empty';
    p.textContent = t('details.noIncidents');
    root.append(p);
    return root;
  }
  const table = doc.createElement('table');
  table.className = 'details-incidents';
  const head = doc.createElement('tr');
  for (const k of ['details.date', 'prop.dead', 'prop.missing', 'details.cause', 'details.distance'] as const) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = t(k);
    head.append(th);
  }
  const thead = doc.createElement('thead');
  thead.append(head);
  const tbody = doc.createElement('tbody');
  for (const inc of top) {
    const tr = doc.createElement('tr');
    if (inc.id) tr.dataset.id = inc.id;
    const cells = [
      inc.date || t('details.unknownDate'),
      i18n.formatNumber(inc.dead),
      i18n.formatNumber(inc.missing),
      inc.cause ? causeLabel(i18n, inc.cause, vocab) : '–',
      inc.distanceKm !== null ? t('details.distanceKm', { km: i18n.formatNumber(inc.distanceKm, 1) }) : '–',
    ];
    for (const c of cells) {
      const td = doc.createElement('td');
      td.dir = 'auto';
      td.textContent = c;
      tr.append(td);
    }
    tbody.append(tr);
  }
  table.append(thead, tbody);
  root.append(table);
  const more = d.incidentsTotal - top.length;
  if (more > 0) {
    const p = doc.createElement('p');
    p.className = 'details-more';
    p.textContent = t('details.more', { count: more });
    root.append(p);
  }
  return root;
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
export function createDetailsPanel(doc: Document, i18n: I18n, opts: DetailsOptions): DetailsPanel {
  const { t } = i18n;
  const fetchFn = opts.fetchFn ?? ((u: string, init?: RequestInit) => fetch(u, init));
  const aside = doc.createElement('aside');
  aside.className = 'panel-section details';
  aside.id = 'segment-details';
  aside.hidden = true;
  aside.setAttribute('aria-labelledby', 'details-heading');
  const bar = doc.createElement('div');
  bar.className = 'details-bar';
  const h = doc.createElement('h2');
  h.id = 'details-heading';
  h.tabIndex = -1;
  const close = doc.createElement('button');
  close.type = 'button';
  close.className = 'details-close';
  close.textContent = t('details.close');
  bar.append(h, close);
  const message = doc.createElement('p');
  message.className = 'details-message';
  message.setAttribute('aria-live', 'polite');
  const body = doc.createElement('div');
  body.setAttribute('aria-live', 'polite');
  aside.append(bar, message, body);

  let controller: AbortController | null = null;
  let opener: HTMLElement | null = null;
  let currentId: string | null = null;

  const doClose = () => {
    controller?.abort();
    controller = null;
    aside.hidden = true;
    body.replaceChildren();
    message.textContent = '';
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
        h.textContent = t('details.heading', { route: s.route || t('riskPopup.title'), ...kmRange(i18n, s.startKm, s.endKm) });
      }
      message.textContent = '';
      body.replaceChildren(renderDetails(doc, i18n, d, reach, opts.vocab));
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
