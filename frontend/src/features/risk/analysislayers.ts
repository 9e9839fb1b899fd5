import L from 'leaflet';
import type { AnalysisId } from './analysis';
import { isAbort, type AnalysisPath, type Api, type Feature, type PrivacyTier, type Properties } from '../../shared/api';
import { geometryParts, pick, pickableShape, type LatLon, type Pickable, type Pixel } from '../../map/geometry';
import type { LayerStatus, LayerSummary } from '../layers/layers';
import type { PaneName } from '../../map/map';
import type { LineStyle } from '../../map/palette';
import type { Filters } from '../../shared/urlstate';

/** One request of an analysis endpoint. */
export interface AnalysisRequest {
  path: AnalysisPath;
  params: URLSearchParams;
}

/** What distinguishes one analysis layer from another. */
export interface AnalysisSpec {
  id: AnalysisId;
  title: string;
  pane: PaneName;
  unit: 'segments' | 'cells';
  /**
   * The request for `filters` at map zoom `zoom`, or null when the layer has
   * nothing to show for them (it then shows no features without asking).
   */
  request(filters: Filters, zoom: number): AnalysisRequest | null;
  /** Classes in drawing order (last on top). */
  classes: readonly string[];
  /** The class of a feature, or null when it has none of them. */
  classOf(p: Properties | null): string | null;
  /** Style of a class. */
  style(cls: string): LineStyle;
  /** Style of a feature without a known class. */
  fallbackStyle: LineStyle;
  /** The second count line (features per class). */
  detail(features: readonly Feature[]): string;
}

/** A feature of an analysis layer found under the cursor. */
export interface PickedAnalysis {
  layer: AnalysisLayer;
  feature: Feature;
}

/**
 * A layer drawn from an analysis endpoint (route risk, hotspots): fetched
 * for the current filters and zoom (a newer request aborts the running
 * one, and a stale answer is never drawn), drawn on a canvas in its own
 * pane with one Leaflet path per class, counted, and picked by click.
 */
export class AnalysisLayer {
  readonly spec: AnalysisSpec;
  private readonly map: L.Map;
  private readonly api: Api;
  private readonly onUpdate: (layer: AnalysisLayer) => void;
  private readonly renderer: L.Canvas;
  private group: L.LayerGroup | null = null;
  private drawn: Feature[] = [];
  private pickables: Pickable[] = [];
  private loadedKey: string | null = null;
  private controller: AbortController | null = null;
  private visible = false;
  private status: LayerStatus = 'hidden';
  private error: unknown = undefined;
  private maxWeight = 1;
  /** Duration of the last completed load: fetch and draw, in ms. */
  timing: { fetchMs: number; drawMs: number } | null = null;
  /** The query string of the last request sent (for tests and diagnostics). */
  lastQuery = '';
  /** The privacy tier of the last answer drawn (null before any, or when the server did not say). */
  tier: PrivacyTier | null = null;

  constructor(map: L.Map, api: Api, spec: AnalysisSpec, onUpdate: (layer: AnalysisLayer) => void) {
    this.map = map;
    this.api = api;
    this.spec = spec;
    this.onUpdate = onUpdate;
    this.renderer = L.canvas({ pane: spec.pane, padding: 0.5 });
  }

  /** The layer's id (as in the URL and the layer list). */
  get id(): AnalysisId {
    return this.spec.id;
  }

  /** Whether the layer is switched on. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** The features drawn now. */
  get features(): readonly Feature[] {
    return this.drawn;
  }

  /** The counts and state the panel shows. */
  summary(): LayerSummary {
    if (!this.visible) return { status: 'hidden', shown: 0, unit: this.spec.unit };
    const ready = this.status === 'ready';
    const s: LayerSummary = { status: this.status, shown: ready ? this.drawn.length : 0, unit: this.spec.unit };
    if (ready && this.drawn.length > 0) s.detail = this.spec.detail(this.drawn);
    if (this.status === 'error') s.error = this.error;
    return s;
  }

  /** Shows or hides the layer; showing it loads what `filters` (and the zoom) ask for unless it is loaded. */
  async setVisible(visible: boolean, filters: Filters): Promise<void> {
    this.visible = visible;
    if (!visible) {
      this.controller?.abort();
      this.controller = null;
      if (this.group) this.map.removeLayer(this.group);
      this.status = 'hidden';
      this.onUpdate(this);
      return;
    }
    if (this.group && !this.map.hasLayer(this.group)) this.group.addTo(this.map);
    if (this.loadedKey === this.key(filters) && this.status !== 'error') {
      this.status = 'ready';
      this.onUpdate(this);
      return;
    }
    await this.load(filters);
  }

