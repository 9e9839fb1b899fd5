import type { VectorTile, VectorTileFeature, VectorTileLayer } from '@mapbox/vector-tile';
import { HOTSPOT_DRAW_ORDER, type HotspotClass } from '../risk/analysis';
import {
  CLUSTER_STYLE, HOTSPOT_STYLE, riskStyle, RISK_STYLE, serviceSymbol, SERVICE_SYMBOL_RADIUS,
  type LineStyle, type ServiceSymbol,
} from '../../map/palette';
import { tracePath } from '../../map/symbols';

/**
 * How the offline viewer paints one vector tile of a pack onto a canvas:
 * the style of each feature (the dashboard's palette: route risk classes,
 * service symbols, hotspot classes) and the painting itself, which returns
 * how many features of each layer it drew.
 */

/** The vector layers (MVT layer names) of a pack's tiles. */
export type PackLayerId = 'routes' | 'services' | 'incidents' | 'hotspots' | 'labels';

/** The vector layers in the order the panel lists them. */
export const PACK_LAYER_IDS: readonly PackLayerId[] = ['routes', 'services', 'incidents', 'hotspots', 'labels'];

/**
 * The order layers are painted in, bottom to top, as the dashboard stacks
 * its panes: hotspot cells under the incidents they sum up, services over
 * incidents, route lines over the points so corridors stay visible, and
 * names on top.
 */
export const PAINT_ORDER: readonly PackLayerId[] = ['hotspots', 'incidents', 'services', 'routes', 'labels'];

/** Features painted per layer. */
export type Counts = Record<PackLayerId, number>;

/** No features painted. */
export function zeroCounts(): Counts {
  return { routes: 0, services: 0, incidents: 0, hotspots: 0, labels: 0 };
}

/** The canvas calls painting uses (a CanvasRenderingContext2D has them all). */
export type Paint2D = Pick<
  CanvasRenderingContext2D,
  'beginPath' | 'moveTo' | 'lineTo' | 'closePath' | 'arc' | 'fill' | 'stroke' | 'fillText' | 'strokeText' | 'measureText' | 'save' | 'restore'
  | 'fillStyle' | 'strokeStyle' | 'lineWidth' | 'globalAlpha' | 'font' | 'textAlign' | 'textBaseline' | 'lineJoin' | 'lineCap'
>;

/**
 * Where a tile's features land on a canvas of `size` CSS pixels: for a
 * tile beyond the archive's deepest zoom, `dz` zooms below its ancestor
 * (the tile painted) and the canvas's place (`subX`, `subY`) within it.
 */
export interface Placement {
  size: number;
  dz: number;
  subX: number;
  subY: number;
}

/** The placement of tile z/x/y painted from an archive whose deepest zoom is `maxZoom`: the source tile, and where the canvas sits in it. */
export function placementFor(z: number, x: number, y: number, maxZoom: number, size = 256): { source: { z: number; x: number; y: number }; placement: Placement } {
  const dz = Math.max(0, z - maxZoom);
  const sx = Math.floor(x / 2 ** dz);
  const sy = Math.floor(y / 2 ** dz);
  return { source: { z: z - dz, x: sx, y: sy }, placement: { size, dz, subX: x - sx * 2 ** dz, subY: y - sy * 2 ** dz } };
}

/** Incidents: small dark dots with a white rim (the dashboard's incident cluster colour). */
export const INCIDENT_DOT = { fill: CLUSTER_STYLE.incident.fill, stroke: '#FFFFFF', radius: 2.5, strokeWidth: 0.8, opacity: 0.9 } as const;

/** A hotspot class the palette does not know: a translucent grey fill. */
export const HOTSPOT_FALLBACK_STYLE: LineStyle = { color: '#6E6E6E', weight: 0.8, opacity: 0.8, fillColor: '#8C8C8C', fillOpacity: 0.3 };

/** The style of a route stretch: its risk class's colour and width (grey when the class is unknown). */
export function routeLineStyle(props: Record<string, unknown>): LineStyle {
  return riskStyle(typeof props.class === 'string' ? props.class : '');
}

