import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import L from 'leaflet';
import { sourceAttribution } from '../map/attribution';
import { ANALYSIS_IDS, prioritiesParams, priorityExportUrl, PRIORITY_LIMIT, riskParams, routeHasLine } from '../features/risk/analysis';
import { AnalysisLayer } from '../features/risk/analysislayers';
import { analysisSpecs, availableAnalyses, initialVisible, type AvailableAnalysis } from '../features/risk/analysisspecs';
import { buildHotspotPopup, buildSegmentPopup } from '../features/risk/analysispopup';
import { createApi, isAbort, type Api, type Config, type Feature, type LayerMeta, type PrivacyTier, type ValueCount } from '../shared/api';
import { boundsBBox, todayIso } from '../features/embed/state';
import { geometryParts, isAggregated, type LatLon } from '../map/geometry';
import { createFilterControls, debounce, isRestricted, mergeValues, normaliseDates } from '../features/filters/filters';
import { applyDocumentLanguage, createI18n, pickCatalogue, type I18n } from '../shared/i18n';
import { MapLayer } from '../features/layers/layers';
import { mapLegendGroups, renderLegend } from '../features/legend/legend';
import { addTiles, createMap, DEFAULT_VIEW, loadBasemap, nextFrames, PANES } from '../map/map';
import { fallbackRouteColour, PRIORITY_HIGHLIGHT, routeColours } from '../map/palette';
import { createLayerList, renderAbout, sortLayers, type LayerListItem } from '../features/layers/panel';
import { buildCellPopup, buildPopup, messagePopup } from '../features/layers/popup';
import { createPriorities, type PrioritiesPanel } from '../features/priorities/priorities';
import { createRiskControls, defaultRiskSettings, isDefaultRiskSettings, type RiskSettings } from '../features/risk/risksettings';
import { createDetailsPanel } from '../features/risk/segmentdetails';
import { canEdit, createSession } from '../features/session/session';
import { createShareDialog } from '../features/share/share';
import { createSignIn } from '../features/session/signin';
import { describeError, StatusRegion } from '../shared/status';
import { createTierBadge } from '../features/session/tier';
import { checkFilters, decodeState, emptyFilters, encodeState, roundCoord, type Filters } from '../shared/urlstate';
import type { Kind } from '../shared/kinds';
import { loadVocabulary, type Vocabulary } from '../shared/vocabulary';

/** What the dashboard exposes for tests and monitoring. */
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
}

declare global {
  interface Window {
    __routerisk?: Readiness;
  }
}

/** Debounce of filter changes before features are fetched again, in ms. */
const FILTER_DEBOUNCE_MS = 250;
/** Extra pixels around a marker that still count as a click on it. */
const PICK_TOLERANCE = 4;
/** Highest zoom the map goes to when showing an outreach priority. */
const PRIORITY_MAX_ZOOM = 9;

