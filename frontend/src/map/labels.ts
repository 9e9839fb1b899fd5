import L from 'leaflet';
import type { FeatureCollection, Position } from 'geojson';
import { el } from '../shared/dom';
import type { Source } from '../shared/api';
import { sourceAttribution } from './attribution';

/**
 * Offline names on the map: countries and seas at low zoom (from the
 * basemap and a short table of Natural Earth marine label points) and the
 * gazetteer's places from zoom PLACE_LABELS_FROM on, asked of
 * `/places?bbox=` once the map rests and kept per view.
 */

/** The zoom from which place names are shown. */
export const PLACE_LABELS_FROM = 6;
/** Most place names asked for one view. */
export const PLACE_LABEL_LIMIT = 30;
/** Wait after the map stops before place names are asked for, in ms. */
export const PLACE_LABEL_DELAY_MS = 300;
/** Highest zoom at which country and sea names are shown. */
export const AREA_LABELS_UNTIL = 7;

/** A sea or ocean name with its label point (Natural Earth marine areas) and the zoom it shows from. */
export interface SeaLabel {
  name: string;
  lon: number;
  lat: number;
  minZoom: number;
}

/** Seas, oceans and straits along the migration routes, with Natural Earth's label points. */
export const SEAS: readonly SeaLabel[] = [
  { name: 'North Atlantic Ocean', lon: -35.351, lat: 31.979, minZoom: 2 },
  { name: 'South Atlantic Ocean', lon: -18.915, lat: -34.008, minZoom: 2 },
  { name: 'Indian Ocean', lon: 82.317, lat: -33.856, minZoom: 2 },
  { name: 'North Pacific Ocean', lon: -141.493, lat: 23.752, minZoom: 2 },
  { name: 'Mediterranean Sea', lon: 18.5, lat: 34.0, minZoom: 3 },
  { name: 'Caribbean Sea', lon: -74.412, lat: 15.327, minZoom: 3 },
  { name: 'Red Sea', lon: 38.745, lat: 20.302, minZoom: 4 },
  { name: 'Arabian Sea', lon: 63.867, lat: 13.332, minZoom: 3 },
  { name: 'Bay of Bengal', lon: 87.515, lat: 13.564, minZoom: 3 },
  { name: 'Gulf of Mexico', lon: -89.915, lat: 25.493, minZoom: 3 },
  { name: 'South China Sea', lon: 112.377, lat: 11.246, minZoom: 3 },
  { name: 'Black Sea', lon: 34.158, lat: 43.253, minZoom: 4 },
  { name: 'Gulf of Guinea', lon: 2.767, lat: 3.063, minZoom: 4 },
  { name: 'Andaman Sea', lon: 95.462, lat: 10.999, minZoom: 4 },
  { name: 'Gulf of Aden', lon: 47.642, lat: 12.523, minZoom: 4 },
  { name: 'Persian Gulf', lon: 51.989, lat: 26.815, minZoom: 4 },
  { name: 'North Sea', lon: 2.758, lat: 56.391, minZoom: 4 },
  { name: 'Mozambique Channel', lon: 40.977, lat: -19.103, minZoom: 4 },
  { name: 'Coral Sea', lon: 156.873, lat: -18.279, minZoom: 4 },
  { name: 'Aegean Sea', lon: 25.204, lat: 38.789, minZoom: 5 },
  { name: 'Ionian Sea', lon: 18.614, lat: 38.023, minZoom: 5 },
  { name: 'Tyrrhenian Sea', lon: 12.142, lat: 40.147, minZoom: 5 },
  { name: 'Adriatic Sea', lon: 16.047, lat: 42.736, minZoom: 5 },
  { name: 'Alboran Sea', lon: -3.351, lat: 35.93, minZoom: 5 },
  { name: 'Balearic Sea', lon: 1.932, lat: 40.107, minZoom: 5 },
  { name: 'Bay of Biscay', lon: -4.329, lat: 45.551, minZoom: 5 },
  { name: 'English Channel', lon: -2.616, lat: 49.747, minZoom: 5 },
  { name: 'Bab el Mandeb', lon: 43.451, lat: 12.887, minZoom: 6 },
  { name: 'Strait of Gibraltar', lon: -5.908, lat: 36.154, minZoom: 6 },
];

