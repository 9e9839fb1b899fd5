import type { Geometry, Position } from 'geojson';
import type { Feature, Properties } from '../shared/api';

/**
 * Pure geometry helpers for drawing and picking features: no Leaflet, no DOM,
 * so they run under Vitest as they are.
 */

/** A position as [lat, lon], the order Leaflet takes. */
export type LatLon = [number, number];

/** The drawable parts of a geometry, in Leaflet order. */
export interface Parts {
  points: LatLon[];
  lines: LatLon[][];
  /** Each polygon is a list of rings; the first is the outer ring. */
  polygons: LatLon[][][];
}

/** Splits any GeoJSON geometry (Multi*, GeometryCollection included) into points, lines and polygons. Invalid positions are dropped. */
export function geometryParts(g: Geometry | null | undefined, out: Parts = { points: [], lines: [], polygons: [] }): Parts {
  if (!g || typeof g !== 'object') return out;
  switch (g.type) {
    case 'Point': {
      const p = toLatLon(g.coordinates);
      if (p) out.points.push(p);
      break;
    }
    case 'MultiPoint':
      for (const c of arr(g.coordinates)) {
        const p = toLatLon(c);
        if (p) out.points.push(p);
      }
      break;
    case 'LineString': {
      const l = toLine(g.coordinates);
      if (l.length >= 2) out.lines.push(l);
      break;
    }
    case 'MultiLineString':
      for (const c of arr(g.coordinates)) {
        const l = toLine(c);
        if (l.length >= 2) out.lines.push(l);
      }
      break;
    case 'Polygon': {
      const rings = arr(g.coordinates).map(toLine).filter((r) => r.length >= 3);
      if (rings.length) out.polygons.push(rings);
      break;
    }
    case 'MultiPolygon':
      for (const poly of arr(g.coordinates)) {
        const rings = arr(poly).map(toLine).filter((r) => r.length >= 3);
        if (rings.length) out.polygons.push(rings);
      }
      break;
    case 'GeometryCollection':
      for (const sub of arr(g.geometries)) geometryParts(sub, out);
      break;
  }
  return out;
}

/** A number from a property value that may be a number or a numeric string; 0 otherwise. */
export function num(v: unknown): number {
  if (typeof v === 'number') return Number.isFinite(v) ? v : 0;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : 0;
  }
  return 0;
}

/** Dead plus missing of an incident; negative values (recording errors) count as 0. */
export function deadMissing(p: Properties | null): number {
  if (!p) return 0;
  return Math.max(0, num(p.dead)) + Math.max(0, num(p.missing));
}

/** Total dead and missing over a list of incidents. */
export function incidentTotals(features: readonly Feature[]): { dead: number; missing: number } {
  let dead = 0;
  let missing = 0;
  for (const f of features) {
    dead += Math.max(0, num(f.properties?.dead));
    missing += Math.max(0, num(f.properties?.missing));
  }
  return { dead, missing };
}

/**
 * Reports whether a feature is a cell of a restricted layer counted at the
 * public tier (`aggregated: true`): an area with a count, not a place.
 */
export function isAggregated(p: Properties | null | undefined): boolean {
  return p?.aggregated === true;
}

/** What a public cell counts: its incidents, or its features (services); 0 when it says neither. */
export function cellCount(p: Properties | null | undefined): number {
  if (!p) return 0;
  const v = Object.prototype.hasOwnProperty.call(p, 'incidents') ? p.incidents : p.features;
  return Math.max(0, num(v));
}

/** The sum of what the public cells among `features` count. */
export function cellTotal(features: readonly Feature[]): number {
  let n = 0;
  for (const f of features) if (isAggregated(f.properties)) n += cellCount(f.properties);
  return n;
}

/** Reports whether a route feature is a schematic, approximate corridor. */
export function isApproximate(p: Properties | null): boolean {
  const v = p?.approximate;
  return v === true || v === 'true' || v === 1;
}

/** A drawn shape that can be picked by a click. */
export interface Pickable {
  /** Index of the feature in its layer's feature list. */
  feature: number;
  type: 'point' | 'line' | 'polygon';
  /** Point: [[lat, lon]]; line: its vertices; polygon: rings. */
  coords: LatLon[] | LatLon[][];
  /** Point radius or half the line width, in pixels. */
  size: number;
  /** [minLat, minLon, maxLat, maxLon]. */
  bbox: [number, number, number, number];
}

/** A point on screen, in pixels. */
export interface Pixel {
  x: number;
  y: number;
}

/** Builds a pickable point. */
export function pickablePoint(feature: number, p: LatLon, radius: number): Pickable {
  return { feature, type: 'point', coords: [p], size: radius, bbox: [p[0], p[1], p[0], p[1]] };
}

/** Builds a pickable line or polygon. */
export function pickableShape(feature: number, type: 'line' | 'polygon', coords: LatLon[] | LatLon[][], size: number): Pickable {
  const flat: LatLon[] = type === 'line' ? (coords as LatLon[]) : (coords as LatLon[][]).flat();
  let [a, b, c, d] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lat, lon] of flat) {
    if (lat < a) a = lat;
    if (lon < b) b = lon;
    if (lat > c) c = lat;
    if (lon > d) d = lon;
  }
  return { feature, type, coords, size, bbox: [a, b, c, d] };
}