/** The symbol and radius of a service: its category's shape and colour. */
export function serviceStyle(props: Record<string, unknown>): ServiceSymbol & { radius: number } {
  return { ...serviceSymbol(props.category), radius: SERVICE_SYMBOL_RADIUS };
}

/** The fill and outline of a hotspot cell by its class. */
export function hotspotStyle(props: Record<string, unknown>): LineStyle {
  const c = props.class;
  return typeof c === 'string' && Object.prototype.hasOwnProperty.call(HOTSPOT_STYLE, c) ? HOTSPOT_STYLE[c as HotspotClass] : HOTSPOT_FALLBACK_STYLE;
}

/** How a name is written on the map. */
export interface LabelStyle {
  font: string;
  colour: string;
  halo: string;
  haloWidth: number;
  /** A dot at the point, the name beside it (places and ports); seas are centred on their point, no dot. */
  dot: boolean;
  italic: boolean;
}

const LABEL_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans Arabic', sans-serif";

/** The style of a name by its kind: seas italic and blue, ports bold with a dot, places with a dot. */
export function labelStyle(props: Record<string, unknown>): LabelStyle {
  switch (props.kind) {
    case 'sea':
      return { font: `italic 13px ${LABEL_FONT}`, colour: '#2F5F86', halo: '#FFFFFF', haloWidth: 3, dot: false, italic: true };
    case 'port':
      return { font: `600 11px ${LABEL_FONT}`, colour: '#1B1F24', halo: '#FFFFFF', haloWidth: 3, dot: true, italic: false };
    default:
      return { font: `11px ${LABEL_FONT}`, colour: '#3D4249', halo: '#FFFFFF', haloWidth: 3, dot: true, italic: false };
  }
}

/** Longest name written, in characters (about 240 px at 11 px, so a name fits in a tile); longer ones are cut with an ellipsis. */
export const MAX_LABEL_CHARS = 40;

