import { describe, expect, it } from 'vitest';
import type { Geometry } from 'geojson';
import type { Feature } from '../shared/api';
import {
  deadMissing, featuresInBox, geometryParts, incidentTotals, insidePolygon, isApproximate, num, pick, pickAll, pickablePoint, pickableShape,
  segmentDistance, type LatLon,
} from './geometry';

describe('geometryParts', () => {
  const cases: [string, unknown, [number, number, number]][] = [
    ['Point', { type: 'Point', coordinates: [10, 20] }, [1, 0, 0]],
    ['MultiPoint', { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] }, [2, 0, 0]],
    ['LineString', { type: 'LineString', coordinates: [[1, 2], [3, 4]] }, [0, 1, 0]],
    ['MultiLineString', { type: 'MultiLineString', coordinates: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] }, [0, 2, 0]],
    ['Polygon', { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] }, [0, 0, 1]],
    ['MultiPolygon', { type: 'MultiPolygon', coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]]]] }, [0, 0, 2]],
    ['GeometryCollection', { type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }, { type: 'LineString', coordinates: [[1, 2], [3, 4]] }] }, [1, 1, 0]],
    ['null', null, [0, 0, 0]],
    ['empty Point', { type: 'Point', coordinates: [] }, [0, 0, 0]],
    ['strings as coordinates', { type: 'Point', coordinates: ['1', '2'] }, [0, 0, 0]],
    ['latitude out of range', { type: 'Point', coordinates: [0, 91] }, [0, 0, 0]],
    ['one-point line', { type: 'LineString', coordinates: [[1, 2]] }, [0, 0, 0]],
    ['unknown type', { type: 'Circle', coordinates: [1, 2] }, [0, 0, 0]],
    ['coordinates not an array', { type: 'MultiPoint', coordinates: 'x' }, [0, 0, 0]],
  ];
  it.each(cases)('%s', (_, g, [p, l, a]) => {
    const parts = geometryParts(g as Geometry);
    expect([parts.points.length, parts.lines.length, parts.polygons.length]).toEqual([p, l, a]);
  });

  it('returns [lat, lon] in Leaflet order', () => {
    expect(geometryParts({ type: 'Point', coordinates: [10, 20] }).points[0]).toEqual([20, 10]);
  });
});

describe('incident numbers', () => {
  it('reads numbers and numeric strings, never negatives', () => {
    expect(num('12')).toBe(12);
    expect(num('x')).toBe(0);
    expect(num(null)).toBe(0);
    expect(deadMissing({ dead: 2, missing: '3' })).toBe(5);
    expect(deadMissing({ dead: 2, missing: -13 })).toBe(2);
    expect(deadMissing(null)).toBe(0);
  });

  it('totals dead and missing', () => {
    const f = (dead: unknown, missing: unknown): Feature => ({ type: 'Feature', geometry: null, properties: { dead, missing } });
    expect(incidentTotals([f(1, 2), f('3', null), f(-1, 4)])).toEqual({ dead: 4, missing: 6 });
  });

  it('knows approximate routes', () => {
    expect(isApproximate({ approximate: true })).toBe(true);
    expect(isApproximate({ approximate: 'true' })).toBe(true);
    expect(isApproximate({ approximate: false })).toBe(false);
    expect(isApproximate(null)).toBe(false);
  });
});

