import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import L from 'leaflet';
import '../features/exposure/analysis.css';
import '../features/popups/popups.css';
import '../features/inview/inview.css';
import { createFilterPanel } from '../features/filters/panel';
import { isRestricted, normaliseDates } from '../features/filters/filters';
import { resultBounds } from '../features/filters/zoom';
import { createCoverageToggle } from '../features/coverage/coverage';
import { createLayerSet, type AnyLayer, type LayerSet } from '../features/layers/layerset';
import { MapLayer } from '../features/layers/layers';
import { createLayerList, renderAbout, sortLayers, type LayerListItem } from '../features/layers/panel';
import { isDrawn } from '../shared/kinds';
import { wirePicking } from '../features/layers/picking';
import { followLegend } from '../features/legend/legend';
import { followPriorities, type PrioritiesFollower } from '../features/priorities/follow';
import { createPriorities } from '../features/priorities/priorities';
import { createReadiness } from '../features/readiness/readiness';
import { ANALYSIS_IDS, riskParams } from '../features/risk/analysis';
import { availableAnalyses, initialVisible } from '../features/risk/analysisspecs';
import { createRiskPanel, defaultRiskSettings, isDefaultRiskSettings } from '../features/risk/risksettings';
import { createDetailsPanel } from '../features/risk/segmentdetails';
import { createExposurePanel, exposureYears, type ExposurePanel } from '../features/exposure/exposure';
import { createMethodPanel } from '../features/exposure/method';
import { followSession } from '../features/session/follow';
import { canEdit, createSession } from '../features/session/session';
import { createSignIn } from '../features/session/signin';
import { createTierBadge } from '../features/session/tier';
import { createShareDialog } from '../features/share/share';
import { boundsBBox, todayIso } from '../features/embed/state';
import { sourceAttribution } from '../map/attribution';
import { addTiles, controlCorners, createMap, DEFAULT_VIEW, loadBasemap, nextFrames } from '../map/map';
import { createApi, type Config, type LayerMeta } from '../shared/api';
import { el } from '../shared/dom';
import { startI18n } from '../shared/i18n';
import { createLanguageMenu } from '../features/language/menu';
import { createSheet } from '../features/sheet/sheet';
import { createInViewPanel, type InViewPanel } from '../features/inview/panel';
import { inViewGroups } from '../features/inview/layers';
import { addPlaceSearch } from '../features/search/search';
import { addLegendControl, createLegendControl } from '../features/legend/control';
import { addLabels } from '../map/labels';
import { createStore, settle, type AppState } from '../shared/store';
import { describeError, StatusRegion } from '../shared/status';
import { syncUrl } from '../shared/urlsync';
import { checkFilters, decodeState, roundCoord } from '../shared/urlstate';
import { loadVocabulary, type Vocabulary } from '../shared/vocabulary';

/** Wait after the last filter, settings or zoom change before anything loads again, in ms. */
const RELOAD_DELAY_MS = 250;
/** Closest zoom "zoom to results" goes to (one incident must not fill the screen). */
const ZOOM_TO_RESULTS_MAX = 8;

/**
 * The dashboard (index.html): composes the panel and the map around one
 * store. Every control changes the store; the layers, lists, legend, URL,
 * share dialog and readiness marker follow the slices they need.
 */
