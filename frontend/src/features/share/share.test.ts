import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { parseSignedEmbed, signedEmbedBody } from '../embed/signed';
import { createI18n } from '../../shared/i18n';
import type { Session, SessionInfo } from '../session/session';
import { copyField, createShareDialog, type SharedMap } from './share';

const i18n = createI18n();
const ORIGIN = 'https://rr.example.org';
const HOSTILE = '"><script>alert(1)</script>';

/** A session with a role, recording its requests; `answer` gives the reply of POST /embeds. */
function fakeSession(role: SessionInfo['role'] | null, answer: () => Response = () => new Response('{}', { status: 201 })) {
  let info: SessionInfo | null = role ? { name: `e2e-${role}`, role, expiresAt: '' } : null;
  const listeners = new Set<(i: SessionInfo | null) => void>();
  const requests: { url: string; init: RequestInit }[] = [];
  const session: Session = {
    get info() {
      return info;
    },
    load: async () => info,
    signIn: async () => info!,
    signOut: async () => {
      info = null;
      for (const fn of listeners) fn(null);
    },
    request: async (url, init = {}) => {
      requests.push({ url, init });
      const res = answer();
      if (!res.ok) {
        const body = await res.json();
        throw new ApiError(body.message, res.status, body.code);
      }
      return res;
    },
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return { session, requests };
}

const MAP: SharedMap = {
  bbox: [5, 25, 35, 45],
  layers: ['routes', 'incidents', 'risk'],
  filters: { from: '2020-01-01', to: '', route: '', cause: 'Drowning', category: '' },
  width: 1000,
  height: 700,
};

function setup(role: SessionInfo['role'] | null = null, opts: { clipboard?: Pick<Clipboard, 'writeText'> | null; answer?: () => Response } = {}) {
  const { session, requests } = fakeSession(role, opts.answer);
  const share = createShareDialog(i18n, {
    session,
    origin: ORIGIN,
    today: '2026-11-27',
    clipboard: opts.clipboard ?? null,
    previewDelayMs: 0,
    source: { pageUrl: () => `${ORIGIN}/?z=4&lat=35&lon=15`, map: () => MAP },
  });
  document.body.replaceChildren(share.button, share.dialog);
  const q = <T extends Element>(sel: string) => share.dialog.querySelector<T>(sel)!;
  const type = (el: HTMLInputElement, v: string) => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  };
  return {
    share, session, requests, q, type,
    snippet: () => q<HTMLTextAreaElement>('#share-snippet').value,
    iframe: () => new DOMParser().parseFromString(q<HTMLTextAreaElement>('#share-snippet').value, 'text/html').querySelector('iframe')!,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => document.body.replaceChildren());

describe('share dialog', () => {
  it('opens from its button with the link to this view, and closes with Escape, the focus back on the button', () => {
    const { share, q } = setup();
    expect(share.button.textContent).toBe('Share / embed');
    expect(share.button.getAttribute('aria-haspopup')).toBe('dialog');
    share.button.focus();
    share.button.click();
    expect(share.dialog.hasAttribute('open')).toBe(true);
    expect(q<HTMLInputElement>('#share-link').value).toBe(`${ORIGIN}/?z=4&lat=35&lon=15`);
    expect(document.activeElement).toBe(q('#share-link'));
    share.dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(share.dialog.hasAttribute('open')).toBe(false);
    expect(document.activeElement).toBe(share.button);
  });

  it('names every control for screen readers', () => {
    const { share } = setup('admin');
    const unnamed = [...share.dialog.querySelectorAll('input, select, textarea, button, iframe')]
      .filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length ?? 0;
        return labelled === 0 && !el.getAttribute('aria-label') && !el.getAttribute('title') && !(el.textContent ?? '').trim();
      })
      .map((el) => el.id);
    expect(unnamed).toEqual([]);
  });

  it('builds the iframe snippet of the map as shown, and follows the options', () => {
    const { share, q, type, iframe, snippet } = setup();
    share.open();
    let f = iframe();
    const src = new URL(f.getAttribute('src')!);
    expect(src.origin + src.pathname).toBe(`${ORIGIN}/embed`);
    expect(Object.fromEntries(src.searchParams)).toEqual({
      bbox: '5,25,35,45', layers: 'routes,incidents,risk', from: '2020-01-01', cause: 'Drowning', asof: '2026-11-27', legend: '1', lang: 'en',
    });
    expect([f.getAttribute('width'), f.getAttribute('height'), f.getAttribute('title')]).toEqual(['800', '500', 'RouteRisk map']);
    expect(f.getAttribute('referrerpolicy')).toBe('strict-origin-when-cross-origin');
    expect(f.getAttribute('loading')).toBe('lazy');

    type(q('#share-embed-title'), HOSTILE);
    const legend = q<HTMLInputElement>('#share-legend');
    legend.checked = false;
    legend.dispatchEvent(new Event('change'));
    type(q('#share-asof'), '2026-01-31');
    type(q('#share-width'), '640');
    type(q('#share-height'), '99999');
    // The title is escaped in the snippet, and a browser reads it back as the same text.
    expect(snippet()).toContain('title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(snippet()).not.toContain('<script>');
    f = iframe();
    expect(f.getAttribute('title')).toBe(HOSTILE);
    const s2 = new URL(f.getAttribute('src')!);
    expect([s2.searchParams.get('title'), s2.searchParams.get('legend'), s2.searchParams.get('asof')]).toEqual([HOSTILE, '0', '2026-01-31']);
    expect([f.getAttribute('width'), f.getAttribute('height')]).toEqual(['640', '4000']);
    expect(q('#share-oembed').textContent).toBe(`oEmbed: ${ORIGIN}/oembed?${new URLSearchParams({ url: f.getAttribute('src')! }).toString()}`);
  });

  it('shows the embed in the preview, and nothing once closed', async () => {
    const { share, q, type } = setup();
    share.open();
    const preview = q<HTMLIFrameElement>('#share-preview');
    expect(preview.getAttribute('src')).toMatch(/^https:\/\/rr\.example\.org\/embed\?bbox=/);
    expect(preview.title).toBe('Preview of the embedded map');
    type(q('#share-embed-title'), 'Central Med');
    await tick();
    expect(new URL(preview.getAttribute('src')!).searchParams.get('title')).toBe('Central Med');
    share.close();
    expect(preview.hasAttribute('src')).toBe(false);
  });

  it('links the map as PNG and SVG at its size, twice the resolution, with title and date', () => {
    const { share, q, type } = setup();
    share.open();
    type(q('#share-embed-title'), 'Routes');
    for (const [id, path] of [['#share-png', '/api/v1/render.png'], ['#share-svg', '/api/v1/render.svg']] as const) {
      const a = q<HTMLAnchorElement>(id);
      expect(a.hasAttribute('download')).toBe(true);
      const u = new URL(a.getAttribute('href')!, ORIGIN);
      expect(u.pathname).toBe(path);
      expect(Object.fromEntries(u.searchParams)).toMatchObject({
        bbox: '5,25,35,45', layers: 'routes,incidents,risk', width: '1000', height: '700', ratio: '2', title: 'Routes', asof: '2026-11-27',
      });
    }
  });

  it('copies with the clipboard, or selects the text without one', async () => {
    const written: string[] = [];
    const withClipboard = setup(null, { clipboard: { writeText: async (s) => void written.push(s) } });
    withClipboard.share.open();
    withClipboard.q<HTMLButtonElement>('#share-snippet-copy').click();
    await tick();
    expect(written).toEqual([withClipboard.snippet()]);
    expect(withClipboard.q('#share-status').textContent).toBe('Copied to the clipboard.');

    const without = setup();
    without.share.open();
    without.q<HTMLButtonElement>('#share-link-copy').click();
    await tick();
    const link = without.q<HTMLInputElement>('#share-link');
    expect([link.selectionStart, link.selectionEnd]).toEqual([0, link.value.length]);
    expect(without.q('#share-status').textContent).toContain('press Ctrl+C');

    const refused = document.createElement('input');
    refused.value = 'x';
    expect(await copyField(refused, { writeText: async () => { throw new Error('denied'); } })).toBe('selected');
  });

  it.each([null, 'viewer', 'partner'] as const)('offers no signed embed to %s', (role) => {
    const { share, q } = setup(role);
    share.open();
    expect(q<HTMLElement>('#share-signed').hidden).toBe(true);
  });

  it.each(['staff', 'editor', 'admin'] as const)('lets %s make a signed partner embed; the snippet and images then use it', async (role) => {
    const made = { id: 'emb_1', token: 'tok.partner', url: `${ORIGIN}/embed?token=tok.partner`, expires_at: '2026-12-27T10:00:00Z', tier: 'partner' };
    const { share, q, type, requests, iframe } = setup(role, { answer: () => new Response(JSON.stringify(made), { status: 201 }) });
    share.open();
    expect(q<HTMLElement>('#share-signed').hidden).toBe(false);
    expect(q('#share-partner-warning').textContent).toBe('A partner-tier embed shows rounded incident positions to anyone who can see the report it is in.');
    type(q('#share-embed-title'), HOSTILE);
    type(q('#share-signed-name'), 'Quarterly report');
    const tier = q<HTMLSelectElement>('#share-signed-tier');
    tier.value = 'partner';
    tier.dispatchEvent(new Event('change'));
    type(q('#share-signed-days'), '90');
    q<HTMLButtonElement>('#share-signed-create').click();
    await tick();
    await tick();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('/api/v1/embeds');
    expect(requests[0]!.init.method).toBe('POST');
    expect(JSON.parse(String(requests[0]!.init.body))).toEqual({
      name: 'Quarterly report', tier: 'partner', view: { bbox: [5, 25, 35, 45] }, layers: ['routes', 'incidents', 'risk'],
      params: 'from=2020-01-01&cause=Drowning', title: HOSTILE, lang: 'en', legend: true, asof: '2026-11-27', expires_in_days: 90,
    });
    expect(q('#share-signed-message').textContent).toContain('it expires on 2026-12-27');
    expect(iframe().getAttribute('src')).toBe(made.url);
    expect(iframe().getAttribute('title')).toBe(HOSTILE);
    expect(q<HTMLInputElement>('#share-signed-url').value).toBe(made.url);
    expect(new URL(q<HTMLAnchorElement>('#share-png').href, ORIGIN).searchParams.get('token')).toBe('tok.partner');
    expect(q<HTMLInputElement>('#share-embed-title').disabled).toBe(true);
    // Back to an unsigned embed.
    q<HTMLButtonElement>('#share-signed-clear').click();
    expect(new URL(iframe().getAttribute('src')!).searchParams.has('token')).toBe(false);
    expect(q<HTMLInputElement>('#share-embed-title').disabled).toBe(false);
  });

  it('checks the name and the expiry, and shows the server message of a refusal', async () => {
    const { share, q, type, requests } = setup('staff', {
      answer: () => new Response(JSON.stringify({ code: 'forbidden', message: '<b>not allowed</b>' }), { status: 403 }),
    });
    share.open();
    const create = q<HTMLButtonElement>('#share-signed-create');
    create.click();
    expect(q('#share-signed-message').textContent).toBe('Enter a name.');
    expect(q('#share-signed-name').getAttribute('aria-invalid')).toBe('true');
    type(q('#share-signed-name'), 'x');
    for (const bad of ['0', '366', '1.5', '']) {
      type(q('#share-signed-days'), bad);
      create.click();
      expect(q('#share-signed-message').textContent).toBe('Enter a whole number of days from 1 to 365.');
    }
    expect(requests).toHaveLength(0);
    type(q('#share-signed-days'), '365');
    create.click();
    await tick();
    await tick();
    expect(requests).toHaveLength(1);
    const msg = q('#share-signed-message');
    expect(msg.textContent).toBe('The signed embed could not be made: <b>not allowed</b>');
    expect(msg.querySelector('b')).toBeNull();
  });
});

describe('signed embeds', () => {
  it('reads the answer, replacing a URL that is not http(s)', () => {
    expect(parseSignedEmbed({ id: 'e', token: 't k', url: 'javascript:alert(1)', tier: 'partner' }, ORIGIN)).toEqual({
      id: 'e', token: 't k', url: `${ORIGIN}/embed?token=t+k`, expiresAt: '', tier: 'partner',
    });
    expect(parseSignedEmbed({ id: 'e', token: '' }, ORIGIN)).toBeNull();
    expect(parseSignedEmbed({ id: 'e', token: 't', tier: 'staff' }, ORIGIN)!.tier).toBe('public');
  });

  it('builds the body from the state', () => {
    expect(signedEmbedBody({
      view: { bbox: [1, 2, 3, 4] }, filters: { from: '', to: '', route: 'R', cause: '', category: '' }, title: ' T ', legend: false, asof: '2026-01-01', lang: 'xx"',
    }, '  name ', 'public', 7)).toEqual({
      name: 'name', tier: 'public', view: { bbox: [1, 2, 3, 4] }, layers: [], params: 'route=R', title: 'T', lang: 'en', legend: false, asof: '2026-01-01', expires_in_days: 7,
    });
  });
});
