import L from 'leaflet';
import type { Api, Feature, LayerMeta } from '../../shared/api';
import { DataLayer, type LayerSummary, type Loaded, type Picked } from '../../map/datalayer';
import {
  cellCount, cellTotal, deadMissing, geometryParts, incidentTotals, isAggregated, isApproximate, pickablePoint, pickableShape,
  type LatLon, type Pickable,
} from '../../map/geometry';
import { drawPrecision, featureParams, filterKey, isRestricted } from '../filters/filters';
import { rendererFor } from '../../map/map';
import { createPointCanvas, VERIFICATIONS, type ClusterDrawing, type PointCanvas } from '../../map/pointcanvas';
import {
  AREA_STYLE, CLUSTER_STYLE, CONTEXT_POINT_STYLE, EVENT_SYMBOL, EVENT_SYMBOL_RADIUS, INCIDENT_STYLE, SERVICE_STYLE, SERVICE_SYMBOL_RADIUS, cellClass, cellStyle, clusterRadius,
  incidentRadius, routeStyle, serviceSymbol, type PointStyle, type ServiceSymbol,
} from '../../map/palette';
import { createClusterer, type ClusterMark, type Clusterer } from '../../map/cluster';
import { verificationOf, type Verification } from '../../map/symbols';
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
  /** Formats a count on a cluster (the page's locale); plain digits when absent. */
  formatNumber?(n: number): string;
  /** The date services' verification is judged at (default: today). */
  referenceDate?(): Date;
  /**
   * Settles when the layer may draw what it fetched (route lines: once their
   * colours are known). The request goes out at once; only the drawing waits.
   */
  drawWhen?(): Promise<unknown>;
}

/** What the clusters of a layer at the current zoom add up to (see MapLayer.clusterSummary). */
export interface ClusterSummary {
  clusters: number;
  singles: number;
  /** Points in the clusters and single points drawn. */
  points: number;
  /** Their weights summed: dead and missing for incidents. */
  total: number;
  /** The largest cluster in view, where it is on the map's container. */
  largest: { x: number; y: number; count: number; total: number } | null;
}

