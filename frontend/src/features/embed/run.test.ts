import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EmbedReadiness } from './readiness';
import L from 'leaflet';
import { embedFetch, fitView, FIXED_VIEW_PADDING, runEmbed, type FetchFn } from './run';
import type { EmbedState } from './state';
import { VOCABULARY_JSON } from '../../shared/testdata/vocabulary';

const TOKEN = 'emb.partner-token_1';

const fc = (features: unknown[]) => ({ type: 'FeatureCollection', numberMatched: features.length, numberReturned: features.length, links: [], features });
const point = (id: string, lon: number, lat: number, props: Record<string, unknown> = {}) => ({
  type: 'Feature', id, geometry: { type: 'Point', coordinates: [lon, lat] }, properties: props,
});
const line = (id: string, name: string) => ({
  type: 'Feature', id, geometry: { type: 'LineString', coordinates: [[10, 30], [20, 35]] }, properties: { name },
});

const LAYERS = {
  layers: [
    { id: 'routes', kind: 'route', title: 'Routes', sensitivity: 'public', sources: [{ name: 'Route source', license: 'CC BY', attribution: '<b>Routes</b> & co' }], schema: [{ name: 'name', type: 'string' }] },
    { id: 'incidents', kind: 'incident', title: 'Incidents', sensitivity: 'restricted', sources: [{ name: 'IOM', license: 'CC BY', attribution: 'IOM MMP' }], schema: [{ name: 'dead', type: 'integer' }], time_property: 'date' },
    { id: 'services', kind: 'service', title: 'Services', sensitivity: 'public', sources: [{ name: 'Services source', license: 'ODbL', attribution: 'Services' }], schema: [{ name: 'category', type: 'string' }] },
  ],
};

const CLAIMS = {
  id: 'emb_1', tier: 'partner', view: { bbox: [5, 25, 35, 45] }, layers: ['routes', 'incidents'],
  params: 'cause=Drowning', title: 'Partner map', lang: 'en', legend: true, asof: '2026-11-01', expires_at: '2026-12-27T00:00:00Z',
};

interface Call {
  url: string;
  init: RequestInit;
}

/** A server: answers by path; `override` may answer first. */
function fakeServer(override?: (path: string) => Response | null) {
  const calls: Call[] = [];
  const fetchFn: FetchFn = async (url, init = {}) => {
    calls.push({ url, init });
    const u = new URL(url, 'http://rr.test/embed');
    const o = override?.(u.pathname);
    if (o) return o;
    const json = (body: unknown, tier = 'public') => new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json', 'X-Privacy-Tier': tier } });
    switch (u.pathname) {
      case '/api/v1/embed': return json(CLAIMS);
      case '/api/v1/vocabulary': return json(VOCABULARY_JSON);
      case '/api/v1/layers': return json(LAYERS);
      case '/api/v1/layers/routes/values': return json({ values: [{ value: 'Central Mediterranean', count: 1 }] });
      case '/api/v1/layers/routes/features': return json(fc([line('r1', 'Central Mediterranean')]));
      case '/api/v1/layers/incidents/features': {
        // As the server does: the partner tier for a partner token's feature queries only.
        const tier = new Headers(init.headers).get('X-Embed-Token') ? 'partner' : 'public';
        return json(fc([point('i1', 12.3, 35.1, { dead: 2 }), point('i2', 14, 36, { dead: 1 })]), tier);
      }
      case '/api/v1/layers/services/features': return json(fc([point('s1', 12, 35)]));
      case '/api/v1/risk/segments': return json(fc([line('seg1', 'Central Mediterranean')]));
      default:
        if (u.pathname.startsWith('/basemap/')) return json({ type: 'Topology', objects: { countries: { type: 'GeometryCollection', geometries: [] } }, arcs: [] });
        return new Response(JSON.stringify({ code: 'not_found', message: 'no such path' }), { status: 404 });
    }
  };
  return { fetchFn, calls };
}

function setup(search: string, override?: (path: string) => Response | null) {
  const app = document.createElement('div');
  app.id = 'embed-app';
  document.body.replaceChildren(app);
  const server = fakeServer(override);
  const readiness: EmbedReadiness = { ready: false, counts: {}, tier: null, error: null };
  const run = runEmbed({ doc: document, search, origin: 'http://rr.test', fetchFn: server.fetchFn, today: '2026-11-27', readiness });
  return { ...server, readiness, run, app };
}

const header = (c: Call, name: string) => new Headers(c.init.headers).get(name);
const paths = (calls: Call[]) => calls.map((c) => new URL(c.url, 'http://rr.test/embed').pathname);

