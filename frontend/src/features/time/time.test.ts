import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LayerMeta } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createStore, type AppState } from '../../shared/store';
import { emptyFilters } from '../../shared/urlstate';
import { defaultRiskSettings } from '../risk/risksettings';
import { createTimePanel, monthLayers } from './time';

const i18n = createI18n();

const incidents: LayerMeta = {
  id: 'incidents', kind: 'incident', title: 'Incidents', sources: [], sensitivity: 'restricted', version: 1, feature_count: 3,
  time_property: 'date', schema: [{ name: 'date', type: 'date' }, { name: 'dead', type: 'number' }, { name: 'missing', type: 'number' }],
};

function series(routeFactor: number) {
  return {
    layer: 'incidents',
    months: [
      { month: '2023-01', incidents: 10 * routeFactor, dead: 20 * routeFactor, missing: 5 },
      { month: '2023-02', incidents: null, dead: null, missing: null },
      { month: '2023-03', incidents: 5, dead: 5, missing: 0 },
    ],
    data_through: '2023-03',
    caveats: ['Figures are minimum estimates.'],
  };
}

function setup() {
  const store = createStore<AppState>({
    view: null, filters: emptyFilters(), layers: [], risk: defaultRiskSettings(), session: { tier: 'public', role: null, known: true },
  });
  const paths: string[] = [];
  const api = {
    getJson: (path: string) => {
      paths.push(path);
      return Promise.resolve(series(path.includes('route=') ? 2 : 1));
    },
  };
  const status = { set: vi.fn(), clear: vi.fn() };
  const panel = createTimePanel({ store, api, i18n, metas: [incidents], status, minCount: 5, delayMs: 10, stepMs: 100 });
  document.body.replaceChildren(panel.element);
  const slider = panel.element.querySelector<HTMLInputElement>('#time-slider')!;
  const play = panel.element.querySelector<HTMLButtonElement>('#time-play')!;
  return { store, paths, panel, slider, play, status };
}

afterEach(() => {
  vi.useRealTimers();
  document.body.replaceChildren();
});

describe('monthLayers', () => {
  it('keeps incident layers with a date and dead or missing counts', () => {
    const route: LayerMeta = { ...incidents, id: 'routes', kind: 'route' };
    const undated: LayerMeta = { ...incidents, id: 'undated', time_property: undefined };
    const uncounted: LayerMeta = { ...incidents, id: 'uncounted', schema: [{ name: 'date', type: 'date' }] };
    expect(monthLayers([incidents, route, undated, uncounted]).map((m) => m.id)).toEqual(['incidents']);
  });
});

