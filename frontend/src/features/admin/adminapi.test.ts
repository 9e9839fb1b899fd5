import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { createSession } from '../session/session';
import { createAdminApi, parseAuditPage, parseEmbeds } from './adminapi';

const HOSTILE = '<img src=x onerror=alert(1)>';

/** A fetch that answers from a list of routes and records what was asked. */
function fakeFetch(routes: Record<string, (init?: RequestInit) => Response>) {
  const calls: { url: string; init?: RequestInit }[] = [];
  const fetchFn = async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    const method = (init?.method ?? 'GET').toUpperCase();
    const route = routes[`${method} ${url}`];
    return route ? route(init) : new Response(JSON.stringify({ error: { message: 'no route' } }), { status: 404 });
  };
  return { fetchFn, calls };
}

const json = (v: unknown, status = 200) => new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });

describe('parseAuditPage', () => {
  it('reads entries field by field and the cursor of the next page', () => {
    const page = parseAuditPage({
      entries: [
        { time: '2026-03-01T10:00:00Z', actor: HOSTILE, action: 'sign-in', outcome: 'failed', source: '10.0.0.1', count: 3 },
        'not an entry',
        { time: 5, actor: null, action: 'publish', layer: 'incidents', version: 2, features: 'x' },
      ],
      next_before: 'abc',
    });
    expect(page.nextBefore).toBe('abc');
    expect(page.entries).toHaveLength(2);
    expect(page.entries[0]).toMatchObject({ actor: HOSTILE, action: 'sign-in', outcome: 'failed', source: '10.0.0.1', count: 3 });
    expect(page.entries[1]).toMatchObject({ time: '', actor: '', layer: 'incidents', version: 2, features: 0 });
  });

  it('has no next page without a cursor, and copes with any answer', () => {
    expect(parseAuditPage({ entries: [] }).nextBefore).toBeNull();
    expect(parseAuditPage({ entries: [], next_before: '' }).nextBefore).toBeNull();
    expect(parseAuditPage(null)).toEqual({ entries: [], nextBefore: null });
    expect(parseAuditPage([1, 2])).toEqual({ entries: [], nextBefore: null });
  });
});

describe('parseEmbeds', () => {
  it('reads records, withdrawn or not, and leaves out those without an id', () => {
    const list = parseEmbeds({
      embeds: [
        { id: 'a1', name: HOSTILE, tier: 'public', layers: ['incidents', 3], created_by: 'e2e-staff', created_at: '2026-01-01T00:00:00Z', expires_at: '2026-04-01T00:00:00Z' },
        { id: 'b2', tier: 'partner', layers: 'x', revoked_at: '2026-02-01T00:00:00Z', params: 'route=Central+Mediterranean' },
        { name: 'no id' },
      ],
    });
    expect(list.map((r) => r.id)).toEqual(['a1', 'b2']);
    expect(list[0]).toMatchObject({ name: HOSTILE, layers: ['incidents'], revokedAt: null, params: '' });
    expect(list[1]).toMatchObject({ layers: [], revokedAt: '2026-02-01T00:00:00Z', params: 'route=Central+Mediterranean' });
    expect(parseEmbeds({})).toEqual([]);
  });
});

describe('createAdminApi', () => {
  it('pages the audit log with limit and before, and withdraws with the CSRF token', async () => {
    const { fetchFn, calls } = fakeFetch({
      'POST /api/v1/session': () => json({ name: 'root', role: 'admin', csrf_token: 'csrf-1', expires_at: '' }),
      'GET /api/v1/audit?limit=100': () => json({ entries: [{ actor: 'a', action: 'publish' }], next_before: 'c1' }),
      'GET /api/v1/audit?limit=100&before=c%2F1': () => json({ entries: [{ actor: 'b', action: 'delete' }] }),
      'GET /api/v1/embeds': () => json({ embeds: [{ id: 'e/1' }] }),
      'DELETE /api/v1/embeds/e%2F1': () => new Response(null, { status: 204 }),
    });
    const session = createSession(fetchFn);
    await session.signIn('tok');
    const api = createAdminApi(session);
    expect(await api.auditPage(null)).toEqual({ entries: [expect.objectContaining({ actor: 'a' })], nextBefore: 'c1' });
    expect((await api.auditPage('c/1')).nextBefore).toBeNull();
    expect((await api.embeds()).map((e) => e.id)).toEqual(['e/1']);
    await api.withdraw('e/1');
    const del = calls.at(-1)!;
    expect(del.url).toBe('/api/v1/embeds/e%2F1');
    expect(new Headers(del.init?.headers).get('X-CSRF-Token')).toBe('csrf-1');
  });

  it('rejects with the server\'s error when not allowed', async () => {
    const { fetchFn } = fakeFetch({
      'GET /api/v1/audit?limit=100': () => json({ error: { code: 'forbidden', message: 'administrators only' } }, 403),
    });
    const api = createAdminApi(createSession(fetchFn));
    const err = await api.auditPage(null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
  });
});