beforeAll(() => {
  // jsdom lays nothing out and has no canvas: give the map a size, and a
  // canvas context whose every method does nothing.
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 500 });
  const noop = () => {};
  const ctx = new Proxy({}, { get: (_, key) => (key === 'canvas' ? undefined : noop), set: () => true });
  HTMLCanvasElement.prototype.getContext = (() => ctx) as unknown as typeof HTMLCanvasElement.prototype.getContext;
  globalThis.requestAnimationFrame ??= ((fn: FrameRequestCallback) => setTimeout(() => fn(0), 0)) as unknown as typeof requestAnimationFrame;
});

afterEach(() => {
  document.body.replaceChildren();
  delete document.documentElement.dataset.ready;
  delete document.documentElement.dataset.error;
});

describe('embed fetch', () => {
  it('never sends cookies, whatever the caller asks', async () => {
    const seen: RequestInit[] = [];
    const f = embedFetch(async (_u, init) => {
      seen.push(init!);
      return new Response('{}');
    }, null, () => {});
    await f('/api/v1/layers', { credentials: 'include', headers: { Accept: 'application/json' } });
    await f('/basemap/x.json');
    expect(seen.map((i) => i.credentials)).toEqual(['omit', 'omit']);
    expect(new Headers(seen[0]!.headers).get('Accept')).toBe('application/json');
  });

  it('reports a 401 with the server message when a token is used, and only then', async () => {
    const revoked: string[] = [];
    const answer = () => new Response(JSON.stringify({ code: 'unauthorized', message: 'embed token revoked' }), { status: 401 });
    await embedFetch(async () => answer(), null, (m) => revoked.push(m))('/api/v1/layers');
    const res = await embedFetch(async () => answer(), TOKEN, (m) => revoked.push(m))('/api/v1/layers');
    // The caller can still read the answer.
    expect((await res.json()).message).toBe('embed token revoked');
    await new Promise((r) => setTimeout(r, 0));
    expect(revoked).toEqual(['embed token revoked']);
  });
});

