import L from 'leaflet';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { publicCellResolution } from '../../shared/vocabulary';
import type { Api, Feature, FeatureResult, LayerMeta, PrivacyTier } from '../../shared/api';
import { cellCount, cellTotal, incidentTotals, isAggregated } from '../../map/geometry';
import { createI18n } from '../../shared/i18n';
import { MapLayer } from './layers';
import { cellEntries, legendGroups, renderLegend } from '../legend/legend';
import { CELL_BREAKS, CELL_FILLS, cellClass, cellStyle } from '../../map/palette';
import { createLayerList, summaryText } from './panel';
import { buildCellPopup } from './popup';
import { emptyFilters } from '../../shared/urlstate';

/**
 * Restricted layers at the public privacy tier: the server answers with
 * H3 cells that count incidents (or services) instead of points. Their
 * popup, legend, panel counts, and how the layer asks for them.
 */

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

const hexagon = (lon: number, lat: number): Feature['geometry'] => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + 1, lat], [lon + 1.5, lat + 1], [lon + 1, lat + 2], [lon, lat + 2], [lon - 0.5, lat + 1], [lon, lat]]],
});

const cell = (id: string, incidents: number, dead: number, missing: number, extra: Record<string, unknown> = {}): Feature => ({
  type: 'Feature', id, geometry: hexagon(0, 0),
  properties: { aggregated: true, cell: id, resolution: 3, incidents, dead, missing, first_month: '2019-03', last_month: '2024-07', ...extra },
});

/** Every element in the tree is one the popup builder makes itself. */
function tags(el: Element): string[] {
  return [...new Set([el, ...el.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()))];
}

describe('cell popup', () => {
  it('reads as counts of the area, with the months, and says that exact locations need a sign-in', () => {
    const el = buildCellPopup(i18n, 'incident', 'Deaths and disappearances', cell('831849fffffffff', 23, 40, 12));
    expect(el.querySelector('.popup-title')!.textContent).toBe('Incidents in this area');
    expect(el.querySelector('.popup-layer')!.textContent).toBe('Layer: Deaths and disappearances');
    expect(el.querySelector('.popup-cell-summary')!.textContent).toBe('23 incidents in this area · 40 dead · 12 missing · Mar 2019 – Jul 2024');
    expect(el.querySelector('.popup-note')!.textContent).toBe('Exact locations are shown to signed-in partners and staff.');
    // The H3 index the API gives as the cell's id is never shown at the public tier.
    expect(el.querySelector('.popup-cell')).toBeNull();
    expect(el.textContent).not.toContain('831849fffffffff');
    expect(el.textContent).not.toMatch(/\bH3\b/);
    const one = buildCellPopup(i18n, 'incident', 'I', cell('831849fffffffff', 1, 1, 0, { first_month: '2020-05', last_month: '2020-05' }));
    expect(one.querySelector('.popup-cell-summary')!.textContent).toBe('1 incident in this area · 1 dead · 0 missing · May 2020');
  });

  it('counts services without dead and missing', () => {
    const f: Feature = { type: 'Feature', id: 'c', geometry: hexagon(0, 0), properties: { aggregated: true, cell: '851e8053fffffff', resolution: 5, features: 1234 } };
    const el = buildCellPopup(i18n, 'service', 'Health facilities', f);
    expect(el.querySelector('.popup-title')!.textContent).toBe('Services in this area');
    expect(el.querySelector('.popup-cell-summary')!.textContent).toBe('1,234 services in this area');
  });

  it('shows hostile strings as text and leaves out values that are not months or cell ids', () => {
    const f = cell(HOSTILE, 7, 2, 1, { cell: HOSTILE, first_month: '<script>alert(1)</script>', last_month: HOSTILE, resolution: HOSTILE, dead: '<b>9</b>' });
    const el = buildCellPopup(i18n, 'incident', HOSTILE, f);
    document.body.replaceChildren(el);
    expect(tags(el).every((t) => ['article', 'h3', 'p'].includes(t))).toBe(true);
    expect(document.querySelector('img, script, b')).toBeNull();
    expect(el.querySelector('.popup-layer')!.textContent).toBe(`Layer: ${HOSTILE}`);
    expect(el.querySelector('.popup-cell-summary')!.textContent).toBe('7 incidents in this area · 0 dead · 1 missing');
    expect(el.querySelector('.popup-cell')).toBeNull();
    expect(el.textContent).not.toContain('<script>');
    for (const node of el.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
    }
  });
});

