import { describe, expect, it } from 'vitest';
import { PackError, validateManifest } from './manifest';
import { HOSTILE, sampleManifest } from './testdata/packfixture';

function reasonOf(v: unknown): { reason: string; detail: string } {
  try {
    validateManifest(v);
  } catch (err) {
    expect(err).toBeInstanceOf(PackError);
    return { reason: (err as PackError).reason, detail: (err as PackError).detail };
  }
  throw new Error('the manifest was accepted');
}

describe('validateManifest', () => {
  it('accepts the manifest of a pack and types it', () => {
    const m = validateManifest(sampleManifest());
    expect(m.bbox).toEqual([10, 30, 20, 38]);
    expect(m.tier).toBe('staff');
    expect(m.minzoom).toBe(2);
    expect(m.maxzoom).toBe(7);
    expect(m.data_through).toBe('2026-11-30');
    expect(m.layers.map((l) => [l.id, l.version, l.features])).toEqual([['routes', '3', 4], ['incidents', '12', 3]]);
    expect(m.layers[1]!.sources[0]!.url).toBe('javascript:alert(1)');
    expect(m.caveats).toContain(HOSTILE);
  });

  it('reads the basemap files a pack lists, and none when it lists none', () => {
    expect(validateManifest(sampleManifest({ basemap: ['basemap/world-atlas_countries-110m.topojson.json'] })).basemap)
      .toEqual(['basemap/world-atlas_countries-110m.topojson.json']);
    expect(validateManifest(sampleManifest()).basemap).toEqual([]);
  });

  it('accepts a month as data_through (partner packs)', () => {
    expect(validateManifest(sampleManifest({ tier: 'partner', data_through: '2026-11' })).data_through).toBe('2026-11');
  });

  it('accepts a pack without data_through, caveats, sources or optional texts', () => {
    const m = validateManifest(sampleManifest({
      data_through: undefined, caveats: undefined, attribution: undefined, geopackage: undefined,
      tier: 'partner', layers: [{ id: 'labels' }],
    }));
    expect(m.data_through).toBeNull();
    expect(m.caveats).toEqual([]);
    expect(m.attribution).toBe('');
    expect(m.tier).toBe('partner');
    expect(m.layers).toEqual([{ id: 'labels', title: '', kind: '', version: '', updated_at: '', features: null, sources: [] }]);
  });

  it.each([
    ['not an object', [1, 2], 'badManifest', 'whole file'],
    ['null', null, 'badManifest', 'whole file'],
    ['another format', sampleManifest({ format: 'geojson' }), 'wrongFormat', '"geojson"'],
    ['no format', sampleManifest({ format: undefined }), 'wrongFormat', 'missing'],
    ['version 2', sampleManifest({ version: 2 }), 'wrongVersion', 'version is 2'],
    ['version as text', sampleManifest({ version: '1' }), 'wrongVersion', '"1"'],
    ['created missing', sampleManifest({ created: undefined }), 'badManifest', 'created is missing'],
    ['created not RFC 3339', sampleManifest({ created: '6 December 2026' }), 'badManifest', 'created'],
    ['bbox of three numbers', sampleManifest({ bbox: [10, 30, 20] }), 'badManifest', 'bbox must be four numbers'],
    ['bbox with text', sampleManifest({ bbox: [10, 30, '20', 38] }), 'badManifest', 'bbox'],
    ['bbox west after east', sampleManifest({ bbox: [20, 30, 10, 38] }), 'badManifest', 'west < east'],
    ['bbox beyond the poles', sampleManifest({ bbox: [10, -95, 20, 38] }), 'badManifest', 'bbox'],
    ['unknown tier', sampleManifest({ tier: 'public' }), 'badManifest', 'tier must be "staff" or "partner", not "public"'],
    ['zoom not whole', sampleManifest({ minzoom: 2.5 }), 'badManifest', 'minzoom must be a whole zoom'],
    ['zooms reversed', sampleManifest({ minzoom: 9, maxzoom: 4 }), 'badManifest', 'above maxzoom'],
    ['tiles missing', sampleManifest({ tiles: undefined }), 'badManifest', 'tiles is missing'],
    ['basemap outside its folder', sampleManifest({ basemap: ['../../etc/passwd.json'] }), 'badManifest', 'basemap'],
    ['basemap not a list', sampleManifest({ basemap: 'basemap/a.json' }), 'badManifest', 'basemap'],
    ['basemap climbing out', sampleManifest({ basemap: ['basemap/..json', 'basemap/../x.json'] }), 'badManifest', 'basemap'],
    ['tiles a number', sampleManifest({ tiles: 5 }), 'badManifest', 'tiles must be text'],
    ['layers not a list', sampleManifest({ layers: {} }), 'badManifest', 'layers must be a list'],
    ['a layer without id', sampleManifest({ layers: [{ title: 'x' }] }), 'badManifest', 'layers[0].id is missing'],
    ['a layer with a negative count', sampleManifest({ layers: [{ id: 'a', features: -1 }] }), 'badManifest', 'layers[0].features'],
    ['a source not an object', sampleManifest({ layers: [{ id: 'a', sources: ['x'] }] }), 'badManifest', 'layers[0].sources[0] must be an object'],
    ['a source url a number', sampleManifest({ layers: [{ id: 'a', sources: [{ name: 'n', url: 3 }] }] }), 'badManifest', 'layers[0].sources[0].url must be text'],
    ['data_through not a day', sampleManifest({ data_through: '30/11/2026' }), 'badManifest', 'data_through'],
    ['data_through a year', sampleManifest({ data_through: '2026' }), 'badManifest', 'data_through'],
    ['caveats with a number', sampleManifest({ caveats: ['ok', 3] }), 'badManifest', 'caveats'],
  ])('refuses %s, naming what is wrong', (_, v, reason, detail) => {
    const got = reasonOf(v);
    expect(got.reason).toBe(reason);
    expect(got.detail).toContain(detail);
  });
});
