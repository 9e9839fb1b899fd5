import 'leaflet/dist/leaflet.css';
import './styles.css';
import L from 'leaflet';
import { sourceAttribution } from './attribution';
import { createApi, isAbort, type Config, type LayerMeta, type ValueCount } from './api';
import { createFilterControls, debounce, mergeValues, normaliseDates } from './filters';
import { applyDocumentLanguage, createI18n, pickCatalogue, type I18n } from './i18n';
import { MapLayer, type PickedFeature } from './layers';
import { legendGroups, renderLegend, type LegendRoute } from './legend';
import { addTiles, createMap, DEFAULT_VIEW, loadBasemap, pickOrder } from './map';
import { fallbackRouteColour, routeColours } from './palette';
import { createLayerList, renderAbout, sortLayers } from './panel';
import { buildPopup, messagePopup } from './popup';
import { describeError, StatusRegion } from './status';
import { decodeState, emptyFilters, encodeState, roundCoord, type Filters } from './urlstate';
import type { Kind } from './vocab';

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

/** Starts the dashboard in the page's #app element. */
async function main(): Promise<void> {
  const doc = document;
  const i18n = createI18n(pickCatalogue(['en']));
  applyDocumentLanguage(doc, i18n);
  const { t } = i18n;
  const api = createApi();
  const initial = decodeState(location.search);
  const ready: Readiness = { firstRenderMs: null, counts: {}, totals: {}, busy: true, loads: 0, tiles: false, view: null, timings: {} };
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
  header.append(h1, sub);
  const status = new StatusRegion(doc);
  const layersSlot = doc.createElement('div');
  const filtersSlot = doc.createElement('div');
  const legend = doc.createElement('section');
  legend.className = 'panel-section legend';
  legend.setAttribute('aria-labelledby', 'legend-heading');
  const legendHeading = doc.createElement('h2');
  legendHeading.id = 'legend-heading';
  legendHeading.textContent = t('legend.heading');
  const legendBody = doc.createElement('div');
  legend.append(legendHeading, legendBody);
  const aboutSlot = doc.createElement('div');
  panel.append(header, status.element, layersSlot, filtersSlot, legend, aboutSlot);
  const mapMain = doc.createElement('main');
  mapMain.className = 'map-wrap';
  const mapEl = doc.createElement('div');
  mapEl.id = 'map';
  mapMain.append(mapEl);
  app.replaceChildren(skip, panel, mapMain);

  const map = createMap(mapEl, initial.view ?? DEFAULT_VIEW, t('app.map'));
  status.set('loading', t('status.loading'));

  const basemapDone = loadBasemap(map, doc.baseURI).catch((err) => {
    status.set('basemap', describeError(i18n, t('status.what.basemap'), err), true);
  });
  const configP: Promise<Config | null> = api.config().catch((err) => {
    status.set('config', describeError(i18n, t('status.what.config'), err), true);
    return null;
  });

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
  let filters: Filters = { ...initial.filters };
  const norm = normaliseDates(filters);
  filters = norm.filters;

  // Route colours come from the full list of route names, so they stay put when filtering.
  let colours = new Map<string, string>();
  const routeColour = (name: string) => colours.get(name) ?? fallbackRouteColour(name);

  const layers: MapLayer[] = [];
  const byId = new Map<string, MapLayer>();
  let pendingFilter = false;
  const refreshReadiness = () => {
    const counts: Record<string, number> = {};
    const totals: Record<string, { dead: number; missing: number }> = {};
    let loading = false;
    for (const l of layers) {
      const s = l.summary();
      counts[l.meta.id] = s.shown;
      if (s.totals) totals[l.meta.id] = s.totals;
      if (s.status === 'loading') loading = true;
      if (l.timing) ready.timings[l.meta.id] = l.timing;
    }
    ready.counts = counts;
    ready.totals = totals;
    ready.busy = loading || pendingFilter;
    if (ready.busy) doc.documentElement.dataset.busy = 'true';
    else delete doc.documentElement.dataset.busy;
  };

  const visible = new Set(initial.layers ? initial.layers.filter((id) => metas.some((m) => m.id === id)) : metas.map((m) => m.id));
  const layerList = createLayerList(doc, i18n, metas, visible, (id, on) => {
    const l = byId.get(id);
    if (!l) return;
    if (on) visible.add(id);
    else visible.delete(id);
    void l.setVisible(on, filters);
    updateUrl();
  });
  layersSlot.replaceWith(layerList.element);

  for (const meta of metas) {
    const l = new MapLayer(map, api, meta, {
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
        if (layer.meta.kind === 'route') updateLegend();
        refreshReadiness();
      },
    });
    layers.push(l);
    byId.set(meta.id, l);
  }

  const kinds = new Set<Kind>(metas.map((m) => m.kind));
  let routeNames: string[] = [];
  function updateLegend() {
    const approx = new Map<string, boolean>();
    for (const l of layers) for (const [n, a] of l.routeNames) approx.set(n, a || (approx.get(n) ?? false));
    const names = routeNames.length > 0 ? routeNames : [...approx.keys()];
    const routes: LegendRoute[] = names.map((n) => ({ name: n, colour: routeColour(n), approximate: approx.get(n) ?? false }));
    legendBody.replaceChildren(renderLegend(doc, legendGroups(i18n, kinds, routes)));
  }
  updateLegend();

  // URL state.
  const updateUrl = () => {
    const c = map.getCenter().wrap();
    const view = { z: map.getZoom(), lat: Number(roundCoord(c.lat)), lon: Number(roundCoord(c.lng)) };
    ready.view = view;
    const search = encodeState({
      view,
      layers: layers.filter((l) => visible.has(l.meta.id)).map((l) => l.meta.id),
      filters,
    });
    history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`);
  };

  const applyFilters = debounce(() => {
    pendingFilter = false;
    for (const l of layers) void l.applyFilters(filters);
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
    pendingFilter = true;
    refreshReadiness();
    updateUrl();
    applyFilters();
  };
  const controls = createFilterControls(doc, i18n, onFilters, () => {
    controls.set(emptyFilters());
    onFilters(emptyFilters());
  });
  controls.set(filters);
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

  map.on('moveend', updateUrl);
  updateUrl();
  wirePicking(doc, i18n, map, api, layers);

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

  await Promise.all([basemapDone, ...firstLoads]);
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

/** Opens a details popup on click and shows a pointer over features. */
function wirePicking(doc: Document, i18n: I18n, map: L.Map, api: ReturnType<typeof createApi>, layers: MapLayer[]): void {
  const pickAt = (cursor: L.Point, latlng: L.LatLng): PickedFeature | null => {
    const ordered = [...layers].reverse().sort((a, b) => pickOrder(b.meta.kind) - pickOrder(a.meta.kind));
    for (const l of ordered) {
      const r = l.maxRadius() + PICK_TOLERANCE;
      const sw = map.containerPointToLatLng([cursor.x - r, cursor.y + r]);
      const ne = map.containerPointToLatLng([cursor.x + r, cursor.y - r]);
      const hit = l.pick(
        { x: cursor.x, y: cursor.y },
        [latlng.lat, latlng.lng],
        [sw.lat, sw.lng, ne.lat, ne.lng],
        (p) => map.latLngToContainerPoint(p),
        PICK_TOLERANCE,
      );
      if (hit) return hit;
    }
    return null;
  };

  let detail: AbortController | null = null;
  map.on('click', (e: L.LeafletMouseEvent) => {
    const hit = pickAt(e.containerPoint, e.latlng);
    if (!hit) return;
    detail?.abort();
    const controller = new AbortController();
    detail = controller;
    const { layer, feature } = hit;
    const popup = L.popup({ maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24] })
      .setLatLng(e.latlng)
      .setContent(messagePopup(doc, i18n.t('popup.loading')))
      .openOn(map);
    if (feature.id === undefined || feature.id === null) {
      popup.setContent(buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, feature));
      return;
    }
    api.feature(layer.meta.id, feature.id, controller.signal).then(
      (full) => popup.setContent(buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, full)),
      (err) => {
        if (isAbort(err)) return;
        const el = buildPopup(doc, i18n, layer.meta.kind, layer.meta.title, feature);
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
}

function nextFrames(n: number): Promise<void> {
  return new Promise((resolve) => {
    const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(n);
  });
}

void main();
