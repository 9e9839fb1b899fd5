import L from 'leaflet';
import { isAbort, type Api, type Feature } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { describeError } from '../../shared/status';
import type { Vocabulary } from '../../shared/vocabulary';
import { geometryParts, isAggregated, type LatLon } from '../../map/geometry';
import { PANES, pickOrder } from '../../map/map';
import { PRIORITY_HIGHLIGHT } from '../../map/palette';
import { ANALYSIS_IDS } from '../risk/analysis';
import { AnalysisLayer } from '../risk/analysislayers';
import { buildHotspotPopup, buildSegmentPopup } from '../risk/analysispopup';
import type { RiskSettings } from '../risk/risksettings';
import type { LayerSet } from './layerset';
import { MapLayer } from './layers';
import { buildCellPopup, buildPopup } from './popup';
import { openStack, type PopupEntry } from '../popups/stack';
import { MAP_PADDING } from '../../map/padding';

/** Extra pixels around a marker that still count as a click on it. */
const PICK_TOLERANCE = 4;
/** Highest zoom the map goes to when showing an outreach priority. */
const PRIORITY_MAX_ZOOM = 9;

/** What a click found: a feature of an API layer or of an analysis layer. */
type Hit =
  | { type: 'layer'; layer: MapLayer; feature: Feature }
  | { type: 'analysis'; layer: AnalysisLayer; feature: Feature };

/** Most features one click pages through. */
export const MAX_STACKED = 50;

/** Popups the dashboard opens itself. */
export interface Popups {
  /** Shows an outreach priority: zooms to its segment and opens its popup; focus returns to `button` on close. */
  showPriority(feature: Feature, button: HTMLButtonElement): void;
  /**
   * Opens the popup of one feature of a layer on the map (as a click on it
   * would) and moves the focus into it; on close the focus goes back with
   * `returnFocus` (by default to the element that had it).
   */
  showFeature(layer: MapLayer | AnalysisLayer, feature: Feature, returnFocus?: () => void): void;
}

/**
 * Opens a details popup on click (every feature under the click, paged "1
 * of N"), shows a pointer over features, and shows outreach priorities
 * picked from the list. `priorities` gives the listed priorities, whose
 * reasons a segment's popup then shows too.
 */
