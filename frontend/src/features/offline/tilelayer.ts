import L from 'leaflet';
import type { VectorTile } from '@mapbox/vector-tile';
import type { PMTiles } from 'pmtiles';
import { readTile } from './pack';
import { paintTile, placementFor, zeroCounts, PACK_LAYER_IDS, type Counts, type PackLayerId, type Placement } from './paint';

/** What the layer tells the page after each tile it paints, drops or fails to read. */
export interface PaintReport {
  /** Features painted per layer, summed over the tiles on the map now. */
  counts: Counts;
  /** Tiles that could not be read since the pack was opened. */
  failedTiles: number;
}

/** Options of a PackTileLayer. */
export interface PackTileOptions extends L.GridLayerOptions {
  /** The deepest zoom of the archive: deeper tiles are painted from it (overzoom). */
  dataMaxZoom: number;
  /** The shallowest zoom of the archive. */
  dataMinZoom: number;
  /** Called whenever the counts change. */
  onPaint?: (report: PaintReport) => void;
}

/** Decoded tiles kept for overzoomed neighbours and repaints. */
const TILE_CACHE_SIZE = 96;

interface LiveTile {
  canvas: HTMLCanvasElement;
  tile: VectorTile | null;
  placement: Placement;
  /** Painting it threw: it stays blank. */
  broken?: boolean;
}

/**
 * A Leaflet grid layer that paints the vector tiles of a pack's PMTiles
 * archive, read from memory, onto one canvas per tile. Beyond the
 * archive's deepest zoom it paints the ancestor tile's features at the
 * map's scale, so lines stay sharp. Layers are shown and hidden by
 * repainting the canvases already there (no tile is read again).
 */
export class PackTileLayer extends L.GridLayer {
  private readonly archive: PMTiles;
  private readonly shown: Set<PackLayerId>;
  private readonly live = new Map<string, LiveTile>();
  private readonly counts = new Map<string, Counts>();
  private readonly cache = new Map<string, Promise<VectorTile | null>>();
  private failed = 0;
  private readonly packOptions: PackTileOptions;

  constructor(archive: PMTiles, shown: Iterable<PackLayerId>, options: PackTileOptions) {
    super({ ...options, minZoom: options.minZoom ?? options.dataMinZoom });
    this.archive = archive;
    this.shown = new Set(shown);
    this.packOptions = options;
    this.on('tileunload', (e: L.TileEvent) => {
      const key = tileKey(e.coords);
      if (this.live.get(key)?.canvas !== (e.tile as HTMLElement)) return;
      this.live.delete(key);
      this.counts.delete(key);
      this.report();
    });
  }

  /** The layers shown now. */
  get visible(): ReadonlySet<PackLayerId> {
    return this.shown;
  }

  /** Shows or hides one vector layer: every canvas on the map is repainted. */
  setShown(id: PackLayerId, on: boolean): void {
    if (on === this.shown.has(id)) return;
    if (on) this.shown.add(id);
    else this.shown.delete(id);
    for (const [key, t] of this.live) if (t.tile) this.paint(key, t);
    this.report();
  }

  /** The features painted per layer on the tiles on the map now. */
  totals(): Counts {
    const sum = zeroCounts();
    for (const c of this.counts.values()) for (const id of PACK_LAYER_IDS) sum[id] += c[id];
    return sum;
  }

  override createTile(coords: L.Coords, done: L.DoneCallback): HTMLElement {
    const canvas = document.createElement('canvas');
    const size = this.getTileSize();
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(size.x * ratio);
    canvas.height = Math.round(size.y * ratio);
    const key = tileKey(coords);
    const { source, placement } = placementFor(coords.z, coords.x, coords.y, this.packOptions.dataMaxZoom, size.x);
    const entry: LiveTile = { canvas, tile: null, placement };
    this.live.set(key, entry);
    this.source(source.z, source.x, source.y).then(
      (tile) => {
        if (this.live.get(key) !== entry) return done(undefined, canvas);
        entry.tile = tile;
        this.paint(key, entry);
        this.report();
        done(undefined, canvas);
      },
      (err: unknown) => {
        this.failed++;
        this.report();
        done(err instanceof Error ? err : new Error(String(err)), canvas);
      },
    );
    return canvas;
  }

  private source(z: number, x: number, y: number): Promise<VectorTile | null> {
    const key = `${z}/${x}/${y}`;
    let p = this.cache.get(key);
    if (p) {
      // Most recently used last.
      this.cache.delete(key);
      this.cache.set(key, p);
      return p;
    }
    p = z < this.packOptions.dataMinZoom ? Promise.resolve(null) : readTile(this.archive, z, x, y);
    p.catch(() => this.cache.delete(key));
    this.cache.set(key, p);
    if (this.cache.size > TILE_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return p;
  }

  /**
   * Paints a tile afresh. A tile whose features cannot be decoded (a
   * damaged archive can hold one that reads but does not parse) is left
   * blank and counted as failed once.
   */
  private paint(key: string, t: LiveTile): void {
    const ctx = t.canvas.getContext('2d');
    if (!ctx) return;
    const ratio = t.canvas.width / t.placement.size;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, t.canvas.width, t.canvas.height);
    if (!t.tile || t.broken) {
      this.counts.set(key, zeroCounts());
      return;
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    try {
      this.counts.set(key, paintTile(ctx, t.tile, t.placement, this.shown));
    } catch {
      t.broken = true;
      this.failed++;
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.clearRect(0, 0, t.canvas.width, t.canvas.height);
      this.counts.set(key, zeroCounts());
    }
  }

  private report(): void {
    this.packOptions.onPaint?.({ counts: this.totals(), failedTiles: this.failed });
  }
}

function tileKey(c: { x: number; y: number; z: number }): string {
  return `${c.z}:${c.x}:${c.y}`;
}
