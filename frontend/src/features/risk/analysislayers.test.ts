import L from 'leaflet';
import { beforeAll, describe, expect, it } from 'vitest';
import { hotspotParams, riskParams } from './analysis';
import { AnalysisLayer, type AnalysisSpec } from './analysislayers';
import type { AnalysisPath, Api, Feature, FeatureResult } from '../../shared/api';
import { HOTSPOT_STYLE } from '../../map/palette';
import { emptyFilters } from '../../shared/urlstate';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

function fakeApi() {
  const calls: { path: AnalysisPath; params: URLSearchParams; signal?: AbortSignal; resolve: (r: FeatureResult) => void }[] = [];
  const api = {
    analysis: (path: AnalysisPath, params: URLSearchParams, signal?: AbortSignal) =>
      new Promise<FeatureResult>((resolve, reject) => {
        calls.push({ path, params, signal, resolve });
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      }),
  } as unknown as Api;
  return { api, calls };
}

function newMap(zoom = 3): L.Map {
  const el = document.createElement('div');
  document.body.replaceChildren(el);
  const map = L.map(el, { center: [10, 0], zoom });
  for (const pane of ['risk', 'hotspot']) map.createPane(pane);
  return map;
}

const line = (id: string, cls: string): Feature => ({
  type: 'Feature', id, geometry: { type: 'LineString', coordinates: [[0, 10], [0.1, 10]] }, properties: { id, class: cls },
});

const riskSpec = (hasLine = true): AnalysisSpec => ({
  id: 'risk', title: 'Route risk', pane: 'risk', unit: 'segments',
  request: (f) => (hasLine ? { path: 'risk/segments', params: riskParams(f) } : null),
  classes: ['low', 'critical'], classOf: (p) => (typeof p?.class === 'string' ? p.class : null),
  style: () => ({ color: '#000', weight: 6, opacity: 1 }), fallbackStyle: { color: '#888', weight: 2, opacity: 1 },
  detail: (fs) => `${fs.length} drawn`,
});

const hotspotSpec: AnalysisSpec = {
  id: 'hotspots', title: 'Hotspots', pane: 'hotspot', unit: 'cells',
  request: (f, z) => ({ path: 'hotspots', params: hotspotParams(f, z, vocab) }),
  classes: ['not_significant', 'hot_99'], classOf: (p) => (typeof p?.class === 'string' ? p.class : null),
  style: () => HOTSPOT_STYLE.hot_99, fallbackStyle: HOTSPOT_STYLE.not_significant, detail: () => '',
};

// jsdom has no canvas: Leaflet's canvas renderer draws into a context whose every method does nothing.
beforeAll(() => {
  const noop = () => {};
  const ctx = new Proxy({}, { get: (_, key) => (key === 'canvas' ? undefined : noop), set: () => true });
  HTMLCanvasElement.prototype.getContext = (() => ctx) as unknown as typeof HTMLCanvasElement.prototype.getContext;
});

