import Supercluster, { type ClusterProperties } from 'supercluster';

/**
 * Clusters of the points of a layer at low zoom (the staff tier draws every
 * incident and service, 17.8k and 18.5k points, which would bury the routes
 * at a continent's scale). Clustering is supercluster's (the library MapLibre
 * uses): a KD-tree per zoom, built once per set of points, then read for the
 * zoom shown. Each cluster carries the number of points it holds and the sum
 * of their weights (dead and missing for incidents), summed exactly, so the
 * clusters and single points of any zoom add up to the layer's totals.
 */

/** Up to this zoom points are clustered; from the next one on every point is drawn. */
export const CLUSTER_MAX_ZOOM = 8;

/** Points closer than this many screen pixels join a cluster. */
export const CLUSTER_RADIUS_PX = 40;

/** A point to cluster: where it is and what it weighs. */
export interface ClusterInput {
  lat: number;
  lon: number;
  weight: number;
}

/** A cluster at one zoom. */
export interface ClusterMark {
  /** supercluster's id, for expansionZoom. */
  id: number;
  lat: number;
  lon: number;
  /** Points in the cluster. */
  count: number;
  /** The sum of their weights. */
  total: number;
}

/** What is drawn at one zoom: clusters, and the indices (into the input) of the points left single. */
export interface ClusterView {
  clusters: ClusterMark[];
  singles: number[];
}

/** The clusters of a set of points, zoom by zoom. */
export interface Clusterer {
  /** Clusters up to this zoom; at(zoom) above it is null. */
  readonly maxZoom: number;
  /** The clusters and single points at `zoom` (fractional zooms count as the zoom below); null above maxZoom. */
  at(zoom: number): ClusterView | null;
  /** The zoom at which a cluster falls apart into smaller clusters or points. */
  expansionZoom(id: number): number;
}

interface Props { i: number; w: number }
interface Sums { w: number }

/** Builds the clusters of `points` (indices of the answer are indices into `points`). */
export function createClusterer(points: readonly ClusterInput[], maxZoom = CLUSTER_MAX_ZOOM, radius = CLUSTER_RADIUS_PX): Clusterer {
  // Leaflet's tiles are 256 px wide: with extent 256 the radius is in screen pixels.
  const index = new Supercluster<Props, Sums>({
    maxZoom, radius, extent: 256, minPoints: 2,
    map: (p) => ({ w: p.w }),
    reduce: (acc, p) => { acc.w += p.w; },
  });
  index.load(points.map((p, i) => ({
    type: 'Feature', geometry: { type: 'Point', coordinates: [p.lon, p.lat] }, properties: { i, w: Number.isFinite(p.weight) ? p.weight : 0 },
  })));
  const views = new Map<number, ClusterView>();
  return {
    maxZoom,
    at(zoom) {
      const z = Math.max(0, Math.floor(Number.isFinite(zoom) ? zoom : 0));
      if (z > maxZoom) return null;
      const cached = views.get(z);
      if (cached) return cached;
      const view: ClusterView = { clusters: [], singles: [] };
      for (const f of index.getClusters([-180, -90, 180, 90], z)) {
        const [lon, lat] = f.geometry.coordinates as [number, number];
        const p = f.properties as Partial<ClusterProperties> & Partial<Props> & Sums;
        if (p.cluster) view.clusters.push({ id: p.cluster_id!, lat, lon, count: p.point_count!, total: p.w });
        else view.singles.push(p.i!);
      }
      view.singles.sort((a, b) => a - b); // drawing order: the input's
      views.set(z, view);
      return view;
    },
    expansionZoom: (id) => index.getClusterExpansionZoom(id),
  };
}
