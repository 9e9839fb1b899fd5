import { describe, expect, it } from 'vitest';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import {
  attributedLayers, boundsBBox, checkBBox, cleanLang, cleanTitle, cleanToken, clampRenderSize, dashboardUrl, decodeEmbedParams, embedParams,
  embedUrl, filterParams, MAX_TITLE, padBBox, parseBBox, parseClaims, readView, renderUrl, todayIso, type EmbedState,
} from './state';

const TODAY = '2026-11-27';

describe('embed URL parameters', () => {
  it('reads every part of a full embed URL', () => {
    const { state, token } = decodeEmbedParams(
      '?bbox=5,25.5,35,45&layers=routes,incidents,risk&from=2020-01-01&to=2021-12-31&route=Central%20Mediterranean&cause=Drowning'
      + '&category=health&radius=40&title=Deaths%20at%20sea&legend=0&asof=2025-06-30&lang=fr',
      TODAY,
    );
    expect(token).toBeNull();
    expect(state).toEqual({
      view: { bbox: [5, 25.5, 35, 45] },
      layers: ['routes', 'incidents', 'risk'],
      filters: { from: '2020-01-01', to: '2021-12-31', route: 'Central Mediterranean', cause: 'Drowning', category: 'health' },
      risk: { radiusKm: 40, halfLifeDays: 365, reachKm: 50 },
      title: 'Deaths at sea',
      legend: false,
      asof: '2025-06-30',
      lang: 'fr',
    });
  });

  it('falls back to defaults: legend on, today, English, the dashboard view and layers', () => {
    const { state } = decodeEmbedParams('', TODAY);
    expect(state).toEqual({ filters: { from: '', to: '', route: '', cause: '', category: '' }, title: '', legend: true, asof: TODAY, lang: 'en' });
  });

  it('uses z, lat and lon when there is no valid box', () => {
    expect(decodeEmbedParams('?z=5&lat=36.5&lon=14.25', TODAY).state.view).toEqual({ z: 5, lat: 36.5, lon: 14.25 });
    expect(decodeEmbedParams('?bbox=1,2,3&z=5&lat=36.5&lon=14.25', TODAY).state.view).toEqual({ z: 5, lat: 36.5, lon: 14.25 });
    // A valid box wins over a centre.
    expect(decodeEmbedParams('?bbox=1,2,3,4&z=5&lat=36.5&lon=14.25', TODAY).state.view).toEqual({ bbox: [1, 2, 3, 4] });
  });

  it.each([
    ['three numbers', '1,2,3'],
    ['five numbers', '1,2,3,4,5'],
    ['west after east', '30,10,20,20'],
    ['south after north', '10,30,20,20'],
    ['an empty box', '10,10,10,20'],
    ['longitude out of range', '-181,0,10,10'],
    ['latitude out of range', '0,-91,10,10'],
    ['exponents', '1e1,0,20,10'],
    ['hex', '0x10,0,20,10'],
    ['Infinity', '-Infinity,0,20,10'],
    ['NaN', 'NaN,0,20,10'],
    ['words', 'a,b,c,d'],
    ['blanks', ',,,'],
    ['markup', '<script>,0,20,10'],
  ])('ignores a bbox with %s', (_, bbox) => {
    expect(parseBBox(bbox)).toBeNull();
    expect(decodeEmbedParams(`?bbox=${encodeURIComponent(bbox)}`, TODAY).state.view).toBeUndefined();
  });

  it('keeps a hostile title as text, and drops one with control characters or over 200 characters', () => {
    const hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>';
    expect(decodeEmbedParams(`?title=${encodeURIComponent(hostile)}`, TODAY).state.title).toBe(hostile);
    expect(decodeEmbedParams('?title=a%00b', TODAY).state.title).toBe('');
    expect(decodeEmbedParams('?title=a%0Ab', TODAY).state.title).toBe('');
    expect(decodeEmbedParams(`?title=${'x'.repeat(MAX_TITLE + 1)}`, TODAY).state.title).toBe('');
    expect(decodeEmbedParams(`?title=${'é'.repeat(MAX_TITLE)}`, TODAY).state.title).toBe('é'.repeat(MAX_TITLE));
    expect(cleanTitle(42)).toBe('');
  });

  it('reads legend, as-of date and language defensively', () => {
    expect(decodeEmbedParams('?legend=1', TODAY).state.legend).toBe(true);
    expect(decodeEmbedParams('?legend=0', TODAY).state.legend).toBe(false);
    expect(decodeEmbedParams('?legend=yes', TODAY).state.legend).toBe(true);
    expect(decodeEmbedParams('?asof=2026-02-30', TODAY).state.asof).toBe(TODAY);
    expect(decodeEmbedParams('?asof=tomorrow', TODAY).state.asof).toBe(TODAY);
    expect(cleanLang('pt-BR')).toBe('pt-BR');
    expect(cleanLang('"><script>')).toBe('en');
    expect(cleanLang('')).toBe('en');
  });

  it('ignores hostile layer ids and filters as the dashboard does', () => {
    const { state } = decodeEmbedParams('?layers=routes,<img>,../x,routes&cause=%3Cscript%3E&from=2020-13-01', TODAY, vocab);
    expect(state.layers).toEqual(['routes']);
    expect(state.filters.cause).toBe('');
    expect(state.filters.from).toBe('');
  });

  it('takes a token only when it can be one', () => {
    expect(decodeEmbedParams('?token=abc.DEF-123_x', TODAY).token).toBe('abc.DEF-123_x');
    expect(cleanToken('two words')).toBeNull();
    expect(cleanToken('tökén')).toBeNull();
    expect(cleanToken('')).toBeNull();
    expect(cleanToken('a\r\nX-Evil: 1')).toBeNull();
    expect(cleanToken('x'.repeat(5000))).toBeNull();
  });

  it('writes what it reads', () => {
    const state: EmbedState = {
      view: { bbox: [-10.5, 20, 30.25, 45.123456] },
      layers: ['routes', 'risk'],
      filters: { from: '2020-01-01', to: '', route: 'Central Mediterranean', cause: 'Drowning', category: '' },
      risk: { radiusKm: 40, halfLifeDays: 730, reachKm: 50 },
      title: 'A & B "quoted" <title>',
      legend: false,
      asof: '2025-01-31',
      lang: 'en',
    };
    const q = embedParams(state);
    expect(q.get('bbox')).toBe('-10.5,20,30.25,45.12346');
    expect(q.get('legend')).toBe('0');
    const back = decodeEmbedParams(`?${q.toString()}`, TODAY).state;
    expect(back).toEqual({ ...state, view: { bbox: [-10.5, 20, 30.25, 45.12346] } });
    expect(embedUrl('https://rr.example.org', state)).toBe(`https://rr.example.org/embed?${q.toString()}`);
    const centred = embedParams({ ...state, view: { z: 5, lat: 36.5, lon: 14.25 } });
    expect([centred.get('z'), centred.get('lat'), centred.get('lon'), centred.get('bbox')]).toEqual(['5', '36.5', '14.25', null]);
  });
});

