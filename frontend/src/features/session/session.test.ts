import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { canEdit, canSignEmbeds, createSession, CSRF_HEADER, isWrite, parseSession, withCsrf } from './session';

const TOKEN = 'rr_secret-token-0123456789abcdef';
const CSRF = 'csrf-4f1c2b';

interface Call {
  url: string;
  method: string;
  headers: Headers;
  credentials?: RequestCredentials;
  body?: BodyInit | null;
}

const sessionBody = (role = 'editor') => ({ name: 'Amina', role, expires_at: '2026-12-01T10:00:00Z', csrf_token: CSRF });

/** A fake server: the session endpoints and one write endpoint. */
function fakeServer(opts: { signedIn?: boolean; role?: string } = {}) {
  let signedIn = opts.signedIn ?? false;
  const calls: Call[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  const fn = async (url: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    const method = (init.method ?? 'GET').toUpperCase();
    calls.push({ url, method, headers, credentials: init.credentials, body: init.body });
    if (url === '/api/v1/session') {
      if (method === 'GET') return signedIn ? json(200, sessionBody(opts.role)) : json(200, { signed_in: false });
      if (method === 'POST') {
        const { token } = JSON.parse(String(init.body)) as { token: string };
        if (token !== TOKEN) return json(401, { code: 'unauthorized', message: 'the token is not valid', request_id: 'req-9' });
        signedIn = true;
        return json(200, sessionBody(opts.role));
      }
      if (method === 'DELETE') {
        if (headers.get(CSRF_HEADER) !== CSRF) return json(403, { code: 'csrf', message: 'missing CSRF token' });
        signedIn = false;
        return new Response(null, { status: 204 });
      }
    }
    if (url === '/api/v1/layers/x') {
      if (!signedIn) return json(401, { code: 'unauthorized', message: 'not signed in' });
      if (method !== 'GET' && headers.get(CSRF_HEADER) !== CSRF) return json(403, { code: 'csrf', message: 'missing CSRF token' });
      return json(200, { ok: true });
    }
    return json(404, { code: 'not_found', message: 'no such endpoint' });
  };
  return { fn, calls, expire: () => { signedIn = false; } };
}

describe('session', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('signs in with the token in the body of one request, and keeps only the name, the role and the CSRF token', async () => {
    const server = fakeServer();
    const session = createSession(server.fn);
    const urlBefore = location.href;
    const changes: (string | null)[] = [];
    session.subscribe((info) => changes.push(info ? `${info.name}:${info.role}` : null));

    const info = await session.signIn(TOKEN);
    expect(info).toEqual({ name: 'Amina', role: 'editor', expiresAt: '2026-12-01T10:00:00Z' });
    expect(session.info).toEqual(info);
    expect(changes).toEqual(['Amina:editor']);

    const post = server.calls[0]!;
    expect(post).toMatchObject({ url: '/api/v1/session', method: 'POST', credentials: 'same-origin' });
    expect(JSON.parse(String(post.body))).toEqual({ token: TOKEN });
    expect(post.headers.get('Content-Type')).toBe('application/json');

    // The token went nowhere else: not to storage, not to the URL, not to the session object.
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(location.href).toBe(urlBefore);
    expect(location.href).not.toContain(TOKEN);
    expect(JSON.stringify(session.info)).not.toContain(TOKEN);
    expect(JSON.stringify(session)).not.toContain(TOKEN);
    expect(JSON.stringify(session)).not.toContain(CSRF);
    expect(document.cookie).toBe('');

    // Later requests never carry it.
    await session.request('/api/v1/layers/x', { method: 'PUT' });
    await session.request('/api/v1/layers/x');
    for (const c of server.calls.slice(1)) {
      expect(String(c.body ?? '')).not.toContain(TOKEN);
      expect([...c.headers.values()].join(' ')).not.toContain(TOKEN);
    }
  });

  it('adds X-CSRF-Token to writes only, with same-origin credentials on every request', async () => {
    const server = fakeServer({ signedIn: true });
    const session = createSession(server.fn);
    await session.load();
    for (const method of ['POST', 'PUT', 'DELETE', 'patch']) {
      await session.request('/api/v1/layers/x', { method });
    }
    await session.request('/api/v1/layers/x', { method: 'GET' });
    await session.request('/api/v1/layers/x');
    const [load, ...rest] = server.calls;
    expect(load!.headers.has(CSRF_HEADER)).toBe(false);
    expect(rest.map((c) => [c.method, c.headers.get(CSRF_HEADER), c.credentials])).toEqual([
      ['POST', CSRF, 'same-origin'],
      ['PUT', CSRF, 'same-origin'],
      ['DELETE', CSRF, 'same-origin'],
      ['PATCH', CSRF, 'same-origin'],
      ['GET', null, 'same-origin'],
      ['GET', null, 'same-origin'],
    ]);
    expect(localStorage.length + sessionStorage.length).toBe(0);
  });

  it('keeps the headers a request already has', () => {
    const init = withCsrf({ method: 'POST', headers: { 'Content-Type': 'application/json' } }, CSRF);
    const h = new Headers(init.headers);
    expect(h.get('Content-Type')).toBe('application/json');
    expect(h.get(CSRF_HEADER)).toBe(CSRF);
    expect(h.get('Accept')).toBe('application/json');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(withCsrf({ method: 'POST' }, null).headers).has(CSRF_HEADER)).toBe(false);
    expect(isWrite(undefined)).toBe(false);
    expect(isWrite('delete')).toBe(true);
  });

  it('reads the session on load: signed in, or not ({"signed_in":false}, or 401 from an older server)', async () => {
    expect(await createSession(fakeServer().fn).load()).toBeNull();
    const older = async () => new Response(JSON.stringify({ code: 'unauthorized', message: 'not signed in' }), { status: 401 });
    expect(await createSession(older).load()).toBeNull();
    const s = createSession(fakeServer({ signedIn: true, role: 'viewer' }).fn);
    expect(await s.load()).toMatchObject({ name: 'Amina', role: 'viewer' });
    expect(canEdit(s.info?.role)).toBe(false);
  });

  it('rejects a bad token with the server message, and stays signed out', async () => {
    const session = createSession(fakeServer().fn);
    const err = await session.signIn('wrong').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 401, message: 'the token is not valid', requestId: 'req-9' });
    expect(session.info).toBeNull();
  });

  it('signs out with the CSRF token, and writes carry none afterwards', async () => {
    const server = fakeServer();
    const session = createSession(server.fn);
    await session.signIn(TOKEN);
    const changes: unknown[] = [];
    session.subscribe((info) => changes.push(info));
    await session.signOut();
    expect(session.info).toBeNull();
    expect(changes).toEqual([null]);
    const del = server.calls.find((c) => c.method === 'DELETE')!;
    expect(del.headers.get(CSRF_HEADER)).toBe(CSRF);
    await expect(session.request('/api/v1/layers/x', { method: 'POST' })).rejects.toMatchObject({ status: 401 });
    expect(server.calls.at(-1)!.headers.has(CSRF_HEADER)).toBe(false);
  });

  it('ends the session on the page when the server answers 401', async () => {
    const server = fakeServer();
    const session = createSession(server.fn);
    await session.signIn(TOKEN);
    server.expire();
    const changes: unknown[] = [];
    session.subscribe((info) => changes.push(info));
    await expect(session.request('/api/v1/layers/x', { method: 'PUT' })).rejects.toMatchObject({ status: 401 });
    expect(session.info).toBeNull();
    expect(changes).toEqual([null]);
  });

  it('reports an unreachable server as status 0', async () => {
    const session = createSession(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(session.load()).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('refuses answers that are not a session', () => {
    expect(() => parseSession({ name: 'x', role: 'root', csrf_token: 'c' })).toThrow(ApiError);
    expect(() => parseSession({ name: 'x', role: 'admin' })).toThrow(ApiError);
    expect(() => parseSession(null)).toThrow(ApiError);
    expect(parseSession({ name: 'x', role: 'admin', csrf_token: 'c' }).info.expiresAt).toBe('');
    expect(canEdit('editor')).toBe(true);
    expect(canEdit('admin')).toBe(true);
    expect(canEdit('staff')).toBe(false);
    expect(canEdit(null)).toBe(false);
  });
});

describe('who may make signed embeds', () => {
  it('is staff, editors and administrators', () => {
    expect(['viewer', 'partner', 'staff', 'editor', 'admin', null, undefined].map((r) => canSignEmbeds(r as never))).toEqual([false, false, true, true, true, false, false]);
  });
});