async function main(): Promise<void> {
  // The language: ?lang=, the saved choice, the browser's; its catalogue before anything is drawn.
  const i18n = await startI18n();
  const { t } = i18n;
  const api = createApi();
  const initial = decodeState(location.search);
  const store = createStore<AppState>({
    view: null,
    filters: normaliseDates(initial.filters).filters,
    layers: [],
    risk: initial.risk ?? defaultRiskSettings(),
    session: { tier: null, role: null, known: false },
  });
  let set: LayerSet | null = null;
  let priorities: PrioritiesFollower | null = null;
  let exposure: ExposurePanel | null = null;
  let redrawLegend: () => void = () => {};
  let inView: InViewPanel | null = null;
  const status = new StatusRegion();
  const session = createSession();
  const sessionState = followSession({
    store, api, session, i18n, status,
    onBusy: () => ready.refresh(),
    onTierChange: () => {
      const tier = store.get().session.tier;
      if (set?.layers.some((l) => isRestricted(l.meta))) {
        set.reloadForTier(tier);
        priorities?.reloadForTier(tier);
        void exposure?.refresh();
        void details.refresh();
      }
      redrawLegend();
      ready.refresh();
    },
  });
  const ready = createReadiness(window, store, () => set, () => sessionState.busy() || (priorities?.busy() ?? false));
  if (normaliseDates(initial.filters).swapped) status.set('dates', t('filters.datesSwapped'));

  // Layout: a skip link, the panel (header, status, layers, filters, risk settings, legend,
  // stretch details, priorities, about) and the map.
  const tierBadge = createTierBadge(i18n);
  const uploadLink = el('a', { id: 'upload-link', class: 'upload-link', href: 'upload.html', hidden: true }, t('session.uploadLink'));
  // The offline viewer reads a pack from disk: open to everyone (a pack is downloaded by staff and partners).
  const offlineLink = el('a', { id: 'offline-link', class: 'upload-link', href: 'offline' }, t('offline.link'));
  const account = el('div', { class: 'account' }, [createSignIn(i18n, session).element, uploadLink, offlineLink, createLanguageMenu(i18n), tierBadge.element]);
  store.subscribe(['session'], (s) => {
    uploadLink.hidden = !canEdit(s.session.role);
    tierBadge.set(s.session.tier);
  }, { immediate: true });
  const header = el('header', null, [el('h1', null, t('app.title')), el('p', { class: 'subtitle' }, t('app.subtitle')), account]);
  const slot = () => el('div');
  const [layersSlot, inViewSlot, filtersSlot, timeSlot, riskSlot, detailsSlot, prioritiesSlot, exposureSlot, aboutSlot] = [slot(), slot(), slot(), slot(), slot(), slot(), slot(), slot(), slot()];
  const mapEl = el('div', { id: 'map' });
  const app = document.getElementById('app') ?? document.body;
  const panel = el('aside', { id: 'panel', 'aria-label': t('app.panel') }, [
    header, status.element, layersSlot, inViewSlot, filtersSlot, timeSlot, riskSlot, detailsSlot, prioritiesSlot, exposureSlot, aboutSlot,
  ]);
  // On a phone the map fills the screen and the panel is a bottom sheet.
  const sheet = createSheet(i18n, app, panel);
  app.replaceChildren(
    el('a', { class: 'skip-link', href: '#map' }, t('app.skipToMap')),
    panel,
    el('main', { class: 'map-wrap' }, mapEl),
    sheet.button,
  );

  const map = createMap(mapEl, initial.view ?? DEFAULT_VIEW, t('app.map'), { zoomIn: t('map.zoomIn'), zoomOut: t('map.zoomOut') });
  const corners = controlCorners(document.documentElement.dir);
  // The place search over the bundled gazetteer, at the top of the map; the legend
  // (open on wider screens, folded on phones) and a scale bar on it; offline names.
  addPlaceSearch(map, i18n, api.getJson, corners.start);
  const legend = createLegendControl(i18n, !sheet.isPhone());
  addLegendControl(map, legend, corners.end);
  L.control.scale({ position: corners.bottomStart, maxWidth: 120 }).addTo(map);
  const labels = addLabels(map, api.getJson);
  status.set('loading', t('status.loading'));
  const basemapDone = loadBasemap(map, document.baseURI, fetch, (countries) => labels.setCountries(countries)).catch((err) => {
    status.set('basemap', describeError(i18n, t('status.what.basemap'), err), true);
  });
  const configP: Promise<Config | null> = api.config().catch((err) => {
    status.set('config', describeError(i18n, t('status.what.config'), err), true);
    return null;
  });
  const metasP: Promise<LayerMeta[]> = api.layers().then((m) => sortLayers(m.filter((l) => isDrawn(l.kind)), i18n.lang)).catch((err) => {
    status.set('layers', describeError(i18n, t('status.what.layers'), err), true);
    return [];
  });
  // The vocabulary (risk classes, categories, causes, zoom steps) comes before anything is drawn.
  let vocab: Vocabulary;
  try {
    vocab = await loadVocabulary(api.getJson);
  } catch (err) {
    status.set('vocabulary', describeError(i18n, t('status.what.vocabulary'), err), true);
    return;
  }
  const metas = await metasP;
  for (const m of metas) {
    for (const s of m.sources) {
      const a = sourceAttribution(s);
      if (a) map.attributionControl.addAttribution(a);
    }
  }

  // The analyses need their layers: route risk the routes and incidents, hotspots the incidents.
  const available = availableAnalyses(metas);
  const hasRisk = available.some((a) => a.id === ANALYSIS_IDS.risk);
  const items: LayerListItem[] = [...metas, ...available.map((a) => ({
    id: a.id, kind: 'analysis', title: t(a.id === ANALYSIS_IDS.risk ? 'measure.name' : 'analysis.hotspots'),
  }))];
  // The store keeps the layers shown in the list's order (as the URL writes them).
  const inOrder = (ids: ReadonlySet<string>) => items.map((i) => i.id).filter((id) => ids.has(id));
  store.set({ filters: checkFilters(store.get().filters, vocab), layers: inOrder(initialVisible(initial.layers, metas, available)) });

  const layerList = createLayerList(i18n, items, new Set(store.get().layers), (id, on) => {
    const ids = new Set(store.get().layers);
    if (on) ids.add(id);
    else ids.delete(id);
    store.set({ layers: inOrder(ids) });
  });
  layersSlot.replaceWith(layerList.element);
  const coverageToggle = createCoverageToggle(map, api, i18n, metas);
  if (coverageToggle) layerList.element.append(coverageToggle);

  const layerSet = createLayerSet({
    map, api, i18n, vocab, store, metas, analyses: available.map((a) => a.id),
    routeMetas: metas.filter((m) => m.kind === 'route'),
    delayMs: RELOAD_DELAY_MS,
    onUpdate: (layer: AnyLayer) => {
      const s = layer.summary();
      layerList.setSummary(layer.id, s);
      const what = layer instanceof MapLayer
        ? t('status.what.layer', { title: layer.meta.title })
        : t(layer.id === ANALYSIS_IDS.risk ? 'status.what.risk' : 'status.what.hotspots');
      if (s.status === 'error') status.set(`layer:${layer.id}`, describeError(i18n, what, s.error), true);
      else status.clear(`layer:${layer.id}`);
      if (s.status === 'ready') ready.state.loads++;
      if (layer instanceof MapLayer && (layer.meta.kind !== 'area' || isRestricted(layer.meta))) redrawLegend();
      inView?.schedule();
      ready.refresh();
    },
    onRouteNames: () => redrawLegend(),
    onValuesError: (m, err) => status.set(`values:${m.id}`, describeError(i18n, t('status.what.values'), err), true),
    onPending: () => ready.refresh(),
  });
  set = layerSet;
  redrawLegend = followLegend(store, legend.body, i18n, {
    kinds: new Set(metas.map((m) => m.kind)), layers: () => layerSet.layers, routeNames: layerSet.routeNames,
    routeColour: layerSet.routeColour, vocab,
  });
  // Points cluster below a zoom: the legend says so only while clusters are drawn.
  map.on('zoomend', () => redrawLegend());

  // "Zoom to results": the map fits what the filters leave of the layers shown.
  const zoomToResults = () => {
    const box = resultBounds(layerSet.layers.map((l) => ({ meta: l.meta, visible: l.isVisible, features: l.features })), store.get().filters);
    if (!box) {
      status.set('zoom', t('filters.zoomNone'));
      return;
    }
    status.clear('zoom');
    sheet.close();
    map.fitBounds(L.latLngBounds([box[1], box[0]], [box[3], box[2]]), { padding: [32, 32], maxZoom: ZOOM_TO_RESULTS_MAX, animate: false });
  };
  filtersSlot.replaceWith(createFilterPanel({
    store, api, i18n, vocab, metas, status, routeValues: layerSet.routeValues, onZoom: zoomToResults, delayMs: RELOAD_DELAY_MS,
  }));
  if (hasRisk) riskSlot.replaceWith(createRiskPanel(store, i18n, status));
  else riskSlot.remove();

  // The view goes to the store (rounded as the URL writes it); the URL follows the store.
  const noteView = () => {
    const c = map.getCenter().wrap();
    store.set({ view: { z: map.getZoom(), lat: Number(roundCoord(c.lat)), lon: Number(roundCoord(c.lng)) } });
  };
  noteView();
  map.on('moveend', noteView);
  syncUrl(store);

  // "Share / embed": the link, the embed snippet, the image, signed embeds.
  const share = createShareDialog(i18n, {
    session, origin: location.origin, today: todayIso(), clipboard: navigator.clipboard ?? null,
    source: {
      pageUrl: () => location.href,
      map: () => {
        const b = map.getBounds();
        const size = map.getSize();
        const { layers, filters, risk } = store.get();
        return {
          bbox: boundsBBox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth()),
          layers: [...layers], filters, risk: isDefaultRiskSettings(risk) ? undefined : risk, width: size.x, height: size.y,
        };
      },
    },
  });
  account.insertBefore(share.button, tierBadge.element);
  header.append(share.dialog);

  // Stretch details, and the outreach priorities, when the risk analysis is available.
  const details = createDetailsPanel(i18n, {
    vocab,
    params: () => riskParams(store.get().filters, store.get().risk),
    onError: (message) => {
      if (message) status.set('details', message, true);
      else status.clear('details');
    },
  });
  let prioritiesLoad: Promise<void> = Promise.resolve();
  // On a phone, a priority picked from the list closes the sheet so that its stretch shows.
  const listed = createPriorities(i18n, vocab, (feature, button) => {
    sheet.close();
    popups.showPriority(feature, button);
  });
  // Dead and missing per 1,000 crossings, and what the measure is; the years follow the data.
  const exposurePanel = createExposurePanel(i18n, {
    getJson: (path, signal) => api.getJson(path, signal),
    ...exposureYears('', new Date().getUTCFullYear()),
    minCount: vocab.minPublicCount,
    onError: (message) => {
      if (message) status.set('exposure', message, true);
      else status.clear('exposure');
    },
  });
  if (hasRisk) {
    exposure = exposurePanel;
    exposureSlot.replaceWith(exposurePanel.element, createMethodPanel(i18n, api));
    detailsSlot.replaceWith(details.element);
    settle(store, ['filters', 'risk'], RELOAD_DELAY_MS, () => void details.refresh());
    priorities = followPriorities({
      store, api, i18n, panel: listed, status, knownRoutes: layerSet.knownRoutes,
      onBusy: () => ready.refresh(), delayMs: RELOAD_DELAY_MS,
      onDataThrough: (through) => exposurePanel.setDataThrough(through),
    });
    prioritiesSlot.replaceWith(listed.element);
    // With a route filter, the list waits to know whether the route has a line.
    const p = priorities;
    prioritiesLoad = (store.get().filters.route ? layerSet.routeValues.then(() => undefined) : Promise.resolve()).then(() => p.load());
  } else {
    detailsSlot.remove();
    prioritiesSlot.remove();
    exposureSlot.remove();
  }
  // "Details" in a popup opens the stretch details in the panel (the sheet, on a phone).
  const openDetails = (id: string, button: HTMLButtonElement) => {
    sheet.open();
    void details.open(id, button);
  };
  const popups = wirePicking(i18n, vocab, map, api, layerSet, () => listed.items(), () => store.get().risk, hasRisk ? openDetails : undefined);

  // "In view": a table per layer of what the map shows, each row opening the feature's popup.
  // On a phone the sheet folds away to show the popup, and comes back when it closes.
  const inViewPanel = createInViewPanel(i18n, vocab, {
    groups: () => {
      const b = map.getBounds();
      return inViewGroups(i18n, layerSet.all(), [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]);
    },
    open: (id, feature, key) => {
      const layer = layerSet.get(id);
      if (!layer) return;
      const phone = sheet.isPhone();
      if (phone) sheet.close();
      popups.showFeature(layer, feature, () => {
        if (phone) sheet.open();
        inViewPanel.focusRow(key);
      });
    },
  });
  inView = inViewPanel;
  inViewSlot.replaceWith(inViewPanel.element);
  map.on('moveend', () => inViewPanel.schedule());

  // "About the data": sources now, server details when the config arrives.
  let about: HTMLElement = aboutSlot;
  const showAbout = (config: Config | null, tiles: boolean) => {
    const next = renderAbout(i18n, metas, config, tiles);
    about.replaceWith(next);
    about = next;
  };
  showAbout(null, false);
  void configP.then((config) => {
    if (config) showAbout(config, false);
  });

  // First load: every layer shown (routes once their colours are known), the list and the basemap.
  ready.refresh();
  await Promise.all([basemapDone, layerSet.start(), prioritiesLoad]);
  await nextFrames(2);
  status.clear('loading');
  ready.done();

  // The time slider and the monthly chart, off the first render's path: their code and series load now.
  void import('../features/time/time').then(({ createTimePanel, monthLayers }) => {
    if (monthLayers(metas).length === 0) {
      timeSlot.remove();
      return;
    }
    const time = createTimePanel({ store, api, i18n, metas, status, minCount: vocab.minPublicCount, delayMs: RELOAD_DELAY_MS });
    timeSlot.replaceWith(time.element);
    return time.start();
  }).catch((err) => status.set('months', describeError(i18n, t('status.what.months'), err), true));

  // Online tiles, only once the map is drawn and only if one tile loads.
  const config = await configP;
  if (config) {
    ready.state.tiles = await addTiles(map, config, document.baseURI);
    if (ready.state.tiles) showAbout(config, true);
  }
}

void main();