/** Starts the dashboard in the page's #app element. */
async function main(): Promise<void> {
  const doc = document;
  const i18n = createI18n(pickCatalogue(['en']));
  applyDocumentLanguage(doc, i18n);
  const { t } = i18n;
  const api = createApi();
  const initial = decodeState(location.search);
  const ready: Readiness = { firstRenderMs: null, counts: {}, totals: {}, busy: true, loads: 0, tiles: false, view: null, timings: {}, tier: null };
  window.__routerisk = ready;

  // Layout: a skip link, the panel and the map.
  const app = doc.getElementById('app') ?? doc.body;
  const skip = doc.createElement('a');
  skip.className = 'skip-link';
  skip.href = '#map';
  skip.textContent = t('app.skipToMap');
  const panel = doc.createElement('aside');
  panel.id = 'panel';
  panel.setAttribute('aria-label', t('app.panel'));
  const header = doc.createElement('header');
  const h1 = doc.createElement('h1');
  h1.textContent = t('app.title');
  const sub = doc.createElement('p');
  sub.className = 'subtitle';
  sub.textContent = t('app.subtitle');
  // Sign-in, and the upload page for those who may upload.
  const session = createSession();
  const signIn = createSignIn(doc, i18n, session);
  const uploadLink = doc.createElement('a');
  uploadLink.id = 'upload-link';
  uploadLink.className = 'upload-link';
  uploadLink.href = 'upload.html';
  uploadLink.textContent = t('session.uploadLink');
  uploadLink.hidden = true;
  session.subscribe((info) => {
    uploadLink.hidden = !canEdit(info?.role);
  });
  // What the server shows of restricted layers to this reader, as its answers say.
  const tierBadge = createTierBadge(doc, i18n);
  api.onTier((tier) => {
    ready.tier = tier;
    tierBadge.set(tier);
  });
  const account = doc.createElement('div');
  account.className = 'account';
  account.append(signIn.element, uploadLink, tierBadge.element);
  header.append(h1, sub, account);
  const status = new StatusRegion(doc);
  const layersSlot = doc.createElement('div');
  const filtersSlot = doc.createElement('div');
  const riskSlot = doc.createElement('div');
  const detailsSlot = doc.createElement('div');
  const legend = doc.createElement('section');
  legend.className = 'panel-section legend';
  legend.setAttribute('aria-labelledby', 'legend-heading');
  const legendHeading = doc.createElement('h2');
  legendHeading.id = 'legend-heading';
  legendHeading.textContent = t('legend.heading');
  const legendBody = doc.createElement('div');
  legend.append(legendHeading, legendBody);
  const prioritiesSlot = doc.createElement('div');
  const aboutSlot = doc.createElement('div');
  panel.append(header, status.element, layersSlot, filtersSlot, riskSlot, legend, detailsSlot, prioritiesSlot, aboutSlot);
  const mapMain = doc.createElement('main');
  mapMain.className = 'map-wrap';
  const mapEl = doc.createElement('div');
  mapEl.id = 'map';
  mapMain.append(mapEl);
  app.replaceChildren(skip, panel, mapMain);

  // Sign-ins and sign-outs after this first answer change what restricted layers show (see below).
  let sessionKnown = false;
  void session.load().catch((err) => {
    status.set('session', describeError(i18n, t('status.what.session'), err), true);
  }).finally(() => {
    sessionKnown = true;
  });

  const map = createMap(mapEl, initial.view ?? DEFAULT_VIEW, t('app.map'));
  status.set('loading', t('status.loading'));

  const basemapDone = loadBasemap(map, doc.baseURI).catch((err) => {
    status.set('basemap', describeError(i18n, t('status.what.basemap'), err), true);
  });
  const configP: Promise<Config | null> = api.config().catch((err) => {
    status.set('config', describeError(i18n, t('status.what.config'), err), true);
    return null;
  });

  // The vocabulary (risk classes, categories, causes, zoom steps) comes before anything is drawn.
  let vocab: Vocabulary;
  try {
    vocab = await loadVocabulary(api.getJson);
  } catch (err) {
    status.set('vocabulary', describeError(i18n, t('status.what.vocabulary'), err), true);
    return;
  }

  let metas: LayerMeta[] = [];
  try {
    metas = sortLayers(await api.layers(), i18n.lang);
  } catch (err) {
    status.set('layers', describeError(i18n, t('status.what.layers'), err), true);
  }

  // Attribution of every source of every layer, in the map's attribution control.
  for (const m of metas) {
    for (const s of m.sources) {
      const a = sourceAttribution(s);
      if (a) map.attributionControl.addAttribution(a);
    }
  }

  // Filters, from the URL, dates in order.
  let filters: Filters = checkFilters(initial.filters, vocab);
  const norm = normaliseDates(filters);
  filters = norm.filters;
  // Risk settings, from the URL (defaults otherwise).
  let risk: RiskSettings = initial.risk ?? defaultRiskSettings();

  // Route colours come from the full list of route names, so they stay put when filtering.
  let colours = new Map<string, string>();
  const routeColour = (name: string) => colours.get(name) ?? fallbackRouteColour(name);

  const layers: MapLayer[] = [];
  const byId = new Map<string, MapLayer>();
  const analyses: AnalysisLayer[] = [];
  const analysisById = new Map<string, AnalysisLayer>();
  let pendingFilter = false;
  // A zoom that restricted layers drawn as cells may have to follow is waiting.
  let pendingZoom = false;
  // A sign-in or sign-out whose privacy tier is being asked.
  let pendingSession = false;
  // Schedules the loads a zoom asks of restricted layers drawn as cells (set once the map is wired).
  let followZoom: () => void = () => {};
  let prioritiesLoading = false;
  const refreshReadiness = () => {
    const counts: Record<string, number> = {};
    const totals: Record<string, { dead: number; missing: number }> = {};
    let loading = prioritiesLoading;
    for (const l of layers) {
      const s = l.summary();
      counts[l.meta.id] = s.shown;
      if (s.totals) totals[l.meta.id] = s.totals;
      if (s.status === 'loading') loading = true;
      if (l.timing) ready.timings[l.meta.id] = l.timing;
    }
    for (const a of analyses) {
      const s = a.summary();
      counts[a.id] = s.shown;
      if (s.status === 'loading') loading = true;
      if (a.timing) ready.timings[a.id] = a.timing;
    }
    ready.counts = counts;
    ready.totals = totals;
    ready.busy = loading || pendingFilter || pendingZoom || pendingSession;
    if (ready.busy) doc.documentElement.dataset.busy = 'true';
    else delete doc.documentElement.dataset.busy;
  };

  // The analyses need their layers: route risk the routes and incidents, hotspots the incidents.
  const kinds = new Set<Kind>(metas.map((m) => m.kind));
  const available = availableAnalyses(metas);
  const analysisItems: (LayerListItem & AvailableAnalysis)[] = available.map((a) => ({
    ...a, kind: 'analysis', title: t(a.id === ANALYSIS_IDS.risk ? 'analysis.risk' : 'analysis.hotspots'),
  }));
  const hasRisk = analysisItems.some((a) => a.id === ANALYSIS_IDS.risk);

  const visible = initialVisible(initial.layers, metas, available);
  const layerList = createLayerList(doc, i18n, [...metas, ...analysisItems], visible, (id, on) => {
    const l = byId.get(id) ?? analysisById.get(id);
    if (!l) return;
    if (on) visible.add(id);
    else visible.delete(id);
    void l.setVisible(on, filters);
    updateLegend();
    updateUrl();
  });
  layersSlot.replaceWith(layerList.element);

  for (const meta of metas) {
    const l = new MapLayer(map, api, meta, {
      vocab,
      routeColour,
      onUpdate(layer) {
        const s = layer.summary();
        layerList.setSummary(layer.meta.id, s);
        if (s.status === 'error') {
          status.set(`layer:${layer.meta.id}`, describeError(i18n, t('status.what.layer', { title: layer.meta.title }), s.error), true);
        } else {
          status.clear(`layer:${layer.meta.id}`);
        }
        if (s.status === 'ready') ready.loads++;
        if (layer.meta.kind === 'route' || isRestricted(layer.meta)) updateLegend();
        // The map was zoomed while the cells were loading: the next cell size may be due.
        if (s.status === 'ready' && layer.isStale(filters)) followZoom();
        refreshReadiness();
      },
    });
    layers.push(l);
    byId.set(meta.id, l);
  }

  // Route names of the route layers: null until known. The risk analysis
  // has no segments for a route name that only incidents carry.
  let knownRoutes: Set<string> | null = null;
  const specs = analysisSpecs(i18n, vocab, () => knownRoutes, () => risk);
  for (const item of analysisItems) {
    const a = new AnalysisLayer(map, api, specs[item.id], (layer) => {
      const s = layer.summary();
      layerList.setSummary(layer.id, s);
      if (s.status === 'error') {
        status.set(`layer:${layer.id}`, describeError(i18n, t(layer.id === ANALYSIS_IDS.risk ? 'status.what.risk' : 'status.what.hotspots'), s.error), true);
      } else {
        status.clear(`layer:${layer.id}`);
      }
      if (s.status === 'ready') ready.loads++;
      refreshReadiness();
    });
    analyses.push(a);
    analysisById.set(a.id, a);
  }

  let routeNames: string[] = [];
  function updateLegend() {
    const groups = mapLegendGroups(i18n, {
      kinds, layers, routeNames, routeColour, visible, tier: api.tier, settings: risk, vocab,
    });
    legendBody.replaceChildren(renderLegend(doc, groups));
  }
  updateLegend();

  // Download links of the priorities: the same settings and filters as the list.
  const updateExports = () => {
    prioritiesPanel?.setExport(priorityExportUrl('csv', filters, risk), priorityExportUrl('geojson', filters, risk));
  };

  // Outreach priorities: the top of the risk analysis for the same filters.
  let prioritiesPanel: PrioritiesPanel | null = null;
  // The query of the list shown or being loaded.
  let prioritiesKey: string | null = null;
  // The privacy tier the list shown was answered at.
  let prioritiesTier: PrivacyTier | null = null;
  let prioritiesController: AbortController | null = null;
  const loadPriorities = async (f: Filters): Promise<void> => {
    const panelNow = prioritiesPanel;
    if (!panelNow) return;
    const hasLine = routeHasLine(f.route, knownRoutes);
    const params = prioritiesParams(f, PRIORITY_LIMIT, risk);
    const key = hasLine ? params.toString() : `none:${f.route}`;
    if (key === prioritiesKey) return;
    prioritiesKey = key;
    prioritiesController?.abort();
    const controller = new AbortController();
    prioritiesController = controller;
    prioritiesLoading = true;
    panelNow.setLoading();
    refreshReadiness();
    try {
      if (!hasLine) {
        panelNow.setMessage(t('priorities.noRoute', { route: f.route }));
      } else {
        const res = await api.analysis('risk/priorities', params, controller.signal);
        if (controller.signal.aborted) return;
        prioritiesTier = res.tier ?? null;
        panelNow.setItems(res.features);
      }
      status.clear('priorities');
    } catch (err) {
      if (isAbort(err) || controller.signal.aborted) return;
      prioritiesKey = null;
      panelNow.setMessage(t('priorities.error'));
      status.set('priorities', describeError(i18n, t('status.what.priorities'), err), true);
    } finally {
      if (prioritiesController === controller) {
        prioritiesController = null;
        prioritiesLoading = false;
        refreshReadiness();
      }
    }
  };

  // URL state.
  const shownIds = () => [
    ...layers.filter((l) => visible.has(l.meta.id)).map((l) => l.meta.id),
    ...analyses.filter((a) => visible.has(a.id)).map((a) => a.id),
  ];
  const updateUrl = () => {
    const c = map.getCenter().wrap();
    const view = { z: map.getZoom(), lat: Number(roundCoord(c.lat)), lon: Number(roundCoord(c.lng)) };
    ready.view = view;
    const search = encodeState({ view, layers: shownIds(), filters, risk });
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };

  // "Share / embed": the link, the embed snippet, the image, signed embeds.
  const share = createShareDialog(doc, i18n, {
    session,
    origin: location.origin,
    today: todayIso(),
    clipboard: navigator.clipboard ?? null,
    source: {
      pageUrl: () => location.href,
      map: () => {
        const b = map.getBounds();
        const size = map.getSize();
        return {
          bbox: boundsBBox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth()),
          layers: shownIds(),
          filters,
          risk: isDefaultRiskSettings(risk) ? undefined : risk,
          width: size.x,
          height: size.y,
        };
      },
    },
  });
  account.insertBefore(share.button, tierBadge.element);
  header.append(share.dialog);

  const applyFilters = debounce(() => {
    pendingFilter = false;
    for (const l of layers) void l.applyFilters(filters);
    for (const a of analyses) void a.refresh(filters);
    if (hasRisk) void loadPriorities(filters);
    // An open details panel follows the settings and filters (declared below; runs later).
    if (hasRisk) void details.refresh();
    refreshReadiness();
  }, FILTER_DEBOUNCE_MS);
  const onFilters = (f: Filters) => {
    const n = normaliseDates(f);
    if (n.swapped) {
      controls.set(n.filters);
      status.set('dates', t('filters.datesSwapped'));
    } else {
      status.clear('dates');
    }
    filters = n.filters;
    updateExports();
    pendingFilter = true;
    refreshReadiness();
    updateUrl();
    applyFilters();
  };
  const controls = createFilterControls(doc, i18n, vocab, onFilters, () => {
    controls.set(emptyFilters());
    onFilters(emptyFilters());
  });
  controls.set(filters);
  if (hasRisk) {
    const riskControls = createRiskControls(doc, i18n, risk, (s) => {
      risk = s;
      prioritiesPanel?.setReach(s.reachKm);
      updateExports();
      updateLegend();
      pendingFilter = true;
      refreshReadiness();
      updateUrl();
      applyFilters();
    }, (message) => {
      if (message) status.set('riskSettings', message, true);
      else status.clear('riskSettings');
    });
    const section = doc.createElement('section');
    section.className = 'panel-section risk';
    section.setAttribute('aria-label', t('riskSettings.heading'));
    section.append(riskControls.element);
    riskSlot.replaceWith(section);
  } else {
    riskSlot.remove();
  }
  if (norm.swapped) status.set('dates', t('filters.datesSwapped'));
  filtersSlot.replaceWith(controls.element);

  // Dropdown values: routes from incident layers (property route) and route layers (name).
  const valuesOf = (kind: Kind, property: string): Promise<ValueCount[][]> =>
    Promise.all(
      metas.filter((m) => m.kind === kind).map((m) =>
        api.values(m.id, property).catch((err) => {
          if (!isAbort(err)) status.set(`values:${m.id}`, describeError(i18n, t('status.what.values'), err), true);
          return [] as ValueCount[];
        }),
      ),
    );
  const routeNamesP = valuesOf('route', 'name').then((lists) => {
    routeNames = mergeValues(lists, i18n.lang).map((v) => v.value);
    knownRoutes = new Set(routeNames);
    colours = routeColours(routeNames);
    updateLegend();
    return lists;
  });
  void Promise.all([valuesOf('incident', 'route'), routeNamesP]).then(([incidentRoutes, routeLists]) => {
    // Incident counts label the options; route names without incidents still appear.
    const zeroed = routeLists.map((list) => list.map((v) => ({ value: v.value, count: 0 })));
    controls.setRoutes(mergeValues([...incidentRoutes, ...zeroed], i18n.lang));
  });
  void valuesOf('service', 'category').then((lists) => controls.setCategories(mergeValues(lists, i18n.lang)));

  // First load: every visible layer (routes once their colours are known) and the basemap.
  refreshReadiness();
  const firstLoads = layers.filter((l) => visible.has(l.meta.id)).map(async (l) => {
    if (l.meta.kind === 'route') await routeNamesP;
    // The user may have switched the layer off (or on) in the meantime.
    if (visible.has(l.meta.id) && !l.isVisible) await l.setVisible(true, filters);
  });
  for (const l of layers) if (!visible.has(l.meta.id)) layerList.setSummary(l.meta.id, l.summary());
  // Route risk asks nothing for a route filter that names no route line, so
  // with a route filter it waits for the route names.
  const routeNamesIfFiltered = () => (filters.route ? routeNamesP.then(() => undefined) : Promise.resolve());
  const analysisLoads = analyses.filter((a) => visible.has(a.id)).map(async (a) => {
    if (a.id === ANALYSIS_IDS.risk) await routeNamesIfFiltered();
    if (visible.has(a.id) && !a.isVisible) await a.setVisible(true, filters);
  });
  for (const a of analyses) if (!visible.has(a.id)) layerList.setSummary(a.id, a.summary());

  map.on('moveend', updateUrl);
  // Restricted layers drawn as public cells follow the zoom as hotspots do,
  // a moment after the last zoom step, and only when the cell size changes.
  const restrictedLayers = layers.filter((l) => isRestricted(l.meta));
  const refetchForZoom = debounce(() => {
    pendingZoom = false;
    for (const l of restrictedLayers) void l.applyFilters(filters);
    refreshReadiness();
  }, FILTER_DEBOUNCE_MS);
  followZoom = () => {
    pendingZoom = true;
    refreshReadiness();
    refetchForZoom();
  };
  // Hotspot cells follow the zoom: a new resolution is a new request.
  map.on('zoomend', () => {
    for (const a of analyses) void a.refresh(filters);
    if (restrictedLayers.some((l) => l.isStale(filters))) followZoom();
  });
  updateUrl();
  const details = createDetailsPanel(doc, i18n, {
    vocab,
    params: () => riskParams(filters, risk),
    onError: (message) => {
      if (message) status.set('details', message, true);
      else status.clear('details');
    },
  });
  if (hasRisk) detailsSlot.replaceWith(details.element);
  else detailsSlot.remove();
  const popups = wirePicking(doc, i18n, vocab, map, api, layers, analyses, () => prioritiesPanel?.items() ?? [], () => risk, hasRisk ? details.open : undefined);

  // Signing in or out changes the privacy tier, and with it what restricted
  // layers (and the analyses that read them) answer: the layer list, asked
  // again, states the new tier, and whatever was drawn at another tier (or
  // is still loading from before) loads again. Public layers stay as they are.
  let sessionCheck: AbortController | null = null;
  const onSessionChange = async () => {
    sessionCheck?.abort();
    const c = new AbortController();
    sessionCheck = c;
    pendingSession = true;
    refreshReadiness();
    try {
      await api.layers(c.signal);
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      // The tier stays unknown: reload restricted layers anyway, their answers say it.
    } finally {
      if (sessionCheck === c) {
        sessionCheck = null;
        pendingSession = false;
      }
    }
    const tier = api.tier;
    const stale = (x: { tier: PrivacyTier | null; isLoading: boolean }) => x.isLoading || x.tier === null || x.tier !== tier;
    if (restrictedLayers.length > 0) {
      for (const l of restrictedLayers) if (stale(l)) void l.reload(filters);
      for (const a of analyses) if (stale(a)) void a.reload(filters);
      if (hasRisk && (prioritiesLoading || prioritiesTier !== tier)) {
        prioritiesKey = null;
        void loadPriorities(filters);
        void details.refresh();
      }
    }
    updateLegend();
    refreshReadiness();
  };
  session.subscribe(() => {
    if (sessionKnown) void onSessionChange();
  });

  // The priorities list, when the risk analysis is available.
  let prioritiesLoad: Promise<void> = Promise.resolve();
  if (hasRisk) {
    const panelEl = createPriorities(doc, i18n, vocab, (feature, button) => popups.showPriority(feature, button));
    prioritiesPanel = panelEl;
    panelEl.setReach(risk.reachKm);
    updateExports();
    prioritiesSlot.replaceWith(panelEl.element);
    prioritiesLoad = routeNamesIfFiltered().then(() => loadPriorities(filters));
  } else {
    prioritiesSlot.remove();
  }

  // "About the data": sources now, server details when the config arrives.
  let about: HTMLElement = aboutSlot;
  const showAbout = (config: Config | null, tiles: boolean) => {
    const next = renderAbout(doc, i18n, metas, config, tiles);
    about.replaceWith(next);
    about = next;
  };
  showAbout(null, false);
  void configP.then((config) => {
    if (config) showAbout(config, false);
  });

  await Promise.all([basemapDone, ...firstLoads, ...analysisLoads, prioritiesLoad]);
  await nextFrames(2);
  ready.firstRenderMs = Math.round(performance.now());
  status.clear('loading');
  doc.documentElement.dataset.ready = 'true';
  refreshReadiness();

  // Online tiles, only once the map is drawn and only if one tile loads.
  const config = await configP;
  if (config) {
    ready.tiles = await addTiles(map, config, doc.baseURI);
    if (ready.tiles) showAbout(config, true);
  }
}

