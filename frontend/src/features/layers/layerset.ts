import type L from 'leaflet';
import { isAbort, type Api, type LayerMeta, type PrivacyTier, type ValueCount } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { settle, type AppStore } from '../../shared/store';
import type { Vocabulary } from '../../shared/vocabulary';
import { fallbackRouteColour, routeColours } from '../../map/palette';
import { debounce, followsZoom, isRestricted, mergeValues } from '../filters/filters';
import { ANALYSIS_IDS, type AnalysisId } from '../risk/analysis';
import { AnalysisLayer } from '../risk/analysislayers';
import { analysisSpecs } from '../risk/analysisspecs';
import { MapLayer } from './layers';

/**
 * The data layers of a map page (the dashboard, an embed), driven by the
 * page's store: the layers shown follow the `layers` slice, a change of the
 * `filters` or `risk` slices reloads what they change a moment after the
 * last edit, and the zoom reloads hotspots and the public cells of
 * restricted layers when their cell size changes. Route names (from the
 * route layers) colour the routes and tell route risk whether a route
 * filter names a line.
 */

/** Either kind of data layer. */
export type AnyLayer = MapLayer | AnalysisLayer;

/** What a layer set is made of. */
export interface LayerSetOptions {
  map: L.Map;
  api: Api;
  i18n: I18n;
  vocab: Vocabulary;
  store: AppStore;
  /** The API layers on the map, in drawing order. */
  metas: readonly LayerMeta[];
  /** The analyses on the map. */
  analyses: readonly AnalysisId[];
  /** The route layers whose names are asked (null: none are). */
  routeMetas: readonly LayerMeta[] | null;
  /** Runs after a layer's summary changed. */
  onUpdate(layer: AnyLayer): void;
  /** Runs when the route names are known. */
  onRouteNames?(names: readonly string[]): void;
  /** Runs when the names of a route layer cannot be read. */
  onValuesError?(meta: LayerMeta, err: unknown): void;
  /** Runs when a reload starts or stops waiting (for a busy marker). */
  onPending?(): void;
  /** Wait after the last filter, settings or zoom change before reloading, in ms. */
  delayMs?: number;
}

/** The layers of a map page. */
export interface LayerSet {
  readonly layers: readonly MapLayer[];
  readonly analyses: readonly AnalysisLayer[];
  /** Every layer, API layers first. */
  all(): AnyLayer[];
  /** The layer with this id. */
  get(id: string): AnyLayer | undefined;
  /** The colour of a route by name (stable under filtering: from every route name). */
  routeColour(name: string): string;
  /** Every route name, [] until known. */
  routeNames(): readonly string[];
  /** The route names as a set, null until known. */
  knownRoutes(): ReadonlySet<string> | null;
  /** The route names of the route layers, per layer (each list [] when it could not be read). */
  readonly routeValues: Promise<ValueCount[][]>;
  /**
   * Loads the layers shown (routes drawn once their colours are known, route risk
   * with a route filter once it is known whether the route has a line) and
   * from then on follows the store. Resolves when the first loads are done.
   */
  start(): Promise<void>;
  /** Reloads what was answered at another tier than `tier` (or is still loading from before). */
  reloadForTier(tier: PrivacyTier | null): void;
  /** Whether a reload is waiting for edits or zoom steps to settle. */
  pending(): boolean;
  /** Whether a reload is waiting or any layer is loading. */
  busy(): boolean;
  /** Stops following the store and the map, hides every layer and cancels what is waiting. */
  stop(): void;
}

/** Wait after the last change before reloading, ms. */
export const RELOAD_DELAY_MS = 250;