describe('the time panel', () => {
  it('is labelled and disabled until the series comes', async () => {
    const { panel, slider, play } = setup();
    expect(slider.type).toBe('range');
    expect(panel.element.querySelector('label[for="time-slider"]')!.textContent).toBe('Month');
    expect(slider.disabled && play.disabled).toBe(true);
    expect(play.getAttribute('aria-pressed')).toBe('false');
    await panel.start();
    expect(slider.disabled || play.disabled).toBe(false);
    expect(slider.max).toBe('3');
    expect(slider.getAttribute('aria-valuetext')).toBe('All dates');
    panel.stop();
  });

  it('moving the slider sets the date filter to the month; the filter moves the slider', async () => {
    const { panel, slider, store } = setup();
    await panel.start();
    slider.value = '2';
    slider.dispatchEvent(new Event('input'));
    expect(store.get().filters).toMatchObject({ from: '2023-02-01', to: '2023-02-28' });
    expect(slider.getAttribute('aria-valuetext')).toBe(i18n.formatMonth('2023-02'));
    expect(panel.element.querySelector('#time-value')!.textContent).toBe(i18n.formatMonth('2023-02'));
    // The chart marks the month.
    const on = [...panel.element.querySelectorAll('g.on')].map((g) => g.getAttribute('data-month'));
    expect(on).toEqual(['2023-02']);
    store.set({ filters: { ...emptyFilters(), from: '2023-03-01', to: '2023-03-31' } });
    expect(slider.value).toBe('3');
    slider.value = '0';
    slider.dispatchEvent(new Event('input'));
    expect(store.get().filters).toMatchObject({ from: '', to: '' });
    expect(panel.element.querySelectorAll('g.on')).toHaveLength(0);
    panel.stop();
  });

  it('draws a bar per month and a table of the same numbers, withheld counts said so', async () => {
    const { panel } = setup();
    await panel.start();
    const groups = panel.element.querySelectorAll('svg.time-bars g[data-month]');
    expect(groups).toHaveLength(3);
    expect(panel.element.querySelector('svg.time-bars')!.getAttribute('aria-hidden')).toBe('true');
    expect(groups[1]!.querySelector('rect.withheld')).not.toBeNull();
    expect(groups[0]!.querySelector('title')!.textContent).toBe(`${i18n.formatMonth('2023-01')}: 20 dead, 5 missing (10 incidents)`);
    const rows = [...panel.element.querySelectorAll('#time-table tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows[1]).toEqual([i18n.formatMonth('2023-02'), 'fewer than 5', 'fewer than 5', 'fewer than 5']);
    expect(panel.element.querySelector('.time-note')!.textContent).toContain(i18n.formatMonth('2023-03'));
    panel.stop();
  });

  it('the chart follows the route and cause, not the dates', async () => {
    const { panel, store, paths } = setup();
    await panel.start();
    expect(paths).toEqual(['layers/incidents/months']);
    store.set({ filters: { ...emptyFilters(), from: '2023-01-01', to: '2023-01-31' } });
    await new Promise((r) => setTimeout(r, 30));
    expect(paths).toHaveLength(1);
    store.set({ filters: { ...emptyFilters(), route: 'Central Mediterranean', cause: 'Drowning' } });
    await vi.waitFor(() => expect(paths).toHaveLength(2));
    expect(paths[1]).toBe('layers/incidents/months?route=Central+Mediterranean&cause=Drowning');
    await vi.waitFor(() => expect(panel.element.querySelector('#time-table tbody td')!.textContent).toBe('20'));
    panel.stop();
  });

  it('play steps month by month and stops after the last; pressing again pauses', async () => {
    const { panel, play, store } = setup();
    await panel.start();
    vi.useFakeTimers();
    play.click();
    expect(play.getAttribute('aria-pressed')).toBe('true');
    expect(store.get().filters.from).toBe('2023-01-01');
    vi.advanceTimersByTime(100);
    expect(store.get().filters.from).toBe('2023-02-01');
    vi.advanceTimersByTime(100);
    expect(store.get().filters.from).toBe('2023-03-01');
    vi.advanceTimersByTime(100);
    expect(play.getAttribute('aria-pressed')).toBe('false');
    expect(store.get().filters.from).toBe('2023-03-01');
    // From the last month, play starts over; a second press pauses.
    play.click();
    expect(store.get().filters.from).toBe('2023-01-01');
    play.click();
    expect(play.getAttribute('aria-pressed')).toBe('false');
    vi.advanceTimersByTime(500);
    expect(store.get().filters.from).toBe('2023-01-01');
    panel.stop();
  });

  it('says when the series cannot be loaded', async () => {
    const store = createStore<AppState>({
      view: null, filters: emptyFilters(), layers: [], risk: defaultRiskSettings(), session: { tier: 'public', role: null, known: true },
    });
    const status = { set: vi.fn(), clear: vi.fn() };
    const panel = createTimePanel({ store, api: { getJson: () => Promise.reject(new Error('boom')) }, i18n, metas: [incidents], status, minCount: 5 });
    await panel.start();
    expect(status.set).toHaveBeenCalledWith('months', expect.stringContaining('boom'), true);
    expect(panel.element.querySelector('#time-chart')!.getAttribute('data-state')).toBe('error');
    panel.stop();
  });
});