describe('embedded map', () => {
  it('without a token: the URL decides, public tier, no cookie and no token header on any request', async () => {
    const { run, calls, readiness } = setup('?bbox=5,25,35,45&layers=routes,incidents,services&title=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&asof=2026-10-01');
    await run;
    expect(readiness).toMatchObject({ ready: true, error: null, counts: { routes: 1, incidents: 2, services: 1 } });
    expect(paths(calls)).not.toContain('/api/v1/embed');
    expect(calls.length).toBeGreaterThan(4);
    expect(calls.filter((c) => c.init.credentials !== 'omit').map((c) => c.url)).toEqual([]);
    expect(calls.filter((c) => header(c, 'X-Embed-Token') !== null).map((c) => c.url)).toEqual([]);
    // The title is text, the date is shown, the legend is there, the links point where they should.
    expect(document.getElementById('embed-title')!.textContent).toBe('"><script>alert(1)</script>');
    expect(document.querySelector('script')).toBeNull();
    expect(document.querySelector('#embed-asof time')!.getAttribute('datetime')).toBe('2026-10-01');
    expect(document.getElementById('embed-asof')!.textContent).toBe('As of October 1, 2026');
    expect(document.querySelectorAll('#embed-legend .legend-list').length).toBeGreaterThan(0);
    const download = document.getElementById('embed-download') as HTMLAnchorElement;
    const d = new URL(download.href, 'http://rr.test/embed');
    expect(d.pathname).toBe('/api/v1/render.png');
    expect(d.searchParams.get('layers')).toBe('routes,incidents,services');
    expect(d.searchParams.get('title')).toBe('"><script>alert(1)</script>');
    expect(d.searchParams.has('token')).toBe(false);
    const open = document.getElementById('embed-open') as HTMLAnchorElement;
    expect(open.target).toBe('_blank');
    expect(open.rel).toBe('noopener');
    expect(open.getAttribute('href')).toMatch(/^\.\/\?z=\d+&lat=[-\d.]+&lon=[-\d.]+&layers=routes%2Cincidents%2Cservices$/);
    // Attributions are escaped markup in Leaflet's control.
    const attribution = document.querySelector('.leaflet-control-attribution')!;
    expect(attribution.querySelector('b')).toBeNull();
    expect(attribution.textContent).toContain('<b>Routes</b> & co');
    expect(document.getElementById('embed-tier')!.hidden).toBe(true);
    expect(document.documentElement.dataset.ready).toBe('true');
  });

  it('with a token: the claims decide, every API request carries the token, none a cookie', async () => {
    const { run, calls, readiness } = setup(`?token=${TOKEN}&layers=services&title=Other&bbox=-100,-50,100,50`);
    await run;
    expect(readiness.error).toBeNull();
    expect(readiness.ready).toBe(true);
    expect(readiness.tier).toBe('partner');
    // The token's layers, not the URL's.
    expect(readiness.counts).toEqual({ routes: 1, incidents: 2 });
    expect(paths(calls)[0]).toBe('/api/v1/embed');
    expect(paths(calls)).not.toContain('/api/v1/layers/services/features');
    const api = calls.filter((c) => new URL(c.url, 'http://rr.test/').pathname.startsWith('/api/'));
    expect(api.length).toBeGreaterThan(3);
    expect(api.filter((c) => header(c, 'X-Embed-Token') !== TOKEN).map((c) => c.url)).toEqual([]);
    expect(calls.filter((c) => c.init.credentials !== 'omit').map((c) => c.url)).toEqual([]);
    // The token's filters.
    const incidents = calls.find((c) => c.url.startsWith('/api/v1/layers/incidents/features'))!;
    expect(new URL(incidents.url, 'http://rr.test').searchParams.get('cause')).toBe('Drowning');
    expect(document.getElementById('embed-title')!.textContent).toBe('Partner map');
    expect(document.getElementById('embed-tier')!.hidden).toBe(false);
    expect(document.getElementById('embed-tier')!.textContent).toContain('Partner view');
    const d = new URL((document.getElementById('embed-download') as HTMLAnchorElement).href, 'http://rr.test/embed');
    expect(d.searchParams.get('token')).toBe(TOKEN);
  });

  it('a token refused later ends in a full-frame error with the server message, and no map', async () => {
    const { run, readiness } = setup(`?token=${TOKEN}`, (path) =>
      path === '/api/v1/layers/incidents/features'
        ? new Response(JSON.stringify({ code: 'unauthorized', message: 'this embed was revoked <b>today</b>' }), { status: 401 })
        : null);
    await run;
    await new Promise((r) => setTimeout(r, 10));
    expect(readiness.ready).toBe(false);
    expect(readiness.error).toBe('this embed was revoked <b>today</b>');
    const err = document.getElementById('embed-error')!;
    expect(err.getAttribute('role')).toBe('alert');
    expect(err.textContent).toContain('this embed was revoked <b>today</b>');
    expect(err.querySelector('b')).toBeNull();
    expect(document.getElementById('map')).toBeNull();
    expect(document.documentElement.dataset.error).toBe('true');
  });

  it('claims the server refuses end in the error too, never in another view', async () => {
    const { run, readiness, calls } = setup(`?token=${TOKEN}&bbox=1,2,3,4`, (path) =>
      path === '/api/v1/embed' ? new Response(JSON.stringify({ code: 'forbidden', message: 'expired' }), { status: 403 }) : null);
    await run;
    expect(readiness.error).toBe('expired');
    expect(paths(calls)).toEqual(['/api/v1/embed']);
    expect(document.getElementById('map')).toBeNull();
  });
});

describe('view of an embed', () => {
  const state = (view: EmbedState['view']): EmbedState => ({ view, filters: { from: '', to: '', route: '', cause: '', category: '' }, title: '', legend: true, asof: '2026-11-27', lang: 'en' });
  const newMap = () => {
    const el = document.createElement('div');
    document.body.replaceChildren(el);
    return L.map(el, { center: [0, 0], zoom: 2, minZoom: 1, maxZoom: 18 });
  };

  it('fits a box; a signed one stays within the box grown by a quarter and zooms out one step at most', () => {
    const map = newMap();
    fitView(map, state({ bbox: [0, 0, 20, 10] }), true);
    const z = map.getZoom();
    expect(map.getBounds().contains([[0, 0], [10, 20]])).toBe(true);
    expect(map.getMinZoom()).toBe(Math.max(1, z - 1));
    const max = map.options.maxBounds as L.LatLngBounds;
    expect(FIXED_VIEW_PADDING).toBe(0.25);
    expect([max.getWest(), max.getSouth(), max.getEast(), max.getNorth()]).toEqual([-5, -2.5, 25, 12.5]);
    expect(map.options.maxBoundsViscosity).toBe(1);
    map.remove();
  });

  it('sets a centre and a zoom, and leaves an unsigned view free', () => {
    const map = newMap();
    fitView(map, state({ z: 6, lat: 35, lon: 14 }), false);
    expect(map.getZoom()).toBe(6);
    expect(map.getCenter().lat).toBeCloseTo(35, 5);
    expect(map.options.maxBounds).toBeUndefined();
    expect(map.getMinZoom()).toBe(1);
    map.remove();
  });
});
