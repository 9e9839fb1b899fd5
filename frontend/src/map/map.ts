import L from 'leaflet';
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature as GeoJSONFeature, FeatureCollection, Position } from 'geojson';
import type { Config } from '../shared/api';
import { BASEMAP_ATTRIBUTION, escapeHtml } from './attribution';
import { MAX_ZOOM, type View } from '../shared/urlstate';
import type { Kind } from '../shared/kinds';
import { MAP_PADDING } from './padding';

/** Picking order of kinds: the kind drawn on top is picked first; a kind never drawn (exposure) is never picked. */
export function pickOrder(kind: Kind): number {
  return kind === 'exposure' ? -1 : PANES[kind];
}

/** The view shown when the URL has none: the whole world. */
export const DEFAULT_VIEW: View = { z: 2, lat: 20, lon: 10 };

/**
 * Panes, bottom to top, with their z-index (Leaflet's tile pane is 200,
 * overlays 400): hotspot cells under the incidents they sum up, context
 * events (conflict and unrest) under the incidents too, so that they never
 * hide them, small
 * service dots above the larger incident circles, route lines on top so that
 * corridors stay visible through dense incidents, and route risk over the
 * routes it colours.
 */
export const PANES = {
  basemap: 150,
  area: 380,
  hotspot: 390,
  event: 395,
  incident: 400,
  service: 410,
  route: 420,
  risk: 425,
} as const;

/** A pane of the map. */
export type PaneName = keyof typeof PANES;

/** Basemap files, coarse first; the detailed one is loaded on zooming in. */
export const BASEMAP = {
  coarse: 'basemap/world-atlas_countries-110m.topojson.json',
  detailed: 'basemap/world-atlas_countries-50m.topojson.json',
  detailedFromZoom: 5,
} as const;

/** Where the map's controls sit: mirrored for a right-to-left page. */
export function controlCorners(dir: string): { start: 'topleft' | 'topright'; end: 'topleft' | 'topright'; bottomStart: 'bottomleft' | 'bottomright'; bottomEnd: 'bottomleft' | 'bottomright' } {
  return dir === 'rtl'
    ? { start: 'topright', end: 'topleft', bottomStart: 'bottomright', bottomEnd: 'bottomleft' }
    : { start: 'topleft', end: 'topright', bottomStart: 'bottomleft', bottomEnd: 'bottomright' };
}

/**
 * Creates the Leaflet map in `el` with one pane per kind of layer, its zoom
 * buttons at the start corner of the page's direction (top right in Arabic)
 * and the attribution at the end.
 */
export function createMap(el: HTMLElement, view: View, label: string, zoomTitles: { zoomIn: string; zoomOut: string } = { zoomIn: 'Zoom in', zoomOut: 'Zoom out' }): L.Map {
  const corners = controlCorners(el.ownerDocument.documentElement.dir);
  const map = L.map(el, {
    center: [view.lat, view.lon],
    zoom: view.z,
    minZoom: 1,
    maxZoom: MAX_ZOOM,
    zoomSnap: 1,
    preferCanvas: true,
    worldCopyJump: false,
    keyboard: true,
    zoomControl: false,
  });
  L.control.zoom({ position: corners.start, zoomInTitle: zoomTitles.zoomIn, zoomOutTitle: zoomTitles.zoomOut }).addTo(map);
  map.attributionControl.setPosition(corners.bottomEnd);
  el.setAttribute('aria-label', label);
  for (const [name, z] of Object.entries(PANES)) {
    const pane = map.createPane(name);
    pane.style.zIndex = String(z);
    // Features are picked by the dashboard itself (layers.ts), so the canvases
    // let every pointer event through to the map.
    pane.style.pointerEvents = 'none';
  }
  map.attributionControl.addAttribution(escapeHtml(BASEMAP_ATTRIBUTION));
  return map;
}

/** A canvas renderer drawing into the pane of a kind of layer. */
export function rendererFor(kind: Kind): L.Canvas {
  return L.canvas({ pane: kind, padding: MAP_PADDING });
}

/**
 * Draws the offline basemap (country outlines from world-atlas TopoJSON) and
 * switches to the detailed file when the user zooms in. Resolves once the
 * coarse outlines are on the map; `onCountries` is given them (for labels).
 */
