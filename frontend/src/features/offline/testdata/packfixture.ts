import { gzipSync, strToU8, zipSync, type Zippable } from 'fflate';
import { PbfWriter } from 'pbf';
import { zxyToTileId } from 'pmtiles';

/**
 * Builds offline packs for the tests, in the format GET /api/v1/packs
 * writes: Mapbox Vector Tiles (encoded here with pbf), a PMTiles v3
 * archive of them (written here byte by byte, as the specification lays it
 * out) and the zip around them with a manifest. Used by the unit tests
 * and by e2e/offline.spec.ts.
 */

/** A feature of a fixture tile, its geometry in tile coordinates (0..extent). */
export interface TileFeature {
  /** 1 point(s), 2 line(s), 3 polygon. */
  type: 1 | 2 | 3;
  /** Points: one ring of points; lines: one ring per line; polygons: rings (outer clockwise in screen space, holes counter-clockwise). */
  geometry: [number, number][][];
  properties: Record<string, string | number | boolean>;
  id?: number;
}

/** Text as UTF-8 bytes, in this realm's Uint8Array (under jsdom, TextEncoder answers another realm's, which fflate would read as a folder). */
export function utf8(s: string): Uint8Array {
  return Uint8Array.from(strToU8(s));
}

const zigzag = (n: number) => (n << 1) ^ (n >> 31);
const command = (id: number, count: number) => (id & 7) | (count << 3);

function geometry(f: TileFeature): number[] {
  const out: number[] = [];
  let cx = 0;
  let cy = 0;
  const push = ([x, y]: [number, number]) => {
    const ix = Math.round(x);
    const iy = Math.round(y);
    out.push(zigzag(ix - cx), zigzag(iy - cy));
    cx = ix;
    cy = iy;
  };
  if (f.type === 1) {
    const pts = f.geometry.flat();
    out.push(command(1, pts.length));
    pts.forEach(push);
    return out;
  }
  for (const ring of f.geometry) {
    const pts = f.type === 3 && ring.length > 1 && ring[0]![0] === ring.at(-1)![0] && ring[0]![1] === ring.at(-1)![1] ? ring.slice(0, -1) : ring;
    out.push(command(1, 1));
    push(pts[0]!);
    out.push(command(2, pts.length - 1));
    pts.slice(1).forEach(push);
    if (f.type === 3) out.push(command(7, 1));
  }
  return out;
}

function writeValue(v: string | number | boolean, pbf: PbfWriter): void {
  if (typeof v === 'string') pbf.writeStringField(1, v);
  else if (typeof v === 'boolean') pbf.writeBooleanField(7, v);
  else if (Number.isInteger(v) && v >= 0) pbf.writeVarintField(5, v);
  else if (Number.isInteger(v)) pbf.writeSVarintField(6, v);
  else pbf.writeDoubleField(3, v);
}

/** Encodes one vector tile: MVT layer name → features. */
export function encodeTile(layers: Record<string, TileFeature[]>, extent = 4096): Uint8Array {
  const pbf = new PbfWriter();
  for (const [name, features] of Object.entries(layers)) {
    pbf.writeMessage(3, (_: unknown, p: PbfWriter) => {
      p.writeVarintField(15, 2);
      p.writeStringField(1, name);
      const keys: string[] = [];
      const values: (string | number | boolean)[] = [];
      const index = <T>(list: T[], v: T) => {
        let i = list.indexOf(v);
        if (i < 0) i = list.push(v) - 1;
        return i;
      };
      for (const f of features) {
        p.writeMessage(2, (_2: unknown, q: PbfWriter) => {
          if (f.id !== undefined) q.writeVarintField(1, f.id);
          const tags: number[] = [];
          for (const [k, v] of Object.entries(f.properties)) tags.push(index(keys, k), index(values, v));
          q.writePackedVarint(2, tags);
          q.writeVarintField(3, f.type);
          q.writePackedVarint(4, geometry(f));
        }, null);
      }
      for (const k of keys) p.writeStringField(3, k);
      for (const v of values) p.writeMessage(4, (_3: unknown, q: PbfWriter) => writeValue(v, q), null);
      p.writeVarintField(5, extent);
    }, null);
  }
  return pbf.finish();
}

function varints(list: readonly number[]): number[] {
  const out: number[] = [];
  for (let v of list) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return out;
}

/** A tile of an archive to build. */
export interface ArchiveTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

