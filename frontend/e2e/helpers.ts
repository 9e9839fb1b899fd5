import { expect, test, type APIRequestContext, type Page, type Response } from '@playwright/test';

/** Skips the test when global setup found a prerequisite missing (never under CI: there it fails). */
export function skipWithoutServer(): void {
  test.skip(() => !!process.env.ROUTERISK_E2E_SKIP, process.env.ROUTERISK_E2E_SKIP ?? '');
}

/** The URL of the server started by global setup, with `path` appended. */
export function serverUrl(path = '/'): string {
  const base = process.env.ROUTERISK_E2E_URL;
  if (!base) throw new Error('ROUTERISK_E2E_URL is not set: global setup did not start the server');
  return base + path;
}

const errors = new WeakMap<Page, string[]>();

/** What a page did that a test must check: dialogs it opened, errors it threw, console lines. */
export interface PageWatch {
  dialogs: string[];
  errors: string[];
  console: string[];
}

const watches = new WeakMap<Page, PageWatch>();

/**
 * Starts recording what `page` does: every alert/confirm/prompt (dismissed at
 * once — hostile text must never open one), every uncaught error and every
 * console line. Returns the record, the same one on each call for a page.
 */
export function watchPage(page: Page): PageWatch {
  let w = watches.get(page);
  if (!w) {
    const rec: PageWatch = { dialogs: [], errors: [], console: [] };
    page.on('dialog', (d) => {
      rec.dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => rec.errors.push(String(err)));
    page.on('console', (m) => rec.console.push(`${m.type()}: ${m.text()}`));
    watches.set(page, rec);
    w = rec;
  }
  return w;
}

/** Uncaught errors the page has thrown since openDashboard first ran on it. */
export function pageErrors(page: Page): string[] {
  return errors.get(page) ?? [];
}

/** Opens the dashboard at `path` and waits for its first full render. */
export async function openDashboard(page: Page, path = '/'): Promise<void> {
  if (!errors.has(page)) {
    const list: string[] = [];
    errors.set(page, list);
    page.on('pageerror', (err) => list.push(String(err)));
  }
  await page.goto(serverUrl(path));
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await waitIdle(page);
}

/** Waits until no filter change is pending and no layer is loading. */
export async function waitIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => window.__routerisk !== undefined && !window.__routerisk.busy, null, { timeout: 60_000 });
}

/** The roles global setup made an access token for (named e2e-<role>). */
export type Role = 'editor' | 'viewer' | 'staff' | 'partner' | 'admin';

/** The access token global setup made for a role. */
export function roleToken(role: Role): string {
  const t = process.env[`ROUTERISK_E2E_${role.toUpperCase()}_TOKEN`];
  if (!t) throw new Error(`no ${role} token: global setup did not create it`);
  return t;
}

/** Headers that make a request a role's (the bearer token). */
export function asRole(role: Role): Record<string, string> {
  return { Authorization: `Bearer ${roleToken(role)}` };
}

/** numberMatched of a features query, asked of the API directly (with `headers`, e.g. a role's token). */
export async function apiCount(
  request: APIRequestContext, layerId: string, params: Record<string, string> = {}, headers?: Record<string, string>,
): Promise<number> {
  const q = new URLSearchParams({ ...params, limit: '1' });
  const res = await request.get(serverUrl(`/api/v1/layers/${layerId}/features?${q.toString()}`), { headers });
  expect(res.status(), await res.text()).toBe(200);
  const body = await res.json();
  expect(typeof body.numberMatched).toBe('number');
  return body.numberMatched as number;
}

/** The count the panel shows for a layer (data-count of its count line). */
export async function uiCount(page: Page, layerId: string): Promise<number> {
  const v = await page.locator(`#count-${layerId}`).getAttribute('data-count');
  expect(v, `layer ${layerId} has no count`).not.toBeNull();
  return Number(v);
}

/** A GeoJSON answer of the API, as the e2e tests read it. */
export interface Collection {
  numberMatched?: number;
  numberReturned?: number;
  features: { id: string; geometry: { type: string; coordinates: number[][][] }; properties: Record<string, unknown> }[];
}

/** Records the URLs of the page's requests to an API path. */
export function recordRequests(page: Page, path: string): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === path) urls.push(r.url());
  });
  return urls;
}

/** The last request recorded: the one the page shows the answer of once idle. */
export function last(urls: string[]): URL {
  expect(urls.length, 'the page made the request').toBeGreaterThan(0);
  return new URL(urls.at(-1)!);
}

