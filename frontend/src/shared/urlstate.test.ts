import { describe, expect, it } from 'vitest';
import { appendFilters, checkFilters, decodeState, emptyFilters, encodeState, isIsoDate, type UrlState } from './urlstate';
import { TEST_VOCABULARY as vocab } from './testdata/vocabulary';

describe('URL state', () => {
  const full: UrlState = {
    view: { z: 5, lat: 36.5, lon: 14.25 },
    layers: ['routes', 'incidents'],
    filters: {
      from: '2020-01-01',
      to: '2021-12-31',
      route: 'Western Africa / Atlantic route to the Canary Islands',
      cause: 'Harsh environmental conditions / lack of adequate shelter, food, water',
      category: 'health',
    },
  };

  it('round-trips a full state', () => {
    expect(decodeState(encodeState(full))).toEqual(full);
  });

  it('round-trips route names with &, = and non-Latin letters', () => {
    const s: UrlState = { filters: { ...emptyFilters(), route: 'Türkiye-Europe land route & more = ok؟' } };
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('writes keys in a fixed order and leaves empty filters out', () => {
    expect(encodeState({ view: { z: 3, lat: 1, lon: 2 }, layers: ['a'], filters: { ...emptyFilters(), cause: 'Drowning' } })).toBe(
      '?z=3&lat=1&lon=2&layers=a&cause=Drowning',
    );
    expect(encodeState({ filters: emptyFilters() })).toBe('');
  });

  it('rounds coordinates to 5 decimals', () => {
    expect(encodeState({ view: { z: 4, lat: 12.3456789, lon: -0.000001 }, filters: emptyFilters() })).toBe('?z=4&lat=12.34568&lon=0');
  });

  it('decodes an empty query to defaults', () => {
    expect(decodeState('')).toEqual({ filters: emptyFilters() });
  });

  it('keeps an empty layers list (every layer switched off)', () => {
    expect(decodeState('?layers=').layers).toEqual([]);
  });

  const hostile: [string, string][] = [
    ['script in a layer id', '?layers=<script>alert(1)</script>,incidents'],
    ['path in a layer id', '?layers=../../etc,incidents'],
    ['zoom not a number', '?z=abc&lat=1&lon=2'],
    ['zoom out of range', '?z=99&lat=1&lon=2'],
    ['fractional zoom', '?z=2.5&lat=1&lon=2'],
    ['latitude out of range', '?z=2&lat=91&lon=2'],
    ['longitude out of range', '?z=2&lat=1&lon=-181'],
    ['infinite number', '?z=2&lat=1e400&lon=2'],
    ['hex number', '?z=0x2&lat=1&lon=2'],
    ['impossible date', '?from=2021-02-30'],
    ['date with time', '?from=2021-02-03T00:00:00Z'],
    ['date as script', '?to=<img src=x onerror=alert(1)>'],
    ['unknown cause', '?cause=<img src=x onerror=alert(1)>'],
    ['control characters in route', '?route=a%00b%0Ac'],
    ['overlong route', `?route=${'x'.repeat(500)}`],
    ['duplicated keys', '?layers=incidents&layers=routes'],
  ];
  it.each(hostile)('ignores %s safely', (_, search) => {
    const s = decodeState(search, vocab);
    expect(s.view).toBeUndefined();
    for (const id of s.layers ?? []) expect(id).toMatch(/^[a-z0-9][a-z0-9-]*$/);
    expect(s.filters.from === '' || isIsoDate(s.filters.from)).toBe(true);
    expect(s.filters.to).toBe('');
    expect(s.filters.cause).toBe('');
    expect(s.filters.route.length).toBeLessThanOrEqual(200);
    expect(s.filters.route).not.toMatch(/[\u0000-\u001f]/);
  });

  it('checks the cause against the vocabulary, at once or once it is known', () => {
    expect(decodeState('?cause=Drowning', vocab).filters.cause).toBe('Drowning');
    expect(decodeState('?cause=Lightning', vocab).filters.cause).toBe('');
    const early = decodeState('?cause=Lightning&route=Darien');
    expect(early.filters.cause).toBe('Lightning');
    expect(checkFilters(early.filters, vocab)).toEqual({ ...emptyFilters(), route: 'Darien' });
    expect(checkFilters({ ...emptyFilters(), cause: 'Drowning' }, vocab).cause).toBe('Drowning');
  });

  it('writes filters in the one dialect: route, cause, category', () => {
    const f = { ...emptyFilters(), route: 'Darien', cause: 'Drowning', category: 'health' };
    expect(appendFilters(new URLSearchParams(), f, ['route', 'cause', 'category']).toString()).toBe('route=Darien&cause=Drowning&category=health');
    expect(appendFilters(new URLSearchParams(), f, ['cause']).toString()).toBe('cause=Drowning');
    expect(appendFilters(new URLSearchParams(), emptyFilters(), ['route', 'cause', 'category']).toString()).toBe('');
  });

  it('round-trips the analysis layers (route risk, hotspots) with the other layers', () => {
    const s: UrlState = { layers: ['routes', 'incidents', 'risk', 'hotspots'], filters: emptyFilters() };
    expect(encodeState(s)).toBe('?layers=routes%2Cincidents%2Crisk%2Chotspots');
    expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('keeps the valid part of a mixed layer list', () => {
    expect(decodeState('?layers=<x>,incidents,,incidents,Routes').layers).toEqual(['incidents']);
  });

  it('keeps a hostile route as plain text (it is only ever shown through textContent)', () => {
    expect(decodeState('?route=%3Cimg%20src%3Dx%3E').filters.route).toBe('<img src=x>');
  });

  it('checks calendar dates', () => {
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2023-02-29')).toBe(false);
    expect(isIsoDate('2023-13-01')).toBe(false);
    expect(isIsoDate('20230101')).toBe(false);
  });
});

describe('URL state of the risk settings', () => {
  it('round-trips settings under radius, halflife and reach, and leaves defaults out', () => {
    const s: UrlState = { filters: emptyFilters(), risk: { radiusKm: 40, halfLifeDays: 730, reachKm: 80 } };
    expect(encodeState(s)).toBe('?radius=40&halflife=730&reach=80');
    expect(decodeState(encodeState(s))).toEqual(s);

    const one: UrlState = { filters: emptyFilters(), risk: { radiusKm: 25, halfLifeDays: 365, reachKm: 10 } };
    expect(encodeState(one)).toBe('?reach=10');
    expect(decodeState('?reach=10')).toEqual(one);

    expect(encodeState({ filters: emptyFilters(), risk: { radiusKm: 25, halfLifeDays: 365, reachKm: 50 } })).toBe('');
    expect(decodeState('?radius=25&halflife=365&reach=50')).toEqual({ filters: emptyFilters() });
  });

  it('comes after the filters', () => {
    expect(encodeState({ view: { z: 3, lat: 1, lon: 2 }, filters: { ...emptyFilters(), cause: 'Drowning' }, risk: { radiusKm: 5, halfLifeDays: 365, reachKm: 50 } }))
      .toBe('?z=3&lat=1&lon=2&cause=Drowning&radius=5');
  });

  it('ignores malformed and out-of-range settings', () => {
    for (const q of ['?radius=0', '?radius=201', '?radius=2.5', '?radius=abc', '?halflife=29', '?halflife=3651', '?reach=-1', '?reach=1e2', '?reach=%3Cscript%3E', '?radius=']) {
      expect(decodeState(q), q).toEqual({ filters: emptyFilters() });
    }
    expect(decodeState('?radius=999&reach=75').risk).toEqual({ radiusKm: 25, halfLifeDays: 365, reachKm: 75 });
  });
});
