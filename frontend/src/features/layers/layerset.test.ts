import L from 'leaflet';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Api, FeatureResult, LayerMeta } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createStore, type AppState } from '../../shared/store';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { emptyFilters } from '../../shared/urlstate';
import { defaultRiskSettings } from '../risk/risksettings';
import { createLayerSet } from './layerset';

const meta = (id: string, kind: LayerMeta['kind']): LayerMeta => ({
  id, kind, title: id, sources: [], sensitivity: 'public', version: 1, feature_count: 0, time_property: 'date',
  schema: [{ name: 'name', type: 'string' }, { name: 'category', type: 'string' }],
});

function fakeApi() {
  const calls: string[] = [];
  const empty: FeatureResult = { features: [], numberMatched: 0, tier: 'public' };
  const api = {
    features: async (id: string, params: URLSearchParams) => {
      calls.push(`${id}?${params.toString()}`);
      return empty;
    },
    analysis: async (path: string, params: URLSearchParams) => {
      calls.push(`${path}?${params.toString()}`);
      return empty;
    },
    values: async () => [{ value: 'Darien', count: 1 }],
  } as unknown as Api;
  return { api, calls };
}

beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
});

function setup(values?: () => Promise<{ value: string; count: number }[]>) {
  const el = document.createElement('div');
  document.body.replaceChildren(el);
  const map = L.map(el, { center: [10, 0], zoom: 3 });
  for (const pane of ['incident', 'service', 'route', 'area', 'risk', 'hotspot']) map.createPane(pane);
  const store = createStore<AppState>({
    view: null, filters: emptyFilters(), layers: ['routes', 'services'], risk: defaultRiskSettings(),
    session: { tier: null, role: null, known: true },
  });
  const { api, calls } = fakeApi();
  if (values) (api as { values: unknown }).values = values;
  const metas = [meta('routes', 'route'), meta('services', 'service')];
  const updates: string[] = [];
  const set = createLayerSet({
    map, api, i18n: createI18n(), vocab, store, metas, analyses: ['hotspots'], routeMetas: [metas[0]!], delayMs: 250,
    onUpdate: (l) => updates.push(`${l.id}:${l.summary().status}`),
  });
  return { store, set, calls, updates };
}

describe('layer set', () => {
  it('loads the layers the store shows, routes once their names are known', async () => {
    const { set, calls } = setup();
    await set.start();
    expect(calls.map((c) => c.split('?')[0]).sort()).toEqual(['routes', 'services']);
    expect(set.routeNames()).toEqual(['Darien']);
    expect(set.get('routes')!.isVisible).toBe(true);
    expect(set.get('hotspots')!.isVisible).toBe(false);
  });

  it('asks for the route lines at once and draws them only once their names (colours) are known', async () => {
    let answer: (v: { value: string; count: number }[]) => void = () => {};
    const names = new Promise<{ value: string; count: number }[]>((resolve) => { answer = resolve; });
    const { set, calls, updates } = setup(() => names);
    const started = set.start();
    await vi.waitFor(() => expect(calls.some((c) => c.startsWith('routes?'))).toBe(true));
    await vi.waitFor(() => expect(updates).toContain('services:ready'));
    expect(set.get('routes')!.summary().status).toBe('loading');
    answer([{ value: 'Darien', count: 1 }]);
    await started;
    expect(set.get('routes')!.summary().status).toBe('ready');
    expect(set.routeNames()).toEqual(['Darien']);
  });

  it('follows the layers slice: switching one on loads it, off hides it', async () => {
    const { store, set, calls } = setup();
    await set.start();
    store.set({ layers: ['routes', 'hotspots'] });
    expect(set.get('services')!.isVisible).toBe(false);
    expect(set.get('hotspots')!.isVisible).toBe(true);
    await vi.waitFor(() => expect(calls.some((c) => c.startsWith('hotspots?'))).toBe(true));
  });

  it('reloads a moment after the last filter edit, only what the filter changes', async () => {
    vi.useFakeTimers();
    try {
      const { store, set, calls } = setup();
      await set.start();
      const before = calls.length;
      store.set({ filters: { ...emptyFilters(), category: 'legal' } });
      store.set({ filters: { ...emptyFilters(), category: 'health' } });
      expect(set.pending()).toBe(true);
      expect(calls.length).toBe(before);
      await vi.advanceTimersByTimeAsync(250);
      expect(set.pending()).toBe(false);
      expect(calls.slice(before)).toEqual([expect.stringMatching(/^services\?category=health&/)]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops following the store once stopped', async () => {
    const { store, set, calls } = setup();
    await set.start();
    set.stop();
    const before = calls.length;
    store.set({ layers: ['hotspots'] });
    expect(set.get('hotspots')!.isVisible).toBe(false);
    expect(calls.length).toBe(before);
  });
});