describe('token claims', () => {
  const claims = {
    id: 'emb_1',
    tier: 'partner',
    view: { bbox: [5, 30, 25, 40] },
    layers: ['routes', 'incidents', '<script>', 7],
    params: 'from=2020-01-01&cause=Drowning&radius=40&route=%3Cimg%3E',
    title: 'Central Med',
    lang: 'en',
    legend: false,
    asof: '2026-11-01',
    expires_at: '2026-12-27T00:00:00Z',
  };

  it('reads valid claims; filters and settings come from params', () => {
    expect(parseClaims(claims, TODAY)).toEqual({
      id: 'emb_1',
      tier: 'partner',
      expiresAt: '2026-12-27T00:00:00Z',
      state: {
        view: { bbox: [5, 30, 25, 40] },
        layers: ['routes', 'incidents'],
        filters: { from: '2020-01-01', to: '', route: '<img>', cause: 'Drowning', category: '' },
        risk: { radiusKm: 40, halfLifeDays: 365, reachKm: 50 },
        title: 'Central Med',
        legend: false,
        asof: '2026-11-01',
        lang: 'en',
      },
    });
  });

  it('reads a centre view and falls back for missing parts', () => {
    const c = parseClaims({ id: 'e', tier: 'public', view: { z: 5, lat: 36.5, lon: 14 } }, TODAY)!;
    expect(c.state).toEqual({ view: { z: 5, lat: 36.5, lon: 14 }, filters: { from: '', to: '', route: '', cause: '', category: '' }, title: '', legend: true, asof: TODAY, lang: 'en' });
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['no id', { ...claims, id: '' }],
    ['the staff tier', { ...claims, tier: 'staff' }],
    ['an unknown tier', { ...claims, tier: 'admin' }],
    ['no view', { ...claims, view: undefined }],
    ['a bad box', { ...claims, view: { bbox: [30, 0, 10, 10] } }],
    ['a bad zoom', { ...claims, view: { z: 99, lat: 0, lon: 0 } }],
  ])('refuses %s', (_, v) => {
    expect(parseClaims(v, TODAY)).toBeNull();
  });

  it('reads views strictly', () => {
    expect(readView({ bbox: [1, 2, 3, '4'] })).toBeNull();
    expect(readView({ z: 2.5, lat: 0, lon: 0 })).toBeNull();
    expect(checkBBox([1, 2, 3, 4])).toEqual([1, 2, 3, 4]);
  });

  it('writes the filters and settings as the dashboard does, without "?"', () => {
    expect(filterParams({ filters: { from: '2020-01-01', to: '', route: '', cause: 'Drowning', category: '' }, risk: { radiusKm: 25, halfLifeDays: 730, reachKm: 50 } }))
      .toBe('from=2020-01-01&cause=Drowning&halflife=730');
  });
});

