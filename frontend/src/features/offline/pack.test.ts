import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { PackError } from './manifest';
import { basemapFetch, looksLikeZip, openPack, readPackZip, readTile, tileAt } from './pack';
import { PACK_LAYER_IDS, paintTile, placementFor, type Paint2D } from './paint';
import { buildArchive, encodeTile, utf8, sampleArchive, sampleManifest, samplePack, zipPack } from './testdata/packfixture';

async function failure(data: Uint8Array): Promise<PackError> {
  try {
    await openPack(data);
  } catch (err) {
    expect(err).toBeInstanceOf(PackError);
    return err as PackError;
  }
  throw new Error('the pack opened');
}

describe('openPack', () => {
  it('opens a pack: manifest, header and tiles', async () => {
    const pack = await openPack(samplePack());
    expect(pack.manifest.tier).toBe('staff');
    expect(pack.header.maxZoom).toBe(7);
    const { x, y } = tileAt(12.6, 35.5, 7);
    const tile = await readTile(pack.archive, 7, x, y);
    expect(tile?.layers.routes?.length).toBeGreaterThan(0);
    expect(tile?.layers.labels?.feature(0).properties.name).toBeDefined();
  });

  it('reads the basemap files the manifest lists, and answers them to the basemap loader', async () => {
    const coarse = 'basemap/world-atlas_countries-110m.topojson.json';
    const zip = zipPack(sampleManifest({ basemap: [coarse, 'basemap/missing.json'] }), sampleArchive(3), { [coarse]: utf8('{"type":"Topology"}') });
    const pack = await openPack(zip);
    expect([...pack.basemap.keys()]).toEqual([coarse]);
    const get = basemapFetch(pack.basemap);
    const res = await get(new URL(coarse, 'https://pack.invalid/').href);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 'Topology' });
    expect((await get('https://pack.invalid/basemap/missing.json')).status).toBe(404);
    expect((await openPack(samplePack())).basemap.size).toBe(0);
  });

  it('opens a pack whose files sit in one top folder', async () => {
    const zip = zipSync({
      'pack-central-med/manifest.json': utf8(JSON.stringify(sampleManifest())),
      'pack-central-med/map.pmtiles': [sampleArchive(3), { level: 0 }],
    });
    expect((await openPack(zip)).manifest.bbox).toEqual([10, 30, 20, 38]);
  });

  it('opens a pack whose tiles are not gzipped', async () => {
    const tiles = [{ z: 2, x: 2, y: 1, data: encodeTile({ routes: [{ type: 2, geometry: [[[0, 0], [4096, 4096]]], properties: { class: 'low' } }] }) }];
    const archive = buildArchive(tiles, { minZoom: 2, maxZoom: 2, bounds: [10, 30, 20, 38], tileCompression: 1 });
    const pack = await openPack(zipPack(sampleManifest({ maxzoom: 2 }), archive));
    expect((await readTile(pack.archive, 2, 2, 1))?.layers.routes?.length).toBe(1);
  });

  it.each([
    ['a text file', utf8('bbox,layers\n10,30\n'), 'notZip', 'does not start as a zip'],
    ['an empty file', new Uint8Array(0), 'notZip', 'zip'],
    ['a truncated zip', samplePack().slice(0, 200), 'notZip', 'cannot be read'],
    ['a zip without a manifest', zipPack(null, sampleArchive(3)), 'noManifest', 'no manifest.json'],
    ['a manifest that is not JSON', zipPack('{"format": "routerisk-pack",', sampleArchive(3)), 'badManifest', 'not JSON'],
    ['a manifest that is not UTF-8', zipPack(null, sampleArchive(3), { 'manifest.json': new Uint8Array([0xff, 0xfe, 0x7b]) }), 'badManifest', 'not JSON'],
    ['another format', zipPack(sampleManifest({ format: 'other-pack' }), sampleArchive(3)), 'wrongFormat', 'other-pack'],
    ['another version', zipPack(sampleManifest({ version: 2 }), sampleArchive(3)), 'wrongVersion', 'version is 2'],
    ['no tile archive', zipPack(sampleManifest(), null), 'noTiles', 'map.pmtiles'],
    ['an archive that is not PMTiles', zipPack(sampleManifest(), utf8('not an archive at all')), 'badTiles', 'magic number'],
    ['an empty archive', zipPack(sampleManifest(), new Uint8Array(0)), 'badTiles', 'not a readable PMTiles archive'],
    ['a truncated archive', zipPack(sampleManifest(), sampleArchive(3).slice(0, 300)), 'badTiles', 'cannot be read'],
    ['a raster archive', zipPack(sampleManifest(), buildArchive([{ z: 2, x: 2, y: 1, data: new Uint8Array([1]) }], { minZoom: 2, maxZoom: 2, bounds: [10, 30, 20, 38], tileType: 2 })), 'badTiles', 'Png tiles, not vector tiles'],
    ['a tile that is not a vector tile', zipPack(sampleManifest({ minzoom: 2 }), buildArchive([{ z: 2, x: 2, y: 1, data: new Uint8Array([0x1a, 0xff, 0xff, 0xff, 0x0f]) }], { minZoom: 2, maxZoom: 2, bounds: [10, 30, 20, 38] })), 'badTiles', 'tile 2/2/1'],
  ])('refuses %s, saying why', async (_, data, reason, detail) => {
    const err = await failure(data);
    expect(err.reason).toBe(reason);
    expect(err.detail).toContain(detail);
  });

  it('recognises a zip by its first bytes', () => {
    expect(looksLikeZip(samplePack())).toBe(true);
    expect(looksLikeZip(zipSync({}))).toBe(true);
    expect(looksLikeZip(utf8('PK'))).toBe(false);
    expect(looksLikeZip(utf8('%PDF-1.7'))).toBe(false);
  });

  it('reads only the manifest and the tiles (not the GeoPackage)', () => {
    const big = new Uint8Array(5_000_000);
    const { tiles } = readPackZip(zipPack(sampleManifest(), sampleArchive(2), { 'layers.gpkg': big }));
    expect(tiles.byteLength).toBeLessThan(100_000);
  });
});