/** Options of buildArchive. */
export interface ArchiveOptions {
  minZoom: number;
  maxZoom: number;
  bounds: [number, number, number, number];
  /** 1 MVT (the default), 2 PNG… */
  tileType?: number;
  /** 1 none, 2 gzip (the default). */
  tileCompression?: number;
}

function setU64(v: DataView, at: number, n: number): void {
  v.setUint32(at, n % 2 ** 32, true);
  v.setUint32(at + 4, Math.floor(n / 2 ** 32), true);
}

/** Writes a PMTiles v3 archive: header, gzipped root directory, gzipped metadata, then the tiles (gzipped unless tileCompression is 1). */
export function buildArchive(tiles: readonly ArchiveTile[], o: ArchiveOptions): Uint8Array {
  const gzipTiles = (o.tileCompression ?? 2) === 2;
  const entries = tiles
    .map((t) => ({ tileId: zxyToTileId(t.z, t.x, t.y), data: gzipTiles ? gzipSync(t.data) : t.data }))
    .sort((a, b) => a.tileId - b.tileId);
  let offset = 0;
  const placed = entries.map((e) => {
    const p = { tileId: e.tileId, offset, length: e.data.length };
    offset += e.data.length;
    return p;
  });
  const ids: number[] = [];
  let last = 0;
  for (const p of placed) {
    ids.push(p.tileId - last);
    last = p.tileId;
  }
  const dir = new Uint8Array([
    ...varints([placed.length]),
    ...varints(ids),
    ...varints(placed.map(() => 1)),
    ...varints(placed.map((p) => p.length)),
    ...varints(placed.map((p, i) => (i > 0 && p.offset === placed[i - 1]!.offset + placed[i - 1]!.length ? 0 : p.offset + 1))),
  ]);
  const root = gzipSync(dir);
  const meta = gzipSync(utf8(JSON.stringify({ vector_layers: [] })));
  const tileData = new Uint8Array(offset);
  entries.forEach((e, i) => tileData.set(e.data, placed[i]!.offset));
  const header = new Uint8Array(127);
  const v = new DataView(header.buffer);
  header.set(utf8('PMTiles'), 0);
  header[7] = 3;
  const rootAt = 127;
  const metaAt = rootAt + root.length;
  const leafAt = metaAt + meta.length;
  const tilesAt = leafAt;
  setU64(v, 8, rootAt);
  setU64(v, 16, root.length);
  setU64(v, 24, metaAt);
  setU64(v, 32, meta.length);
  setU64(v, 40, leafAt);
  setU64(v, 48, 0);
  setU64(v, 56, tilesAt);
  setU64(v, 64, tileData.length);
  setU64(v, 72, placed.length);
  setU64(v, 80, placed.length);
  setU64(v, 88, placed.length);
  header[96] = 0;
  header[97] = 2;
  header[98] = o.tileCompression ?? 2;
  header[99] = o.tileType ?? 1;
  header[100] = o.minZoom;
  header[101] = o.maxZoom;
  const [w, s, e, n] = o.bounds;
  v.setInt32(102, Math.round(w * 1e7), true);
  v.setInt32(106, Math.round(s * 1e7), true);
  v.setInt32(110, Math.round(e * 1e7), true);
  v.setInt32(114, Math.round(n * 1e7), true);
  header[118] = o.minZoom;
  v.setInt32(119, Math.round(((w + e) / 2) * 1e7), true);
  v.setInt32(123, Math.round(((s + n) / 2) * 1e7), true);
  const out = new Uint8Array(tilesAt + tileData.length);
  out.set(header, 0);
  out.set(root, rootAt);
  out.set(meta, metaAt);
  out.set(tileData, tilesAt);
  return out;
}

/** A feature in longitude and latitude, for the small tiler below. */
export interface GeoFeature {
  layer: string;
  type: 1 | 2 | 3;
  /** [lon, lat] rings, as TileFeature.geometry. */
  coordinates: [number, number][][];
  properties: Record<string, string | number | boolean>;
}

/** Longitude/latitude to world tile units at zoom z (XYZ scheme). */
export function worldXY(lon: number, lat: number, z: number): [number, number] {
  const n = 2 ** z;
  const r = (lat * Math.PI) / 180;
  return [((lon + 180) / 360) * n, ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n];
}