/** The seas named at zoom `z`. */
export function seasAt(z: number): SeaLabel[] {
  return z > AREA_LABELS_UNTIL ? [] : SEAS.filter((s) => s.minZoom <= z);
}

/** A country's name with its label point and size (the area of its largest part, in square degrees scaled by latitude). */
export interface CountryLabel {
  name: string;
  lon: number;
  lat: number;
  size: number;
}

function ringArea(ring: Position[]): { area: number; cx: number; cy: number } {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [x0, y0] = ring[j]!;
    const [x1, y1] = ring[i]!;
    const f = x0! * y1! - x1! * y0!;
    a += f;
    cx += (x0! + x1!) * f;
    cy += (y0! + y1!) * f;
  }
  a /= 2;
  return a === 0 ? { area: 0, cx: ring[0]?.[0] ?? 0, cy: ring[0]?.[1] ?? 0 } : { area: Math.abs(a), cx: cx / (6 * a), cy: cy / (6 * a) };
}

/**
 * Label points of the countries of a basemap: the centroid of each
 * country's largest part (outer ring), largest countries first. Features
 * without a name are left out.
 */
export function countryLabels(fc: FeatureCollection): CountryLabel[] {
  const out: CountryLabel[] = [];
  for (const f of fc.features) {
    const name = f.properties?.name;
    if (typeof name !== 'string' || name === '') continue;
    const g = f.geometry;
    const polys = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
    let best: { area: number; cx: number; cy: number } | null = null;
    for (const p of polys) {
      if (!p[0]) continue;
      const r = ringArea(p[0]);
      if (!best || r.area > best.area) best = r;
    }
    if (!best) continue;
    let lon = best.cx;
    while (lon > 180) lon -= 360;
    while (lon < -180) lon += 360;
    out.push({ name, lon, lat: best.cy, size: best.area * Math.cos((best.cy * Math.PI) / 180) });
  }
  return out.sort((a, b) => b.size - a.size);
}

/** The countries named at zoom `z`: large ones first, smaller ones as the map zooms in. */
export function countriesAt(labels: readonly CountryLabel[], z: number): CountryLabel[] {
  if (z > AREA_LABELS_UNTIL || z < 2) return [];
  const minSize = 200 / 4 ** (z - 2);
  return labels.filter((c) => c.size >= minSize);
}

/** The key a view's place names are kept under: the bbox asked (rounded outward to a grid of its zoom) and the zoom. */
export function placeViewKey(west: number, south: number, east: number, north: number, z: number): { key: string; bbox: string } {
  const step = 360 / 2 ** z;
  const r = (v: number, f: (n: number) => number, lo: number, hi: number) => Math.max(lo, Math.min(hi, Number((f(v / step) * step).toFixed(5))));
  const bbox = [r(west, Math.floor, -180, 180), r(south, Math.floor, -90, 90), r(east, Math.ceil, -180, 180), r(north, Math.ceil, -90, 90)].join(',');
  return { key: `${z}:${bbox}`, bbox };
}

/** A place of a `/places?bbox=` answer. */
interface PlacePoint {
  name: string;
  lon: number;
  lat: number;
}

function readPlaces(body: unknown): { places: PlacePoint[]; sources: Source[] } {
  const b = body as { places?: unknown; sources?: unknown } | null;
  const places = Array.isArray(b?.places)
    ? (b!.places as Record<string, unknown>[]).filter((p) => p && typeof p.name === 'string' && Number.isFinite(p.lon) && Number.isFinite(p.lat))
      .map((p) => ({ name: p.name as string, lon: p.lon as number, lat: p.lat as number }))
    : [];
  const sources = Array.isArray(b?.sources) ? (b!.sources as Source[]) : [];
  return { places, sources };
}