/** What a click found: a feature of an API layer or of an analysis layer. */
type Hit =
  | { type: 'layer'; layer: MapLayer; feature: Feature }
  | { type: 'analysis'; layer: AnalysisLayer; feature: Feature };

/** Popups the dashboard opens itself. */
interface Popups {
  /** Shows an outreach priority: zooms to its segment and opens its popup; focus returns to `button` on close. */
  showPriority(feature: Feature, button: HTMLButtonElement): void;
}

/**
 * Opens a details popup on click, shows a pointer over features, and shows
 * outreach priorities picked from the list. `priorities` gives the listed
 * priorities, whose reasons a segment's popup then shows too.
 */
function wirePicking(
  doc: Document, i18n: I18n, vocab: Vocabulary, map: L.Map, api: Api, layers: MapLayer[], analyses: AnalysisLayer[],
  priorities: () => readonly Feature[], settings: () => RiskSettings,
  onDetails?: (id: string, button: HTMLButtonElement) => void,
): Popups {
  type Candidate = { order: number; layer: MapLayer | AnalysisLayer };
  const candidates = (): Candidate[] => [
    ...[...layers].reverse().map((l) => ({ order: PANES[l.meta.kind], layer: l as MapLayer | AnalysisLayer })),
    ...[...analyses].reverse().map((a) => ({ order: PANES[a.spec.pane], layer: a as MapLayer | AnalysisLayer })),
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
    layer.id === ANALYSIS_IDS.risk ? buildSegmentPopup(doc, i18n, vocab, feature, reasonsOf(feature), settings().reachKm, onDetails) : buildHotspotPopup(doc, i18n, feature);

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
      newPopup().setLatLng(e.latlng).setContent(buildCellPopup(doc, i18n, layer.meta.kind, layer.meta.title, feature)).openOn(map);
      return;
    }
    const controller = new AbortController();
    detail = controller;
    const popup = newPopup()
      .setLatLng(e.latlng)
      .setContent(messagePopup(doc, i18n.t('popup.loading')))
      .openOn(map);
    if (feature.id === undefined || feature.id === null) {
      popup.setContent(buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, feature, vocab));
      return;
    }
    api.feature(layer.meta.id, feature.id, controller.signal).then(
      (full) => popup.setContent(buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, full, vocab)),
      (err) => {
        if (isAbort(err)) return;
        const el = buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, feature, vocab);
        const p = doc.createElement('p');
        p.className = 'popup-error';
        p.textContent = describeError(i18n, i18n.t('status.what.details'), err);
        el.prepend(p);
        popup.setContent(el);
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
      const content = buildSegmentPopup(doc, i18n, vocab, feature, undefined, settings().reachKm, onDetails);
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

void main();
