import L from 'leaflet';
import { isAbort, type Feature, type PrivacyTier } from '../shared/api';
import type { Filters } from '../shared/urlstate';
import { featuresInBox, pick, pickAll, type LatLon, type Pickable, type Pixel } from './geometry';

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

/** What one load brought back. */
export interface Loaded {
  features: Feature[];
  /** The privacy tier of the answer; undefined leaves the one before (nothing was asked). */
  tier?: PrivacyTier | null;
  /** The key of what was loaded (see DataLayer.requestKey). */
  key: string;
}

/** A feature found under the cursor, with the layer that drew it. */
export interface Picked<T extends DataLayer = DataLayer> {
  layer: T;
  feature: Feature;
}

/**
 * The lifecycle every data layer of the map shares: shown or hidden, a
 * load for the current filters (a newer one aborts the one running, and an
 * answer that came too late is never drawn), its status and timing, the
 * privacy tier of its answer, what it drew and picking by click. A layer
 * says what a load asks (`requestKey`), how it fetches (`fetch`) and how it
 * draws (`render`, `attach`, `detach`); `updated` runs after every change
 * of its summary.
 */
export abstract class DataLayer<R extends Loaded = Loaded> {
  protected readonly map: L.Map;
  /** What is drawn now, in a Leaflet group (null before the first draw). */
  protected group: L.LayerGroup | null = null;
  /** The features drawn now. */
  protected drawn: Feature[] = [];
  protected pickables: Pickable[] = [];
  protected status: LayerStatus = 'hidden';
  protected error: unknown = undefined;
  protected visible = false;
  /** The key of what is drawn (null: nothing yet, or to load again when shown). */
  protected loadedKey: string | null = null;
  /** The key of the load in flight, if any. */
  private requestedKey: string | null = null;
  private controller: AbortController | null = null;
  private answeredAt: PrivacyTier | null = null;
  /** Duration of the last completed load: fetching (all pages) and drawing, in ms. */
  timing: { fetchMs: number; drawMs: number } | null = null;

  constructor(map: L.Map) {
    this.map = map;
  }

  /** The layer's id (as in the URL and the layer list). */
  abstract get id(): string;

  /** What `filters` ask of the layer at the current zoom, as a comparable key. */
  protected abstract requestKey(filters: Filters): string;

  /** Fetches what `filters` ask for (at the current zoom). */
  protected abstract fetch(filters: Filters, signal: AbortSignal): Promise<R>;

  /** Draws `features` in place of what was drawn (attached to the map when the layer is shown). */
  protected abstract render(features: Feature[]): void;

  /** Called with a load's answer before it is drawn (only for the load that counts). */
  protected accept(_loaded: R): void {}

  /** Puts what is drawn on the map. */
  protected attach(): void {
    if (this.group && !this.map.hasLayer(this.group)) this.group.addTo(this.map);
  }

  /** Takes what is drawn off the map. */
  protected detach(): void {
    if (this.group) this.map.removeLayer(this.group);
  }

  /** Called after every change of the summary. */
  protected abstract updated(): void;

  /** Replaces the drawn group, features and pickables with new ones. */
  protected swap(group: L.LayerGroup, features: Feature[], pickables: Pickable[]): void {
    if (this.group) this.map.removeLayer(this.group);
    this.group = group;
    this.drawn = features;
    this.pickables = pickables;
    if (this.visible) this.attach();
  }

  /** Whether the layer is switched on. */
  get isVisible(): boolean {
    return this.visible;
  }

  /** Whether a load is running. */
  get isLoading(): boolean {
    return this.controller !== null;
  }

  /** The privacy tier of the last answer drawn (null before any, or when the server did not say). */
  get tier(): PrivacyTier | null {
    return this.answeredAt;
  }

  /** The features drawn now. */
  get features(): readonly Feature[] {
    return this.drawn;
  }

  /** The state and count the panel shows; subclasses add their own. */
  summary(): LayerSummary {
    if (!this.visible) return { status: 'hidden', shown: 0 };
    const s: LayerSummary = { status: this.status, shown: this.status === 'ready' ? this.drawn.length : 0 };
    if (this.status === 'error') s.error = this.error;
    return s;
  }

  /**
   * Whether the layer, shown, has to load for `filters` at the current zoom:
   * what is drawn (or loading) answers something else.
   */
  isStale(filters: Filters): boolean {
    if (!this.visible) return false;
    const key = this.requestKey(filters);
    if (this.controller !== null) return this.requestedKey !== key;
    return !(this.loadedKey === key && this.status === 'ready');
  }

  /** Shows or hides the layer. Showing it loads what `filters` ask for unless it is loaded. */
  async setVisible(visible: boolean, filters: Filters): Promise<void> {
    this.visible = visible;
    if (!visible) {
      this.controller?.abort();
      this.controller = null;
      this.requestedKey = null;
      this.detach();
      this.status = 'hidden';
      this.updated();
      return;
    }
    this.attach();
    if (this.loadedKey === this.requestKey(filters) && this.status !== 'error') {
      this.status = 'ready';
      this.updated();
      return;
    }
    await this.load(filters);
  }

  /** Loads when the filters (or the zoom) ask for something else than what is drawn or loading. */
  async refresh(filters: Filters): Promise<void> {
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

  /** Fetches and draws what `filters` ask for; a newer call aborts this one. */
  async load(filters: Filters): Promise<void> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.requestedKey = this.requestKey(filters);
    this.status = 'loading';
    this.updated();
    try {
      const t0 = performance.now();
      const loaded = await this.fetch(filters, controller.signal);
      if (controller.signal.aborted) return;
      const t1 = performance.now();
      this.accept(loaded);
      if (loaded.tier !== undefined) this.answeredAt = loaded.tier;
      this.render(loaded.features);
      this.timing = { fetchMs: Math.round(t1 - t0), drawMs: Math.round(performance.now() - t1) };
      this.loadedKey = loaded.key;
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
    this.updated();
  }

  /**
   * The feature under the cursor, if any. `project` maps [lat, lon] to
   * container pixels; `near` is the lat/lon box that a hit must touch.
   */
  pick(cursor: Pixel, cursorLatLon: LatLon, near: [number, number, number, number], project: (p: LatLon) => Pixel, tolerance: number): Picked<this> | null {
    if (!this.visible || this.status !== 'ready') return null;
    const hit = pick(this.pickableNow(), cursor, cursorLatLon, near, project, tolerance);
    return hit ? { layer: this, feature: this.drawn[hit.feature]! } : null;
  }

  /** Every feature under the cursor (see pick), closest first, each once. */
  pickAll(cursor: Pixel, cursorLatLon: LatLon, near: [number, number, number, number], project: (p: LatLon) => Pixel, tolerance: number): Picked<this>[] {
    if (!this.visible || this.status !== 'ready') return [];
    return pickAll(this.pickableNow(), cursor, cursorLatLon, near, project, tolerance)
      .map((sh) => ({ layer: this, feature: this.drawn[sh.feature]! }));
  }

  /** The features drawn now whose box meets `view` ([south, west, north, east]); none while hidden or loading. */
  featuresIn(view: [number, number, number, number]): Feature[] {
    if (!this.visible || this.status !== 'ready') return [];
    return featuresInBox(this.pickables, view).map((i) => this.drawn[i]!);
  }

  /** What a click can pick at the current zoom (all that is drawn, unless some of it is drawn as clusters). */
  protected pickableNow(): readonly Pickable[] {
    return this.pickables;
  }

  /** Largest marker radius or half line width in pixels (to size the pick box). */
  abstract maxRadius(): number;
}