export async function loadBasemap(
  map: L.Map, baseUrl: string, fetchFn: typeof fetch = fetch, onCountries?: (countries: FeatureCollection) => void,
): Promise<void> {
  const renderer = L.canvas({ pane: 'basemap', padding: MAP_PADDING });
  const style: L.PathOptions = {
    color: '#8C8C8C',
    weight: 0.7,
    opacity: 1,
    fillColor: '#F2EFE9',
    fillOpacity: 1,
    interactive: false,
    renderer,
  };
  const load = async (file: string): Promise<L.GeoJSON> => {
    const res = await fetchFn(new URL(file, baseUrl).href);
    if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
    const geo = topologyToGeoJSON(await res.json());
    if (file === BASEMAP.coarse) onCountries?.(geo);
    return L.geoJSON(geo, { style: () => style, interactive: false });
  };

  let current = await load(BASEMAP.coarse);
  current.addTo(map);
  let detailed: Promise<void> | null = null;
  const maybeDetailed = () => {
    if (detailed || map.getZoom() < BASEMAP.detailedFromZoom) return;
    detailed = load(BASEMAP.detailed).then(
      (layer) => {
        layer.addTo(map);
        map.removeLayer(current);
        current = layer;
      },
      () => {
        // keep the coarse outlines
      },
    );
  };
  map.on('zoomend', maybeDetailed);
  maybeDetailed();
}

/**
 * Converts a world-atlas topology (object "countries") into a GeoJSON
 * FeatureCollection whose rings never jump across the antimeridian.
 */
export function topologyToGeoJSON(topo: unknown): FeatureCollection {
  const t = topo as Topology;
  const obj = (t.objects?.countries ?? t.objects?.land) as GeometryCollection | undefined;
  if (!obj) throw new Error('topology has no countries');
  const fc = feature(t, obj) as FeatureCollection | GeoJSONFeature;
  const out: FeatureCollection = fc.type === 'FeatureCollection' ? fc : { type: 'FeatureCollection', features: [fc] };
  for (const f of out.features) {
    const g = f.geometry;
    if (g?.type === 'Polygon') g.coordinates = g.coordinates.map(unwrapRing);
    else if (g?.type === 'MultiPolygon') g.coordinates = g.coordinates.map((p) => p.map(unwrapRing));
  }
  return out;
}

/**
 * Makes a ring continuous in longitude: where two consecutive vertices are
 * more than 180° apart (a ring crossing the antimeridian, as Russia's and
 * Fiji's do), the rest of the ring is shifted by 360° so that it is drawn as
 * one shape instead of a line across the whole world.
 */
export function unwrapRing(ring: Position[]): Position[] {
  let shift = 0;
  let prev: number | null = null;
  return ring.map((p) => {
    const lon = p[0]!;
    if (prev !== null) {
      const d = lon + shift - prev;
      if (d > 180) shift -= 360;
      else if (d < -180) shift += 360;
    }
    const q = [lon + shift, ...p.slice(1)];
    prev = q[0]!;
    return q;
  });
}

/**
 * The URL of one tile of a tile template, used to test whether the tile server
 * can be reached; null when the template is empty or not http(s).
 */
export function tileProbeUrl(template: string, base: string): string | null {
  if (template.trim() === '') return null;
  const filled = template
    .replace(/\{s\}/g, 'a')
    .replace(/\{z\}/g, '0')
    .replace(/\{x\}/g, '0')
    .replace(/\{y\}/g, '0')
    .replace(/\{r\}/g, '');
  try {
    const u = new URL(filled, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** Loads one image; resolves true when it arrives within `timeoutMs`. */
export function probeImage(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const img = new Image();
    const timer = setTimeout(() => done(false), timeoutMs);
    function done(ok: boolean) {
      clearTimeout(timer);
      img.onload = null;
      img.onerror = null;
      resolve(ok);
    }
    img.onload = () => done(img.naturalWidth > 0);
    img.onerror = () => done(false);
    img.src = url;
  });
}

/**
 * Adds the online tile layer from the server config when one tile can be
 * loaded; otherwise leaves the offline basemap alone. Resolves whether tiles
 * were added.
 */
export async function addTiles(
  map: L.Map, config: Config, base: string, timeoutMs = 5000,
  probe: (url: string, timeoutMs: number) => Promise<boolean> = probeImage,
): Promise<boolean> {
  const url = tileProbeUrl(config.tile_url, base);
  if (!url || !(await probe(url, timeoutMs))) return false;
  L.tileLayer(config.tile_url, {
    attribution: escapeHtml(config.tile_attribution),
    maxZoom: 19,
  }).addTo(map);
  return true;
}

/** Resolves after `n` animation frames (the canvases have painted what was drawn). */
export function nextFrames(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}
