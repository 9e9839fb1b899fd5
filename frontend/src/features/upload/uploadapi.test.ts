import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { createSession, CSRF_HEADER } from '../session/session';
import { createUploadApi, errorReport, parseValidation, parseVersions } from './uploadapi';

const CSRF = 'csrf-1';

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: FormData | null;
  credentials?: RequestCredentials;
}

/** A signed-in session over a fake server that answers with `answer`. */
async function setup(answer: (c: Call) => { status: number; body?: unknown }) {
  const calls: Call[] = [];
  const fn = async (url: string, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    if (url === '/api/v1/session') {
      return new Response(JSON.stringify({ name: 'E', role: 'editor', expires_at: '', csrf_token: CSRF }), { status: 200 });
    }
    const c: Call = { url, method, headers: new Headers(init.headers), body: init.body instanceof FormData ? init.body : null, credentials: init.credentials };
    calls.push(c);
    const { status, body } = answer(c);
    return new Response(body === undefined ? null : JSON.stringify(body), { status });
  };
  const session = createSession(fn);
  await session.load();
  return { api: createUploadApi(session), calls };
}

const meta = (version: number) => ({ id: 'clinics', kind: 'service', title: 'Clinics', version, feature_count: 9, sources: [], sensitivity: 'public' });
const file = () => ({ file: new Blob(['name,lat,lon\nA,1,2\n'], { type: 'text/csv' }), name: 'clinics.csv' });