/**
 * Cuts features into tiles for zooms minZoom..maxZoom over `bbox`: each
 * tile holds every feature whose bounding box reaches it (with a buffer
 * of `buffer` units), in tile coordinates; tiles with no feature are left
 * out. No clipping: the painter must cope with coordinates outside the tile.
 */
export function tileFeatures(features: readonly GeoFeature[], bbox: [number, number, number, number], minZoom: number, maxZoom: number, extent = 4096, buffer = 64): ArchiveTile[] {
  const out: ArchiveTile[] = [];
  for (let z = minZoom; z <= maxZoom; z++) {
    const [x0, y1] = worldXY(bbox[0], bbox[1], z);
    const [x1, y0] = worldXY(bbox[2], bbox[3], z);
    const projected = features.map((f) => {
      const rings = f.coordinates.map((r) => r.map(([lon, lat]) => worldXY(lon, lat, z)));
      const xs = rings.flat().map((p) => p[0]);
      const ys = rings.flat().map((p) => p[1]);
      return { f, rings, minX: Math.min(...xs), maxX: Math.max(...xs), minY: Math.min(...ys), maxY: Math.max(...ys) };
    });
    const b = buffer / extent;
    for (let x = Math.floor(x0); x <= Math.floor(x1); x++) {
      for (let y = Math.floor(y0); y <= Math.floor(y1); y++) {
        const layers: Record<string, TileFeature[]> = {};
        for (const p of projected) {
          if (p.maxX < x - b || p.minX > x + 1 + b || p.maxY < y - b || p.minY > y + 1 + b) continue;
          (layers[p.f.layer] ??= []).push({
            type: p.f.type,
            properties: p.f.properties,
            geometry: p.rings.map((r) => r.map(([wx, wy]) => [(wx - x) * extent, (wy - y) * extent] as [number, number])),
          });
        }
        if (Object.keys(layers).length > 0) out.push({ z, x, y, data: encodeTile(layers, extent) });
      }
    }
  }
  return out;
}

/** A text that is markup if anything ever parses it as HTML. */
export const HOSTILE = '<img src=x onerror=alert(1)>';

/** The bbox of the sample pack: the Central Mediterranean. */
export const SAMPLE_BBOX: [number, number, number, number] = [10, 30, 20, 38];

/** The features of the sample pack: a few of each layer in the Central Mediterranean, one name hostile. */
export const SAMPLE_FEATURES: readonly GeoFeature[] = [
  { layer: 'routes', type: 2, coordinates: [[[13.19, 32.89], [12.9, 34.2], [12.6, 35.5]]], properties: { route: 'Central Mediterranean', label: 'Libya to Lampedusa', risk: 0.91, class: 'critical', start_km: 0, end_km: 290 } },
  { layer: 'routes', type: 2, coordinates: [[[10.76, 34.74], [11.8, 35.2], [12.6, 35.5]]], properties: { route: 'Central Mediterranean', label: 'Tunisia to Lampedusa', risk: 0.55, class: 'high', start_km: 0, end_km: 180 } },
  { layer: 'routes', type: 2, coordinates: [[[12.08, 32.93], [12.4, 34.3], [12.6, 35.5]]], properties: { route: 'Central Mediterranean', label: 'Zuwara to Lampedusa', risk: 0.3, class: 'medium', start_km: 0, end_km: 290 } },
  { layer: 'routes', type: 2, coordinates: [[[19.9, 32.1], [17.2, 34.0], [14.5, 35.9]]], properties: { route: 'Central Mediterranean', label: HOSTILE, risk: 0.1, class: 'low', start_km: 0, end_km: 560 } },
  { layer: 'services', type: 1, coordinates: [[[12.61, 35.5]]], properties: { id: 's1', name: 'Lampedusa clinic', category: 'health', subtype: 'clinic', organization: HOSTILE, last_verified: '2025-03-01' } },
  { layer: 'services', type: 1, coordinates: [[[14.51, 35.9]]], properties: { id: 's2', name: 'Valletta legal aid', category: 'legal', subtype: '', organization: 'Legal aid desk', last_verified: '2024-11-20' } },
  { layer: 'services', type: 1, coordinates: [[[13.19, 32.88]]], properties: { id: 's3', name: 'Tripoli shelter', category: 'shelter', subtype: '', organization: 'Shelter network', last_verified: '2023-01-05' } },
  { layer: 'services', type: 1, coordinates: [[[10.76, 34.73]]], properties: { id: 's4', name: 'Sfax food point', category: 'not-a-category', subtype: '', organization: '', last_verified: '' } },
  { layer: 'incidents', type: 1, coordinates: [[[12.7, 34.6]]], properties: { id: 'i1', date: '2024-06-17', dead: 3, missing: 12, cause_category: 'drowning', geo_precision: 'exact' } },
  { layer: 'incidents', type: 1, coordinates: [[[13.4, 33.6]]], properties: { id: 'i2', date: '2024-02-02', dead: 1, missing: 0, cause_category: 'drowning', geo_precision: 'approximate' } },
  { layer: 'incidents', type: 1, coordinates: [[[11.9, 35.1]]], properties: { id: 'i3', date: '2023-09-09', dead: 0, missing: 40, cause_category: 'mixed', geo_precision: 'exact' } },
  { layer: 'hotspots', type: 3, coordinates: [[[12.5, 34.5], [13.0, 34.5], [13.0, 34.0], [12.5, 34.0], [12.5, 34.5]]], properties: { incidents: 14, dead: 30, missing: 80, class: 'hot_99' } },
  { layer: 'hotspots', type: 3, coordinates: [[[16.0, 33.0], [16.5, 33.0], [16.5, 32.5], [16.0, 32.5], [16.0, 33.0]]], properties: { incidents: 0, dead: 0, missing: 0, class: 'cold_95' } },
  { layer: 'labels', type: 1, coordinates: [[[17.0, 34.5]]], properties: { name: 'Mediterranean Sea', kind: 'sea', rank: 1 } },
  { layer: 'labels', type: 1, coordinates: [[[12.6, 35.5]]], properties: { name: 'Lampedusa', kind: 'port', rank: 2 } },
  { layer: 'labels', type: 1, coordinates: [[[13.19, 32.89]]], properties: { name: 'Tripoli', kind: 'place', rank: 3 } },
  { layer: 'labels', type: 1, coordinates: [[[14.51, 35.9]]], properties: { name: HOSTILE, kind: 'place', rank: 5 } },
];