/**
 * Finds the shape under the cursor. `near` is the lat/lon box around the
 * cursor that any hit must intersect (a cheap pre-filter); `project` maps
 * [lat, lon] to screen pixels; `cursorLatLon` is used for polygons. Points and
 * lines hit within `tolerance` pixels of their edge; among several hits the
 * closest wins, and on a tie the one drawn last (on top).
 */
export function pick(
  shapes: readonly Pickable[],
  cursor: Pixel,
  cursorLatLon: LatLon,
  near: [number, number, number, number],
  project: (p: LatLon) => Pixel,
  tolerance: number,
): Pickable | null {
  let best: Pickable | null = null;
  let bestScore = Infinity;
  const [s, w, n, e] = near;
  for (const sh of shapes) {
    const [a, b, c, d] = sh.bbox;
    if (sh.type !== 'polygon' && (c < s || a > n || d < w || b > e)) continue;
    let score: number;
    if (sh.type === 'point') {
      const p = project((sh.coords as LatLon[])[0]!);
      score = Math.hypot(p.x - cursor.x, p.y - cursor.y) - sh.size;
      if (score > tolerance) continue;
    } else if (sh.type === 'line') {
      const px = (sh.coords as LatLon[]).map(project);
      let dmin = Infinity;
      for (let i = 1; i < px.length; i++) dmin = Math.min(dmin, segmentDistance(cursor, px[i - 1]!, px[i]!));
      score = dmin - sh.size;
      if (score > tolerance) continue;
    } else {
      const [lat, lon] = cursorLatLon;
      if (lat < a || lat > c || lon < b || lon > d) continue;
      if (!insidePolygon(cursorLatLon, sh.coords as LatLon[][])) continue;
      score = tolerance; // a polygon under the cursor loses to a point or line on it
    }
    score = Math.max(score, 0);
    if (score <= bestScore) {
      best = sh;
      bestScore = score;
    }
  }
  return best;
}

/**
 * Finds every shape under the cursor, as `pick` judges a hit, closest first
 * (on a tie, the one drawn last first). A feature drawn as several shapes
 * is listed once, at its closest shape.
 */
export function pickAll(
  shapes: readonly Pickable[],
  cursor: Pixel,
  cursorLatLon: LatLon,
  near: [number, number, number, number],
  project: (p: LatLon) => Pixel,
  tolerance: number,
): Pickable[] {
  const hits: { sh: Pickable; score: number; order: number }[] = [];
  shapes.forEach((sh, order) => {
    const one = pick([sh], cursor, cursorLatLon, near, project, tolerance);
    if (!one) return;
    hits.push({ sh, score: shapeScore(sh, cursor, project, tolerance), order });
  });
  hits.sort((a, b) => a.score - b.score || b.order - a.order);
  const seen = new Set<number>();
  const out: Pickable[] = [];
  for (const h of hits) {
    if (seen.has(h.sh.feature)) continue;
    seen.add(h.sh.feature);
    out.push(h.sh);
  }
  return out;
}

/** The distance score `pick` gives a shape known to be hit. */
function shapeScore(sh: Pickable, cursor: Pixel, project: (p: LatLon) => Pixel, tolerance: number): number {
  if (sh.type === 'point') {
    const p = project((sh.coords as LatLon[])[0]!);
    return Math.max(0, Math.hypot(p.x - cursor.x, p.y - cursor.y) - sh.size);
  }
  if (sh.type === 'line') {
    const px = (sh.coords as LatLon[]).map(project);
    let dmin = Infinity;
    for (let i = 1; i < px.length; i++) dmin = Math.min(dmin, segmentDistance(cursor, px[i - 1]!, px[i]!));
    return Math.max(0, dmin - sh.size);
  }
  return tolerance;
}

/**
 * The indexes of the features with a shape whose box meets the box `view`
 * ([south, west, north, east]), in the order of their first shape.
 */
export function featuresInBox(shapes: readonly Pickable[], view: [number, number, number, number]): number[] {
  const [s, w, n, e] = view;
  const seen = new Set<number>();
  const out: number[] = [];
  for (const sh of shapes) {
    const [a, b, c, d] = sh.bbox;
    if (c < s || a > n || d < w || b > e || seen.has(sh.feature)) continue;
    seen.add(sh.feature);
    out.push(sh.feature);
  }
  return out;
}

/** Distance in pixels from p to the segment a–b. */
export function segmentDistance(p: Pixel, a: Pixel, b: Pixel): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  let t = len2 === 0 ? 0 : ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2;
  t = Math.max(0, Math.min(1, t));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/** Even-odd point-in-polygon test on [lat, lon] rings (holes excluded). */
export function insidePolygon(p: LatLon, rings: LatLon[][]): boolean {
  const [y, x] = p;
  let inside = false;
  for (const ring of rings) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [yi, xi] = ring[i]!;
      const [yj, xj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

function toLatLon(c: Position | unknown): LatLon | null {
  if (!Array.isArray(c) || c.length < 2) return null;
  const lon = c[0];
  const lat = c[1];
  if (typeof lon !== 'number' || typeof lat !== 'number' || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
  if (lat < -90 || lat > 90 || lon < -540 || lon > 540) return null;
  return [lat, lon];
}

function toLine(c: unknown): LatLon[] {
  const out: LatLon[] = [];
  for (const p of arr(c)) {
    const ll = toLatLon(p);
    if (ll) out.push(ll);
  }
  return out;
}
