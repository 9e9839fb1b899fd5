import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { emptyFilters } from '../../shared/urlstate';
import { featureBounds, resultBounds, type ResultLayer } from './zoom';

const point = (x: number, y: number): Feature => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [x, y] }, properties: {} });

describe('featureBounds', () => {
  it.each([
    ['points', [point(12, 35), point(-5, 36)], [-5, 35, 12, 36]],
    ['a line and a polygon', [
      { type: 'Feature', geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] }, properties: null },
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[[0, 0], [5, 0], [5, -1], [0, 0]]] }, properties: null },
    ] as Feature[], [0, -1, 5, 4]],
    ['a geometry collection', [{ type: 'Feature', geometry: { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [7, 8] }] }, properties: null }] as Feature[], [7, 8, 7, 8]],
    ['no geometry', [{ type: 'Feature', geometry: null, properties: null }] as Feature[], null],
    ['coordinates out of range', [point(500, 12), point(Number.NaN, 1)], null],
    ['nothing', [], null],
  ])('%s', (_, feats, want) => {
    expect(featureBounds(feats as Feature[])).toEqual(want);
  });
});

describe('resultBounds', () => {
  const incidents: ResultLayer = { meta: { kind: 'incident', time_property: 'date' }, visible: true, features: [point(12, 35)] };
  const services: ResultLayer = { meta: { kind: 'service' }, visible: true, features: [point(30, 0), point(-20, 50)] };
  const hidden: ResultLayer = { meta: { kind: 'incident', time_property: 'date' }, visible: false, features: [point(100, 10)] };

  it('fits the layers the filters narrow', () => {
    expect(resultBounds([incidents, services, hidden], { ...emptyFilters(), cause: 'Drowning' })).toEqual([12, 35, 12, 35]);
    expect(resultBounds([incidents, services, hidden], { ...emptyFilters(), category: 'health' })).toEqual([-20, 0, 30, 50]);
  });

  it('fits every visible layer when no filter narrows one', () => {
    expect(resultBounds([incidents, services, hidden], emptyFilters())).toEqual([-20, 0, 30, 50]);
  });

  it('has nothing to fit when the narrowed layers draw nothing', () => {
    expect(resultBounds([{ ...incidents, features: [] }, services], { ...emptyFilters(), route: 'Nowhere' })).toBeNull();
  });
});