describe('URLs built from the state', () => {
  const state: EmbedState = {
    view: { bbox: [5, 30, 25, 40] }, layers: ['routes', 'incidents'], filters: { from: '', to: '', route: '', cause: 'Drowning', category: '' },
    title: '"><script>', legend: true, asof: '2026-11-27', lang: 'en',
  };

  it('asks for an image of the state, its size clamped, with the token', () => {
    const u = new URL(renderUrl('png', state, { width: 1366.4, height: 120, ratio: 2 }, 'tok.en'), 'http://x');
    expect(u.pathname).toBe('/api/v1/render.png');
    expect(Object.fromEntries(u.searchParams)).toEqual({
      bbox: '5,30,25,40', layers: 'routes,incidents', cause: 'Drowning', title: '"><script>', asof: '2026-11-27', legend: '1', lang: 'en',
      width: '1366', height: '200', ratio: '2', token: 'tok.en',
    });
    const svg = new URL(renderUrl('svg', state, { width: 9000, height: NaN, ratio: 7 }), 'http://x');
    expect(svg.pathname).toBe('/api/v1/render.svg');
    expect([svg.searchParams.get('width'), svg.searchParams.get('height'), svg.searchParams.get('ratio'), svg.searchParams.has('token')]).toEqual(['4000', '500', '3', false]);
    expect(clampRenderSize({ width: 0.2, height: -5, ratio: 0 })).toEqual({ width: 200, height: 200, ratio: 1 });
  });

  it('links the dashboard at a view with the same layers and filters', () => {
    expect(dashboardUrl(state, { z: 5, lat: 35, lon: 15 })).toBe('./?z=5&lat=35&lon=15&layers=routes%2Cincidents&cause=Drowning');
  });
});

describe('boxes', () => {
  it('pads a box by a fraction on every side, within the world', () => {
    expect(padBBox([0, 0, 20, 10], 0.25)).toEqual([-5, -2.5, 25, 12.5]);
    expect(padBBox([-175, -88, 175, 88], 0.25)).toEqual([-180, -90, 180, 90]);
  });

  it('clamps map bounds into the world', () => {
    expect(boundsBBox(-400, -89, 400, 89)).toEqual([-180, -85.05113, 180, 85.05113]);
    expect(boundsBBox(10.123456789, 20, 30, 40)).toEqual([10.12346, 20, 30, 40]);
    expect(boundsBBox(200, 0, 300, 10)).toBeNull();
  });
});

describe('attribution', () => {
  const metas = [
    { id: 'routes', kind: 'route' }, { id: 'incidents', kind: 'incident' }, { id: 'services', kind: 'service' }, { id: 'areas', kind: 'area' },
  ];

  it('credits the layers shown and those the analyses shown read', () => {
    expect(attributedLayers(metas, new Set(['routes'])).map((m) => m.id)).toEqual(['routes']);
    expect(attributedLayers(metas, new Set(['hotspots'])).map((m) => m.id)).toEqual(['incidents']);
    expect(attributedLayers(metas, new Set(['risk'])).map((m) => m.id)).toEqual(['routes', 'incidents', 'services']);
  });
});

describe('today', () => {
  it('is the local date, zero-padded', () => {
    expect(todayIso(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
