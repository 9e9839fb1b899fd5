import type L from 'leaflet';
import { createMap, DEFAULT_VIEW, loadBasemap, nextFrames } from '../../map/map';
import { sourceAttribution } from '../../map/attribution';
import { ApiError, createApi, EMBED_TOKEN_HEADER, type LayerMeta, type PrivacyTier } from '../../shared/api';
import { applyDocumentLanguage, createI18n, loadCatalogue, type I18n } from '../../shared/i18n';
import { createStore, type AppState } from '../../shared/store';
import { describeError, errorMessage } from '../../shared/status';
import { checkFilters, roundCoord } from '../../shared/urlstate';
import { loadVocabulary, type Vocabulary } from '../../shared/vocabulary';
import { isRestricted } from '../filters/filters';
import { createLayerSet, type LayerSet } from '../layers/layerset';
import { MapLayer } from '../layers/layers';
import { sortLayers } from '../layers/panel';
import { isDrawn } from '../../shared/kinds';
import { followLegend } from '../legend/legend';
import { ANALYSIS_IDS } from '../risk/analysis';
import { availableAnalyses, initialVisible } from '../risk/analysisspecs';
import { defaultRiskSettings } from '../risk/risksettings';
import { createEmbedError, createEmbedFrame, createEmbedLoading } from './frame';
import type { EmbedReadiness } from './readiness';
import {
  attributedLayers, boundsBBox, dashboardUrl, decodeEmbedParams, isBBoxView, padBBox, parseClaims, renderUrl, todayIso,
  type EmbedState,
} from './state';

/** Fetch as the page's requests use it. */
export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** How much a signed embed's view may be left: its box grown by this fraction on every side. */
export const FIXED_VIEW_PADDING = 0.25;
/** Debounce of the reloads a zoom asks of restricted layers drawn as cells, in ms. */
const ZOOM_DEBOUNCE_MS = 250;
/** Pixel ratio of the image "Download image" links to. */
export const DOWNLOAD_RATIO = 2;

/**
 * The fetch of an embed: no cookie is ever sent (`credentials: 'omit'`:
 * an embed is seen at the public tier or at its token's), and with a token,
 * a 401 answer (the token was revoked or expired meanwhile) calls
 * `onRevoked` with the server's message.
 */
export function embedFetch(fetchFn: FetchFn, token: string | null, onRevoked: (message: string) => void): FetchFn {
  return async (input, init = {}) => {
    const res = await fetchFn(input, { ...init, credentials: 'omit' });
    if (token && res.status === 401) {
      const copy = res.clone();
      void copy.json().then(
        (body: unknown) => {
          const m = body && typeof body === 'object' && typeof (body as Record<string, unknown>).message === 'string'
            ? ((body as Record<string, unknown>).message as string)
            : '';
          onRevoked(m || res.statusText || `HTTP ${res.status}`);
        },
        () => onRevoked(res.statusText || `HTTP ${res.status}`),
      );
    }
    return res;
  };
}

/** What runEmbed needs from its surroundings (the browser's by default). */
export interface EmbedEnv {
  doc: Document;
  /** The page's query string. */
  search: string;
  origin: string;
  fetchFn: FetchFn;
  /** Today, YYYY-MM-DD. */
  today: string;
  readiness: EmbedReadiness;
}

/**
 * Starts an embedded map in the page's #embed-app element: reads the URL
 * (or, with a token, the token's claims, which then fix everything), draws
 * the offline basemap and the layers shown as the dashboard draws them, the
 * legend, the date, the tier, and the links to the image and the dashboard,
 * and sets `readiness.ready` after the first full render. A token refused
 * later (401) ends in a full-frame error with the server's message.
 */