/** The manifest of the sample pack (hostile text in a caveat, a title and a source). */
export function sampleManifest(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    format: 'routerisk-pack',
    version: 1,
    created: '2026-12-06T11:00:00Z',
    bbox: SAMPLE_BBOX,
    tier: 'staff',
    minzoom: 2,
    maxzoom: 7,
    tiles: 'map.pmtiles',
    geopackage: 'layers.gpkg',
    layers: [
      {
        id: 'routes', title: 'Migration routes', kind: 'route', version: 3, updated_at: '2026-11-30T09:00:00Z', features: 4,
        sources: [{ name: 'Route study', url: 'https://example.org/routes', license: 'CC BY 4.0', attribution: 'Route study team' }],
      },
      {
        id: 'incidents', title: HOSTILE, kind: 'incident', version: 12, updated_at: '2026-12-01T00:00:00Z', features: 3,
        sources: [{ name: HOSTILE, url: 'javascript:alert(1)', license: HOSTILE, attribution: HOSTILE }],
      },
    ],
    data_through: '2026-11-30',
    caveats: ['Positions of incidents are exact: do not share this pack outside the organisation.', HOSTILE],
    attribution: `Route study team; ${HOSTILE}`,
    ...over,
  };
}

/** Zips a pack: the manifest (an object, or raw text), the archive and a README; `extra` adds or replaces files. */
export function zipPack(manifest: Record<string, unknown> | string | null, archive: Uint8Array | null, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Zippable = { 'README.txt': utf8('An offline pack.') };
  if (manifest !== null) files['manifest.json'] = utf8(typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
  if (archive !== null) files['map.pmtiles'] = [archive, { level: 0 }];
  Object.assign(files, extra);
  return zipSync(files);
}

/** The sample pack's archive (zooms 2 to maxZoom). */
export function sampleArchive(maxZoom = 7): Uint8Array {
  return buildArchive(tileFeatures(SAMPLE_FEATURES, SAMPLE_BBOX, 2, maxZoom), { minZoom: 2, maxZoom, bounds: SAMPLE_BBOX });
}

/** The whole sample pack, zipped. */
export function samplePack(over: Record<string, unknown> = {}): Uint8Array {
  return zipPack(sampleManifest(over), sampleArchive());
}
