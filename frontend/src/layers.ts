import L from 'leaflet';
import { isAbort, type Api, type Feature, type LayerMeta } from './api';
import {
  deadMissing, geometryParts, incidentTotals, isApproximate, pick, pickablePoint, pickableShape,
  type LatLon, type Pickable, type Pixel,
} from './features';
import { featureParams, filterKey } from './filters';
import { rendererFor } from './map';
import { createPointCanvas, type PointCanvas } from './pointcanvas';
import {
  AREA_STYLE, INCIDENT_STYLE, SERVICE_RADIUS, SERVICE_STYLE, incidentRadius, routeStyle, type PointStyle,
} from './palette';
import type { Filters } from './urlstate';

/** Where a layer stands. */
export type LayerStatus = 'hidden' | 'loading' | 'ready' | 'error';

/** What the panel shows for a layer. */
export interface LayerSummary {
  status: LayerStatus;
  /** Features drawn (0 while hidden). */
  shown: number;
  /** Incidents only: dead and missing in the drawn features. */
  totals?: { dead: number; missing: number };
  /** What is counted: features (default), route segments or hotspot cells. */
  unit?: 'features' | 'segments' | 'cells';
  /** A second line of counts (analysis layers: features per class). */
  detail?: string;
  error?: unknown;
}

/** Options shared by all layers. */
export interface LayerOptions {
  /** Colour of a route by name. */
  routeColour(name: string): string;
  /** Called whenever the layer's summary changes. */
  onUpdate(layer: MapLayer): void;
}

/** A feature found under the cursor. */
export interface PickedFeature {
  layer: MapLayer;
  feature: Feature;
}

/**
 * One API layer on the map: fetches its features for the current filters
 * (aborting any fetch still running), draws them on a canvas in the pane of
 * its kind, counts them, and finds the feature under a click.
 */
export class MapLayer {
  readonly meta: LayerMeta;
  private readonly map: L.Map;
  private readonly api: Api;
  private readonly opts: LayerOptions;
  private readonly renderer: L.Canvas;
  private readonly points: PointCanvas;
  private group: L.LayerGroup | null = null;
  private features: Feature[] = [];
  private pickables: Pickable[] = [];
  private loadedKey: string | null = null;
  private controller: AbortController | null = null;
  private visible = false;
  private status: LayerStatus = 'hidden';
  private error: unknown = undefined;
  /** Duration of the last completed load: fetching (all pages) and drawing, in ms. */
  timing: { fetchMs: number; drawMs: number } | null = null;
  /** Route names seen in this layer with whether they are approximate. */
  readonly routeNames = new Map<string, boolean>();

  constructor(map: L.Map, api: Api, meta: LayerMeta, opts: LayerOptions) {
    this.map = map;
    this.api = api;
    this.meta = meta;
    this.opts = opts;
    this.renderer = rendererFor(meta.kind);
    this.points = createPointCanvas(meta.kind);
  }

  /** Whether the layer is switched on. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** The counts and state the panel shows. */
  summary(): LayerSummary {
    if (!this.visible) return { status: 'hidden', shown: 0 };
    const shown = this.status === 'ready' ? this.features.length : 0;
    const s: LayerSummary = { status: this.status, shown };
    if (this.meta.kind === 'incident' && this.status === 'ready') s.totals = incidentTotals(this.features);
    if (this.status === 'error') s.error = this.error;
    return s;
  }

  /**
   * Shows or hides the layer. Showing it loads the features for `filters`
   * unless they are already loaded.
   */
  async setVisible(visible: boolean, filters: Filters): Promise<void> {
    this.visible = visible;
    if (!visible) {
      this.controller?.abort();
      this.controller = null;
      if (this.group) this.map.removeLayer(this.group);
      this.map.removeLayer(this.points);
      this.status = 'hidden';
      this.opts.onUpdate(this);
      return;
    }
    if (this.group && !this.map.hasLayer(this.group)) this.group.addTo(this.map);
    if (this.loadedKey !== null && !this.map.hasLayer(this.points)) this.points.addTo(this.map);
    if (this.loadedKey === filterKey(this.meta, filters) && this.status !== 'error') {
      this.status = 'ready';
      this.opts.onUpdate(this);
      return;
    }
    await this.load(filters);
  }

