import './time.css';
import { isAbort, type Api, type LayerMeta } from '../../shared/api';
import { el, svg } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { settle, type AppStore } from '../../shared/store';
import { describeError, type StatusRegion } from '../../shared/status';
import {
  chartBars, filtersAtIndex, mergeSeries, monthSelected, monthsParams, nextIndex, parseMonths, sliderIndex,
  type MonthRow, type MonthSeries,
} from './months';

/** What the time panel needs. */
export interface TimePanelOptions {
  store: AppStore;
  api: Pick<Api, 'getJson'>;
  i18n: I18n;
  metas: readonly LayerMeta[];
  status: Pick<StatusRegion, 'set' | 'clear'>;
  /** The public tier's smallest shown count (a withheld month reads "fewer than …"). */
  minCount: number;
  /** Wait after the last route or cause change before the series loads again, in ms. */
  delayMs?: number;
  /** Time a month stays shown while playing, in ms. */
  stepMs?: number;
}

/** The time panel: a month slider with play/pause, and the chart of dead and missing per month. */
export interface TimePanel {
  element: HTMLElement;
  /** Loads the series (after the first render) and follows the filters from then on. */
  start(): Promise<void>;
  /** Whether the series is loading. */
  busy(): boolean;
  /** Stops playing and following the store. */
  stop(): void;
}

/** The incident layers that have a monthly series: a date and dead or missing counts. */
export function monthLayers(metas: readonly LayerMeta[]): LayerMeta[] {
  return metas.filter((m) => m.kind === 'incident' && !!m.time_property &&
    (!m.schema || m.schema.some((f) => f.name === 'dead' || f.name === 'missing')));
}

/** Chart geometry: bar width and height in SVG user units (the SVG stretches to the panel's width). */
const CHART = { bar: 4, height: 60 } as const;

/**
 * Builds the time panel. The slider's positions are "every date" and each
 * month of the incidents' span; moving it sets the date filter to that
 * month (so the URL, the map and every list follow, and a shared link
 * opens on it). Play steps one month on every `stepMs` until the last. The
 * chart follows the route and cause filters and marks the months the date
 * filter covers; it is an SVG hidden from screen readers beside a table of
 * the same numbers.
 */
