import L from 'leaflet';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Api, Feature, FeatureResult, LayerMeta } from '../../shared/api';
import { MapLayer } from './layers';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { emptyFilters } from '../../shared/urlstate';
import { EVENT_SYMBOL, EVENT_SYMBOL_RADIUS } from '../../map/palette';

const meta: LayerMeta = {
  id: 'incidents', kind: 'incident', title: 'Incidents', sources: [], sensitivity: 'public', version: 1,
  feature_count: 3, time_property: 'date',
  schema: [{ name: 'dead', type: 'integer' }, { name: 'missing', type: 'integer' }],
};

const incident = (id: string, lon: number, dead: number, missing: number): Feature => ({
  type: 'Feature', id, geometry: { type: 'Point', coordinates: [lon, 10] }, properties: { dead, missing },
});

function fakeApi() {
  const calls: { params: URLSearchParams; signal?: AbortSignal; resolve: (r: FeatureResult) => void }[] = [];
  const api = {
    features: (_id: string, params: URLSearchParams, signal?: AbortSignal) =>
      new Promise<FeatureResult>((resolve, reject) => {
        calls.push({ params, signal, resolve });
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
  } as unknown as Api;
  return { api, calls };
}

function newMap(): L.Map {
  const el = document.createElement('div');
  document.body.replaceChildren(el);
  const map = L.map(el, { center: [10, 0], zoom: 3 });
  for (const pane of ['incident', 'service', 'route', 'area', 'event']) map.createPane(pane);
  return map;
}

// jsdom has no canvas; the layer then keeps its points without painting them.
beforeAll(() => {
  HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
});

describe('MapLayer', () => {
  it('aborts a running fetch when the filters change and shows only the newest result', async () => {
    const { api, calls } = fakeApi();
    const updates: string[] = [];
    const layer = new MapLayer(newMap(), api, meta, { vocab, routeColour: () => '#000', onUpdate: (l) => updates.push(l.summary().status) });

    const first = layer.setVisible(true, emptyFilters());
    const second = layer.applyFilters({ ...emptyFilters(), cause: 'Drowning', from: '2020-01-01' });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal!.aborted).toBe(true);
    expect(calls[1]!.params.get('cause')).toBe('Drowning');
    expect(calls[1]!.params.get('datetime')).toBe('2020-01-01/..');

    calls[1]!.resolve({ features: [incident('a', 0, 2, 1), incident('b', 1, 0, 4)], numberMatched: 2 });
    await Promise.all([first, second]);
    expect(layer.summary()).toEqual({ status: 'ready', shown: 2, totals: { dead: 2, missing: 5 } });
    expect(updates.at(-1)).toBe('ready');
    expect(updates).not.toContain('error');
  });

  it('does not refetch for filters that do not apply to it, and counts 0 while hidden', async () => {
    const { api, calls } = fakeApi();
    const layer = new MapLayer(newMap(), api, meta, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    const shown = layer.setVisible(true, emptyFilters());
    calls[0]!.resolve({ features: [incident('a', 0, 1, 0)], numberMatched: 1 });
    await shown;
    await layer.applyFilters({ ...emptyFilters(), category: 'health' });
    expect(calls).toHaveLength(1);
    await layer.setVisible(false, emptyFilters());
    expect(layer.summary()).toEqual({ status: 'hidden', shown: 0 });
    await layer.setVisible(true, emptyFilters());
    expect(calls).toHaveLength(1);
    expect(layer.summary().shown).toBe(1);
  });

  it('reports a failed fetch as an error', async () => {
    const api = { features: async () => { throw new Error('boom'); } } as unknown as Api;
    const layer = new MapLayer(newMap(), api, meta, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    await layer.setVisible(true, emptyFilters());
    expect(layer.summary()).toMatchObject({ status: 'error', shown: 0 });
  });

  it('draws context events as grey diamonds, unclustered, filtered by date only', async () => {
    const { api, calls } = fakeApi();
    const events: LayerMeta = {
      id: 'acled', kind: 'event', title: 'ACLED', sources: [], sensitivity: 'public', version: 1, feature_count: 2, time_property: 'date',
      schema: [{ name: 'date', type: 'date' }, { name: 'fatalities', type: 'integer' }],
    };
    const layer = new MapLayer(newMap(), api, events, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    const shown = layer.setVisible(true, { ...emptyFilters(), from: '2023-05-01', cause: 'Drowning', category: 'health' });
    expect(Object.fromEntries(calls[0]!.params)).toMatchObject({ datetime: '2023-05-01/..', properties: 'date' });
    expect(calls[0]!.params.has('cause') || calls[0]!.params.has('category')).toBe(false);
    const event = (id: string, lon: number): Feature => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [lon, 10] }, properties: { date: '2023-05-02' } });
    calls[0]!.resolve({ features: [event('a', 0), event('b', 0.001)], numberMatched: 2 });
    await shown;
    expect(layer.summary()).toEqual({ status: 'ready', shown: 2 });
    // What the point canvas was given (it paints nothing in jsdom).
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const canvas = (layer as any).points;
    expect(canvas._options.symbols).toEqual([EVENT_SYMBOL]);
    expect(canvas._options.clusters).toBeNull();
    expect([...canvas._points.symbol]).toEqual([0, 0]);
    expect([...canvas._points.verification]).toEqual([0, 0]); // drawn filled, never as an unverified service
    expect([...canvas._points.r]).toEqual([EVENT_SYMBOL_RADIUS, EVENT_SYMBOL_RADIUS]);
    expect(layer.drawnSymbols).toEqual({ categories: [], verification: [] });
  });
});
