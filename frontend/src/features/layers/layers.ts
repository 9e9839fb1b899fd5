import L from 'leaflet';
import type { Api, Feature, LayerMeta } from '../../shared/api';
import { DataLayer, type LayerSummary, type Loaded, type Picked } from '../../map/datalayer';
import {
  cellCount, cellTotal, deadMissing, geometryParts, incidentTotals, isAggregated, isApproximate, pickablePoint, pickableShape,
  type LatLon, type Pickable,
} from '../../map/geometry';
import { featureParams, filterKey, isRestricted } from '../filters/filters';
import { rendererFor } from '../../map/map';
import { createPointCanvas, type PointCanvas } from '../../map/pointcanvas';
import {
  AREA_STYLE, CONTEXT_POINT_STYLE, INCIDENT_STYLE, SERVICE_RADIUS, SERVICE_STYLE, cellClass, cellStyle, incidentRadius, routeStyle, type PointStyle,
} from '../../map/palette';
import type { Filters } from '../../shared/urlstate';
import { publicCellResolution, type Vocabulary } from '../../shared/vocabulary';

/** The status and summary of a layer (see map/datalayer). */
export type { LayerStatus, LayerSummary } from '../../map/datalayer';

/** Options shared by all layers. */
export interface LayerOptions {
  /** The vocabulary: the size of public cells at a zoom. */
  vocab: Vocabulary;
  /** Colour of a route by name. */
  routeColour(name: string): string;
  /** Called whenever the layer's summary changes. */
  onUpdate(layer: MapLayer): void;
}

/** A feature of an API layer found under the cursor. */
export type PickedFeature = Picked<MapLayer>;

/** What a features request brought back. */
interface LoadedFeatures extends Loaded {
  /** Whether the answer was public cells rather than features. */
  aggregated: boolean;
}

/**
 * One API layer on the map: fetches its features for the current filters
 * (the lifecycle of DataLayer), draws them on a canvas in the pane of its
 * kind, counts them, and finds the feature under a click. A restricted
 * layer answered at the public tier is drawn as cells, which follow the zoom.
 */
export class MapLayer extends DataLayer<LoadedFeatures> {
  readonly meta: LayerMeta;
  private readonly api: Api;
  private readonly opts: LayerOptions;
  private readonly renderer: L.Canvas;
  private readonly points: PointCanvas;
  /** Whether the last answer was public cells rather than features. */
  private aggregated = false;
  /** Route names seen in this layer with whether they are approximate. */
  readonly routeNames = new Map<string, boolean>();

  constructor(map: L.Map, api: Api, meta: LayerMeta, opts: LayerOptions) {
    super(map);
    this.api = api;
    this.meta = meta;
    this.opts = opts;
    this.renderer = rendererFor(meta.kind);
    this.points = createPointCanvas(meta.kind);
  }

  /** The layer's id. */
  get id(): string {
    return this.meta.id;
  }

  /** Whether the last answer was public cells (the layer is drawn as cells when shown). */
  get isAggregated(): boolean {
    return this.aggregated;
  }

  /** The counts and state the panel shows. */
  override summary(): LayerSummary {
    const s = super.summary();
    if (s.status !== 'ready') return s;
    if (this.meta.kind === 'incident') s.totals = incidentTotals(this.drawn);
    if (this.aggregated) s.aggregated = { total: cellTotal(this.drawn), unit: this.meta.kind === 'incident' ? 'incidents' : 'services' };
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
  protected requestKey(filters: Filters): string {
    return this.keyFor(filters, this.map.getZoom(), this.aggregated);
  }

  /** Reloads the features when what `filters` ask at the current zoom is not what is drawn (see refresh). */
  applyFilters(filters: Filters): Promise<void> {
    return this.refresh(filters);
  }

  protected async fetch(filters: Filters, signal: AbortSignal): Promise<LoadedFeatures> {
    const zoom = this.map.getZoom();
    const res = await this.api.features(this.meta.id, featureParams(this.meta, filters, zoom), signal);
    // Public cells: the server said so, or the features are cells.
    const aggregated = isRestricted(this.meta) && (res.tier === 'public' || res.features.some((f) => isAggregated(f.properties)));
    return { features: res.features, tier: res.tier ?? null, key: this.keyFor(filters, zoom, aggregated), aggregated };
  }

  protected override accept(loaded: LoadedFeatures): void {
    this.aggregated = loaded.aggregated;
  }

  protected override attach(): void {
    super.attach();
    if (this.loadedKey !== null && !this.map.hasLayer(this.points)) this.points.addTo(this.map);
  }

  protected override detach(): void {
    super.detach();
    this.map.removeLayer(this.points);
  }

  protected updated(): void {
    this.opts.onUpdate(this);
  }

  /** Redraws routes after their colours changed. */
  restyle(): void {
    if (this.meta.kind === 'route' && this.loadedKey !== null) this.render(this.drawn);
  }

  /** Largest marker radius of this layer in pixels (to size the pick box). */
  maxRadius(): number {
    if (this.meta.kind === 'incident') return incidentRadius(Infinity) + 1;
    return 8;
  }

  protected render(features: Feature[]): void {
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
    const pointStyle: PointStyle = kind === 'incident' ? INCIDENT_STYLE : kind === 'area' ? CONTEXT_POINT_STYLE : SERVICE_STYLE;
    this.points.setPoints(set, pointStyle);

    this.swap(group, features, pickables);
    if (this.visible && !this.map.hasLayer(this.points)) this.points.addTo(this.map);
  }
}