export function createTimePanel(o: TimePanelOptions): TimePanel {
  const { store, i18n } = o;
  const { t } = i18n;
  const layers = monthLayers(o.metas);
  const stepMs = o.stepMs ?? 1500;

  const slider = el('input', { type: 'range', id: 'time-slider', name: 'time-slider', min: 0, max: 0, step: 1, value: 0, disabled: true });
  const output = el('output', { id: 'time-value', for: 'time-slider', 'aria-live': 'off' }, t('time.all'));
  const play = el('button', { type: 'button', id: 'time-play', class: 'time-play', 'aria-pressed': 'false', disabled: true }, t('time.play'));
  const first = el('span', { class: 'time-end' });
  const last = el('span', { class: 'time-end' });
  const caption = el('figcaption', null, t('time.chart'));
  const bars = svg('svg', { class: 'time-bars', 'aria-hidden': 'true', focusable: 'false', preserveAspectRatio: 'none', viewBox: `0 0 1 ${CHART.height}` });
  const tbody = el('tbody');
  const table = el('table', { class: 'visually-hidden', id: 'time-table' }, [
    el('caption', null, t('time.chart')),
    el('thead', null, el('tr', null, (['time.month', 'time.incidents', 'time.dead', 'time.missing'] as const).map((k) => el('th', { scope: 'col' }, t(k))))),
    tbody,
  ]);
  const note = el('p', { class: 'time-note' });
  const legend = el('p', { class: 'time-legend' }, [
    el('span', { class: 'swatch dead', 'aria-hidden': 'true' }), t('time.dead'), ' ',
    el('span', { class: 'swatch missing', 'aria-hidden': 'true' }), t('time.missing'),
  ]);
  const figure = el('figure', { class: 'time-chart', id: 'time-chart', 'data-state': 'loading' }, [
    caption, bars, el('div', { class: 'time-ends' }, [first, last]), legend, table,
  ]);
  const element = el('section', { class: 'panel-section time', id: 'time', 'aria-labelledby': 'time-heading' }, [
    el('h2', { id: 'time-heading' }, t('time.heading')),
    el('div', { class: 'field time-field' }, [el('label', { for: 'time-slider' }, t('time.slider')), slider, output]),
    play, figure, note,
  ]);

  let months: string[] = [];
  let series: MonthSeries = { months: [], dataThrough: '', caveats: [] };
  let loading = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  let controller: AbortController | null = null;
  let stops: (() => void)[] = [];

  const label = (index: number) => (index === 0 ? t('time.all') : i18n.formatMonth(months[index - 1] ?? ''));
  const showSlider = () => {
    const index = sliderIndex(months, store.get().filters);
    slider.value = String(index);
    const text = label(index);
    output.textContent = text;
    slider.setAttribute('aria-valuetext', text);
  };
  const countText = (v: number | null) => (v === null ? t('time.withheld', { min: o.minCount }) : i18n.formatNumber(v));
  const markSelected = () => {
    const f = store.get().filters;
    const any = !!(f.from || f.to);
    bars.classList.toggle('has-selection', any);
    for (const g of bars.querySelectorAll<SVGGElement>('g[data-month]')) {
      g.classList.toggle('on', monthSelected(g.dataset.month ?? '', f));
    }
  };
  const drawChart = (rows: readonly MonthRow[]) => {
    const width = Math.max(1, rows.length * CHART.bar);
    bars.setAttribute('viewBox', `0 0 ${width} ${CHART.height}`);
    bars.replaceChildren(...chartBars(rows, CHART.height).map((b, i) => {
      const x = i * CHART.bar;
      const r = rows[i]!;
      const title = t('time.barTitle', { month: i18n.formatMonth(r.month), dead: countText(r.dead), missing: countText(r.missing), incidents: countText(r.incidents) });
      const parts = b.withheld
        ? [svg('rect', { class: 'withheld', x: x + 0.5, y: CHART.height - 2, width: CHART.bar - 1, height: 2 })]
        : [
          svg('rect', { class: 'dead', x: x + 0.5, y: CHART.height - b.dead, width: CHART.bar - 1, height: b.dead }),
          svg('rect', { class: 'missing', x: x + 0.5, y: CHART.height - b.dead - b.missing, width: CHART.bar - 1, height: b.missing }),
        ];
      const slot = svg('rect', { class: 'slot', x, y: 0, width: CHART.bar, height: CHART.height });
      return svg('g', { 'data-month': r.month }, [svg('title', null, title), slot, ...parts]);
    }));
    tbody.replaceChildren(...rows.map((r) => el('tr', { 'data-month': r.month }, [
      el('th', { scope: 'row' }, i18n.formatMonth(r.month)),
      el('td', null, countText(r.incidents)),
      el('td', null, countText(r.dead)),
      el('td', null, countText(r.missing)),
    ])));
    first.textContent = rows.length ? i18n.formatMonth(rows[0]!.month) : '';
    last.textContent = rows.length ? i18n.formatMonth(rows[rows.length - 1]!.month) : '';
    markSelected();
  };
  const showNote = () => {
    const parts: string[] = [];
    if (series.dataThrough) {
      parts.push(t('time.dataThrough', { date: series.dataThrough.length === 7 ? i18n.formatMonth(series.dataThrough) : i18n.formatDate(series.dataThrough) }));
    }
    if (series.months.length === 0 && !loading) parts.push(t('time.none'));
    note.textContent = parts.join(' ');
  };

  const load = async (): Promise<void> => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    loading = true;
    figure.dataset.state = 'loading';
    const q = monthsParams(store.get().filters).toString();
    try {
      const list = await Promise.all(layers.map(async (m) =>
        parseMonths(await o.api.getJson(`layers/${encodeURIComponent(m.id)}/months${q ? `?${q}` : ''}`, c.signal))));
      if (c.signal.aborted) return;
      series = list.length ? mergeSeries(list) : { months: [], dataThrough: '', caveats: [] };
      o.status.clear('months');
      const span = series.months.map((r) => r.month);
      // The slider's span is the incidents' months; the filters change the counts, not the span.
      if (span.join() !== months.join()) {
        months = span;
        slider.max = String(months.length);
        slider.disabled = months.length === 0;
        play.disabled = months.length === 0;
      }
      drawChart(series.months);
      showSlider();
      figure.dataset.state = 'ready';
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      figure.dataset.state = 'error';
      o.status.set('months', describeError(i18n, t('status.what.months'), err), true);
    } finally {
      if (controller === c) {
        loading = false;
        controller = null;
      }
      showNote();
    }
  };

  const pause = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    play.setAttribute('aria-pressed', 'false');
  };
  const step = () => {
    const next = nextIndex(sliderIndex(months, store.get().filters), months.length);
    if (next === null) {
      pause();
      return;
    }
    store.set({ filters: filtersAtIndex(months, next, store.get().filters) });
  };
  play.addEventListener('click', () => {
    if (timer !== undefined) {
      pause();
      return;
    }
    play.setAttribute('aria-pressed', 'true');
    // From the last month (or nothing past it), play starts over from the first.
    if (sliderIndex(months, store.get().filters) >= months.length) store.set({ filters: filtersAtIndex(months, 1, store.get().filters) });
    else step();
    timer = setInterval(step, stepMs);
  });
  slider.addEventListener('input', () => {
    store.set({ filters: filtersAtIndex(months, Number(slider.value), store.get().filters) });
  });

  return {
    element,
    async start() {
      if (layers.length === 0) {
        element.hidden = true;
        return;
      }
      stops.push(store.subscribe(['filters'], () => {
        showSlider();
        markSelected();
      }));
      let key = monthsParams(store.get().filters).toString();
      const follow = settle(store, ['filters'], o.delayMs ?? 250, (s) => {
        const next = monthsParams(s.filters).toString();
        if (next === key) return;
        key = next;
        void load();
      });
      stops.push(() => follow.stop());
      // A sign-in or out changes what the series may show.
      let tier = store.get().session.tier;
      stops.push(store.subscribe(['session'], (s) => {
        if (s.session.tier === tier) return;
        tier = s.session.tier;
        void load();
      }));
      await load();
    },
    busy: () => loading,
    stop() {
      pause();
      controller?.abort();
      for (const s of stops) s();
      stops = [];
    },
  };
}