export function wirePicking(
  i18n: I18n, vocab: Vocabulary, map: L.Map, api: Api, set: LayerSet,
  priorities: () => readonly Feature[], settings: () => RiskSettings,
  onDetails?: (id: string, button: HTMLButtonElement) => void,
): Popups {
  type Candidate = { order: number; layer: MapLayer | AnalysisLayer };
  const candidates = (): Candidate[] => [
    ...[...set.layers].reverse().map((l) => ({ order: pickOrder(l.meta.kind), layer: l as MapLayer | AnalysisLayer })),
    ...[...set.analyses].reverse().map((a) => ({ order: PANES[a.spec.pane], layer: a as MapLayer | AnalysisLayer })),
  ].sort((a, b) => b.order - a.order);

  /** Every feature under the cursor, the layer drawn on top first; `first` stops at the first. */
  const pickAt = (cursor: L.Point, latlng: L.LatLng, first = false): Hit[] => {
    const hits: Hit[] = [];
    for (const { layer } of candidates()) {
      const r = layer.maxRadius() + PICK_TOLERANCE;
      const sw = map.containerPointToLatLng([cursor.x - r, cursor.y + r]);
      const ne = map.containerPointToLatLng([cursor.x + r, cursor.y - r]);
      const args = [
        { x: cursor.x, y: cursor.y },
        [latlng.lat, latlng.lng] as LatLon,
        [sw.lat, sw.lng, ne.lat, ne.lng] as [number, number, number, number],
        (p: LatLon) => map.latLngToContainerPoint(p),
        PICK_TOLERANCE,
      ] as const;
      if (first) {
        const hit = layer instanceof MapLayer ? layer.pick(...args) : layer.pick(...args);
        if (hit) return [hitOf(layer, hit.feature)];
        continue;
      }
      const found = layer instanceof MapLayer ? layer.pickAll(...args) : layer.pickAll(...args);
      for (const h of found) hits.push(hitOf(layer, h.feature));
      if (hits.length >= MAX_STACKED) break;
    }
    return hits.slice(0, MAX_STACKED);
  };

  const reasonsOf = (feature: Feature): string[] | undefined => {
    const id = feature.id ?? feature.properties?.id;
    const listed = priorities().find((p) => (p.id ?? p.properties?.id) === id);
    const reasons = listed?.properties?.reasons;
    return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : undefined;
  };

  /** The popup of one hit: analyses and public cells at once, other features with all their properties fetched. */
  const entryOf = (hit: Hit): PopupEntry => {
    if (hit.type === 'analysis') {
      const { layer, feature } = hit;
      return () => layer.id === ANALYSIS_IDS.risk
        ? buildSegmentPopup(i18n, vocab, feature, reasonsOf(feature), settings().reachKm, onDetails)
        : buildHotspotPopup(i18n, feature, layer.tier === 'partner' || layer.tier === 'staff');
    }
    const { layer, feature } = hit;
    const { kind, title, id } = layer.meta;
    // A public cell holds all there is to show; its features are not to be asked for.
    if (isAggregated(feature.properties)) return () => buildCellPopup(i18n, kind, title, feature);
    if (feature.id === undefined || feature.id === null) return () => buildPopup(i18n, kind, title, feature, vocab);
    const fid = feature.id;
    return (signal) => api.feature(id, fid, signal).then(
      (full) => buildPopup(i18n, kind, title, full, vocab),
      (err) => {
        if (isAbort(err)) throw err;
        const content = buildPopup(i18n, kind, title, feature, vocab);
        content.prepend(el('p', { class: 'popup-error' }, describeError(i18n, i18n.t('status.what.details'), err)));
        return content;
      },
    );
  };

  map.on('click', (e: L.LeafletMouseEvent) => {
    const hits = pickAt(e.containerPoint, e.latlng);
    if (hits.length === 0) return;
    openStack(map, i18n, e.latlng, hits.map(entryOf));
  });

  let frame = 0;
  map.on('mousemove', (e: L.LeafletMouseEvent) => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      map.getContainer().classList.toggle('over-feature', pickAt(e.containerPoint, e.latlng, true).length > 0);
    });
  });

  // The segment of the priority on show, outlined under its risk colour.
  const highlightRenderer = L.canvas({ pane: 'route', padding: MAP_PADDING });
  let highlight: L.Polyline | null = null;
  const clearHighlight = () => {
    if (highlight) map.removeLayer(highlight);
    highlight = null;
  };

  return {
    showPriority(feature, button) {
      const lines = geometryParts(feature.geometry).lines;
      const points = lines.flat();
      if (points.length === 0) return;
      map.fitBounds(L.latLngBounds(points), { maxZoom: PRIORITY_MAX_ZOOM, padding: [48, 48], animate: false });
      clearHighlight();
      const hl = L.polyline(lines, { ...PRIORITY_HIGHLIGHT, renderer: highlightRenderer, interactive: false, lineCap: 'round' }).addTo(map);
      highlight = hl;
      const at = midpoint(lines[Math.floor(lines.length / 2)]!);
      openStack(map, i18n, at, [() => {
        const content = buildSegmentPopup(i18n, vocab, feature, undefined, settings().reachKm, onDetails);
        content.classList.add('popup-priority');
        return content;
      }], {
        focus: true,
        returnFocus: () => button.focus({ preventScroll: true }),
        onClose: () => {
          if (highlight === hl) clearHighlight();
        },
      });
    },
    showFeature(layer, feature, returnFocus) {
      const at = anchorOf(feature);
      if (!at) return;
      openStack(map, i18n, at, [entryOf(hitOf(layer, feature))], { focus: true, returnFocus });
    },
  };
}

function hitOf(layer: MapLayer | AnalysisLayer, feature: Feature): Hit {
  return layer instanceof MapLayer ? { type: 'layer', layer, feature } : { type: 'analysis', layer, feature };
}

/** Where a feature's popup points: a point, the middle of a line, the middle of a polygon's box. */
export function anchorOf(feature: Feature): LatLon | null {
  const parts = geometryParts(feature.geometry);
  if (parts.points.length > 0) return parts.points[0]!;
  if (parts.lines.length > 0) return midpoint(parts.lines[Math.floor(parts.lines.length / 2)]!);
  const ring = parts.polygons[0]?.[0];
  if (!ring || ring.length === 0) return null;
  let [s, w, n, e] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lat, lon] of ring) {
    s = Math.min(s, lat);
    n = Math.max(n, lat);
    w = Math.min(w, lon);
    e = Math.max(e, lon);
  }
  return [(s + n) / 2, (w + e) / 2];
}

/** The point halfway along a line (by vertex distance in degrees: good enough to place a popup). */
function midpoint(line: LatLon[]): LatLon {
  if (line.length === 1) return line[0]!;
  const seg: number[] = [];
  let total = 0;
  for (let i = 1; i < line.length; i++) {
    const d = Math.hypot(line[i]![0] - line[i - 1]![0], line[i]![1] - line[i - 1]![1]);
    seg.push(d);
    total += d;
  }
  let left = total / 2;
  for (let i = 1; i < line.length; i++) {
    const d = seg[i - 1]!;
    if (left <= d && d > 0) {
      const f = left / d;
      const [a, b] = [line[i - 1]!, line[i]!];
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f];
    }
    left -= d;
  }
  return line[line.length - 1]!;
}