/** Asks the API the same query (path and parameters) the page asked (with `headers`, e.g. a role's token). */
export async function sameQuery(request: APIRequestContext, url: URL, headers?: Record<string, string>): Promise<Collection> {
  const res = await request.get(serverUrl(url.pathname + url.search), { headers });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as Collection;
}

/** Ids and ranks of the priorities list, in page order. */
export async function listed(page: Page): Promise<{ id: string; rank: string }[]> {
  return page.locator('#priorities .priority-list > li').evaluateAll((lis) =>
    lis.map((li) => ({ id: (li as HTMLElement).dataset.id ?? '', rank: (li as HTMLElement).dataset.rank ?? '' })),
  );
}

/** Ids and ranks of a priorities answer, in order. */
export const ranked = (c: Collection) => c.features.map((f) => ({ id: String(f.id), rank: String(f.properties.rank) }));

/** The features path of the bundled restricted incidents layer. */
export const FEATURES = '/api/v1/layers/incidents/features';

/**
 * Every response body the page receives (in any of its frames), as text,
 * read once the test asks for them; `keep` chooses which (by default all).
 */
export function collectBodies(page: Page, keep: (r: Response) => boolean = () => true): () => Promise<{ url: string; body: string }[]> {
  const pending: Promise<{ url: string; body: string }>[] = [];
  page.on('response', (r: Response) => {
    if (!keep(r)) return;
    pending.push(r.body().then((b) => ({ url: r.url(), body: b.toString('utf8') }), () => ({ url: r.url(), body: '' })));
  });
  return () => Promise.all(pending);
}

/** Signs in through the header's dialog with a role's token and waits for the page to settle. */
export async function signIn(page: Page, role: Role): Promise<void> {
  await page.locator('#signin-open').click();
  await page.locator('#signin-token').fill(roleToken(role));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Sign in' })).toBeHidden();
  await expect(page.locator('#signin-state')).toHaveText(`Signed in as e2e-${role} (${role})`);
  await waitIdle(page);
}

/** The numbers of a JSON text as they are written there, e.g. "12.611111". */
export function jsonNumbers(text: string): Set<string> {
  return new Set(text.match(/-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?/g) ?? []);
}

/**
 * 30 incident positions as the staff tier answers them: each coordinate as
 * the JSON text of the exact answer (e.g. "12.611111"; only numbers precise
 * enough not to turn up by chance elsewhere: whole degrees, as some records
 * have, could), and each position as the page would receive it drawn, a
 * coordinate pair of 4 decimals (e.g. "[12.6111,35.5]": single numbers that
 * short do turn up among thousands of service points). `params` narrows the
 * query (e.g. a bbox).
 */
export async function exactPositions(request: APIRequestContext, params: Record<string, string> = {}): Promise<{ exact: string[]; drawn: string[] }> {
  const q = new URLSearchParams({ limit: '30', ...params });
  const res = await request.get(serverUrl(`${FEATURES}?${q.toString()}`), { headers: asRole('staff') });
  expect(res.status()).toBe(200);
  expect(res.headers()['x-privacy-tier']).toBe('staff');
  const text = await res.text();
  const coords = [...text.matchAll(/"coordinates":\[(-?[\d.eE+-]+),(-?[\d.eE+-]+)\]/g)].map((m) => [m[1]!, m[2]!]);
  expect(coords).toHaveLength(30);
  const exact = [...new Set(coords.flat().filter((n) => /\.\d{4,}$/.test(n)))];
  const round = (n: string) => String(Math.round(Number(n) * 1e4) / 1e4);
  const drawn = [...new Set(coords.filter((c) => c.some((n) => /\.\d{3,}$/.test(n))).map(([lon, lat]) => `[${round(lon!)},${round(lat!)}]`))];
  return { exact, drawn };
}

/**
 * Which of `numbers` (whole JSON numbers) and `pairs` (coordinate pairs as
 * JSON text) the bodies hold, with where.
 */
export function found(received: { url: string; body: string }[], numbers: readonly string[], pairs: readonly string[] = []): string[] {
  const hits: string[] = [];
  for (const { url, body } of received) {
    const inBody = jsonNumbers(body);
    for (const n of numbers) if (inBody.has(n)) hits.push(`${n} in ${new URL(url).pathname}`);
    for (const p of pairs) if (body.includes(p)) hits.push(`${p} in ${new URL(url).pathname}`);
  }
  return hits;
}
