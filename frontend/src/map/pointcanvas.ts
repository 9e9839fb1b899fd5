import L from 'leaflet';
import { el } from '../shared/dom';
import type { ClusterMark, Clusterer } from './cluster';
import { VERIFICATION_STYLE, clusterRadius, type PointStyle, type ServiceSymbol } from './palette';
import { tracePath, type Verification } from './symbols';
import { MAP_PADDING } from './padding';

/**
 * A canvas layer that draws many circles (tens of thousands of incidents or
 * services) straight from typed arrays, without one Leaflet object per point.
 * It extends L.Renderer, which positions the canvas with padding around the
 * view and scales it during zoom animations; this layer only sizes the canvas
 * after each move and paints the points.
 */

/** Points in Web Mercator pixels at zoom 0, with radii in screen pixels, in drawing order. */
export interface PointSet {
  x: Float64Array;
  y: Float64Array;
  r: Float32Array;
  /** Per point, the index of its symbol in PointOptions.symbols (absent: circles in the layer's style). */
  symbol?: Uint8Array;
  /** Per point, the index of its verification in VERIFICATIONS (absent: all current). */
  verification?: Uint8Array;
}

/** The verification states in the order PointSet.verification numbers them. */
export const VERIFICATIONS: readonly Verification[] = ['current', 'stale', 'unverified'];

/** How clusters are drawn and labelled. */
export interface ClusterDrawing {
  clusterer: Clusterer;
  fill: string;
  stroke: string;
  text: string;
  /** The lines of a cluster's label (the count, then for incidents the dead and missing). */
  label(c: ClusterMark): string[];
}

/** What else a point layer draws: symbols per point, and clusters at low zoom. */
export interface PointOptions {
  symbols?: readonly ServiceSymbol[];
  clusters?: ClusterDrawing | null;
}

/** The point layer's public face. */
export interface PointCanvas extends L.Layer {
  /** Replaces the points and their style; redraws on the next frame. */
  setPoints(points: PointSet, style: PointStyle, options?: PointOptions): void;
}

/** Converts a style's colour and opacity into a CSS rgba() colour. */
export function rgba(hex: string, alpha: number): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16));
  return `rgba(${r}, ${g}, ${b}, ${Math.min(1, Math.max(0, alpha))})`;
}

/**
 * Returns the indices of points whose circle touches the box [minX, minY,
 * maxX, maxY] (all in the same pixel space), given their pixel positions.
 */
export function visibleIndices(px: Float64Array, py: Float64Array, r: Float32Array, box: [number, number, number, number]): number[] {
  const out: number[] = [];
  const [x0, y0, x1, y1] = box;
  for (let i = 0; i < px.length; i++) {
    const ri = r[i]!;
    const x = px[i]!;
    const y = py[i]!;
    if (x + ri >= x0 && x - ri <= x1 && y + ri >= y0 && y - ri <= y1) out.push(i);
  }
  return out;
}

/* Leaflet's class system is untyped; the private members used here are the
 * ones L.Renderer documents for its subclasses (L.Canvas and L.SVG use the
 * same): _container, _bounds, _update, _initContainer, _destroyContainer. */
/* eslint-disable @typescript-eslint/no-explicit-any */
const PointCanvasClass: new (options: L.RendererOptions) => PointCanvas = (L.Renderer as any).extend({
  _initContainer(this: any) {
    this._container = el('canvas');
    this._ctx = this._container.getContext('2d');
  },

  _destroyContainer(this: any) {
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
    L.DomUtil.remove(this._container);
    delete this._ctx;
    delete this._container;
  },

  _update(this: any) {
    if (this._map._animatingZoom && this._bounds) return;
    (L.Renderer.prototype as any)._update.call(this);
    const b: L.Bounds = this._bounds;
    const size = b.getSize();
    const m = window.devicePixelRatio > 1 ? 2 : 1;
    const c: HTMLCanvasElement = this._container;
    L.DomUtil.setPosition(c, b.min!);
    c.width = m * size.x;
    c.height = m * size.y;
    c.style.width = `${size.x}px`;
    c.style.height = `${size.y}px`;
    this._scale = m;
    this._paint();
  },

  setPoints(this: any, points: PointSet, style: PointStyle, options?: PointOptions) {
    this._points = points;
    this._style = style;
    this._options = options ?? {};
    if (this._map && !this._frame) {
      this._frame = requestAnimationFrame(() => {
        this._frame = 0;
        if (this._map) this._paint();
      });
    }
  },

  _paint(this: any) {
    const ctx: CanvasRenderingContext2D | undefined = this._ctx;
    const b: L.Bounds | undefined = this._bounds;
    if (!ctx || !b) return;
    const m: number = this._scale ?? 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, this._container.width, this._container.height);
    const pts: PointSet | undefined = this._points;
    const style: PointStyle | undefined = this._style;
    if (!pts || !style || pts.x.length === 0) return;

    // Layer pixels of a point = zoom-0 pixels × 2^zoom − pixel origin; the
    // canvas itself starts at the renderer bounds' minimum.
    const map: L.Map = this._map;
    const k = map.getZoomScale(map.getZoom(), 0);
    const origin = map.getPixelOrigin();
    const n = pts.x.length;
    const px = new Float64Array(n);
    const py = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      px[i] = pts.x[i]! * k - origin.x;
      py[i] = pts.y[i]! * k - origin.y;
    }
    const opts: PointOptions = this._options ?? {};
    const view = opts.clusters ? opts.clusters.clusterer.at(map.getZoom()) : null;
    const box: [number, number, number, number] = [b.min!.x, b.min!.y, b.max!.x, b.max!.y];
    let visible = visibleIndices(px, py, pts.r, box);
    if (view) {
      const single = new Uint8Array(n);
      for (const i of view.singles) single[i] = 1;
      visible = visible.filter((i) => single[i] === 1);
    }

    ctx.setTransform(m, 0, 0, m, -b.min!.x * m, -b.min!.y * m);
    if (pts.symbol && opts.symbols) paintSymbols(ctx, pts, px, py, visible, opts.symbols);
    else paintCircles(ctx, pts, px, py, visible, style);
    if (view && opts.clusters) paintClusters(ctx, view.clusters, opts.clusters, (lat, lon) => {
      const p = map.project([lat, lon], 0);
      return [p.x * k - origin.x, p.y * k - origin.y];
    }, box);
  },
});
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Creates a point canvas drawing into `pane`, with `padding` (fraction of the view) drawn around it. */
export function createPointCanvas(pane: string, padding = MAP_PADDING): PointCanvas {
  return new PointCanvasClass({ pane, padding });
}