describe('cell counts', () => {
  const cells = [cell('a', 23, 40, 12), cell('b', 5, 0, 7), cell('c', 100, -3, 'x' as unknown as number)];

  it('sums what the cells count, not how many cells there are', () => {
    expect(cells.every((c) => isAggregated(c.properties))).toBe(true);
    expect(isAggregated({ aggregated: 'true' })).toBe(false);
    expect(isAggregated(null)).toBe(false);
    expect(cellCount({ features: 12 })).toBe(12);
    expect(cellCount({ incidents: -4 })).toBe(0);
    expect(cellTotal(cells)).toBe(128);
    // A point among them (not a cell) adds nothing.
    expect(cellTotal([...cells, { type: 'Feature', geometry: null, properties: { incidents: 50 } }])).toBe(128);
    // Dead and missing sum over the cells as over incidents (negatives and junk count 0).
    expect(incidentTotals(cells)).toEqual({ dead: 40, missing: 19 });
  });

  it('shows the summed incidents in the panel with a note on hidden areas, and keeps the cells drawn as data', () => {
    const s = { status: 'ready' as const, shown: 3, totals: { dead: 40, missing: 19 }, aggregated: { total: 1128, unit: 'incidents' as const } };
    expect(summaryText(i18n, s)).toEqual({
      count: '1,128 incidents, counted by area',
      totals: '40 dead · 19 missing',
      note: 'Areas with fewer than 5 incidents are hidden.',
    });
    expect(summaryText(i18n, { status: 'ready', shown: 2, aggregated: { total: 1, unit: 'services' } })).toEqual({
      count: '1 service, counted by area', totals: '', note: 'Areas with fewer than 5 services are hidden.',
    });

    const meta: LayerMeta = { id: 'incidents', kind: 'incident', title: HOSTILE, sources: [], sensitivity: 'restricted', version: 1, feature_count: 0 };
    const list = createLayerList(i18n, [meta], new Set(['incidents']), () => {});
    document.body.replaceChildren(list.element);
    list.setSummary('incidents', s);
    const count = document.querySelector<HTMLElement>('#count-incidents')!;
    expect(count.textContent).toBe('1,128 incidents, counted by area');
    expect(count.dataset.count).toBe('3');
    expect(count.dataset.aggregated).toBe('true');
    expect(count.dataset.cellTotal).toBe('1128');
    expect(document.querySelector('#note-incidents')!.textContent).toBe('Areas with fewer than 5 incidents are hidden.');
    expect(document.querySelector('#layer-incidents')!.getAttribute('aria-describedby')).toContain('note-incidents');
    expect(document.querySelector('#totals-incidents')!.textContent).toBe('40 dead · 19 missing');
    expect(document.querySelector('img')).toBeNull();
    // Points again (signed in): no note, no cell total.
    list.setSummary('incidents', { status: 'ready', shown: 17772, totals: { dead: 1, missing: 2 } });
    expect(count.dataset.aggregated).toBeUndefined();
    expect(count.dataset.cellTotal).toBeUndefined();
    expect(document.querySelector('#note-incidents')!.textContent).toBe('');
  });
});