  /** Reloads when the filters or the zoom ask for something else than what is drawn. */
  async refresh(filters: Filters): Promise<void> {
    if (!this.visible) return;
    if (this.loadedKey === this.key(filters) && this.status === 'ready') return;
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

  /** Whether a load is running. */
  get isLoading(): boolean {
    return this.controller !== null;
  }

  /** The request key for `filters` at the current zoom. */
  key(filters: Filters): string {
    const r = this.spec.request(filters, this.map.getZoom());
    return r ? `${r.path}?${r.params.toString()}` : 'none';
  }

  /** Fetches and draws; a newer call aborts this one. */
  async load(filters: Filters): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.status = 'loading';
    this.onUpdate(this);
    const key = this.key(filters);
    const req = this.spec.request(filters, this.map.getZoom());
    try {
      const t0 = performance.now();
      let features: Feature[] = [];
      let tier: PrivacyTier | null = null;
      if (req) {
        this.lastQuery = req.params.toString();
        const res = await this.api.analysis(req.path, req.params, controller.signal);
        features = res.features;
        tier = res.tier ?? null;
      }
      if (controller.signal.aborted) return;
      const t1 = performance.now();
      this.draw(features);
      this.timing = { fetchMs: Math.round(t1 - t0), drawMs: Math.round(performance.now() - t1) };
      this.loadedKey = key;
      if (req) this.tier = tier;
      this.status = 'ready';
      this.error = undefined;
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      this.status = 'error';
      this.error = err;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    this.onUpdate(this);
  }

  /** The feature under the cursor, if any (see MapLayer.pick). */
  pick(cursor: Pixel, cursorLatLon: LatLon, near: [number, number, number, number], project: (p: LatLon) => Pixel, tolerance: number): PickedAnalysis | null {
    if (!this.visible || this.status !== 'ready') return null;
    const hit = pick(this.pickables, cursor, cursorLatLon, near, project, tolerance);
    return hit ? { layer: this, feature: this.drawn[hit.feature]! } : null;
  }

  /** Half the widest line, in pixels (to size the pick box). */
  maxRadius(): number {
    return Math.ceil(this.maxWeight / 2) + 1;
  }

  private draw(features: Feature[]): void {
    const spec = this.spec;
    const lines = new Map<string, LatLon[][]>();
    const polygons = new Map<string, LatLon[][][]>();
    const pickables: Pickable[] = [];
    const FALLBACK = '';
    let maxWeight = 1;
    features.forEach((f, idx) => {
      const cls = spec.classOf(f.properties) ?? FALLBACK;
      const style = cls === FALLBACK ? spec.fallbackStyle : spec.style(cls);
      maxWeight = Math.max(maxWeight, style.weight);
      const parts = geometryParts(f.geometry);
      for (const line of parts.lines) {
        push(lines, cls, line);
        pickables.push(pickableShape(idx, 'line', line, style.weight / 2));
      }
      for (const rings of parts.polygons) {
        push(polygons, cls, rings);
        pickables.push(pickableShape(idx, 'polygon', rings, style.weight / 2));
      }
    });

    // One path per class, in the spec's order: few canvas objects however
    // many features, and the higher classes drawn on top.
    const group = L.layerGroup();
    const renderer = this.renderer;
    for (const cls of [FALLBACK, ...spec.classes]) {
      const style = cls === FALLBACK ? spec.fallbackStyle : spec.style(cls);
      const opts: L.PolylineOptions = { ...style, renderer, interactive: false, lineCap: 'butt', lineJoin: 'round' };
      const ls = lines.get(cls);
      if (ls) group.addLayer(L.polyline(ls, opts));
      const ps = polygons.get(cls);
      if (ps) group.addLayer(L.polygon(ps, { ...opts, fill: (style.fillOpacity ?? 0) > 0 }));
    }

    if (this.group) this.map.removeLayer(this.group);
    this.group = group;
    this.drawn = features;
    this.pickables = pickables;
    this.maxWeight = maxWeight;
    if (this.visible) group.addTo(this.map);
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