/** Builds the layers of a map page (nothing is loaded before start()). */
export function createLayerSet(o: LayerSetOptions): LayerSet {
  const { map, api, store } = o;
  const delay = o.delayMs ?? RELOAD_DELAY_MS;
  const filters = () => store.get().filters;
  let colours = new Map<string, string>();
  let names: string[] = [];
  let knownRoutes: Set<string> | null = null;
  let pendingZoom = false;
  let stopped = false;
  const routeColour = (name: string) => colours.get(name) ?? fallbackRouteColour(name);

  // Restricted layers drawn as cells may have to follow a zoom (see followZoom below).
  let followZoom: () => void = () => {};
  // The route names give the route lines their colours: the lines are fetched with
  // every other layer, and drawn once the names are known (drawWhen below).
  const routeValues: Promise<ValueCount[][]> = o.routeMetas
    ? Promise.all(o.routeMetas.map((m) => api.values(m.id, 'name').catch((err) => {
      if (!isAbort(err)) o.onValuesError?.(m, err);
      return [] as ValueCount[];
    }))).then((lists) => {
      names = mergeValues(lists, o.i18n.lang).map((v) => v.value);
      knownRoutes = new Set(names);
      colours = routeColours(names);
      if (!stopped) o.onRouteNames?.(names);
      return lists;
    })
    : Promise.resolve([]);
  const layers = o.metas.map((meta) => new MapLayer(map, api, meta, {
    vocab: o.vocab,
    routeColour,
    drawWhen: meta.kind === 'route' ? () => routeValues : undefined,
    formatNumber: (n) => o.i18n.formatNumber(n),
    onUpdate(layer) {
      if (stopped) return;
      // The map was zoomed while the cells were loading: the next cell size may be due.
      if (layer.summary().status === 'ready' && layer.isStale(filters())) followZoom();
      o.onUpdate(layer);
    },
  }));
  const specs = analysisSpecs(o.i18n, o.vocab, () => knownRoutes, () => store.get().risk);
  const analyses = o.analyses.map((id) => new AnalysisLayer(map, api, specs[id], (layer) => {
    if (!stopped) o.onUpdate(layer);
  }));
  const all = (): AnyLayer[] => [...layers, ...analyses];
  const restricted = layers.filter((l) => isRestricted(l.meta));
  // Layers whose request changes with the zoom: public cells, and the points of public layers (coarser below a zoom).
  const zoomFollowers = layers.filter((l) => isRestricted(l.meta) || followsZoom(l.meta));

  const refetchForZoom = debounce(() => {
    pendingZoom = false;
    if (stopped) return;
    for (const l of zoomFollowers) void l.refresh(filters());
    o.onPending?.();
  }, delay);
  followZoom = () => {
    pendingZoom = true;
    o.onPending?.();
    refetchForZoom();
  };
  const onZoom = () => {
    if (stopped) return;
    // Hotspot cells follow the zoom: a new resolution is a new request.
    for (const a of analyses) void a.refresh(filters());
    if (zoomFollowers.some((l) => l.isStale(filters()))) followZoom();
  };

  let offLayers = () => {};
  let edits = { pending: () => false, stop: () => {} };
  return {
    layers,
    analyses,
    all,
    get: (id) => all().find((l) => l.id === id),
    routeColour,
    routeNames: () => names,
    knownRoutes: () => knownRoutes,
    routeValues,
    async start() {
      const shown = new Set(store.get().layers);
      // With a route filter, route risk waits to know whether the route has a line.
      const namesIfFiltered = () => (filters().route && o.routeMetas ? routeValues.then(() => undefined) : Promise.resolve());
      const loads = all().filter((l) => shown.has(l.id)).map(async (l) => {
        if (l.id === ANALYSIS_IDS.risk) await namesIfFiltered();
        // The layer may have been switched off (or on) in the meantime.
        if (!stopped && store.get().layers.includes(l.id) && !l.isVisible) await l.setVisible(true, filters());
      });
      for (const l of all()) if (!shown.has(l.id)) o.onUpdate(l);
      offLayers = store.subscribe(['layers'], (s) => {
        const on = new Set(s.layers);
        for (const l of all()) if (on.has(l.id) !== l.isVisible) void l.setVisible(on.has(l.id), s.filters);
      });
      edits = settle(store, ['filters', 'risk'], delay, (s) => {
        for (const l of all()) void l.refresh(s.filters);
      }, o.onPending);
      map.on('zoomend', onZoom);
      await Promise.all(loads);
    },
    reloadForTier(tier) {
      const stale = (x: AnyLayer) => x.isLoading || x.tier === null || x.tier !== tier;
      if (restricted.length === 0) return;
      for (const l of restricted) if (stale(l)) void l.reload(filters());
      for (const a of analyses) if (stale(a)) void a.reload(filters());
    },
    pending: () => pendingZoom || edits.pending(),
    busy: () => pendingZoom || edits.pending() || all().some((l) => l.isLoading),
    stop() {
      stopped = true;
      offLayers();
      edits.stop();
      map.off('zoomend', onZoom);
      for (const l of all()) void l.setVisible(false, filters());
    },
  };
}
