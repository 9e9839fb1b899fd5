import { describe, expect, it } from 'vitest';
import { ApiError, createApi, MAX_PAGES, nextLink, parseMeta, readTier, requestInit } from './api';

const ORIGIN = 'http://127.0.0.1:8080';

type Handler = (url: string) => { status?: number; body: unknown };

function fakeFetch(handler: Handler) {
  const calls: string[] = [];
  const fn = async (url: string, init?: RequestInit) => {
    calls.push(url);
    if (init?.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const { status = 200, body } = handler(url);
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  };
  return { fn, calls };
}

const fc = (ids: string[], next?: string, matched = 3) => ({
  type: 'FeatureCollection',
  numberMatched: matched,
  numberReturned: ids.length,
  links: next ? [{ rel: 'self', href: '/x' }, { rel: 'next', href: next }] : [],
  features: ids.map((id) => ({ type: 'Feature', id, geometry: null, properties: {} })),
});

describe('api client', () => {
  it('follows next links until every page is read', async () => {
    const { fn, calls } = fakeFetch((url) => {
      if (url.includes('offset=2')) return { body: fc(['c']) };
      return { body: fc(['a', 'b'], '/api/v1/layers/incidents/features?limit=2&offset=2') };
    });
    const api = createApi(fn, '/api/v1', ORIGIN);
    const res = await api.features('incidents', new URLSearchParams({ limit: '2', cause: 'Drowning' }));
    expect(res.features.map((f) => f.id)).toEqual(['a', 'b', 'c']);
    expect(res.numberMatched).toBe(3);
    expect(calls).toEqual([
      '/api/v1/layers/incidents/features?limit=2&cause=Drowning',
      '/api/v1/layers/incidents/features?limit=2&offset=2',
    ]);
  });

  it('stops a next-link loop', async () => {
    const { fn, calls } = fakeFetch(() => ({ body: fc(['a'], '/api/v1/layers/x/features') }));
    await expect(createApi(fn, '/api/v1', ORIGIN).features('x', new URLSearchParams())).rejects.toBeInstanceOf(ApiError);
    expect(calls).toHaveLength(MAX_PAGES);
  });

  it('turns error bodies into ApiError with code and request id', async () => {
    const { fn } = fakeFetch(() => ({
      status: 400,
      body: { code: 'invalid_parameter', message: 'bad datetime', details: { parameter: 'datetime' }, request_id: 'req-1' },
    }));
    const err = await createApi(fn, '/api/v1', ORIGIN).features('x', new URLSearchParams()).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid_parameter', message: 'bad datetime', requestId: 'req-1' });
  });

  it('reports unreachable servers and non-JSON errors', async () => {
    const down = createApi(async () => {
      throw new TypeError('Failed to fetch');
    }, '/api/v1', ORIGIN);
    await expect(down.config()).rejects.toMatchObject({ status: 0, code: 'network' });
    const { fn } = fakeFetch(() => ({ status: 502, body: '<html>bad gateway</html>' }));
    await expect(createApi(fn, '/api/v1', ORIGIN).config()).rejects.toMatchObject({ status: 502, code: 'http_error' });
  });

  it('passes aborts through untouched', async () => {
    const { fn } = fakeFetch(() => ({ body: fc([]) }));
    const c = new AbortController();
    c.abort();
    await expect(createApi(fn, '/api/v1', ORIGIN).features('x', new URLSearchParams(), c.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reads the analysis endpoints with repeated parameters, and their errors', async () => {
    const { fn, calls } = fakeFetch((url) => {
      if (url.includes('causes=Nope')) {
        return { status: 400, body: { code: 'invalid', message: 'parameter "causes" names "Nope"', details: { parameter: 'causes' }, request_id: 'r-2' } };
      }
      return { body: fc(['giocopp-0:0', 'giocopp-0:1'], undefined, 2) };
    });
    const api = createApi(fn, '/api/v1', ORIGIN);
    const q = new URLSearchParams([['limit', '20'], ['causes', 'Harsh environmental conditions / lack of adequate shelter, food, water'], ['causes', 'Drowning']]);
    const res = await api.analysis('risk/priorities', q);
    expect(res.features.map((f) => f.id)).toEqual(['giocopp-0:0', 'giocopp-0:1']);
    expect(calls[0]).toBe('/api/v1/risk/priorities?limit=20&causes=Harsh+environmental+conditions+%2F+lack+of+adequate+shelter%2C+food%2C+water&causes=Drowning');
    await api.analysis('hotspots', new URLSearchParams());
    expect(calls[1]).toBe('/api/v1/hotspots');
    const err = await api.analysis('risk/segments', new URLSearchParams({ causes: 'Nope' })).catch((e) => e);
    expect(err).toMatchObject({ status: 400, code: 'invalid', requestId: 'r-2' });
  });

  it('keeps the top-level members of an analysis answer (first page), not the collection\'s own', async () => {
    const { fn } = fakeFetch((url) => {
      if (url.includes('offset=1')) return { body: { ...fc(['b']), data_through: '2099-01-01' } };
      return { body: { ...fc(['a'], '/api/v1/risk/priorities?offset=1', 2), data_through: '2025-09-08', caveats: ['A low value is not evidence of safety.'] } };
    });
    const res = await createApi(fn, '/api/v1', ORIGIN).analysis('risk/priorities', new URLSearchParams());
    expect(res.features.map((f) => f.id)).toEqual(['a', 'b']);
    expect(res.members).toEqual({ data_through: '2025-09-08', caveats: ['A low value is not evidence of safety.'] });
    const { fn: plain } = fakeFetch(() => ({ body: fc(['a']) }));
    expect((await createApi(plain, '/api/v1', ORIGIN).analysis('hotspots', new URLSearchParams())).members).toBeUndefined();
  });

  it('escapes ids in paths', async () => {
    const { fn, calls } = fakeFetch(() => ({ body: { type: 'Feature', id: 'a/b', geometry: null, properties: {} } }));
    await createApi(fn, '/api/v1', ORIGIN).feature('incidents', '2014.MMP/../x?y');
    expect(calls[0]).toBe('/api/v1/layers/incidents/features/2014.MMP%2F..%2Fx%3Fy');
  });

  it('drops unusable layer entries and reads values', async () => {
    const { fn } = fakeFetch((url) =>
      url.endsWith('/layers')
        ? { body: { layers: [{ id: 'incidents', kind: 'incident', title: 'I', sources: [{ name: 'IOM', license: 'CC BY-IGO', attribution: 'IOM MMP' }] }, { id: '../x', kind: 'route' }, { id: 'y', kind: 'bogus' }, null] } }
        : { body: { property: 'route', values: [{ value: 'A', count: 3 }, { value: 5, count: 1 }, { value: null }] } },
    );
    const api = createApi(fn, '/api/v1', ORIGIN);
    const layers = await api.layers();
    expect(layers.map((l) => l.id)).toEqual(['incidents']);
    expect(layers[0]!.sources[0]).toEqual({ name: 'IOM', url: '', license: 'CC BY-IGO', attribution: 'IOM MMP' });
    expect(await api.values('incidents', 'route')).toEqual([{ value: 'A', count: 3 }, { value: '5', count: 1 }]);
  });

  it('sends the filters of a values request after the property', async () => {
    const { fn, calls } = fakeFetch(() => ({ body: { property: 'cause_category', values: [] } }));
    const api = createApi(fn, '/api/v1', ORIGIN);
    await api.values('incidents', 'cause_category', undefined, new URLSearchParams([['datetime', '2023-01-01/2023-01-31'], ['route', 'A & B']]));
    expect(calls.at(-1)).toBe(`/api/v1/layers/incidents/values?property=cause_category&datetime=2023-01-01%2F2023-01-31&route=A+%26+B`);
  });
});

describe('privacy tier', () => {
  const withTier = (tier: string | null, body: unknown, status = 200) => new Response(JSON.stringify(body), {
    status, headers: tier === null ? {} : { 'X-Privacy-Tier': tier },
  });

  it('reads X-Privacy-Tier of every answer, tells listeners of a change, and gives the tier of a features answer', async () => {
    let tier: string | null = 'public';
    const fn = async (url: string) =>
      url.endsWith('/layers') ? withTier(tier, { layers: [] })
        : url.includes('/features/') ? withTier(tier, { code: 'forbidden', message: 'restricted' }, 403)
          : withTier(tier, fc(['a'], undefined, 1));
    const api = createApi(fn, '/api/v1', ORIGIN);
    const seen: string[] = [];
    api.onTier((t) => seen.push(t));
    expect(api.tier).toBeNull();
    await api.layers();
    expect(api.tier).toBe('public');
    expect((await api.features('incidents', new URLSearchParams())).tier).toBe('public');
    tier = 'staff';
    expect((await api.features('incidents', new URLSearchParams())).tier).toBe('staff');
    expect(api.tier).toBe('staff');
    tier = 'partner';
    // An error answer states its tier too.
    await expect(api.feature('incidents', 'x')).rejects.toMatchObject({ status: 403 });
    expect(api.tier).toBe('partner');
    expect(seen).toEqual(['public', 'staff', 'partner']);
    // A missing or unknown value changes nothing.
    tier = null;
    expect((await api.features('incidents', new URLSearchParams())).tier).toBeUndefined();
    tier = '<b>root</b>';
    await api.layers();
    expect(api.tier).toBe('partner');
    expect(seen).toHaveLength(3);
  });

  it('reads the tier of the first page of a paged answer', async () => {
    let page = 0;
    const fn = async () => (page++ === 0
      ? withTier('partner', fc(['a'], '/api/v1/layers/incidents/features?offset=1'))
      : withTier('staff', fc(['b'])));
    const res = await createApi(fn, '/api/v1', ORIGIN).features('incidents', new URLSearchParams());
    expect(res.features.map((f) => f.id)).toEqual(['a', 'b']);
    expect(res.tier).toBe('partner');
  });

  it.each([
    ['public', 'public'], ['Partner', 'partner'], [' staff ', 'staff'], ['admin', null], ['', null], [null, null],
  ])('readTier(%j) → %j', (v, want) => {
    expect(readTier(v)).toBe(want);
  });
});

describe('request options', () => {
  it('sends every request with the client\'s credentials mode and headers (an embed: no cookie, its token)', async () => {
    const inits: RequestInit[] = [];
    const fn = async (url: string, init?: RequestInit) => {
      inits.push(init!);
      if (url.endsWith('/embed')) return new Response(JSON.stringify({ id: 'e' }));
      if (url.includes('/values')) return new Response(JSON.stringify({ values: [] }));
      if (url.endsWith('/layers')) return new Response(JSON.stringify({ layers: [] }));
      return new Response(JSON.stringify(fc(['a'])));
    };
    const api = createApi(fn, '/api/v1', ORIGIN, { credentials: 'omit', headers: { 'X-Embed-Token': 'tok' } });
    await api.layers();
    await api.features('incidents', new URLSearchParams());
    await api.analysis('risk/segments', new URLSearchParams());
    await api.values('routes', 'name');
    expect(await api.getJson('/embed')).toEqual({ id: 'e' });
    expect(inits).toHaveLength(5);
    for (const init of inits) {
      expect(init.credentials).toBe('omit');
      const h = new Headers(init.headers);
      expect(h.get('X-Embed-Token')).toBe('tok');
      expect(h.get('Accept')).toContain('application/json');
    }
  });

  it('leaves the browser default without options', async () => {
    const inits: RequestInit[] = [];
    await createApi(async (_u, init) => {
      inits.push(init!);
      return new Response(JSON.stringify({ layers: [] }));
    }, '/api/v1', ORIGIN).layers();
    expect(inits[0]!.credentials).toBeUndefined();
    expect(new Headers(inits[0]!.headers).has('X-Embed-Token')).toBe(false);
  });

  it('lets the options win over the request\'s own headers', () => {
    const init = requestInit({ headers: { Accept: 'text/csv' }, credentials: 'omit' }, { method: 'GET', headers: { Accept: 'application/json', 'X-A': '1' } });
    expect(init.method).toBe('GET');
    expect(init.credentials).toBe('omit');
    expect(new Headers(init.headers).get('Accept')).toBe('text/csv');
    expect(new Headers(init.headers).get('X-A')).toBe('1');
  });
});

describe('nextLink', () => {
  it.each([
    [[{ rel: 'next', href: '/api/v1/a?b=1' }], '/api/v1/a?b=1'],
    [[{ rel: 'next', href: `${ORIGIN}/api/v1/a` }], '/api/v1/a'],
    [[{ rel: 'next', href: 'https://evil.example/api' }], null],
    [[{ rel: 'next', href: '//evil.example/api' }], null],
    [[{ rel: 'next', href: 'javascript:alert(1)' }], null],
    [[{ rel: 'prev', href: '/a' }], null],
    ['not a list', null],
  ])('%j → %s', (links, want) => {
    expect(nextLink(links, ORIGIN)).toBe(want);
  });
});

describe('parseMeta', () => {
  it('keeps hostile text as data and fills defaults', () => {
    const m = parseMeta({ id: 'x', kind: 'service', title: '<b>t</b>', bbox: [1, 2, 3] });
    expect(m).toMatchObject({ id: 'x', title: '<b>t</b>', sources: [], feature_count: 0, bbox: undefined });
  });
});
