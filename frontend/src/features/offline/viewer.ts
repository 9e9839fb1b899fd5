import L from 'leaflet';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { escapeHtml } from '../../map/attribution';
import { controlCorners, loadBasemap } from '../../map/map';
import { PackError } from './manifest';
import { basemapFetch, openPack, type OpenPack } from './pack';
import { createPackPanel, packErrorKey, type PackPanel } from './panel';
import { PACK_LAYER_IDS, zeroCounts, type Counts } from './paint';
import { PackTileLayer } from './tilelayer';

/** What the map element says of the pack (data-pack-state), for people and tests. */
export type PackState = 'empty' | 'loading' | 'ready' | 'error';

/** Deepest zoom of the offline map: the archive's deepest tiles, overzoomed. */
export const OFFLINE_MAX_ZOOM = 16;

/** The offline viewer: its controls (file input, messages, panel) and its map. */
export interface OfflineViewer {
  controls: HTMLElement;
  mapElement: HTMLElement;
  /** Creates the map; call once mapElement is in the page. */
  start(): void;
  /** Opens a pack file; resolves once it is open or has failed (never rejects). */
  open(file: Blob & { name?: string }): Promise<void>;
}

/**
 * Builds the offline viewer. Its map element carries `data-pack-state`
 * and, per vector layer, `data-drawn-<layer>`: the features painted on the
 * tiles on the map now.
 */
export function createOfflineViewer(i18n: I18n): OfflineViewer {
  const { t } = i18n;
  const mapElement = el('div', { id: 'offline-map', 'data-pack-state': 'empty', 'aria-label': t('offline.map') });
  const input = el('input', { type: 'file', id: 'pack-file', accept: '.zip,application/zip' });
  const alert = el('div', { id: 'pack-error', class: 'pack-error', role: 'alert' });
  const status = el('p', { id: 'pack-status', class: 'pack-status', role: 'status', 'aria-live': 'polite' }, t('offline.empty'));
  const tileErrors = el('p', { id: 'pack-tile-errors', class: 'pack-tile-errors', role: 'status', 'aria-live': 'polite', hidden: true });
  const info = el('div', { id: 'pack-info' });
  const controls = el('div', { class: 'offline-controls' }, [
    el('div', { class: 'pack-open' }, [
      el('label', { for: 'pack-file' }, t('offline.open')),
      input,
      el('p', { class: 'hint' }, t('offline.openHint')),
    ]),
    alert,
    status,
    tileErrors,
    info,
  ]);

  let map: L.Map | null = null;
  let layer: PackTileLayer | null = null;
  let panel: PackPanel | null = null;
  let credit: string | null = null;
  let opening = 0;

  const setState = (s: PackState) => {
    mapElement.dataset.packState = s;
  };
  const setCounts = (c: Counts) => {
    for (const id of PACK_LAYER_IDS) mapElement.setAttribute(`data-drawn-${id}`, String(c[id]));
    panel?.setCounts(c);
  };
  setCounts(zeroCounts());

  const close = () => {
    if (layer && map) map.removeLayer(layer);
    if (credit && map) map.attributionControl.removeAttribution(credit);
    layer = null;
    panel = null;
    credit = null;
    info.replaceChildren();
    tileErrors.hidden = true;
    tileErrors.textContent = '';
    setCounts(zeroCounts());
  };

  const show = (pack: OpenPack, name: string) => {
    const m = map!;
    const { manifest, header } = pack;
    const shown = new Set(PACK_LAYER_IDS);
    const tiles = new PackTileLayer(pack.archive, shown, {
      dataMinZoom: header.minZoom,
      dataMaxZoom: header.maxZoom,
      maxZoom: OFFLINE_MAX_ZOOM,
      onPaint: (r) => {
        if (layer !== tiles) return;
        setCounts(r.counts);
        tileErrors.hidden = r.failedTiles === 0;
        tileErrors.textContent = r.failedTiles === 0 ? '' : t('offline.tilesFailed', { count: r.failedTiles });
      },
    });
    panel = createPackPanel(i18n, manifest, shown, (id, on) => tiles.setShown(id, on));
    info.replaceChildren(panel.element);
    layer = tiles;
    if (manifest.attribution.trim()) {
      credit = escapeHtml(manifest.attribution);
      m.attributionControl.addAttribution(credit);
    }
    const [w, s, e, n] = manifest.bbox;
    m.fitBounds([[s, w], [n, e]], { maxZoom: header.maxZoom, animate: false });
    tiles.addTo(m);
    // The dashboard's basemap, read from the pack, once: every pack holds the same outlines.
    if (pack.basemap.size > 0 && !mapElement.dataset.basemap) {
      mapElement.dataset.basemap = 'loading';
      loadBasemap(m, 'https://pack.invalid/', basemapFetch(pack.basemap)).then(
        () => { mapElement.dataset.basemap = 'drawn'; },
        () => { mapElement.dataset.basemap = ''; },
      );
    }
    status.textContent = t('offline.ready', { name });
    setState('ready');
  };

  const fail = (err: unknown) => {
    const lines = err instanceof PackError
      ? [t(packErrorKey(err.reason)), t('offline.error.detail', { detail: err.detail })]
      : [t('offline.error.unreadable'), t('offline.error.detail', { detail: err instanceof Error ? err.message : String(err) })];
    alert.replaceChildren(...lines.map((line, i) => el('p', { class: i === 0 ? 'pack-error-lead' : 'pack-error-detail' }, line)));
    status.textContent = t('offline.empty');
    setState('error');
  };

  const open = async (file: Blob & { name?: string }) => {
    const mine = ++opening;
    const name = file.name || 'pack.zip';
    close();
    alert.replaceChildren();
    status.textContent = t('offline.loading', { name });
    setState('loading');
    try {
      const pack = await openPack(await file.arrayBuffer());
      if (mine !== opening) return;
      show(pack, name);
    } catch (err) {
      if (mine !== opening) return;
      fail(err);
    }
  };

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void open(file);
  });

  return {
    controls,
    mapElement,
    start() {
      const corners = controlCorners(mapElement.ownerDocument.documentElement.dir);
      map = L.map(mapElement, {
        center: [20, 10],
        zoom: 2,
        minZoom: 1,
        maxZoom: OFFLINE_MAX_ZOOM,
        zoomSnap: 1,
        worldCopyJump: false,
        keyboard: true,
        zoomControl: false,
      });
      map.createPane('basemap').style.zIndex = '150'; // under the tiles (200), as on the dashboard
      L.control.zoom({ position: corners.start, zoomInTitle: t('map.zoomIn'), zoomOutTitle: t('map.zoomOut') }).addTo(map);
      L.control.scale({ position: corners.bottomStart, maxWidth: 120 }).addTo(map);
      map.attributionControl.setPosition(corners.bottomEnd);
    },
    open,
  };
}
