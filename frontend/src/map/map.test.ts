import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import L from 'leaflet';
import { addTiles, probeImage, tileProbeUrl, topologyToGeoJSON, unwrapRing } from './map';

describe('offline basemap', () => {
  const topo = JSON.parse(readFileSync(join(__dirname, '../../public/basemap/world-atlas_countries-110m.topojson.json'), 'utf8'));

  it('converts the shipped world-atlas topology into country polygons', () => {
    const fc = topologyToGeoJSON(topo);
    expect(fc.features.length).toBeGreaterThan(170);
    expect(fc.features.every((f) => f.geometry.type === 'Polygon' || f.geometry.type === 'MultiPolygon')).toBe(true);
  });

  it('leaves no ring jumping across the antimeridian', () => {
    for (const f of topologyToGeoJSON(topo).features) {
      const g = f.geometry as { type: string; coordinates: number[][][] | number[][][][] };
      const polys = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as number[][][][];
      for (const ring of polys.flat()) {
        for (let i = 1; i < ring.length; i++) expect(Math.abs(ring[i]![0]! - ring[i - 1]![0]!)).toBeLessThanOrEqual(180);
      }
    }
  });

  it('unwraps a ring crossing the antimeridian', () => {
    expect(unwrapRing([[179, 0], [-179, 0], [-179, 1], [179, 1], [179, 0]])).toEqual([[179, 0], [181, 0], [181, 1], [179, 1], [179, 0]]);
    expect(unwrapRing([[0, 0], [1, 0], [1, 1]])).toEqual([[0, 0], [1, 0], [1, 1]]);
  });
});

describe('tile probe', () => {
  const base = 'http://127.0.0.1:8080/';
  it.each([
    ['https://tile.openstreetmap.org/{z}/{x}/{y}.png', 'https://tile.openstreetmap.org/0/0/0.png'],
    ['https://{s}.tile.example.org/{z}/{x}/{y}{r}.png', 'https://a.tile.example.org/0/0/0.png'],
    ['/tiles/{z}/{x}/{y}.png', 'http://127.0.0.1:8080/tiles/0/0/0.png'],
    ['', null],
    ['   ', null],
    ['javascript:alert(1)//{z}', null],
  ])('%s → %s', (template, want) => {
    expect(tileProbeUrl(template, base)).toBe(want);
  });
});

describe('online tiles', () => {
  const config = { tile_url: 'https://tile.example.org/{z}/{x}/{y}.png', tile_attribution: '© <b>OSM</b>', version: '' };
  const newMap = () => {
    const el = document.createElement('div');
    document.body.replaceChildren(el);
    return L.map(el, { center: [0, 0], zoom: 2 });
  };
  const tileLayers = (map: L.Map) => {
    const out: L.TileLayer[] = [];
    map.eachLayer((l) => {
      if (l instanceof L.TileLayer) out.push(l);
    });
    return out;
  };

  it('adds no tile layer when the probe tile does not load', async () => {
    const map = newMap();
    const probed: string[] = [];
    expect(await addTiles(map, config, 'http://127.0.0.1/', 10, async (u) => (probed.push(u), false))).toBe(false);
    expect(probed).toEqual(['https://tile.example.org/0/0/0.png']);
    expect(tileLayers(map)).toHaveLength(0);
  });

  it('adds no tile layer and probes nothing when the server has no tile URL', async () => {
    const map = newMap();
    let probed = false;
    expect(await addTiles(map, { ...config, tile_url: '' }, 'http://127.0.0.1/', 10, async () => (probed = true))).toBe(false);
    expect(probed).toBe(false);
    expect(tileLayers(map)).toHaveLength(0);
  });

  it('adds the tile layer with escaped attribution when the probe tile loads', async () => {
    const map = newMap();
    expect(await addTiles(map, config, 'http://127.0.0.1/', 10, async () => true)).toBe(true);
    const [tiles] = tileLayers(map);
    expect(tiles!.getAttribution!()).toBe('© &lt;b&gt;OSM&lt;/b&gt;');
  });

  it('gives up on an image that never arrives', async () => {
    expect(await probeImage('http://127.0.0.1:9/none.png', 20)).toBe(false);
  });
});
