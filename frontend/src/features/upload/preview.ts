import L from 'leaflet';
import type { Feature as GeoJSONFeature } from 'geojson';
import type { Feature } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { createMap, DEFAULT_VIEW, loadBasemap } from '../../map/map';
import { buildPopup, popupTitle } from '../layers/popup';
import { isDrawn, type Kind } from '../../shared/kinds';

/** Features listed under the preview map (as buttons that show them on the map). */
export const PREVIEW_LIST_MAX = 100;

/** The z-index of the preview's pane: above every pane of the dashboard's map. */
const PREVIEW_PANE_Z = 430;

/** Colour of previewed features (Okabe–Ito blue). */
const PREVIEW_COLOUR = '#0072B2';

/** The label of a previewed feature in the list: its position and its name (or the kind). */
export function previewLabel(i18n: I18n, kind: Kind, feature: Feature, index: number): string {
  const props = feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
  return i18n.t('preview.item', { n: index + 1, title: popupTitle(i18n, kind, props) });
}

/** The preview of a check: a small map of the features and a list of them. */
export interface PreviewPanel {
  element: HTMLElement;
  /** Shows `features` (drawn on the map, popups as text); `total` is how many the file holds. */
  show(features: readonly Feature[], kind: Kind, title: string, total: number, bbox: readonly number[] | null): void;
  /** Removes the features. */
  clear(): void;
  /** The features drawn. */
  drawn(): number;
}

/**
 * The preview, drawn with the dashboard's offline basemap. The map is made on
 * the first show (so that it gets the size of a visible container); each
 * feature's popup is built from DOM nodes, like the dashboard's.
 */
export function createPreview(i18n: I18n): PreviewPanel {
  const { t } = i18n;
  const note = el('p', { class: 'section-note preview-note', 'aria-live': 'polite' });
  const mapEl = el('div', { id: 'preview-map', class: 'preview-map' });
  const list = el('ul', { class: 'preview-list' });
  const listNote = el('p', { class: 'section-note' });
  const root = el('section', { class: 'preview', 'aria-labelledby': 'preview-heading', 'data-count': 0 }, [
    el('h3', { id: 'preview-heading' }, t('preview.heading')),
    note,
    mapEl,
    el('details', { class: 'preview-features' }, [el('summary', null, t('preview.list')), listNote, list]),
  ]);

  let map: L.Map | null = null;
  let group: L.FeatureGroup | null = null;
  let renderer: L.Renderer | null = null;
  let count = 0;

  const ensureMap = (): L.Map => {
    if (map) return map;
    const m = createMap(mapEl, DEFAULT_VIEW, t('preview.map'), { zoomIn: t('map.zoomIn'), zoomOut: t('map.zoomOut') });
    const pane = m.createPane('preview');
    pane.style.zIndex = String(PREVIEW_PANE_Z);
    renderer = L.svg({ pane: 'preview', padding: 0.5 });
    void loadBasemap(m, document.baseURI).catch(() => {
      // The features are drawn without outlines then.
    });
    map = m;
    return m;
  };

  const clear = () => {
    group?.remove();
    group = null;
    count = 0;
    root.dataset.count = '0';
    list.replaceChildren();
    listNote.textContent = '';
    note.textContent = '';
  };

  return {
    element: root,
    drawn: () => count,
    clear,
    show(features, kind, title, total, bbox) {
      clear();
      root.hidden = false;
      const m = ensureMap();
      m.invalidateSize();
      const g = L.featureGroup().addTo(m);
      group = g;
      const layers: (L.Layer | null)[] = [];
      features.forEach((f) => {
        let layer: L.Layer | null = null;
        try {
          layer = L.geoJSON(f as GeoJSONFeature, {
            pointToLayer: (_, latlng) => L.circleMarker(latlng, {
              pane: 'preview', renderer: renderer ?? undefined, radius: 5, color: '#ffffff', weight: 1,
              fillColor: PREVIEW_COLOUR, fillOpacity: 0.9,
            }),
            style: () => ({ pane: 'preview', renderer: renderer ?? undefined, color: PREVIEW_COLOUR, weight: 2, fillOpacity: 0.2 }),
            onEachFeature: (_, drawn) => {
              drawn.bindPopup(() => buildPopup(i18n, kind, title, f), { maxWidth: 360, minWidth: 220 });
            },
          });
          // A feature without geometry (a row of an exposure series) draws nothing: listed only.
          if ((layer as L.GeoJSON).getLayers().length === 0) {
            layer = null;
          } else {
            g.addLayer(layer);
            count++;
          }
        } catch {
          // A geometry Leaflet cannot draw: listed, not drawn.
          layer = null;
        }
        layers.push(layer);
      });
      root.dataset.count = String(count);
      note.textContent = total > features.length
        ? t('preview.capped', { shown: features.length, total })
        : t('preview.count', { count: features.length });
      if (!isDrawn(kind)) note.textContent += ` ${t('layers.exposureNotDrawn')}`;

      // Fit to the file's extent, else to what was drawn.
      let bounds: L.LatLngBounds | null = null;
      if (bbox && bbox.length === 4) bounds = L.latLngBounds([bbox[1]!, bbox[0]!], [bbox[3]!, bbox[2]!]);
      else if (count > 0) bounds = g.getBounds();
      if (bounds && bounds.isValid()) m.fitBounds(bounds, { padding: [24, 24], maxZoom: 10, animate: false });

      // The list: each feature a button that shows it on the map and opens its popup.
      const shown = features.slice(0, PREVIEW_LIST_MAX);
      list.replaceChildren(...shown.map((f, i) => {
        const layer = layers[i];
        const b: HTMLButtonElement = el('button', {
          type: 'button', dir: 'auto', class: 'preview-item', disabled: !layer, onclick: () => open(),
        }, previewLabel(i18n, kind, f, i));
        const open = () => {
          if (!layer) return;
          const target = (layer as L.GeoJSON).getLayers()[0] as L.Path | L.CircleMarker | undefined;
          if (!target) return;
          if (target instanceof L.CircleMarker) m.setView(target.getLatLng(), Math.max(m.getZoom(), 6), { animate: false });
          else m.fitBounds((target as L.Polyline).getBounds(), { maxZoom: 10, animate: false });
          target.openPopup();
          const content = target.getPopup()?.getElement()?.querySelector<HTMLElement>('.popup');
          if (content) {
            content.tabIndex = -1;
            content.addEventListener('keydown', (ev) => {
              if (ev.key === 'Escape') {
                ev.preventDefault();
                target.closePopup();
                b.focus();
              }
            });
            content.focus({ preventScroll: true });
          }
        };
        return el('li', null, b);
      }));
      listNote.textContent = features.length > shown.length ? t('preview.listCapped', { shown: shown.length, total: features.length }) : '';
    },
  };
}