describe('cell legend', () => {
  it('shows one swatch per class of cell instead of the size key, with a note', () => {
    const kinds = new Set(['incident', 'service'] as const);
    const [incidents, services] = legendGroups(i18n, kinds, [], new Set(['incident']));
    expect(incidents!.entries.map((e) => e.label)).toEqual([
      '5–9 incidents in an area',
      '10–24 incidents in an area',
      '25–99 incidents in an area',
      '100–249 incidents in an area',
      '250 or more incidents in an area',
    ]);
    expect(incidents!.entries.every((e) => e.swatch === 'area')).toBe(true);
    expect(incidents!.note).toMatch(/^Public view: incidents are counted per hexagonal area .* fewer than 5 incidents are not shown\. Exact locations are shown to signed-in partners and staff\.$/);
    // Services still as points (a symbol: no category drawn yet); the incident size key when incidents are points.
    expect(services!.entries.map((e) => e.swatch)).toEqual(['symbol']);
    const points = legendGroups(i18n, kinds, [])[0]!;
    expect(points.entries.every((e) => e.swatch === 'circle')).toBe(true);
    expect(points.note).toBeUndefined();
    expect(legendGroups(i18n, kinds, [], new Set(['service']))[1]!.entries[4]!.label).toBe('250 or more services in an area');

    const frag = renderLegend([incidents!]);
    const host = document.createElement('div');
    host.append(frag);
    const swatches = [...host.querySelectorAll<HTMLElement>('.legend-incident .swatch-area')];
    expect(swatches).toHaveLength(CELL_BREAKS.length);
    expect(swatches.every((s) => s.getAttribute('aria-hidden') === 'true' && s.style.backgroundColor !== '')).toBe(true);
    expect([...host.querySelectorAll<HTMLElement>('.legend-incident li')].map((li) => li.dataset.class)).toEqual(['cell-0', 'cell-1', 'cell-2', 'cell-3', 'cell-4']);
    expect(host.querySelector('.legend-note')!.textContent).toContain('fewer than 5 incidents');
  });

  it('classes cells by their count and fills them light to dark', () => {
    expect([5, 9, 10, 24, 25, 99, 100, 249, 250, 5000, 0].map(cellClass)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 0]);
    for (const kind of ['incident', 'service'] as const) {
      expect(CELL_FILLS[kind]).toHaveLength(CELL_BREAKS.length);
      expect(cellStyle(kind, 99).fillColor).toBe(CELL_FILLS[kind].at(-1));
      expect(cellStyle(kind, -1).fillColor).toBe(CELL_FILLS[kind][0]);
      expect(cellEntries(i18n, kind).map((e) => (e.swatch === 'area' ? e.stroke : ''))).toEqual(Array(5).fill(cellStyle(kind, 0).color));
    }
  });
});

