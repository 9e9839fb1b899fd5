import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api, LayerMeta, ValueCount } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { StatusRegion } from '../../shared/status';
import { createStore, type AppState } from '../../shared/store';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { emptyFilters } from '../../shared/urlstate';
import { defaultRiskSettings } from '../risk/risksettings';
import { countsKey, createFilterPanel } from './panel';

const i18n = createI18n();

const incidents: LayerMeta = {
  id: 'incidents', kind: 'incident', title: 'Incidents', sources: [], sensitivity: 'restricted', version: 1, feature_count: 3,
  time_property: 'date', schema: [{ name: 'date', type: 'date' }, { name: 'route', type: 'string' }, { name: 'cause_category', type: 'string' }],
};

afterEach(() => document.body.replaceChildren());

function setup() {
  const store = createStore<AppState>({
    view: null, filters: emptyFilters(), layers: [], risk: defaultRiskSettings(), session: { tier: 'public', role: null, known: true },
  });
  const calls: string[] = [];
  const api = {
    values: (id: string, property: string, _signal?: AbortSignal, filters?: URLSearchParams): Promise<ValueCount[]> => {
      const q = filters?.toString() ?? '';
      calls.push(`${id} ${property}${q ? ` ${q}` : ''}`);
      if (property === 'route') return Promise.resolve([{ value: 'Central Mediterranean', count: q.includes('cause') ? 5 : 100 }]);
      return Promise.resolve([{ value: 'Drowning', count: q.includes('route') ? 10 : 50 }]);
    },
  } as unknown as Api;
  let zoomed = 0;
  const element = createFilterPanel({
    store, api, i18n, vocab, metas: [incidents], status: new StatusRegion(), routeValues: Promise.resolve([]), onZoom: () => zoomed++, delayMs: 5,
  });
  document.body.replaceChildren(element);
  return { store, calls, element, zoomed: () => zoomed };
}

const optionTexts = (el: HTMLElement, id: string) => [...el.querySelectorAll<HTMLOptionElement>(`#${id} option`)].map((o) => o.textContent);

describe('the filter panel', () => {
  it('counts each menu under the other filters, again when they change', async () => {
    const { store, calls, element } = setup();
    await vi.waitFor(() => expect(optionTexts(element, 'filter-cause')).toContain('Drowning (50)'));
    expect(optionTexts(element, 'filter-route')).toContain('Central Mediterranean (100)');
    expect(calls.sort()).toEqual(['incidents cause_category', 'incidents route']);
    calls.length = 0;

    store.set({ filters: { ...emptyFilters(), route: 'Central Mediterranean', cause: 'Drowning', from: '2023-01-01', to: '2023-01-31' } });
    await vi.waitFor(() => expect(optionTexts(element, 'filter-cause')).toContain('Drowning (10)'));
    await vi.waitFor(() => expect(optionTexts(element, 'filter-route')).toContain('Central Mediterranean (5)'));
    expect(calls.sort()).toEqual([
      'incidents cause_category datetime=2023-01-01%2F2023-01-31&route=Central+Mediterranean',
      'incidents route datetime=2023-01-01%2F2023-01-31&cause=Drowning',
    ]);
    // The form shows filters set elsewhere (the time slider, a link).
    expect(element.querySelector<HTMLInputElement>('#filter-from')!.value).toBe('2023-01-01');
    expect(element.querySelector<HTMLSelectElement>('#filter-cause')!.value).toBe('Drowning');
  });

  it('changing only the service category asks for no new counts', async () => {
    const { store, calls } = setup();
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    store.set({ filters: { ...emptyFilters(), category: 'health' } });
    await new Promise((r) => setTimeout(r, 30));
    expect(calls).toHaveLength(2);
    expect(countsKey({ ...emptyFilters(), category: 'health' })).toBe(countsKey(emptyFilters()));
  });

  it('"Zoom to results" calls back', () => {
    const { element, zoomed } = setup();
    element.querySelector<HTMLButtonElement>('#filter-zoom')!.click();
    expect(zoomed()).toBe(1);
  });
});
