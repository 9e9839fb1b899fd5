import L from 'leaflet';
import { isAbort, type Api, type Feature, type LayerMeta, type PrivacyTier } from '../../shared/api';
import {
  cellCount, cellTotal, deadMissing, geometryParts, incidentTotals, isAggregated, isApproximate, pick, pickablePoint, pickableShape,
  type LatLon, type Pickable, type Pixel,
} from '../../map/geometry';
import { featureParams, filterKey, isRestricted } from '../filters/filters';
import { rendererFor } from '../../map/map';
import { createPointCanvas, type PointCanvas } from '../../map/pointcanvas';
import {
  AREA_STYLE, INCIDENT_STYLE, SERVICE_RADIUS, SERVICE_STYLE, cellClass, cellStyle, incidentRadius, routeStyle, type PointStyle,
} from '../../map/palette';
import type { Filters } from '../../shared/urlstate';
import { publicCellResolution, type Vocabulary } from '../../shared/vocabulary';

/** Where a layer stands. */
export type LayerStatus = 'hidden' | 'loading' | 'ready' | 'error';

/** What the panel shows for a layer. */
export interface LayerSummary {
  status: LayerStatus;
  /** Features drawn (0 while hidden). */
  shown: number;
  /** Incidents only: dead and missing in the drawn features (summed over the cells when counted in cells). */
  totals?: { dead: number; missing: number };
  /**
   * A restricted layer at the public tier is drawn as cells (`shown` counts
   * them): what they count, summed, and whether that is incidents or
   * services.
   */
  aggregated?: { total: number; unit: 'incidents' | 'services' };
  /** What is counted: features (default), route segments or hotspot cells. */
  unit?: 'features' | 'segments' | 'cells';
  /** A second line of counts (analysis layers: features per class). */
  detail?: string;
  error?: unknown;
}

/** Options shared by all layers. */
export interface LayerOptions {
  /** The vocabulary: the size of public cells at a zoom. */
  vocab: Vocabulary;
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
  /** The key of the load in flight, if any. */
  private requestedKey: string | null = null;
  private controller: AbortController | null = null;
  /** Whether the last answer was public cells rather than features. */
  private aggregated = false;
  /** The privacy tier the last answer was given at. */
  private loadedTier: PrivacyTier | null = null;
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

  /** Whether the last answer was public cells (the layer is drawn as cells when shown). */
  get isAggregated(): boolean {
    return this.aggregated;
  }

  /** The privacy tier of the last answer drawn (null before any, or when the server did not say). */
  get tier(): PrivacyTier | null {
    return this.loadedTier;
  }

  /** Whether a load is running. */
  get isLoading(): boolean {
    return this.controller !== null;
  }

  /** The counts and state the panel shows. */
  summary(): LayerSummary {
    if (!this.visible) return { status: 'hidden', shown: 0 };
    const shown = this.status === 'ready' ? this.features.length : 0;
    const s: LayerSummary = { status: this.status, shown };
    if (this.meta.kind === 'incident' && this.status === 'ready') s.totals = incidentTotals(this.features);
    if (this.aggregated && this.status === 'ready') {
      s.aggregated = { total: cellTotal(this.features), unit: this.meta.kind === 'incident' ? 'incidents' : 'services' };
    }
    if (this.status === 'error') s.error = this.error;
    return s;
  }

  /**
   * The key of what the layer shows for `filters`: the filters that apply to
   * it and, when it is drawn as public cells, their resolution at `zoom`
   * (points do not change with the zoom, so zooming asks nothing then).
   */
  private keyFor(filters: Filters, zoom: number, aggregated: boolean): string {
    const base = filterKey(this.meta, filters);
    return aggregated ? `${base}|cells:${publicCellResolution(this.opts.vocab, zoom)}` : base;
  }

  /** The key for `filters` at the current zoom. */
  private currentKey(filters: Filters): string {
    return this.keyFor(filters, this.map.getZoom(), this.aggregated);
  }

  /**
   * Whether the layer, shown, has to load for `filters` at the current zoom:
   * what is drawn (or loading) answers something else.
   */
  isStale(filters: Filters): boolean {
    if (!this.visible) return false;
    const key = this.currentKey(filters);
    if (this.controller !== null) return this.requestedKey !== key;
    return !(this.loadedKey === key && this.status === 'ready');
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
    if (this.loadedKey === this.currentKey(filters) && this.status !== 'error') {
      this.status = 'ready';
      this.opts.onUpdate(this);
      return;
    }
    await this.load(filters);
  }

  /**
   * Reloads the features when the filters that apply to this layer changed,
   * or, drawn as public cells, when the zoom asks for another cell size.
   */
  async applyFilters(filters: Filters): Promise<void> {
    if (!this.isStale(filters)) return;
    await this.load(filters);
  }

  /**
   * Loads again whatever the filters: the caller's privacy tier changed, so
   * the same query answers differently. A hidden layer loads when next shown.
   */
  async reload(filters: Filters): Promise<void> {
    if (!this.visible) {
      this.loadedKey = null;
      return;
    }
    await this.load(filters);
  }

  /** Fetches and draws the features for `filters`; a newer call aborts this one. */
  async load(filters: Filters): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.requestedKey = this.currentKey(filters);
    this.status = 'loading';
    this.opts.onUpdate(this);
    try {
      const zoom = this.map.getZoom();
      const t0 = performance.now();
      const res = await this.api.features(this.meta.id, featureParams(this.meta, filters, zoom), controller.signal);
      if (controller.signal.aborted) return;
      const t1 = performance.now();
      // Public cells: the server said so, or the features are cells.
      const aggregated = isRestricted(this.meta) && (res.tier === 'public' || res.features.some((f) => isAggregated(f.properties)));
      this.aggregated = aggregated;
      this.loadedTier = res.tier ?? null;
      this.draw(res.features);
      this.timing = { fetchMs: Math.round(t1 - t0), drawMs: Math.round(performance.now() - t1) };
      this.loadedKey = this.keyFor(filters, zoom, aggregated);
      this.status = 'ready';
      this.error = undefined;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.status = 'error';
      this.error = err;
    } finally {
      if (this.controller === controller) {
        this.controller = null;
        this.requestedKey = null;
      }
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
      // Public cells: filled by what they count; other polygons are areas.
      const style = isAggregated(f.properties) && (kind === 'incident' || kind === 'service')
        ? cellStyle(kind, cellClass(cellCount(f.properties)))
        : AREA_STYLE;
      for (const rings of parts.polygons) {
        group.addLayer(L.polygon(rings, { ...style, renderer, interactive: false }));
        pickables.push(pickableShape(idx, 'polygon', rings, style.weight / 2));
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