describe('restricted layer on the map', () => {
  const meta: LayerMeta = {
    id: 'incidents', kind: 'incident', title: 'Incidents', sources: [], sensitivity: 'restricted', version: 1,
    feature_count: 3, time_property: 'date', schema: [{ name: 'dead', type: 'integer' }, { name: 'missing', type: 'integer' }],
  };
  const point = (id: string, dead: number): Feature => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [12.6, 35.5] }, properties: { dead, missing: 0 } });

  function fakeApi() {
    const calls: { params: URLSearchParams; resolve: (r: FeatureResult) => void }[] = [];
    const api = {
      features: (_id: string, params: URLSearchParams, signal?: AbortSignal) =>
        new Promise<FeatureResult>((resolve, reject) => {
          calls.push({ params, resolve });
          signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
    } as unknown as Api;
    return { api, calls };
  }

  function newMap(zoom: number): L.Map {
    const el = document.createElement('div');
    document.body.replaceChildren(el);
    const map = L.map(el, { center: [10, 0], zoom });
    for (const pane of ['incident', 'service', 'route', 'area']) map.createPane(pane);
    return map;
  }

  // jsdom has no canvas: a 2D context whose every call does nothing, so that
  // Leaflet's canvas renderer can "draw" the cell polygons.
  beforeAll(() => {
    const noop = () => {};
    const ctx = new Proxy({}, { get: (_t, k) => (k === 'canvas' ? undefined : noop), set: () => true });
    HTMLCanvasElement.prototype.getContext = (() => ctx) as unknown as typeof HTMLCanvasElement.prototype.getContext;
  });

  const answer = (features: Feature[], tier: PrivacyTier): FeatureResult => ({ features, numberMatched: features.length, tier });

  it('draws public cells, counts the incidents they hold, and asks again only when the cell size changes', async () => {
    const { api, calls } = fakeApi();
    const map = newMap(3);
    const layer = new MapLayer(map, api, meta, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    const f = emptyFilters();
    const shown = layer.setVisible(true, f);
    expect(calls[0]!.params.get('zoom')).toBe('3');
    calls[0]!.resolve(answer([cell('a', 23, 40, 12), cell('b', 6, 1, 0)], 'public'));
    await shown;
    expect(layer.isAggregated).toBe(true);
    expect(layer.tier).toBe('public');
    expect(layer.summary()).toEqual({
      status: 'ready', shown: 2, totals: { dead: 41, missing: 12 }, aggregated: { total: 29, unit: 'incidents' },
    });
    // A click inside a cell finds it (the last drawn of the two on the same spot).
    const project = (p: [number, number]) => map.latLngToContainerPoint(p);
    const hit = layer.pick(project([1, 0.5]), [1, 0.5], [0.9, 0.4, 1.1, 0.6], project, 4);
    expect(hit?.feature.id).toBe('b');
    expect(layer.pick(project([-5, -5]), [-5, -5], [-5.1, -5.1, -4.9, -4.9], project, 4)).toBeNull();

    // Zoom 4 has the cells of zoom 3 (resolution 2): nothing to ask.
    map.setZoom(4, { animate: false });
    expect(publicCellResolution(vocab, 3)).toBe(publicCellResolution(vocab, 4));
    expect(layer.isStale(f)).toBe(false);
    await layer.applyFilters(f);
    expect(calls).toHaveLength(1);
    // Zoom 5 asks for smaller cells, with the new zoom.
    map.setZoom(5, { animate: false });
    expect(layer.isStale(f)).toBe(true);
    const again = layer.applyFilters(f);
    expect(layer.isStale(f)).toBe(false); // the load in flight answers it
    expect(calls).toHaveLength(2);
    expect(calls[1]!.params.get('zoom')).toBe('5');
    calls[1]!.resolve(answer([cell('c', 5, 0, 0)], 'public'));
    await again;
    // Past resolution 5 the cells stay the same.
    map.setZoom(8, { animate: false });
    expect(layer.isStale(f)).toBe(true);
    const fine = layer.applyFilters(f);
    calls[2]!.resolve(answer([cell('d', 5, 0, 0)], 'public'));
    await fine;
    map.setZoom(12, { animate: false });
    expect(layer.isStale(f)).toBe(false);
  });

  it('draws points when the tier shows them, and then ignores the zoom', async () => {
    const { api, calls } = fakeApi();
    const map = newMap(3);
    const layer = new MapLayer(map, api, meta, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    const f = emptyFilters();
    const shown = layer.setVisible(true, f);
    calls[0]!.resolve(answer([point('p1', 2), point('p2', 3)], 'staff'));
    await shown;
    expect(layer.isAggregated).toBe(false);
    expect(layer.summary()).toEqual({ status: 'ready', shown: 2, totals: { dead: 5, missing: 0 } });
    map.setZoom(9, { animate: false });
    expect(layer.isStale(f)).toBe(false);
    await layer.applyFilters(f);
    expect(calls).toHaveLength(1);

    // Signing out: the same query answers cells; reload asks whatever the filters.
    const reloaded = layer.reload(f);
    expect(calls).toHaveLength(2);
    calls[1]!.resolve(answer([cell('a', 8, 1, 1)], 'public'));
    await reloaded;
    expect(layer.tier).toBe('public');
    expect(layer.summary().aggregated).toEqual({ total: 8, unit: 'incidents' });
    // Hidden, a reload waits for the layer to be shown again.
    await layer.setVisible(false, f);
    await layer.reload(f);
    expect(calls).toHaveLength(2);
    const back = layer.setVisible(true, f);
    expect(calls).toHaveLength(3);
    calls[2]!.resolve(answer([point('p1', 2)], 'partner'));
    await back;
    expect(layer.tier).toBe('partner');
  });

  it('never sends the zoom for a public layer', async () => {
    const { api, calls } = fakeApi();
    const layer = new MapLayer(newMap(6), api, { ...meta, sensitivity: 'public' }, { vocab, routeColour: () => '#000', onUpdate: () => {} });
    const shown = layer.setVisible(true, emptyFilters());
    expect(calls[0]!.params.has('zoom')).toBe(false);
    calls[0]!.resolve(answer([point('p1', 1)], 'public'));
    await shown;
    expect(layer.isAggregated).toBe(false);
  });
});