function paintCircles(ctx: CanvasRenderingContext2D, pts: PointSet, px: Float64Array, py: Float64Array, visible: number[], style: PointStyle): void {
  ctx.fillStyle = rgba(style.fillColor, style.fillOpacity);
  ctx.strokeStyle = rgba(style.color, style.opacity);
  ctx.lineWidth = style.weight;
  const stroke = style.weight > 0;
  for (const i of visible) {
    ctx.beginPath();
    ctx.arc(px[i]!, py[i]!, pts.r[i]!, 0, Math.PI * 2);
    ctx.fill();
    if (stroke) ctx.stroke();
  }
}

/** Hollow symbols are filled with this, so that their outline stands out on any basemap. */
const HOLLOW_FILL = 'rgba(255, 255, 255, 0.9)';

/**
 * Draws each point as its symbol: current ones filled in their colour with
 * a white rim, stale ones hollow, unverified ones hollow, faded and dashed
 * (palette VERIFICATION_STYLE).
 */
function paintSymbols(
  ctx: CanvasRenderingContext2D, pts: PointSet, px: Float64Array, py: Float64Array, visible: number[], symbols: readonly ServiceSymbol[],
): void {
  for (const i of visible) {
    const sym = symbols[pts.symbol![i]!] ?? symbols[0];
    if (!sym) continue;
    const state = VERIFICATIONS[pts.verification?.[i] ?? 0] ?? 'current';
    const v = VERIFICATION_STYLE[state];
    ctx.beginPath();
    tracePath(ctx, sym.shape, px[i]!, py[i]!, pts.r[i]!);
    ctx.setLineDash(v.dashed ? [2, 1.5] : []);
    if (v.hollow) {
      ctx.fillStyle = HOLLOW_FILL;
      ctx.globalAlpha = v.fillOpacity;
      ctx.fill('evenodd');
      ctx.globalAlpha = v.strokeOpacity;
      ctx.strokeStyle = sym.colour;
      ctx.lineWidth = 1.6;
      ctx.stroke();
    } else {
      ctx.globalAlpha = 1;
      ctx.fillStyle = rgba(sym.colour, v.fillOpacity);
      ctx.fill('evenodd');
      ctx.strokeStyle = 'rgba(255, 255, 255, 0.95)';
      ctx.lineWidth = 0.8;
      ctx.stroke();
    }
  }
  ctx.globalAlpha = 1;
  ctx.setLineDash([]);
}

/** Draws the clusters in view: a disc sized by the count, a white rim, the label lines centred. */
function paintClusters(
  ctx: CanvasRenderingContext2D, clusters: readonly ClusterMark[], d: ClusterDrawing,
  toLayer: (lat: number, lon: number) => [number, number], box: [number, number, number, number],
): void {
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  for (const c of clusters) {
    const [x, y] = toLayer(c.lat, c.lon);
    const lines = d.label(c);
    const r = clusterRadius(c.count) + (lines.length > 1 ? 4 : 0);
    if (x + r < box[0] || x - r > box[2] || y + r < box[1] || y - r > box[3]) continue;
    ctx.beginPath();
    ctx.arc(x, y, r, 0, Math.PI * 2);
    ctx.fillStyle = rgba(d.fill, 0.85);
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = d.stroke;
    ctx.stroke();
    ctx.fillStyle = d.text;
    lines.forEach((line, j) => {
      ctx.font = j === 0 ? '600 11px system-ui, sans-serif' : '10px system-ui, sans-serif';
      const dy = lines.length > 1 ? (j === 0 ? -5 : 6) : 0;
      ctx.fillText(line, x, y + dy);
    });
  }
}