/** What the point symbols of a service layer drawn now stand for (for the legend). */
export interface DrawnSymbols {
  /** The categories of the services drawn, in the vocabulary's order (unknown ones last, as ""). */
  categories: string[];
  /** The verification states among them. */
  verification: Verification[];
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
  /** The clusters of the points drawn (incidents and services drawn as points), null otherwise. */
  private clusterer: Clusterer | null = null;
  /** Index in `pickables` of the first point (points come after lines and polygons). */
  private firstPointPick = 0;
  /**
   * Whether the last answer drew any point. The point canvas is on the map
   * only then: a full-size canvas of nothing (routes, public cells) still
   * costs the browser a layer to paint and composite at every frame.
   */
  private hasPoints = false;
  private symbolsDrawn: DrawnSymbols = { categories: [], verification: [] };
  /** The weight of each point drawn (dead and missing for incidents), in drawing order. */
  private weights = new Float64Array(0);
  private readonly onClusterClick = (ev: L.LeafletMouseEvent) => this.zoomIntoCluster(ev.containerPoint);

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
    return aggregated ? `${base}|cells:${publicCellResolution(this.opts.vocab, zoom)}` : `${base}|precision:${drawPrecision(this.meta, zoom)}`;
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
    await this.opts.drawWhen?.();
    // Public cells: the server said so, or the features are cells.
    const aggregated = isRestricted(this.meta) && (res.tier === 'public' || res.features.some((f) => isAggregated(f.properties)));
    return { features: res.features, tier: res.tier ?? null, key: this.keyFor(filters, zoom, aggregated), aggregated };
  }

  protected override accept(loaded: LoadedFeatures): void {
    this.aggregated = loaded.aggregated;
  }

  protected override attach(): void {
    super.attach();
    if (this.loadedKey !== null && this.hasPoints && !this.map.hasLayer(this.points)) this.points.addTo(this.map);
    this.map.off('click', this.onClusterClick);
    this.map.on('click', this.onClusterClick);
  }

  protected override detach(): void {
    super.detach();
    this.map.removeLayer(this.points);
    this.map.off('click', this.onClusterClick);
  }

  /** The symbols of the services drawn now (empty for other layers and for cells). */
  get drawnSymbols(): DrawnSymbols {
    return this.symbolsDrawn;
  }

  /** The clusters drawn at the current zoom (null: every point is drawn). */
  clustersNow(): readonly ClusterMark[] | null {
    if (!this.visible || this.status !== 'ready') return null;
    const view = this.clusterer?.at(this.map.getZoom());
    return view && view.clusters.length > 0 ? view.clusters : null;
  }

  /** Whether some points are drawn as clusters at the current zoom. */
  get isClustered(): boolean {
    return this.clustersNow() !== null;
  }

  /**
   * What the clusters of the current zoom add up to, with the single points
   * drawn beside them (null when no point is clustered): the points and the
   * weights (dead and missing) they stand for, which are the layer's own,
   * and the largest cluster in view with its container pixel.
   */
  clusterSummary(): ClusterSummary | null {
    const view = this.isClustered ? this.clusterer?.at(this.map.getZoom()) : null;
    if (!view) return null;
    let points = view.singles.length;
    let total = 0;
    for (const i of view.singles) total += this.weights[i] ?? 0;
    const size = this.map.getSize();
    let largest: ClusterSummary['largest'] = null;
    for (const c of view.clusters) {
      points += c.count;
      total += c.total;
      const p = this.map.latLngToContainerPoint([c.lat, c.lon]);
      const inView = p.x > 20 && p.y > 20 && p.x < size.x - 20 && p.y < size.y - 20;
      if (inView && (!largest || c.count > largest.count)) largest = { x: Math.round(p.x), y: Math.round(p.y), count: c.count, total: c.total };
    }
    return { clusters: view.clusters.length, singles: view.singles.length, points, total, largest };
  }

  /** The cluster under a container point, if any. */
  clusterAt(at: L.Point): ClusterMark | null {
    const clusters = this.clustersNow();
    if (!clusters) return null;
    let best: ClusterMark | null = null;
    let bestD = Infinity;
    for (const c of clusters) {
      const p = this.map.latLngToContainerPoint([c.lat, c.lon]);
      const d = p.distanceTo(at);
      if (d <= clusterRadius(c.count) + 6 && d < bestD) {
        best = c;
        bestD = d;
      }
    }
    return best;
  }

  /** Zooms the map into the cluster under `at` (to the zoom where it falls apart); reports whether there was one. */
  zoomIntoCluster(at: L.Point): boolean {
    const c = this.clusterAt(at);
    if (!c || !this.clusterer) return false;
    const zoom = Math.min(Math.max(this.clusterer.expansionZoom(c.id), this.map.getZoom() + 1), this.clusterer.maxZoom + 1);
    this.map.setView([c.lat, c.lon], zoom);
    return true;
  }

  /** Clustered points cannot be picked one by one: only single points, lines and polygons. */
  protected override pickableNow(): readonly Pickable[] {
    const view = this.clusterer?.at(this.map.getZoom());
    if (!view || view.clusters.length === 0) return this.pickables;
    return [...this.pickables.slice(0, this.firstPointPick), ...view.singles.map((i) => this.pickables[this.firstPointPick + i]!)];
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
    return Math.max(8, SERVICE_SYMBOL_RADIUS + 2);
  }

  protected render(features: Feature[]): void {
    const group = L.layerGroup();
    const pickables: Pickable[] = [];
    const kind = this.meta.kind;
    const renderer = this.renderer;

    // Points: big markers first, so that small ones stay visible on top.
    // Services are drawn as the symbol of their category, context events as
    // one grey diamond; incidents and context points as circles.
    const services = kind === 'service';
    const events = kind === 'event';
    const points: { idx: number; at: LatLon; r: number }[] = [];
    features.forEach((f, idx) => {
      const parts = geometryParts(f.geometry);
      const r = kind === 'incident' ? incidentRadius(deadMissing(f.properties)) : services ? SERVICE_SYMBOL_RADIUS : events ? EVENT_SYMBOL_RADIUS : 3.5;
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
    this.firstPointPick = pickables.length;
    const set = {
      x: new Float64Array(points.length), y: new Float64Array(points.length), r: new Float32Array(points.length),
      symbol: services || events ? new Uint8Array(points.length) : undefined,
      verification: services || events ? new Uint8Array(points.length) : undefined,
    };
    // Services: one symbol per category (index 0: a category the vocabulary does not know).
    const categories = this.opts.vocab.serviceCategories.map((c) => c.category);
    const symbols: ServiceSymbol[] = [serviceSymbol(null), ...categories.map((c) => serviceSymbol(c))];
    const reference = this.opts.referenceDate?.() ?? new Date();
    const seenCategories = new Set<number>();
    const seenStates = new Set<number>();
    points.forEach((p, i) => {
      const px = this.map.project(p.at, 0);
      set.x[i] = px.x;
      set.y[i] = px.y;
      set.r[i] = p.r;
      pickables.push(pickablePoint(p.idx, p.at, p.r));
      if (services && set.symbol && set.verification) {
        const props = features[p.idx]!.properties;
        const sym = categories.indexOf(String(props?.category ?? '')) + 1;
        const state = VERIFICATIONS.indexOf(verificationOf(props?.last_verified, this.opts.vocab.staleYears, reference));
        set.symbol[i] = sym;
        set.verification[i] = state;
        seenCategories.add(sym);
        seenStates.add(state);
      }
    });
    this.symbolsDrawn = {
      categories: [...seenCategories].sort((a, b) => (a || Infinity) - (b || Infinity)).map((i) => (i === 0 ? '' : categories[i - 1]!)),
      verification: [...seenStates].sort().map((i) => VERIFICATIONS[i]!),
    };
    // Incidents and services drawn as points cluster at low zoom.
    this.weights = Float64Array.from(points, (p) => (kind === 'incident' ? deadMissing(features[p.idx]!.properties) : 0));
    this.clusterer = (kind === 'incident' || services) && points.length > 1
      ? createClusterer(points.map((p) => ({
        lat: p.at[0], lon: p.at[1], weight: kind === 'incident' ? deadMissing(features[p.idx]!.properties) : 0,
      })))
      : null;
    const pointStyle: PointStyle = kind === 'incident' ? INCIDENT_STYLE : kind === 'area' ? CONTEXT_POINT_STYLE : SERVICE_STYLE;
    this.points.setPoints(set, pointStyle, { symbols: services ? symbols : events ? [EVENT_SYMBOL] : undefined, clusters: this.clusterDrawing() });

    this.swap(group, features, pickables);
    this.hasPoints = points.length > 0;
    if (!this.hasPoints) this.map.removeLayer(this.points);
    else if (this.visible && !this.map.hasLayer(this.points)) this.points.addTo(this.map);
  }

  /** How this layer's clusters are drawn: the count, and for incidents their dead and missing under it. */
  private clusterDrawing(): ClusterDrawing | null {
    const clusterer = this.clusterer;
    if (!clusterer || (this.meta.kind !== 'incident' && this.meta.kind !== 'service')) return null;
    const style = CLUSTER_STYLE[this.meta.kind];
    const fmt = this.opts.formatNumber ?? ((n: number) => String(n));
    const incidents = this.meta.kind === 'incident';
    return {
      clusterer, fill: style.fill, stroke: style.stroke, text: style.text,
      label: (c) => (incidents ? [fmt(c.count), fmt(c.total)] : [fmt(c.count)]),
    };
  }
}
