import type { PrivacyTier } from '../../shared/api';
import type { AppStore } from '../../shared/store';
import type { LayerSet } from '../layers/layerset';
import { MapLayer, type ClusterSummary } from '../layers/layers';

/** What the dashboard exposes for tests and monitoring (`window.__routerisk`). */
export interface Readiness {
  /** Milliseconds from navigation start to the first full render. */
  firstRenderMs: number | null;
  /** Features drawn per layer id (0 for hidden layers). */
  counts: Record<string, number>;
  /** Dead and missing per incident layer id. */
  totals: Record<string, { dead: number; missing: number }>;
  /** True while a filter change is waiting or any layer is loading. */
  busy: boolean;
  /** Completed layer loads so far. */
  loads: number;
  /** Whether online tiles are in use. */
  tiles: boolean;
  /** Duration of each layer's last load (fetch and draw), in ms. */
  timings: Record<string, { fetchMs: number; drawMs: number }>;
  /** The map view as last written to the URL. */
  view: { z: number; lat: number; lon: number } | null;
  /** The privacy tier the server last stated (X-Privacy-Tier), null before it did. */
  tier: PrivacyTier | null;
  /** Per layer drawn with clusters at the current zoom, what they add up to. */
  clusters: Record<string, ClusterSummary>;
}

declare global {
  interface Window {
    __routerisk?: Readiness;
  }
}

/** The readiness marker of the dashboard. */
export interface ReadinessMarker {
  readonly state: Readiness;
  /** Counts, totals, timings and busy again (after a layer, a list or a pending edit changed). */
  refresh(): void;
  /** Sets `data-ready` on the document after the first full render. */
  done(): void;
}

/**
 * Keeps `window.__routerisk` and the document's `data-busy` and
 * `data-ready` true to the page: it follows the store's view and session
 * slices, and is refreshed by the layers and lists. `busy` also asks
 * `otherBusy` (a list loading, a sign-in being checked).
 */
export function createReadiness(win: Window, store: AppStore, layers: () => LayerSet | null, otherBusy: () => boolean): ReadinessMarker {
  const root = win.document.documentElement;
  const state: Readiness = { firstRenderMs: null, counts: {}, totals: {}, busy: true, loads: 0, tiles: false, view: null, timings: {}, tier: null, clusters: {} };
  win.__routerisk = state;
  const countClusters = () => {
    const clusters: Record<string, ClusterSummary> = {};
    for (const l of layers()?.layers ?? []) {
      const c = l.clusterSummary();
      if (c) clusters[l.id] = c;
    }
    state.clusters = clusters;
  };
  const refresh = () => {
    const set = layers();
    const counts: Record<string, number> = {};
    const totals: Record<string, { dead: number; missing: number }> = {};
    for (const l of set?.all() ?? []) {
      const s = l.summary();
      counts[l.id] = s.shown;
      if (l instanceof MapLayer && s.totals) totals[l.id] = s.totals;
      if (l.timing) state.timings[l.id] = l.timing;
    }
    state.counts = counts;
    state.totals = totals;
    countClusters();
    state.busy = (set?.busy() ?? true) || otherBusy();
    if (state.busy) root.dataset.busy = 'true';
    else delete root.dataset.busy;
  };
  store.subscribe(['view', 'session'], (s) => {
    state.view = s.view && 'z' in s.view ? { ...s.view } : null;
    state.tier = s.session.tier;
    countClusters();
  }, { immediate: true });
  return {
    state,
    refresh,
    done() {
      state.firstRenderMs = Math.round(win.performance.now());
      root.dataset.ready = 'true';
      refresh();
    },
  };
}
