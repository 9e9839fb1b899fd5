import L from 'leaflet';
import { riskZoomParam, type AnalysisId } from './analysis';
import type { AnalysisPath, Api, Feature, Properties } from '../../shared/api';
import { DataLayer, type LayerSummary, type Loaded, type Picked } from '../../map/datalayer';
import { geometryParts, pickableShape, type LatLon, type Pickable } from '../../map/geometry';
import type { PaneName } from '../../map/map';
import type { LineStyle } from '../../map/palette';
import type { Filters } from '../../shared/urlstate';
import { MAP_PADDING } from '../../map/padding';

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
export type PickedAnalysis = Picked<AnalysisLayer>;

/**
 * A layer drawn from an analysis endpoint (route risk, hotspots): fetched
 * for the current filters and zoom (the lifecycle of DataLayer), drawn on a
 * canvas in its own pane with one Leaflet path per class, counted, and
 * picked by click.
 */
export class AnalysisLayer extends DataLayer {
  readonly spec: AnalysisSpec;
  private readonly api: Api;
  private readonly onUpdate: (layer: AnalysisLayer) => void;
  private readonly renderer: L.Canvas;
  private maxWeight = 1;
  /** The query string of the last request sent (for tests and diagnostics). */
  lastQuery = '';

  constructor(map: L.Map, api: Api, spec: AnalysisSpec, onUpdate: (layer: AnalysisLayer) => void) {
    super(map);
    this.api = api;
    this.spec = spec;
    this.onUpdate = onUpdate;
    this.renderer = L.canvas({ pane: spec.pane, padding: MAP_PADDING });
  }

  /** The layer's id (as in the URL and the layer list). */
  get id(): AnalysisId {
    return this.spec.id;
  }

  /** The counts and state the panel shows. */
  override summary(): LayerSummary {
    const s: LayerSummary = { ...super.summary(), unit: this.spec.unit };
    if (s.status === 'ready' && this.drawn.length > 0) s.detail = this.spec.detail(this.drawn);
    return s;
  }

  /** The request key for `filters` at the current zoom. */
  key(filters: Filters): string {
    return this.requestKey(filters);
  }

  protected requestKey(filters: Filters): string {
    const r = this.request(filters);
    return r ? `${r.path}?${r.params.toString()}` : 'none';
  }

  /**
   * The spec's request at the current zoom; route risk is asked for the
   * zoom band shown (riskZoomParam), so a change of band asks again.
   */
  private request(filters: Filters): AnalysisRequest | null {
    const zoom = this.map.getZoom();
    const r = this.spec.request(filters, zoom);
    if (r?.path !== 'risk/segments') return r;
    const z = riskZoomParam(zoom);
    if (z === null) return r;
    const params = new URLSearchParams(r.params);
    params.set('zoom', z);
    return { path: r.path, params };
  }

  protected async fetch(filters: Filters, signal: AbortSignal): Promise<Loaded> {
    const req = this.request(filters);
    const key = req ? `${req.path}?${req.params.toString()}` : 'none';
    // Nothing to ask for these filters: no features, and the tier stays as it was.
    if (!req) return { features: [], key };
    this.lastQuery = req.params.toString();
    const res = await this.api.analysis(req.path, req.params, signal);
    return { features: res.features, tier: res.tier ?? null, key };
  }

  protected updated(): void {
    this.onUpdate(this);
  }

  /** Half the widest line, in pixels (to size the pick box). */
  maxRadius(): number {
    return Math.ceil(this.maxWeight / 2) + 1;
  }

  protected render(features: Feature[]): void {
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

    this.maxWeight = maxWeight;
    this.swap(group, features, pickables);
  }
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