describe('AnalysisLayer', () => {
  it('aborts a running request when the filters change and draws only the newest answer', async () => {
    const { api, calls } = fakeApi();
    const layer = new AnalysisLayer(newMap(), api, riskSpec(), () => {});
    const first = layer.setVisible(true, emptyFilters());
    const second = layer.refresh({ ...emptyFilters(), cause: 'Drowning' });
    expect(calls).toHaveLength(2);
    expect(calls[0]!.signal!.aborted).toBe(true);
    expect(calls[1]!.path).toBe('risk/segments');
    expect(calls[1]!.params.getAll('cause')).toEqual(['Drowning']);
    // The stale answer arrives late: it is not drawn.
    calls[0]!.resolve({ features: [line('old', 'low')], numberMatched: 1 });
    calls[1]!.resolve({ features: [line('a', 'low'), line('b', 'critical'), line('c', 'weird')], numberMatched: 3 });
    await Promise.all([first, second]);
    expect(layer.summary()).toEqual({ status: 'ready', shown: 3, unit: 'segments', detail: '3 drawn' });
    expect(layer.features.map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect(layer.lastQuery).toBe(calls[1]!.params.toString());
  });

  it('does not ask again for filters that do not change its request, and counts 0 while hidden', async () => {
    const { api, calls } = fakeApi();
    const layer = new AnalysisLayer(newMap(), api, riskSpec(), () => {});
    const shown = layer.setVisible(true, emptyFilters());
    calls[0]!.resolve({ features: [line('a', 'low')], numberMatched: 1 });
    await shown;
    await layer.refresh({ ...emptyFilters(), category: 'health' });
    expect(calls).toHaveLength(1);
    await layer.setVisible(false, emptyFilters());
    expect(layer.summary()).toEqual({ status: 'hidden', shown: 0, unit: 'segments' });
    await layer.setVisible(true, emptyFilters());
    expect(calls).toHaveLength(1);
    expect(layer.summary().shown).toBe(1);
  });

  it('shows nothing, without asking, when there is nothing to ask for', async () => {
    const { api, calls } = fakeApi();
    const layer = new AnalysisLayer(newMap(), api, riskSpec(false), () => {});
    await layer.setVisible(true, { ...emptyFilters(), route: 'English Channel to the UK' });
    expect(calls).toHaveLength(0);
    expect(layer.summary()).toEqual({ status: 'ready', shown: 0, unit: 'segments' });
  });

  it('asks for hotspots again only when the zoom changes the resolution', async () => {
    const { api, calls } = fakeApi();
    const map = newMap(3);
    const layer = new AnalysisLayer(map, api, hotspotSpec, () => {});
    const shown = layer.setVisible(true, emptyFilters());
    expect(calls[0]!.params.get('resolution')).toBe('2');
    calls[0]!.resolve({ features: [], numberMatched: 0 });
    await shown;
    map.setZoom(4, { animate: false });
    await layer.refresh(emptyFilters());
    expect(calls).toHaveLength(1);
    map.setZoom(6, { animate: false });
    const again = layer.refresh(emptyFilters());
    expect(calls).toHaveLength(2);
    expect(calls[1]!.params.get('resolution')).toBe('4');
    calls[1]!.resolve({ features: [], numberMatched: 0 });
    await again;
  });

  it('asks for route risk at the zoom band shown, and again only when the band changes', async () => {
    const { api, calls } = fakeApi();
    const map = newMap(2);
    const layer = new AnalysisLayer(map, api, riskSpec(), () => {});
    const shown = layer.setVisible(true, emptyFilters());
    expect(calls[0]!.params.get('zoom')).toBe('3');
    expect(calls[0]!.params.get('segment_km')).toBe('10');
    calls[0]!.resolve({ features: [line('a', 'low')], numberMatched: 1 });
    await shown;
    map.setZoom(3, { animate: false });
    await layer.refresh(emptyFilters());
    expect(calls).toHaveLength(1);
    map.setZoom(5, { animate: false });
    const regional = layer.refresh(emptyFilters());
    expect(calls.map((c) => c.params.get('zoom'))).toEqual(['3', '6']);
    calls[1]!.resolve({ features: [line('a', 'low')], numberMatched: 1 });
    await regional;
    map.setZoom(9, { animate: false });
    const full = layer.refresh(emptyFilters());
    expect(calls).toHaveLength(3);
    expect(calls[2]!.params.has('zoom')).toBe(false);
    expect(calls[2]!.params.toString()).toBe(riskParams(emptyFilters()).toString());
    calls[2]!.resolve({ features: [line('a', 'low')], numberMatched: 1 });
    await full;
  });

  it('reports a failed request as an error', async () => {
    const api = { analysis: async () => { throw new Error('boom'); } } as unknown as Api;
    const layer = new AnalysisLayer(newMap(), api, riskSpec(), () => {});
    await layer.setVisible(true, emptyFilters());
    expect(layer.summary()).toMatchObject({ status: 'error', shown: 0 });
  });

  it('picks the segment under the cursor', async () => {
    const { api, calls } = fakeApi();
    const map = newMap(8);
    const layer = new AnalysisLayer(map, api, riskSpec(), () => {});
    const shown = layer.setVisible(true, emptyFilters());
    calls[0]!.resolve({ features: [line('a', 'low'), { ...line('b', 'critical'), geometry: { type: 'LineString', coordinates: [[1, 11], [1.1, 11]] } }], numberMatched: 2 });
    await shown;
    const project = (p: [number, number]) => map.latLngToContainerPoint(p);
    const at = project([10, 0.05]);
    const hit = layer.pick(at, [10, 0.05], [9, -1, 11, 1], project, 4);
    expect(hit?.feature.id).toBe('a');
    expect(layer.pick(project([12, 3]), [12, 3], [11.9, 2.9, 12.1, 3.1], project, 4)).toBeNull();
  });
});
