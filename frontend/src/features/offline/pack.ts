import { gunzipSync, unzipSync, type UnzipFileInfo } from 'fflate';
import { Compression, PMTiles, TileType, type Header } from 'pmtiles';
import { PbfReader } from 'pbf';
import { VectorTile } from '@mapbox/vector-tile';
import { PackError, validateManifest, type PackManifest } from './manifest';
import { BufferSource } from './source';

/** The name of a pack's manifest in its zip. */
export const MANIFEST_FILE = 'manifest.json';
/** Largest manifest read, in bytes (a manifest is a few KB). */
export const MAX_MANIFEST_BYTES = 1 << 20;
/** Largest tile archive read, in bytes: more than a browser tab should hold. */
export const MAX_TILES_BYTES = 1 << 30;
/** Largest basemap file read, in bytes (the detailed world outlines are under 1 MB). */
export const MAX_BASEMAP_BYTES = 16 << 20;

/** A pack opened from disk: its manifest and its tiles, read from memory. */
export interface OpenPack {
  manifest: PackManifest;
  archive: PMTiles;
  header: Header;
  /** The size of map.pmtiles in bytes. */
  tilesBytes: number;
  /** The basemap files the pack holds, by their path in the manifest. */
  basemap: Map<string, Uint8Array>;
}

/** Reports whether `bytes` start as a zip file does (a local file header, or the end record of an empty zip). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b
    && ((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6));
}

/**
 * Undoes the compression of a directory or tile of the archive: gzip or
 * none (what a pack holds); any other rejects, naming it.
 */
export async function decompress(buf: ArrayBuffer, compression: Compression): Promise<ArrayBuffer> {
  if (compression === Compression.None || compression === Compression.Unknown) return buf;
  if (compression !== Compression.Gzip) {
    throw new Error(`map.pmtiles uses ${Compression[compression] ?? compression} compression; packs use gzip`);
  }
  const out = gunzipSync(new Uint8Array(buf));
  return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
}