export async function runEmbed(env: EmbedEnv): Promise<void> {
  const { doc, readiness } = env;
  const request = decodeEmbedParams(env.search, env.today);
  const token = request.token;
  // The language of the URL (the share dialog writes the dashboard's), or of the token's claims.
  const catalogue = (lang: string) => loadCatalogue(lang).catch(() => loadCatalogue('en'));
  let i18n: I18n = createI18n(await catalogue(request.state.lang));
  applyDocumentLanguage(doc, i18n);
  doc.title = i18n.t('embed.defaultTitle');
  const app = doc.getElementById('embed-app') ?? doc.body;
  app.replaceChildren(createEmbedLoading(i18n));

  // The full-frame error: the map, its layers and their loads go away.
  let failed = false;
  let teardown: () => void = () => {};
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    readiness.error = message;
    readiness.ready = false;
    teardown();
    app.replaceChildren(createEmbedError(i18n, message));
    doc.documentElement.dataset.error = 'true';
  };

  const headers: Record<string, string> = token ? { [EMBED_TOKEN_HEADER]: token } : {};
  const fetchFn = embedFetch(env.fetchFn, token, fail);
  const api = createApi(fetchFn, '/api/v1', env.origin, { credentials: 'omit', headers });

  // With a token, the server's claims are the state; the URL's other parameters are ignored.
  let state: EmbedState = request.state;
  let tier: PrivacyTier | null = 'public';
  if (token) {
    try {
      const claims = parseClaims(await api.getJson('embed'), env.today);
      if (!claims) return fail(i18n.t('embed.badClaims'));
      state = claims.state;
      tier = claims.tier;
    } catch (err) {
      return fail(errorMessage(i18n, err));
    }
    if (failed) return;
    i18n = createI18n(await catalogue(state.lang));
    applyDocumentLanguage(doc, i18n);
  }
  readiness.tier = tier;
  doc.title = state.title ? i18n.t('embed.docTitle', { title: state.title }) : i18n.t('embed.defaultTitle');

  let metas: LayerMeta[];
  let vocab: Vocabulary;
  try {
    [vocab, metas] = await Promise.all([loadVocabulary(api.getJson), api.layers().then((m) => sortLayers(m.filter((l) => isDrawn(l.kind)), i18n.lang))]);
  } catch (err) {
    return fail(errorMessage(i18n, err));
  }
  if (failed) return;

  const frame = createEmbedFrame(i18n, { title: state.title, asof: state.asof, legend: state.legend });
  app.replaceChildren(frame.element);

  const map = createMap(frame.map, DEFAULT_VIEW, state.title || i18n.t('app.map'), { zoomIn: i18n.t('map.zoomIn'), zoomOut: i18n.t('map.zoomOut') });
  fitView(map, state, token !== null);

  const available = availableAnalyses(metas);
  const visible = initialVisible(state.layers, metas, available);
  for (const m of attributedLayers(metas, visible)) {
    for (const s of m.sources) {
      const a = sourceAttribution(s);
      if (a) map.attributionControl.addAttribution(a);
    }
  }
  if (visible.size === 0) frame.setStatus(i18n.t('embed.noLayers'), true);

  const basemapDone = loadBasemap(map, doc.baseURI, ((input: RequestInfo | URL, init?: RequestInit) =>
    env.fetchFn(String(input), { ...init, credentials: 'omit' })) as typeof fetch).catch((err) => {
    frame.setStatus(describeError(i18n, i18n.t('status.what.basemap'), err), true);
  });

  // The embed's store: its state comes from the URL or the claims, and the
  // session slice holds the tier its restricted layers are answered at.
  const shownMetas = metas.filter((m) => visible.has(m.id));
  const shownAnalyses = available.map((a) => a.id).filter((id) => visible.has(id));
  const store = createStore<AppState>({
    view: viewOf(map),
    filters: checkFilters(state.filters, vocab),
    layers: [...shownMetas.map((m) => m.id), ...shownAnalyses],
    risk: state.risk ?? defaultRiskSettings(),
    session: { tier, role: null, known: true },
  });
  store.subscribe(['session'], (s) => {
    readiness.tier = s.session.tier;
    frame.setTier(s.session.tier);
  }, { immediate: true });

  const errors = new Map<string, string>();
  let layerSet: LayerSet | null = null;
  const refresh = () => {
    if (failed || !layerSet) return;
    // The tier is what restricted layers were answered at (the server answers
    // everything else at the public tier); before that, the token's.
    const shownAt = layerSet.layers.find((l) => isRestricted(l.meta) && l.tier !== null)?.tier ?? tier;
    store.update('session', (s) => ({ ...s, tier: shownAt }));
    const counts: Record<string, number> = {};
    for (const l of layerSet.all()) counts[l.id] = l.summary().shown;
    readiness.counts = counts;
    frame.setStatus([...errors.values()].join(' '), errors.size > 0);
    if (layerSet.busy()) doc.documentElement.dataset.busy = 'true';
    else delete doc.documentElement.dataset.busy;
  };
  const noteError = (id: string, what: string, s: { status: string; error?: unknown }) => {
    if (s.status === 'error') {
      // A revoked token is the full-frame error (embedFetch), not a layer's.
      if (token && s.error instanceof ApiError && s.error.status === 401) return;
      errors.set(id, describeError(i18n, what, s.error));
    } else {
      errors.delete(id);
    }
  };

  // Route names give the routes their colours (as on the dashboard) and tell
  // route risk whether a route filter names a line.
  const needRoutes = shownMetas.some((m) => m.kind === 'route') || (visible.has(ANALYSIS_IDS.risk) && store.get().filters.route !== '');
  let redrawLegend: () => void = () => {};
  const set = createLayerSet({
    map, api, i18n, vocab, store, metas: shownMetas, analyses: shownAnalyses,
    routeMetas: needRoutes ? metas.filter((m) => m.kind === 'route') : null,
    delayMs: ZOOM_DEBOUNCE_MS,
    onUpdate(layer) {
      if (failed) return;
      const what = layer instanceof MapLayer
        ? i18n.t('status.what.layer', { title: layer.meta.title })
        : i18n.t(layer.id === ANALYSIS_IDS.risk ? 'status.what.risk' : 'status.what.hotspots');
      noteError(layer.id, what, layer.summary());
      if (layer instanceof MapLayer && (layer.meta.kind === 'route' || isRestricted(layer.meta))) redrawLegend();
      refresh();
    },
    onRouteNames: () => redrawLegend(),
    onValuesError: (m, err) => errors.set(`values:${m.id}`, describeError(i18n, i18n.t('status.what.values'), err)),
    onPending: refresh,
  });
  layerSet = set;
  if (frame.legendBody) {
    redrawLegend = followLegend(store, frame.legendBody, i18n, {
      kinds: new Set(shownMetas.map((m) => m.kind)), layers: () => set.layers, routeNames: set.routeNames, routeColour: set.routeColour, vocab,
    });
  }
  teardown = () => {
    set.stop();
    map.remove();
  };

  // Links: the image of what is shown, and the dashboard at the same place.
  store.subscribe(['view'], (s) => {
    if (failed) return;
    const b = map.getBounds();
    const bbox = boundsBBox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
    const size = map.getSize();
    const shown: EmbedState = { ...state, layers: [...s.layers] };
    if (bbox) shown.view = { bbox };
    frame.setDownload(renderUrl('png', shown, { width: size.x, height: size.y, ratio: DOWNLOAD_RATIO }, token));
    if (s.view && 'z' in s.view) frame.setOpen(dashboardUrl(shown, s.view));
  }, { immediate: true });
  map.on('moveend', () => store.set({ view: viewOf(map) }));

  refresh();
  await Promise.all([basemapDone, set.routeValues, set.start()]);
  await nextFrames(2);
  if (failed) return;
  refresh();
  readiness.ready = true;
  doc.documentElement.dataset.ready = 'true';
}

