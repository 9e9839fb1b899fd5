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
import { buildCellPopup, buildPopup, messagePopup } from './popup';

/** Extra pixels around a marker that still count as a click on it. */
const PICK_TOLERANCE = 4;
/** Highest zoom the map goes to when showing an outreach priority. */
const PRIORITY_MAX_ZOOM = 9;

/** What a click found: a feature of an API layer or of an analysis layer. */
type Hit =
  | { type: 'layer'; layer: MapLayer; feature: Feature }
  | { type: 'analysis'; layer: AnalysisLayer; feature: Feature };

/** Popups the dashboard opens itself. */
export interface Popups {
  /** Shows an outreach priority: zooms to its segment and opens its popup; focus returns to `button` on close. */
  showPriority(feature: Feature, button: HTMLButtonElement): void;
}

/**
 * Opens a details popup on click, shows a pointer over features, and shows
 * outreach priorities picked from the list. `priorities` gives the listed
 * priorities, whose reasons a segment's popup then shows too.
 */
export function wirePicking(
  doc: Document, i18n: I18n, vocab: Vocabulary, map: L.Map, api: Api, set: LayerSet,
  priorities: () => readonly Feature[], settings: () => RiskSettings,
  onDetails?: (id: string, button: HTMLButtonElement) => void,
): Popups {
  type Candidate = { order: number; layer: MapLayer | AnalysisLayer };
  const candidates = (): Candidate[] => [
    ...[...set.layers].reverse().map((l) => ({ order: pickOrder(l.meta.kind), layer: l as MapLayer | AnalysisLayer })),
    ...[...set.analyses].reverse().map((a) => ({ order: PANES[a.spec.pane], layer: a as MapLayer | AnalysisLayer })),
  ].sort((a, b) => b.order - a.order);

  const pickAt = (cursor: L.Point, latlng: L.LatLng): Hit | null => {
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
      if (layer instanceof MapLayer) {
        const hit = layer.pick(...args);
        if (hit) return { type: 'layer', layer, feature: hit.feature };
      } else {
        const hit = layer.pick(...args);
        if (hit) return { type: 'analysis', layer, feature: hit.feature };
      }
    }
    return null;
  };

  const reasonsOf = (feature: Feature): string[] | undefined => {
    const id = feature.id ?? feature.properties?.id;
    const listed = priorities().find((p) => (p.id ?? p.properties?.id) === id);
    const reasons = listed?.properties?.reasons;
    return Array.isArray(reasons) ? reasons.filter((r): r is string => typeof r === 'string') : undefined;
  };

  const analysisPopup = (layer: AnalysisLayer, feature: Feature): HTMLElement =>
    layer.id === ANALYSIS_IDS.risk ? buildSegmentPopup(i18n, vocab, feature, reasonsOf(feature), settings().reachKm, onDetails) : buildHotspotPopup(i18n, feature);

  let detail: AbortController | null = null;
  const newPopup = () => L.popup({ maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24] });

  map.on('click', (e: L.LeafletMouseEvent) => {
    const hit = pickAt(e.containerPoint, e.latlng);
    if (!hit) return;
    detail?.abort();
    detail = null;
    if (hit.type === 'analysis') {
      newPopup().setLatLng(e.latlng).setContent(analysisPopup(hit.layer, hit.feature)).openOn(map);
      return;
    }
    const { layer, feature } = hit;
    // A public cell holds all there is to show; its features are not to be asked for.
    if (isAggregated(feature.properties)) {
      newPopup().setLatLng(e.latlng).setContent(buildCellPopup(i18n, layer.meta.kind, layer.meta.title, feature)).openOn(map);
      return;
    }
    const controller = new AbortController();
    detail = controller;
    const popup = newPopup()
      .setLatLng(e.latlng)
      .setContent(messagePopup(i18n.t('popup.loading')))
      .openOn(map);
    if (feature.id === undefined || feature.id === null) {
      popup.setContent(buildPopup(i18n, layer.meta.kind, layer.meta.title, feature, vocab));
      return;
    }
    api.feature(layer.meta.id, feature.id, controller.signal).then(
      (full) => popup.setContent(buildPopup(i18n, layer.meta.kind, layer.meta.title, full, vocab)),
      (err) => {
        if (isAbort(err)) return;
        const content = buildPopup(i18n, layer.meta.kind, layer.meta.title, feature, vocab);
        content.prepend(el('p', { class: 'popup-error' }, describeError(i18n, i18n.t('status.what.details'), err)));
        popup.setContent(content);
      },
    );
  });

  let frame = 0;
  map.on('mousemove', (e: L.LeafletMouseEvent) => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      map.getContainer().classList.toggle('over-feature', pickAt(e.containerPoint, e.latlng) !== null);
    });
  });

  // The segment of the priority on show, outlined under its risk colour.
  const highlightRenderer = L.canvas({ pane: 'route', padding: 0.5 });
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
      detail?.abort();
      detail = null;
      map.fitBounds(L.latLngBounds(points), { maxZoom: PRIORITY_MAX_ZOOM, padding: [48, 48], animate: false });
      clearHighlight();
      const hl = L.polyline(lines, { ...PRIORITY_HIGHLIGHT, renderer: highlightRenderer, interactive: false, lineCap: 'round' }).addTo(map);
      highlight = hl;
      const mid = lines[Math.floor(lines.length / 2)]!;
      const at = midpoint(mid);
      const content = buildSegmentPopup(i18n, vocab, feature, undefined, settings().reachKm, onDetails);
      content.classList.add('popup-priority');
      const popup = newPopup().setLatLng(at).setContent(content).openOn(map);
      // Escape closes the popup (Leaflet's own key handling needs focus on the map itself).
      content.addEventListener('keydown', (ev) => {
        if (ev.key === 'Escape') {
          ev.preventDefault();
          map.closePopup(popup);
        }
      });
      content.focus({ preventScroll: true });
      popup.once('remove', () => {
        if (highlight === hl) clearHighlight();
        const active = doc.activeElement;
        if (!active || active === doc.body || content.contains(active)) button.focus({ preventScroll: true });
      });
    },
  };
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