function label(text: string, cls: string, at: L.LatLngExpression): L.Marker {
  const html = el('span', { class: `map-label-text` }, text);
  return L.marker(at, {
    icon: L.divIcon({ html, className: `map-label ${cls}`, iconSize: undefined }),
    interactive: false, keyboard: false, pane: 'labels',
  });
}

/** The labels of a map. */
export interface MapLabels {
  /** Draws country names from a basemap's countries. */
  setCountries(fc: FeatureCollection): void;
  /** Resolves once no place-name request is pending. */
  idle(): Promise<void>;
  /** How many place-name requests were made (for tests). */
  readonly asked: number;
}

/**
 * Adds the labels to `map`: country and sea names up to AREA_LABELS_UNTIL,
 * place names from PLACE_LABELS_FROM (debounced, cached per view), and the
 * gazetteer's credit once its names are shown.
 */
export function addLabels(map: L.Map, getJson: (path: string, signal?: AbortSignal) => Promise<unknown>, delayMs = PLACE_LABEL_DELAY_MS): MapLabels {
  const pane = map.createPane('labels');
  pane.style.zIndex = '450';
  pane.style.pointerEvents = 'none';
  const areaGroup = L.layerGroup().addTo(map);
  const placeGroup = L.layerGroup().addTo(map);
  let countries: CountryLabel[] = [];
  const cache = new Map<string, PlacePoint[]>();
  const credited = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ctl: AbortController | null = null;
  let pending: Promise<void> = Promise.resolve();
  let asked = 0;

  const drawAreas = () => {
    const z = map.getZoom();
    areaGroup.clearLayers();
    for (const c of countriesAt(countries, z)) areaGroup.addLayer(label(c.name, 'map-label-country', [c.lat, c.lon]));
    for (const s of seasAt(z)) areaGroup.addLayer(label(s.name, 'map-label-sea', [s.lat, s.lon]));
  };
  const drawPlaces = (list: PlacePoint[]) => {
    placeGroup.clearLayers();
    for (const p of list) placeGroup.addLayer(label(p.name, 'map-label-place', [p.lat, p.lon]));
  };
  const places = () => {
    if (timer) clearTimeout(timer);
    const z = map.getZoom();
    if (z < PLACE_LABELS_FROM) {
      ctl?.abort();
      placeGroup.clearLayers();
      return;
    }
    const b = map.getBounds();
    const { key, bbox } = placeViewKey(Math.max(-180, b.getWest()), b.getSouth(), Math.min(180, b.getEast()), b.getNorth(), z);
    const known = cache.get(key);
    if (known) {
      drawPlaces(known);
      return;
    }
    pending = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timer = null;
        ctl?.abort();
        const c = new AbortController();
        ctl = c;
        asked++;
        getJson(`/places?${new URLSearchParams({ bbox, limit: String(PLACE_LABEL_LIMIT) }).toString()}`, c.signal).then((body) => {
          const { places: list, sources } = readPlaces(body);
          cache.set(key, list);
          for (const s of sources) {
            const a = sourceAttribution(s);
            if (a && !credited.has(a)) {
              credited.add(a);
              map.attributionControl?.addAttribution(a);
            }
          }
          if (map.getZoom() >= PLACE_LABELS_FROM) drawPlaces(list);
        }, () => {}).finally(resolve);
      }, delayMs);
    });
  };
  map.on('zoomend', drawAreas);
  map.on('moveend', places);
  drawAreas();
  places();
  return {
    setCountries(fc) {
      countries = countryLabels(fc);
      drawAreas();
    },
    idle: () => pending,
    get asked() {
      return asked;
    },
  };
}