/**
 * FuzzOpenPack: damaged packs (bytes of the sample changed, cut or
 * repeated, seeded so a failure can be replayed) either open or are
 * refused with a PackError; nothing else escapes.
 */
describe('FuzzOpenPack', () => {
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const noop = () => {};
  const nullContext = {
    beginPath: noop, moveTo: noop, lineTo: noop, closePath: noop, arc: noop, fill: noop, stroke: noop, fillText: noop, strokeText: noop,
    save: noop, restore: noop, measureText: (s: string) => ({ width: s.length * 6 }) as TextMetrics,
  } as unknown as Paint2D;
  const seeds = [samplePack(), zipPack(sampleManifest({ maxzoom: 3 }), sampleArchive(3))];
  const runs = Number(process.env.FUZZ_RUNS ?? 300);

  it(`opens or refuses ${runs} damaged packs, never throwing anything but a PackError`, async () => {
    const random = rng(20261206);
    let opened = 0;
    for (let i = 0; i < runs; i++) {
      const data = seeds[i % seeds.length]!.slice();
      const edits = 1 + Math.floor(random() * 8);
      for (let e = 0; e < edits; e++) data[Math.floor(random() * data.length)] = Math.floor(random() * 256);
      const cut = random() < 0.2 ? data.slice(0, Math.floor(random() * data.length)) : data;
      try {
        const pack = await openPack(cut);
        opened++;
        // An opened pack may still hold damaged tiles: reading one rejects, painting one throws (the layer catches both); neither hangs.
        for (const z of [2, 3]) {
          const tile = await readTile(pack.archive, z, z === 2 ? 2 : 4, z === 2 ? 1 : 3).catch(() => null);
          if (tile) {
            try {
              paintTile(nullContext, tile, placementFor(z, 0, 0, 12).placement, new Set(PACK_LAYER_IDS));
            } catch {
              // counted as a failed tile by PackTileLayer
            }
          }
        }
      } catch (err) {
        if (!(err instanceof PackError)) throw new Error(`run ${i}: ${String(err)}`);
      }
    }
    expect(opened).toBeLessThan(runs);
  }, Math.max(5_000, runs * 5));
});