describe('upload api', () => {
  it('checks a file as multipart with kind, format and mapping, and the CSRF token', async () => {
    const { api, calls } = await setup(() => ({
      status: 200,
      body: {
        format: 'csv', kind: 'incident', layout: 'mmp-csv-2026', columns: ['Main ID', 'Incident Date', 7],
        mapping: { date: 'Incident Date', dead: 3 }, fields: ['date', 'dead'],
        report: { read: 2, accepted: 1, repaired: 0, rejected: 1, counts: { bad_coordinates: 1 }, issues: [{ feature: 2, code: 'bad_coordinates', message: 'm', action: 'rejected' }, 'junk'] },
        preview: { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [1, 2] }, properties: {} }, { type: 'Nope' }] },
        bbox: [1, 2, 1, 2], notes: ['delimiter ";"', 5],
      },
    }));
    const v = await api.validate(file(), { kind: 'incident', format: 'csv', mapping: { date: 'Incident Date' } });
    const c = calls[0]!;
    expect(c).toMatchObject({ url: '/api/v1/uploads/validate', method: 'POST', credentials: 'same-origin' });
    expect(c.headers.get(CSRF_HEADER)).toBe(CSRF);
    expect((c.body!.get('file') as File).name).toBe('clinics.csv');
    expect(c.body!.get('kind')).toBe('incident');
    expect(c.body!.get('format')).toBe('csv');
    expect(JSON.parse(String(c.body!.get('mapping')))).toEqual({ date: 'Incident Date' });
    expect(v.columns).toEqual(['Main ID', 'Incident Date']);
    expect(v.mapping).toEqual({ date: 'Incident Date' });
    expect(v.report.issues).toHaveLength(1);
    expect(v.report.issues[0]).toEqual({ feature: 2, id: '', field: '', code: 'bad_coordinates', message: 'm', action: 'rejected' });
    expect(v.preview.features).toHaveLength(1);
    expect(v.bbox).toEqual([1, 2, 1, 2]);
    expect(v.notes).toEqual(['delimiter ";"']);

    // Without overrides, only the file is sent.
    await api.validate(file(), { kind: '', format: '', mapping: null });
    expect([...calls[1]!.body!.keys()]).toEqual(['file']);
  });

  it('publishes a new layer with its fields, and a new version with PUT', async () => {
    const { api, calls } = await setup((c) => ({ status: c.method === 'POST' ? 201 : 200, body: { layer: meta(c.method === 'POST' ? 1 : 2), report: { read: 10, accepted: 9, rejected: 1 } } }));
    const created = await api.create(file(), {
      id: 'clinics', kind: 'service', title: 'Clinics', sensitivity: 'public', source: 'Survey', license: 'CC BY 4.0', attribution: '© Partner',
    }, { mapping: { name: 'name' }, onError: 'skip', coverage: { countries: ' IT, MT ', area: '' } });
    expect(created.layer.version).toBe(1);
    expect(created.report).toMatchObject({ read: 10, accepted: 9, repaired: 0, rejected: 1 });
    const post = calls[0]!;
    expect(post).toMatchObject({ url: '/api/v1/layers', method: 'POST' });
    expect(post.headers.get(CSRF_HEADER)).toBe(CSRF);
    expect(Object.fromEntries([...post.body!.entries()].filter(([k]) => k !== 'file'))).toEqual({
      kind: 'service', mapping: '{"name":"name"}', on_error: 'skip', id: 'clinics', title: 'Clinics', sensitivity: 'public',
      source: 'Survey', license: 'CC BY 4.0', attribution: '© Partner', coverage_countries: 'IT, MT',
    });

    const area = '{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}';
    const replaced = await api.replace('clinics', file(), { onError: 'reject', kind: 'service', coverage: { area } });
    expect(replaced.layer.version).toBe(2);
    expect(calls[1]).toMatchObject({ url: '/api/v1/layers/clinics', method: 'PUT' });
    expect(calls[1]!.headers.get(CSRF_HEADER)).toBe(CSRF);
    expect(calls[1]!.body!.get('on_error')).toBe('reject');
    expect(calls[1]!.body!.get('coverage_area')).toBe(area);
    expect(calls[1]!.body!.get('coverage_countries')).toBeNull();
  });

  it('reads versions, restores and deletes', async () => {
    const { api, calls } = await setup((c) => {
      if (c.url.endsWith('/versions')) return { status: 200, body: { versions: [meta(1), meta(3), meta(2), { id: 'BAD' }], current: 3 } };
      if (c.url.endsWith('/restore')) return { status: 200, body: { layer: meta(4) } };
      return { status: 204 };
    });
    const v = await api.versions('clinics');
    expect(v.current).toBe(3);
    expect(v.versions.map((m) => m.version)).toEqual([3, 2, 1]);
    expect((await api.restore('clinics', 1)).version).toBe(4);
    await api.remove('clinics');
    expect(calls.map((c) => `${c.method} ${c.url} ${c.headers.get(CSRF_HEADER) ?? '-'}`)).toEqual([
      'GET /api/v1/layers/clinics/versions -',
      `POST /api/v1/layers/clinics/versions/1/restore ${CSRF}`,
      `DELETE /api/v1/layers/clinics ${CSRF}`,
    ]);
  });

  it('turns error answers into ApiErrors that carry the report', async () => {
    const { api } = await setup(() => ({
      status: 422,
      body: { code: 'invalid_features', message: '1 feature was rejected', request_id: 'r-1', details: { report: { read: 2, accepted: 1, rejected: 1, issues: [{ feature: 2, code: 'x', message: 'bad', action: 'rejected' }] } } },
    }));
    const err = await api.create(file(), { id: 'a', kind: 'service', title: 'A', sensitivity: 'public', source: 's', license: 'l' }, { onError: 'reject' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 422, message: '1 feature was rejected', requestId: 'r-1' });
    expect(errorReport(err)).toMatchObject({ read: 2, rejected: 1, issues: [{ feature: 2, message: 'bad' }] });
    expect(errorReport(new ApiError('x', 409, 'conflict'))).toBeNull();
    expect(errorReport(new Error('x'))).toBeNull();
  });

  it('reads malformed answers without throwing', () => {
    const v = parseValidation({ columns: 'x', mapping: [], report: null, preview: 7, bbox: [1, 2, 3], kind: 'nope' });
    expect(v).toMatchObject({ format: '', kind: '', columns: [], mapping: {}, fields: [], bbox: null, notes: [] });
    expect(v.report).toEqual({ read: 0, accepted: 0, repaired: 0, rejected: 0, counts: {}, issues: [] });
    expect(parseVersions({})).toEqual({ versions: [], current: 0 });
  });
});