/** The text of a name: trimmed, cut at MAX_LABEL_CHARS; empty when there is none. */
export function labelText(name: unknown): string {
  if (typeof name !== 'string' && typeof name !== 'number') return '';
  const s = String(name).replace(/\s+/g, ' ').trim();
  const chars = [...s];
  return chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…` : s;
}

const RISK_ORDER = Object.keys(RISK_STYLE);

/** Order of route stretches: the higher the class, the later (on top); unknown classes first. */
export function routeOrder(props: Record<string, unknown>): number {
  return RISK_ORDER.indexOf(typeof props.class === 'string' ? props.class : '');
}

/** Order of hotspot cells: the dashboard's, more significant on top; unknown classes first. */
export function hotspotOrder(props: Record<string, unknown>): number {
  return HOTSPOT_DRAW_ORDER.indexOf(props.class as HotspotClass);
}

/** Order of names: lower rank first (drawn first, so it wins the space); no rank last. */
export function labelOrder(props: Record<string, unknown>): number {
  return typeof props.rank === 'number' && Number.isFinite(props.rank) ? props.rank : Number.POSITIVE_INFINITY;
}

type XY = [number, number];

/** The features of a layer with the geometry type it must have, in painting order. */
function featuresOf(layer: VectorTileLayer | undefined, type: 1 | 2 | 3, order?: (p: Record<string, unknown>) => number): VectorTileFeature[] {
  if (!layer) return [];
  const out: VectorTileFeature[] = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    if (f.type === type) out.push(f);
  }
  if (order) {
    const keyed = out.map((f, i) => ({ f, k: order(f.properties), i }));
    keyed.sort((a, b) => a.k - b.k || a.i - b.i);
    return keyed.map((e) => e.f);
  }
  return out;
}

function project(f: VectorTileFeature, p: Placement): XY[][] {
  const k = (p.size * 2 ** p.dz) / f.extent;
  const ox = p.subX * p.size;
  const oy = p.subY * p.size;
  return f.loadGeometry().map((ring) => ring.map((pt) => [pt.x * k - ox, pt.y * k - oy] as XY));
}

function touches(rings: XY[][], size: number, margin: number): boolean {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const r of rings) {
    for (const [x, y] of r) {
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
  }
  return maxX >= -margin && minX <= size + margin && maxY >= -margin && minY <= size + margin;
}

const inside = ([x, y]: XY, size: number) => x >= 0 && x < size && y >= 0 && y < size;

function path(ctx: Paint2D, rings: XY[][], close: boolean): void {
  ctx.beginPath();
  for (const r of rings) {
    r.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
    if (close) ctx.closePath();
  }
}

function paintHotspots(ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement): number {
  let n = 0;
  for (const f of featuresOf(layer, 3, hotspotOrder)) {
    const rings = project(f, p);
    if (!touches(rings, p.size, 0)) continue;
    const s = hotspotStyle(f.properties);
    path(ctx, rings, true);
    if (s.fillColor && (s.fillOpacity ?? 0) > 0) {
      ctx.globalAlpha = s.fillOpacity!;
      ctx.fillStyle = s.fillColor;
      ctx.fill('evenodd');
    }
    ctx.globalAlpha = s.opacity;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.weight;
    ctx.stroke();
    n++;
  }
  return n;
}

function points(f: VectorTileFeature, p: Placement): XY[] {
  return project(f, p).flat();
}

function paintIncidents(ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement): number {
  let n = 0;
  const d = INCIDENT_DOT;
  for (const f of featuresOf(layer, 1)) {
    const pts = points(f, p).filter(([x, y]) => x > -d.radius * 2 && x < p.size + d.radius * 2 && y > -d.radius * 2 && y < p.size + d.radius * 2);
    if (pts.length === 0) continue;
    ctx.beginPath();
    for (const [x, y] of pts) {
      ctx.moveTo(x + d.radius, y);
      ctx.arc(x, y, d.radius, 0, Math.PI * 2);
    }
    ctx.globalAlpha = d.opacity;
    ctx.fillStyle = d.fill;
    ctx.fill();
    ctx.strokeStyle = d.stroke;
    ctx.lineWidth = d.strokeWidth;
    ctx.stroke();
    // A point in the tile's buffer belongs to its neighbour: painted here so its edge shows, counted there.
    if (pts.some((q) => inside(q, p.size))) n++;
  }
  return n;
}

function paintServices(ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement): number {
  let n = 0;
  for (const f of featuresOf(layer, 1)) {
    const s = serviceStyle(f.properties);
    const pts = points(f, p).filter(([x, y]) => x > -s.radius * 2 && x < p.size + s.radius * 2 && y > -s.radius * 2 && y < p.size + s.radius * 2);
    if (pts.length === 0) continue;
    ctx.beginPath();
    for (const [x, y] of pts) tracePath(ctx, s.shape, x, y, s.radius);
    ctx.globalAlpha = 0.9;
    ctx.fillStyle = s.colour;
    ctx.fill('evenodd');
    ctx.globalAlpha = 1;
    ctx.strokeStyle = '#FFFFFF';
    ctx.lineWidth = 1;
    ctx.stroke();
    if (pts.some((q) => inside(q, p.size))) n++;
  }
  return n;
}

function paintRoutes(ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement): number {
  let n = 0;
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  for (const f of featuresOf(layer, 2, routeOrder)) {
    const s = routeLineStyle(f.properties);
    const rings = project(f, p);
    if (!touches(rings, p.size, s.weight)) continue;
    path(ctx, rings, false);
    ctx.globalAlpha = s.opacity;
    ctx.strokeStyle = s.color;
    ctx.lineWidth = s.weight;
    ctx.stroke();
    n++;
  }
  return n;
}

type Box = { x0: number; y0: number; x1: number; y1: number };
const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/**
 * Names: most important first (lowest rank), each kept inside the tile
 * (a name near the edge is written on the other side of its dot, or
 * shifted in, rather than cut) and left out where it would cover a name
 * already written. Only points inside the tile are named, so a name in
 * the buffer of two tiles is written once.
 */
function paintLabels(ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement): number {
  let n = 0;
  const taken: Box[] = [];
  const pad = 2;
  const lineHeight = 14;
  for (const f of featuresOf(layer, 1, labelOrder)) {
    const text = labelText(f.properties.name);
    if (text === '') continue;
    const at = points(f, p).find((q) => inside(q, p.size));
    if (!at) continue;
    const s = labelStyle(f.properties);
    ctx.font = s.font;
    const w = ctx.measureText(text).width;
    const [x, y] = at;
    let tx: number;
    let align: CanvasTextAlign;
    let box: Box;
    let top = Math.max(pad, Math.min(p.size - pad - lineHeight, y - lineHeight / 2));
    const gap = 5;
    if (s.dot && x + gap + w + pad <= p.size) {
      tx = x + gap;
      align = 'left';
      box = { x0: x - 3, y0: top, x1: x + gap + w, y1: top + lineHeight };
    } else if (s.dot && x - gap - w - pad >= 0) {
      tx = x - gap;
      align = 'right';
      box = { x0: x - gap - w, y0: top, x1: x + 3, y1: top + lineHeight };
    } else if (s.dot) {
      // Too long for either side: centred under the dot, shifted into the tile.
      const below = y + 4 + lineHeight <= p.size - pad ? y + 4 : y - 4 - lineHeight;
      tx = Math.max(pad + w / 2, Math.min(p.size - pad - w / 2, x));
      align = 'center';
      box = { x0: Math.min(tx - w / 2, x - 3), y0: Math.min(below, y - 3), x1: Math.max(tx + w / 2, x + 3), y1: Math.max(below + lineHeight, y + 3) };
      top = below;
    } else {
      tx = Math.max(pad + w / 2, Math.min(p.size - pad - w / 2, x));
      align = 'center';
      box = { x0: tx - w / 2, y0: top, x1: tx + w / 2, y1: top + lineHeight };
    }
    if (taken.some((b) => overlaps(b, box))) continue;
    taken.push(box);
    ctx.globalAlpha = 1;
    if (s.dot) {
      ctx.beginPath();
      ctx.moveTo(x + 2.5, y);
      ctx.arc(x, y, 2.5, 0, Math.PI * 2);
      ctx.fillStyle = s.colour;
      ctx.fill();
      ctx.strokeStyle = s.halo;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    ctx.textAlign = align;
    ctx.textBaseline = 'middle';
    ctx.lineJoin = 'round';
    ctx.strokeStyle = s.halo;
    ctx.lineWidth = s.haloWidth;
    const ty = top + lineHeight / 2;
    ctx.strokeText(text, tx, ty);
    ctx.fillStyle = s.colour;
    ctx.fillText(text, tx, ty);
    n++;
  }
  return n;
}

const PAINTERS: Record<PackLayerId, (ctx: Paint2D, layer: VectorTileLayer | undefined, p: Placement) => number> = {
  hotspots: paintHotspots,
  incidents: paintIncidents,
  services: paintServices,
  routes: paintRoutes,
  labels: paintLabels,
};

/**
 * Paints the layers of `tile` that are `shown`, in PAINT_ORDER, onto `ctx`
 * at `placement`, and returns how many features of each layer it painted.
 * A layer the tile lacks, and features of the wrong geometry type (a route
 * that is a point, say), are left out.
 */
export function paintTile(ctx: Paint2D, tile: VectorTile, placement: Placement, shown: ReadonlySet<PackLayerId>): Counts {
  const counts = zeroCounts();
  for (const id of PAINT_ORDER) {
    if (!shown.has(id)) continue;
    ctx.save();
    try {
      counts[id] = PAINTERS[id](ctx, tile.layers[id], placement);
    } finally {
      ctx.restore();
    }
  }
  return counts;
}