describe('pick', () => {
  // A flat projection: 10 px per degree, y down.
  const project = ([lat, lon]: LatLon) => ({ x: lon * 10, y: -lat * 10 });
  const at = (lat: number, lon: number) => ({ cursor: project([lat, lon]), ll: [lat, lon] as LatLon });
  const near = (lat: number, lon: number, d = 3): [number, number, number, number] => [lat - d, lon - d, lat + d, lon + d];

  it('hits a point within its radius plus tolerance, and misses beyond', () => {
    const shapes = [pickablePoint(0, [0, 0], 5)];
    const { cursor, ll } = at(0, 0.8);
    expect(pick(shapes, cursor, ll, near(0, 0.8), project, 4)?.feature).toBe(0);
    const far = at(0, 1.0);
    expect(pick(shapes, far.cursor, far.ll, near(0, 1.0), project, 4)).toBeNull();
  });

  it('prefers the closest point, and on a tie the one drawn last', () => {
    const shapes = [pickablePoint(0, [0, 0], 20), pickablePoint(1, [0, 0.2], 3)];
    const { cursor, ll } = at(0, 0.2);
    expect(pick(shapes, cursor, ll, near(0, 0.2), project, 4)?.feature).toBe(1);
    const tie = [pickablePoint(0, [0, 0], 5), pickablePoint(1, [0, 0], 5)];
    expect(pick(tie, project([0, 0]), [0, 0], near(0, 0), project, 4)?.feature).toBe(1);
  });

  it('skips shapes outside the near box without projecting them', () => {
    let calls = 0;
    const counting = (p: LatLon) => {
      calls++;
      return project(p);
    };
    const shapes = [pickablePoint(0, [50, 50], 5), pickablePoint(1, [0, 0], 5)];
    expect(pick(shapes, project([0, 0]), [0, 0], near(0, 0), counting, 4)?.feature).toBe(1);
    expect(calls).toBe(1);
  });

  it('hits lines near a segment and polygons under the cursor', () => {
    const line = pickableShape(0, 'line', [[0, 0], [0, 10]], 1.5);
    const poly = pickableShape(1, 'polygon', [[[-5, 20], [-5, 30], [5, 30], [5, 20]]], 1);
    const onLine = at(0.3, 5);
    expect(pick([line, poly], onLine.cursor, onLine.ll, near(0.3, 5), project, 4)?.feature).toBe(0);
    const inPoly = at(0, 25);
    expect(pick([line, poly], inPoly.cursor, inPoly.ll, near(0, 25), project, 4)?.feature).toBe(1);
    const nowhere = at(20, 5);
    expect(pick([line, poly], nowhere.cursor, nowhere.ll, near(20, 5), project, 4)).toBeNull();
  });

  it('measures segment distance and polygon holes', () => {
    expect(segmentDistance({ x: 5, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(3);
    expect(segmentDistance({ x: -4, y: 3 }, { x: 0, y: 0 }, { x: 10, y: 0 })).toBe(5);
    expect(segmentDistance({ x: 3, y: 4 }, { x: 0, y: 0 }, { x: 0, y: 0 })).toBe(5);
    const withHole: LatLon[][] = [
      [[0, 0], [0, 10], [10, 10], [10, 0]],
      [[4, 4], [4, 6], [6, 6], [6, 4]],
    ];
    expect(insidePolygon([2, 2], withHole)).toBe(true);
    expect(insidePolygon([5, 5], withHole)).toBe(false);
    expect(insidePolygon([20, 5], withHole)).toBe(false);
  });
});

describe('pickAll and featuresInBox', () => {
  // A plain projection: one pixel per degree, y down.
  const project = ([lat, lon]: LatLon) => ({ x: lon, y: -lat });
  const near: [number, number, number, number] = [-10, -10, 10, 10];
  const shapes = [
    pickablePoint(0, [0, 0], 2),
    pickablePoint(1, [0, 2.5], 2),
    pickablePoint(2, [0, 0], 2), // stacked on feature 0, drawn later
    pickableShape(3, 'polygon', [[[-5, -5], [-5, 5], [5, 5], [5, -5]]], 1),
    pickablePoint(4, [0, 30], 2),
    pickableShape(5, 'line', [[0, -3], [0, 3]], 1),
    pickableShape(5, 'line', [[1, -3], [1, 3]], 1), // a second part of feature 5
  ];

  it('finds every feature under the cursor, closest first, the one drawn last first on a tie, each once', () => {
    const hits = pickAll(shapes, { x: 0, y: 0 }, [0, 0], near, project, 1).map((s) => s.feature);
    expect(hits).toEqual([5, 2, 0, 1, 3]);
    expect(pick(shapes, { x: 0, y: 0 }, [0, 0], near, project, 1)!.feature).toBe(hits[0]);
    expect(pickAll(shapes, { x: 100, y: 100 }, [-100, 100], near, project, 1)).toEqual([]);
  });

  it('lists the features whose box meets a view, each once', () => {
    expect(featuresInBox(shapes, [-1, -1, 1, 1])).toEqual([0, 2, 3, 5]);
    expect(featuresInBox(shapes, [-1, -1, 1, 3])).toEqual([0, 1, 2, 3, 5]);
    expect(featuresInBox(shapes, [-1, 29, 1, 31])).toEqual([4]);
    expect(featuresInBox(shapes, [50, 50, 60, 60])).toEqual([]);
  });
});