/** The view of a map as the store holds it: zoom and centre, rounded as URLs write them. */
function viewOf(map: L.Map): { z: number; lat: number; lon: number } {
  const c = map.getCenter().wrap();
  return { z: map.getZoom(), lat: Number(roundCoord(c.lat)), lon: Number(roundCoord(c.lng)) };
}

/**
 * Shows the state's view: a box fitted into the frame, or a centre and a
 * zoom. A signed embed's view stays put: the map may not leave the view
 * grown by a quarter on every side, nor zoom out more than one step.
 */
export function fitView(map: L.Map, state: EmbedState, fixed: boolean): void {
  const v = state.view;
  if (v && isBBoxView(v)) {
    const [w, s, e, n] = v.bbox;
    map.fitBounds([[s, w], [n, e]], { animate: false });
  } else {
    const c = v ?? DEFAULT_VIEW;
    map.setView([c.lat, c.lon], c.z, { animate: false });
  }
  if (!fixed) return;
  const b = map.getBounds();
  const box = v && isBBoxView(v) ? v.bbox : boundsBBox(b.getWest(), b.getSouth(), b.getEast(), b.getNorth());
  if (box) {
    const [w, s, e, n] = padBBox(box, FIXED_VIEW_PADDING);
    map.options.maxBoundsViscosity = 1;
    map.setMaxBounds([[s, w], [n, e]]);
  }
  map.setMinZoom(Math.max(1, map.getZoom() - 1));
}

/** The readiness object of this window, created on first use. */
export function windowReadiness(win: Window): EmbedReadiness {
  win.__routerisk_embed ??= { ready: false, counts: {}, tier: null, error: null };
  return win.__routerisk_embed;
}

/** Starts the embed with the browser's document, URL, fetch and today's date. */
export function startEmbed(win: Window = window): Promise<void> {
  return runEmbed({
    doc: win.document,
    search: win.location.search,
    origin: win.location.origin,
    fetchFn: (input, init) => win.fetch(input, init),
    today: todayIso(),
    readiness: windowReadiness(win),
  });
}
