import type { Feature } from '../../shared/api';
import type { Filters } from '../../shared/urlstate';
import { filterKey, type LayerInfo } from './filters';
import { emptyFilters } from '../../shared/urlstate';

/** A box in degrees: west, south, east, north. */
export type Box = [west: number, south: number, east: number, north: number];

/** The box around every coordinate of the features' geometries; null when there is none. */
export function featureBounds(features: readonly Feature[]): Box | null {
  let w = Infinity;
  let s = Infinity;
  let e = -Infinity;
  let n = -Infinity;
  const visit = (c: unknown): void => {
    if (!Array.isArray(c)) return;
    if (typeof c[0] === 'number' && typeof c[1] === 'number') {
      const [x, y] = c as [number, number];
      if (!Number.isFinite(x) || !Number.isFinite(y) || Math.abs(y) > 90 || Math.abs(x) > 180) return;
      w = Math.min(w, x);
      e = Math.max(e, x);
      s = Math.min(s, y);
      n = Math.max(n, y);
      return;
    }
    for (const inner of c) visit(inner);
  };
  const walk = (g: unknown): void => {
    if (!g || typeof g !== 'object') return;
    const geom = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
    if (geom.type === 'GeometryCollection' && Array.isArray(geom.geometries)) {
      for (const part of geom.geometries) walk(part);
      return;
    }
    visit(geom.coordinates);
  };
  for (const f of features) walk(f.geometry);
  return w <= e && s <= n ? [w, s, e, n] : null;
}

/** A layer on the map as "zoom to results" sees it. */
export interface ResultLayer {
  meta: LayerInfo;
  visible: boolean;
  features: readonly Feature[];
}

/**
 * The box of the results: the features drawn by the visible layers that the
 * filters narrow (incidents by date, route and cause, routes by name,
 * services by category), or of every visible layer when no filter narrows
 * one. Null when nothing is drawn.
 */
export function resultBounds(layers: readonly ResultLayer[], filters: Filters): Box | null {
  const shown = layers.filter((l) => l.visible);
  const narrowed = shown.filter((l) => filterKey(l.meta, filters) !== filterKey(l.meta, emptyFilters()));
  const feats = (narrowed.length > 0 ? narrowed : shown).flatMap((l) => l.features);
  return featureBounds(feats);
}
