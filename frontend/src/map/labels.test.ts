// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import type { FeatureCollection } from 'geojson';
import { AREA_LABELS_UNTIL, countriesAt, countryLabels, placeViewKey, SEAS, seasAt } from './labels';
import { CELL_FILLS, HOTSPOT_STYLE, RISK_STYLE } from './palette';

const square = (x: number, y: number, s: number) => [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]];
const fc: FeatureCollection = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { name: 'Small' }, geometry: { type: 'Polygon', coordinates: square(10, 10, 1) } },
    { type: 'Feature', properties: { name: 'Big' }, geometry: { type: 'MultiPolygon', coordinates: [square(0, 0, 2), square(20, 0, 30)] } },
    { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: square(0, 0, 5) } },
    { type: 'Feature', properties: { name: 'Wrapped' }, geometry: { type: 'Polygon', coordinates: square(185, 0, 2) } },
  ],
};

describe('country labels', () => {
  it('puts each name at the centre of its largest part, largest first, and leaves out features without a name', () => {
    const labels = countryLabels(fc);
    expect(labels.map((l) => l.name)).toEqual(['Big', 'Wrapped', 'Small']);
    expect(labels[0]).toMatchObject({ lon: 35, lat: 15 });
    expect(labels[1]!.lon).toBeCloseTo(-174);
  });
  it('names more countries as the map zooms in, none past the area zooms', () => {
    const labels = countryLabels(fc);
    expect(countriesAt(labels, 2).map((l) => l.name)).toEqual(['Big']);
    expect(countriesAt(labels, 7).map((l) => l.name)).toEqual(['Big', 'Wrapped', 'Small']);
    expect(countriesAt(labels, AREA_LABELS_UNTIL + 1)).toEqual([]);
  });
});

describe('sea labels', () => {
  it('shows oceans first and straits close up', () => {
    expect(seasAt(2).map((s) => s.name)).toContain('North Atlantic Ocean');
    expect(seasAt(2).map((s) => s.name)).not.toContain('Strait of Gibraltar');
    expect(seasAt(6).map((s) => s.name)).toContain('Strait of Gibraltar');
    expect(seasAt(AREA_LABELS_UNTIL + 1)).toEqual([]);
    for (const s of SEAS) expect(Math.abs(s.lat) <= 90 && Math.abs(s.lon) <= 180).toBe(true);
  });
});

describe('placeViewKey', () => {
  it('rounds a view outward to its zoom grid so small moves keep the key', () => {
    const a = placeViewKey(12.1, 35.3, 13.2, 35.9, 8);
    const b = placeViewKey(12.2, 35.4, 13.3, 35.95, 8);
    expect(a).toEqual(b);
    expect(a.bbox).toBe('11.25,35.15625,14.0625,36.5625');
    expect(placeViewKey(-200, -95, 200, 95, 6).bbox).toBe('-180,-90,180,90');
    expect(placeViewKey(12.1, 35.1, 13.2, 35.9, 9).key).not.toBe(a.key);
  });
});

describe('one palette', () => {
  it('gives hotspots, incident cells, service cells and route risk no colour in common', () => {
    const ramps = [
      Object.values(HOTSPOT_STYLE).filter((s) => (s.fillOpacity ?? 0) > 0).map((s) => s.fillColor!.toUpperCase()),
      CELL_FILLS.incident.map((c) => c.toUpperCase()),
      CELL_FILLS.service.map((c) => c.toUpperCase()),
      Object.values(RISK_STYLE).map((s) => s.color.toUpperCase()),
    ];
    const all = ramps.flat();
    expect(new Set(all).size).toBe(all.length);
  });
});