  /** Reloads the features when the filters that apply to this layer changed. */
  async applyFilters(filters: Filters): Promise<void> {
    if (!this.visible) return;
    if (this.loadedKey === filterKey(this.meta, filters) && this.status === 'ready') return;
    await this.load(filters);
  }

  /** Fetches and draws the features for `filters`; a newer call aborts this one. */
  async load(filters: Filters): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.status = 'loading';
    this.opts.onUpdate(this);
    try {
      const t0 = performance.now();
      const res = await this.api.features(this.meta.id, featureParams(this.meta, filters), controller.signal);
      if (controller.signal.aborted) return;
      const t1 = performance.now();
      this.draw(res.features);
      this.timing = { fetchMs: Math.round(t1 - t0), drawMs: Math.round(performance.now() - t1) };
      this.loadedKey = filterKey(this.meta, filters);
      this.status = 'ready';
      this.error = undefined;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.status = 'error';
      this.error = err;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    this.opts.onUpdate(this);
  }

  /** Redraws routes after their colours changed. */
  restyle(): void {
    if (this.meta.kind === 'route' && this.loadedKey !== null) this.draw(this.features);
  }

  /**
   * The feature under the cursor, if any. `project` maps [lat, lon] to
   * container pixels; `near` is the lat/lon box that a hit must touch.
   */
  pick(cursor: Pixel, cursorLatLon: LatLon, near: [number, number, number, number], project: (p: LatLon) => Pixel, tolerance: number): PickedFeature | null {
    if (!this.visible || this.status !== 'ready') return null;
    const hit = pick(this.pickables, cursor, cursorLatLon, near, project, tolerance);
    return hit ? { layer: this, feature: this.features[hit.feature]! } : null;
  }

  /** Largest marker radius of this layer in pixels (to size the pick box). */
  maxRadius(): number {
    if (this.meta.kind === 'incident') return incidentRadius(Infinity) + 1;
    return 8;
  }

  private draw(features: Feature[]): void {
    const group = L.layerGroup();
    const pickables: Pickable[] = [];
    const kind = this.meta.kind;
    const renderer = this.renderer;

    // Points: big markers first, so that small ones stay visible on top.
    const points: { idx: number; at: LatLon; r: number }[] = [];
    features.forEach((f, idx) => {
      const parts = geometryParts(f.geometry);
      const r = kind === 'incident' ? incidentRadius(deadMissing(f.properties)) : SERVICE_RADIUS;
      for (const at of parts.points) points.push({ idx, at, r });
      if (parts.lines.length > 0) {
        const name = typeof f.properties?.name === 'string' ? f.properties.name : '';
        const approx = isApproximate(f.properties);
        if (kind === 'route' && name) this.routeNames.set(name, approx || (this.routeNames.get(name) ?? false));
        const style = kind === 'route' ? routeStyle(this.opts.routeColour(name), approx) : { ...AREA_STYLE, fillOpacity: 0 };
        for (const line of parts.lines) {
          group.addLayer(L.polyline(line, { ...style, renderer, interactive: false }));
          pickables.push(pickableShape(idx, 'line', line, style.weight / 2));
        }
      }
      for (const rings of parts.polygons) {
        group.addLayer(L.polygon(rings, { ...AREA_STYLE, renderer, interactive: false }));
        pickables.push(pickableShape(idx, 'polygon', rings, AREA_STYLE.weight / 2));
      }
    });
    points.sort((a, b) => b.r - a.r);
    const set = { x: new Float64Array(points.length), y: new Float64Array(points.length), r: new Float32Array(points.length) };
    points.forEach((p, i) => {
      const px = this.map.project(p.at, 0);
      set.x[i] = px.x;
      set.y[i] = px.y;
      set.r[i] = p.r;
      pickables.push(pickablePoint(p.idx, p.at, p.r));
    });
    const pointStyle: PointStyle = kind === 'incident' ? INCIDENT_STYLE : SERVICE_STYLE;
    this.points.setPoints(set, pointStyle);

    if (this.group) this.map.removeLayer(this.group);
    this.group = group;
    this.features = features;
    this.pickables = pickables;
    if (this.visible) {
      group.addTo(this.map);
      if (!this.map.hasLayer(this.points)) this.points.addTo(this.map);
    }
  }
}
