import { describe, expect, it } from 'vitest';
import { PMTiles, TileType } from 'pmtiles';
import { BufferSource } from './source';
import { decodeTile, decompress } from './pack';
import { sampleArchive } from './testdata/packfixture';

const bytes = (r: { data: ArrayBuffer }) => [...new Uint8Array(r.data)];

describe('BufferSource', () => {
  const data = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

  it('answers byte ranges from memory', async () => {
    const s = new BufferSource(data.buffer);
    expect(bytes(await s.getBytes(0, 3))).toEqual([0, 1, 2]);
    expect(bytes(await s.getBytes(7, 3))).toEqual([7, 8, 9]);
    expect(bytes(await s.getBytes(4, 0))).toEqual([]);
    expect(s.size).toBe(10);
  });

  it('cuts a range short at the end (PMTiles asks for 16 KiB first)', async () => {
    const s = new BufferSource(data);
    expect(bytes(await s.getBytes(0, 16384))).toEqual([...data]);
    expect(bytes(await s.getBytes(8, 100))).toEqual([8, 9]);
  });

  it('reads a view into a larger buffer at its own offset, and gives copies', async () => {
    const view = data.subarray(3, 7);
    const s = new BufferSource(view);
    const r = await s.getBytes(1, 2);
    expect(bytes(r)).toEqual([4, 5]);
    new Uint8Array(r.data)[0] = 99;
    expect(view[1]).toBe(4);
  });

  it.each([
    ['past the end', 11, 1, /past the end of the archive \(10 bytes\)/],
    ['at the end', 10, 1, /past the end/],
    ['negative', -1, 2, /not a byte range/],
    ['fractional', 1.5, 2, /not a byte range/],
    ['NaN length', 0, Number.NaN, /not a byte range/],
  ])('rejects a range %s', async (_, offset, length, msg) => {
    await expect(new BufferSource(data).getBytes(offset, length)).rejects.toThrow(msg);
  });

  it('gives each archive its own key, even with the same name', () => {
    const a = new BufferSource(data, 'map.pmtiles');
    const b = new BufferSource(data, 'map.pmtiles');
    expect(a.getKey()).not.toBe(b.getKey());
    expect(a.getKey()).toBe(a.getKey());
  });

  it('lets PMTiles read an archive held in memory: header, directory and tiles', async () => {
    const archive = new PMTiles(new BufferSource(sampleArchive(5)), undefined, decompress);
    const h = await archive.getHeader();
    expect(h.specVersion).toBe(3);
    expect(h.tileType).toBe(TileType.Mvt);
    expect([h.minZoom, h.maxZoom]).toEqual([2, 5]);
    // z5 tile of Lampedusa (12.6 E, 35.5 N): x 17, y 12.
    const res = await archive.getZxy(5, 17, 12);
    expect(res).toBeDefined();
    const tile = decodeTile(res!.data);
    expect(Object.keys(tile.layers).sort()).toEqual(['hotspots', 'incidents', 'labels', 'routes', 'services']);
    expect(await archive.getZxy(5, 0, 0)).toBeUndefined();
    expect(await archive.getZxy(9, 17 * 16, 12 * 16)).toBeUndefined();
  });
});