function unzip(bytes: Uint8Array, keep: (f: UnzipFileInfo) => boolean): Record<string, Uint8Array> {
  try {
    return unzipSync(bytes, { filter: keep });
  } catch (err) {
    throw new PackError('notZip', `the zip cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
}

/** Where the manifest is: at the top of the zip, or in its one top folder. */
function manifestPath(names: readonly string[]): string | null {
  if (names.includes(MANIFEST_FILE)) return MANIFEST_FILE;
  const nested = names.filter((n) => /^[^/]+\/manifest\.json$/.test(n));
  return nested.length === 1 ? nested[0]! : null;
}

/**
 * Reads the manifest and map.pmtiles of a pack's zip. Throws a PackError:
 * `notZip`, `noManifest`, `badManifest` (not JSON, or a field wrong),
 * `wrongFormat`, `wrongVersion`, `noTiles` or `tooLarge`.
 */
export function readPackZip(data: ArrayBuffer | Uint8Array): { manifest: PackManifest; tiles: Uint8Array; basemap: Map<string, Uint8Array> } {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  if (!looksLikeZip(bytes)) throw new PackError('notZip', 'the file does not start as a zip file does');
  // First the list of files (nothing is unpacked), then the two the map needs.
  const sizes = new Map<string, number>();
  unzip(bytes, (f) => {
    sizes.set(f.name, f.originalSize);
    return false;
  });
  const mPath = manifestPath([...sizes.keys()]);
  if (mPath === null) throw new PackError('noManifest', `the zip holds no ${MANIFEST_FILE} (it holds ${sizes.size} files)`);
  if ((sizes.get(mPath) ?? 0) > MAX_MANIFEST_BYTES) throw new PackError('tooLarge', `${mPath} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const raw = unzip(bytes, (f) => f.name === mPath)[mPath];
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw new PackError('badManifest', `${MANIFEST_FILE} is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  const manifest = validateManifest(parsed);
  const dir = mPath.slice(0, mPath.length - MANIFEST_FILE.length);
  const tPath = dir + manifest.tiles.replace(/^\.?\//, '');
  if (!sizes.has(tPath)) throw new PackError('noTiles', `the manifest names ${manifest.tiles} but the zip does not hold it`);
  if ((sizes.get(tPath) ?? 0) > MAX_TILES_BYTES) throw new PackError('tooLarge', `${manifest.tiles} is larger than ${MAX_TILES_BYTES} bytes`);
  const tiles = unzip(bytes, (f) => f.name === tPath)[tPath];
  if (!tiles) throw new PackError('noTiles', `${manifest.tiles} cannot be read from the zip`);
  // The basemap is a comfort, not the map: files missing or too large are left out.
  const wanted = new Set(manifest.basemap.map((b) => dir + b).filter((p) => (sizes.get(p) ?? Infinity) <= MAX_BASEMAP_BYTES));
  const basemap = new Map<string, Uint8Array>();
  if (wanted.size > 0) {
    const files = unzip(bytes, (f) => wanted.has(f.name));
    for (const b of manifest.basemap) {
      const f = files[dir + b];
      if (f) basemap.set(b, f);
    }
  }
  return { manifest, tiles, basemap };
}

/**
 * A fetch that answers from a pack's basemap files, for the dashboard's
 * basemap loader: the path of the URL names the file; nothing reaches the
 * network.
 */
export function basemapFetch(files: ReadonlyMap<string, Uint8Array>): typeof fetch {
  return async (input) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const f = files.get(url.pathname.replace(/^\//, ''));
    return f ? new Response(f.slice().buffer as ArrayBuffer, { status: 200, headers: { 'Content-Type': 'application/json' } }) : new Response(null, { status: 404 });
  };
}

/** Decodes a Mapbox Vector Tile. */
export function decodeTile(data: ArrayBuffer | Uint8Array): VectorTile {
  return new VectorTile(new PbfReader(data instanceof Uint8Array ? data : new Uint8Array(data)));
}

/** Reads and decodes tile z/x/y of an archive; null when the archive has none there. */
export async function readTile(archive: PMTiles, z: number, x: number, y: number, signal?: AbortSignal): Promise<VectorTile | null> {
  const res = await archive.getZxy(z, x, y, signal);
  if (!res || res.data.byteLength === 0) return null;
  // The layers and their feature offsets are read here (a corrupt tile throws now); geometries as they are painted.
  return decodeTile(res.data);
}

/** The tile of zoom `z` at longitude/latitude (XYZ scheme). */
export function tileAt(lon: number, lat: number, z: number): { x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (Math.max(-85.0511, Math.min(85.0511, lat)) * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { x: Math.max(0, Math.min(n - 1, x)), y: Math.max(0, Math.min(n - 1, y)) };
}

/**
 * Opens a pack read from disk: checks its zip and manifest, then its tile
 * archive (a PMTiles v3 archive of vector tiles, gzip or uncompressed),
 * and reads one tile at the centre of the pack to find a corrupt archive
 * now rather than tile by tile. Throws a PackError saying what is wrong.
 */
export async function openPack(data: ArrayBuffer | Uint8Array): Promise<OpenPack> {
  const { manifest, tiles, basemap } = readPackZip(data);
  const archive = new PMTiles(new BufferSource(tiles, manifest.tiles), undefined, decompress);
  let header: Header;
  try {
    header = await archive.getHeader();
  } catch (err) {
    throw new PackError('badTiles', `${manifest.tiles} is not a readable PMTiles archive (${err instanceof Error ? err.message : String(err)})`);
  }
  if (header.specVersion !== 3) throw new PackError('badTiles', `${manifest.tiles} is PMTiles version ${header.specVersion}; packs use version 3`);
  if (header.tileType !== TileType.Mvt) throw new PackError('badTiles', `${manifest.tiles} holds ${TileType[header.tileType] ?? header.tileType} tiles, not vector tiles (MVT)`);
  if (header.tileCompression !== Compression.Gzip && header.tileCompression !== Compression.None) {
    throw new PackError('badTiles', `${manifest.tiles} compresses its tiles with ${Compression[header.tileCompression] ?? header.tileCompression}; packs use gzip`);
  }
  if (header.maxZoom < header.minZoom) throw new PackError('badTiles', `${manifest.tiles} has zooms ${header.minZoom} to ${header.maxZoom}`);
  const [w, s, e, n] = manifest.bbox;
  const z = Math.max(header.minZoom, Math.min(header.maxZoom, manifest.minzoom));
  const { x, y } = tileAt((w + e) / 2, (s + n) / 2, z);
  try {
    await readTile(archive, z, x, y);
  } catch (err) {
    throw new PackError('badTiles', `tile ${z}/${x}/${y} of ${manifest.tiles} cannot be read (${err instanceof Error ? err.message : String(err)})`);
  }
  return { manifest, archive, header, tilesBytes: tiles.byteLength, basemap };
}
