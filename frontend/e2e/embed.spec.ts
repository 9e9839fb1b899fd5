import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Browser, type Frame, type Page, type Response } from '@playwright/test';
import {
  apiCount, asRole, collectBodies, exactPositions, FEATURES, found, openDashboard, pageErrors, watchPage, recordRequests, sameQuery, serverUrl, signIn,
  skipWithoutServer, last,
} from './helpers';

/**
 * The embedded map (/embed): framed by a report on another origin, it shows
 * the layers, title, date and legend asked for; anonymously it receives no
 * exact incident position, nor do its images; the dashboard's "Share /
 * embed" dialog builds its snippet with the title escaped, previews it, and
 * lets staff make a signed partner embed, whose token a tampered copy does
 * not pass and whose revocation ends the map.
 */

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

const HOSTILE = '"><script>alert(1)</script>';
const BBOX = '5,25,35,45';

test.beforeEach(({ page }) => {
  watchPage(page);
});

test.afterEach(({ page }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
  expect(w.errors, 'uncaught errors in any frame').toEqual([]);
});

/** A report on another origin (another port of 127.0.0.1) that frames `embedPath` of RouteRisk. */
async function reportSite(embedPath: string): Promise<{ url: string; close: () => Promise<void> }> {
  const src = serverUrl(embedPath).replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Field report</title></head><body>
<h1>Field report</h1><p>The map below comes from RouteRisk.</p>
<iframe id="routerisk" src="${src}" width="800" height="500" style="border:0" title="RouteRisk map" referrerpolicy="strict-origin-when-cross-origin"></iframe>
</body></html>`);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

/** The embed's frame once its first render is done. */
async function embedFrame(page: Page, name = /\/embed\?/): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => name.test(f.url())), { timeout: 30_000 }).toBe(true);
  const frame = page.frames().find((f) => name.test(f.url()))!;
  await frame.waitForFunction(() => window.__routerisk_embed?.ready === true || window.__routerisk_embed?.error != null, null, { timeout: 60_000 });
  expect(await frame.evaluate(() => window.__routerisk_embed!.error)).toBeNull();
  return frame;
}

/** Whether canvases of a map pane hold any painted pixel. */
async function painted(frame: Frame, pane: string): Promise<boolean> {
  return frame.evaluate((p) => [...document.querySelectorAll<HTMLCanvasElement>(`.leaflet-${p}-pane canvas`)].some((c) => {
    if (c.width === 0 || c.height === 0) return false;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) return true;
    return false;
  }), pane);
}

/** Responses of RouteRisk's origin only (the report's page is left out). */
const fromRouteRisk = (r: Response) => new URL(r.url()).origin === new URL(serverUrl()).origin;

test('a report on another site frames the embed: layers drawn as the API counts them, title, date and legend shown', async ({ page, request }) => {
  const title = `Deaths and services ${HOSTILE}`;
  const path = `/embed?${new URLSearchParams({ bbox: BBOX, layers: 'routes,incidents,services', title, asof: '2026-06-30' }).toString()}`;
  const site = await reportSite(path);
  const embedAnswers: Response[] = [];
  page.on('response', (r) => {
    if (fromRouteRisk(r) && new URL(r.url()).pathname === '/embed') embedAnswers.push(r);
  });
  const incidents = recordRequests(page, FEATURES);
  try {
    await page.goto(site.url);
    const frame = await embedFrame(page);
    expect(new URL(frame.url()).origin).not.toBe(new URL(site.url).origin);

    // The page may be framed by anyone (frame-ancestors *, the default).
    expect(embedAnswers).toHaveLength(1);
    expect(embedAnswers[0]!.status()).toBe(200);
    const csp = embedAnswers[0]!.headers()['content-security-policy'] ?? '';
    expect(csp).toMatch(/frame-ancestors \*/);
    expect(embedAnswers[0]!.headers()['x-frame-options']).toBeUndefined();

    // Counts: what the API returns for the same requests.
    const state = await frame.evaluate(() => window.__routerisk_embed!);
    expect(state.tier).toBe('public');
    expect(Object.keys(state.counts).sort()).toEqual(['incidents', 'routes', 'services']);
    expect(state.counts.routes).toBe(await apiCount(request, 'routes'));
    expect(state.counts.services).toBe(await apiCount(request, 'services'));
    const cells = await sameQuery(request, last(incidents));
    expect(state.counts.incidents).toBe(cells.numberMatched);
    for (const id of ['routes', 'incidents', 'services']) expect(state.counts[id], id).toBeGreaterThan(0);
    expect(cells.features.every((f) => f.properties.aggregated === true)).toBe(true);
    for (const pane of ['route', 'incident', 'service']) expect(await painted(frame, pane), `${pane} pane painted`).toBe(true);

    // Title (as text), date, legend, links.
    await expect(frame.locator('#embed-title')).toHaveText(title);
    await expect(frame.locator('script:not([src])')).toHaveCount(0);
    await expect(frame.locator('#embed-asof')).toHaveText('As of June 30, 2026');
    await expect(frame.locator('#embed-asof time')).toHaveAttribute('datetime', '2026-06-30');
    await expect(frame.locator('#embed-legend')).toBeVisible();
    await expect(frame.locator('#embed-legend .legend-route li').first()).toBeVisible();
    await expect(frame.locator('#embed-legend .legend-incident .swatch-area')).toHaveCount(5);
    await expect(frame.locator('.leaflet-control-attribution')).toContainText('IOM Missing Migrants Project');
    const download = new URL((await frame.locator('#embed-download').getAttribute('href'))!, frame.url());
    expect(download.pathname).toBe('/api/v1/render.png');
    expect(download.searchParams.get('layers')).toBe('routes,incidents,services');
    expect(download.searchParams.get('title')).toBe(title);
    const open = frame.locator('#embed-open');
    await expect(open).toHaveAttribute('target', '_blank');
    await expect(open).toHaveAttribute('rel', 'noopener');
    const dashboard = new URL((await open.getAttribute('href'))!, frame.url());
    expect(dashboard.pathname).toBe('/');
    expect(dashboard.searchParams.get('layers')).toBe('routes,incidents,services');

    // Nothing was refused by a Content-Security-Policy.
    const refused = watchPage(page).console.filter((l) => /content security policy|frame-ancestors|refused to/i.test(l));
    expect(refused).toEqual([]);
  } finally {
    await site.close();
  }
});

test('an anonymous embed of the restricted incidents receives no exact position, nor do its images', async ({ page, request }) => {
  const path = `/embed?${new URLSearchParams({ bbox: BBOX, layers: 'incidents', title: 'Incidents' }).toString()}`;
  const site = await reportSite(path);
  const bodies = collectBodies(page, fromRouteRisk);
  try {
    await page.goto(site.url);
    const frame = await embedFrame(page);
    expect(await frame.evaluate(() => window.__routerisk_embed!.counts.incidents)).toBeGreaterThan(0);
    expect(await frame.evaluate(() => window.__routerisk_embed!.tier)).toBe('public');
    await expect(frame.locator('#embed-tier')).toBeHidden();

    const { exact, drawn } = await exactPositions(request, { bbox: BBOX });
    expect(exact.length).toBeGreaterThanOrEqual(20);
    expect(drawn.length).toBeGreaterThanOrEqual(20);
    const received = await bodies();
    expect(received.map((r) => new URL(r.url).pathname)).toContain(FEATURES);
    expect(found(received, exact, drawn)).toEqual([]);

    // The image, anonymously: a PNG of the size asked (CSS pixels × ratio).
    for (const [w, h, ratio] of [[640, 400, 1], [300, 200, 2]] as const) {
      const q = new URLSearchParams({ bbox: BBOX, layers: 'incidents,routes', title: HOSTILE, width: String(w), height: String(h), ratio: String(ratio) });
      const res = await request.get(serverUrl(`/api/v1/render.png?${q.toString()}`));
      expect(res.status(), await res.text().catch(() => '')).toBe(200);
      expect(res.headers()['content-type']).toContain('image/png');
      expect(res.headers()['content-disposition'] ?? '').toMatch(/^attachment;.*filename=/);
      expect(res.headers()['x-privacy-tier']).toBe('public');
      const png = await res.body();
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([w * ratio, h * ratio]);
    }

    // The SVG and the priorities CSV hold none of the positions either.
    const svg = await request.get(serverUrl(`/api/v1/render.svg?${new URLSearchParams({ bbox: BBOX, layers: 'incidents', width: '800', height: '500' }).toString()}`));
    expect(svg.status()).toBe(200);
    expect(svg.headers()['content-type']).toContain('image/svg+xml');
    const svgText = await svg.text();
    expect(svgText).toContain('<svg');
    const csv = await request.get(serverUrl('/api/v1/risk/priorities?format=csv&limit=500'));
    expect(csv.status()).toBe(200);
    const sources = [{ url: svg.url(), body: svgText }, { url: csv.url(), body: await csv.text() }];
    expect(found(sources, exact, drawn)).toEqual([]);
  } finally {
    await site.close();
  }
});

/** Opens the share dialog of the dashboard. */
async function openShare(page: Page): Promise<void> {
  await page.locator('#share-open').click();
  await expect(page.getByRole('dialog', { name: 'Share or embed this map' })).toBeVisible();
}

/** Creates a signed embed through the dialog (signed in) and returns its URL. */
async function createSigned(page: Page, name: string, tier: 'public' | 'partner'): Promise<string> {
  await expect(page.locator('#share-signed')).toBeVisible();
  await page.locator('#share-signed-name').fill(name);
  await page.locator('#share-signed-tier').selectOption(tier);
  await page.locator('#share-signed-days').fill('7');
  await page.locator('#share-signed-create').click();
  await expect(page.locator('#share-signed-message')).toContainText(`Signed embed “${name}” made at the ${tier} tier`);
  const url = await page.locator('#share-signed-url').inputValue();
  expect(url).toMatch(/\/embed\?token=/);
  return url;
}

/** A page in a fresh browser context (no cookie of the dashboard's); its uncaught errors go to `errors`. */
async function freshPage(browser: Browser, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 640 } });
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  return p;
}

test('the share dialog escapes the title in the snippet and previews the embed', async ({ page }) => {
  await openDashboard(page, '/?z=4&lat=35&lon=15&layers=routes,incidents,risk');
  await openShare(page);
  await expect(page.locator('#share-link')).toHaveValue(/\?z=4&lat=35&lon=15&layers=routes%2Cincidents%2Crisk$/);
  const snippet = page.locator('#share-snippet');
  await expect(snippet).toHaveValue(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\?bbox=/);
  await page.locator('#share-embed-title').fill(`${HOSTILE} Report`);
  await expect(snippet).toHaveValue(/ title="&quot;&gt;&lt;script&gt;alert\(1\)&lt;\/script&gt; Report" /);
  const value = await snippet.inputValue();
  expect(value).not.toContain('<script>');
  const src = new URL(value.match(/src="([^"]+)"/)![1]!.replace(/&amp;/g, '&'));
  expect(src.searchParams.get('title')).toBe(`${HOSTILE} Report`);
  expect(src.searchParams.get('layers')).toBe('routes,incidents,risk');

  // The preview shows the embed, with the title as text.
  const frame = await embedFrame(page, /\/embed\?.*title=/);
  await expect(frame.locator('#embed-title')).toHaveText(`${HOSTILE} Report`);
  const counts = await frame.evaluate(() => window.__routerisk_embed!.counts);
  expect(counts.routes).toBeGreaterThan(0);
  expect(counts.risk).toBeGreaterThan(0);

  // The image links: the map's bounds and size, twice the resolution.
  const png = new URL((await page.locator('#share-png').getAttribute('href'))!, page.url());
  expect(png.pathname).toBe('/api/v1/render.png');
  expect(png.searchParams.get('ratio')).toBe('2');
  const mapBox = (await page.locator('#map').boundingBox())!;
  expect(Number(png.searchParams.get('width'))).toBe(Math.round(mapBox.width));
  expect(png.searchParams.get('title')).toBe(`${HOSTILE} Report`);
  const res = await page.request.get(png.href);
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toContain('image/png');
  await expect(page.locator('#share-oembed')).toContainText('oEmbed: http://127.0.0.1:');

  // Anonymous readers are not offered a signed embed.
  await expect(page.locator('#share-signed')).toBeHidden();
});

test('staff make a signed partner embed: partner view anywhere, a tampered token refused, a revoked one ends the map', async ({ page, browser, request }) => {
  await openDashboard(page, '/?z=5&lat=35.5&lon=14&layers=routes,incidents');
  await signIn(page, 'staff');
  await openShare(page);
  await page.locator('#share-embed-title').fill('Partner briefing');
  const url = await createSigned(page, 'E2E partner embed', 'partner');
  expect(await page.locator('#share-snippet').inputValue()).toContain(` src="${url.replace(/&/g, '&amp;')}" `);
  await expect(page.locator('#share-embed-title')).toBeDisabled();

  // In a browser without the staff cookie: the partner view, points at 0.1°.
  const otherErrors: string[] = [];
  const other = await freshPage(browser, otherErrors);
  const incidentAnswers: Promise<{ features: { geometry: { coordinates: number[] } }[] } | null>[] = [];
  const tokens: (string | undefined)[] = [];
  other.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/v1/')) tokens.push(r.headers()['x-embed-token']);
  });
  other.on('response', (r) => {
    if (new URL(r.url()).pathname === FEATURES) incidentAnswers.push(r.json().catch(() => null));
  });
  const res = await other.goto(url);
  expect(res!.status()).toBe(200);
  const frame = other.mainFrame();
  await frame.waitForFunction(() => window.__routerisk_embed?.ready === true || window.__routerisk_embed?.error != null, null, { timeout: 60_000 });
  const state = await frame.evaluate(() => window.__routerisk_embed!);
  expect(state.error).toBeNull();
  expect(state.tier).toBe('partner');
  expect(state.counts.incidents).toBeGreaterThan(0);
  await expect(other.locator('#embed-title')).toHaveText('Partner briefing');
  await expect(other.locator('#embed-tier')).toHaveText('Partner view: positions rounded to about 10 km');
  const token = new URL(url).searchParams.get('token')!;
  expect(tokens.length).toBeGreaterThan(2);
  expect(tokens.filter((t) => t !== token)).toEqual([]);
  const answers = (await Promise.all(incidentAnswers)).filter((a) => a !== null);
  expect(answers.length).toBeGreaterThan(0);
  const fine = answers.flatMap((a) => a!.features.flatMap((f) => f.geometry.coordinates)).filter((c) => !/^-?\d+(\.\d)?$/.test(String(c)));
  expect(fine.slice(0, 10)).toEqual([]);
  const download = new URL((await other.locator('#embed-download').getAttribute('href'))!, url);
  expect(download.searchParams.get('token')).toBe(token);

  // A tampered token: the server's own error page.
  const i = Math.floor(token.length / 2) + (token[Math.floor(token.length / 2)] === '.' ? 1 : 0);
  const tampered = token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
  const bad = await (await freshPage(browser, otherErrors)).goto(serverUrl(`/embed?${new URLSearchParams({ token: tampered }).toString()}`));
  expect(bad!.status()).toBe(403);
  expect(await bad!.text()).toContain('This map cannot be shown');

  await other.context().close();

  // A public signed embed, revoked while shown: the next request (cells asked
  // again for a new zoom) ends in the full-frame error with the server's message.
  await page.locator('#share-signed-clear').click();
  await expect(page.locator('#share-embed-title')).toBeEnabled();
  const made = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/embeds' && r.request().method() === 'POST');
  const publicUrl = await createSigned(page, 'E2E public embed', 'public');
  const created = await made;
  expect(created.status()).toBe(201);
  const embedId = (await created.json()).id as string;
  const shown = await freshPage(browser, otherErrors);
  await shown.goto(publicUrl);
  await shown.waitForFunction(() => window.__routerisk_embed?.ready === true, null, { timeout: 60_000 });
  expect(await shown.evaluate(() => window.__routerisk_embed!.tier)).toBe('public');
  const revoke = await request.delete(serverUrl(`/api/v1/embeds/${encodeURIComponent(embedId)}`), { headers: asRole('admin') });
  expect(revoke.status()).toBe(204);
  const error = shown.locator('#embed-error');
  for (let i = 0; i < 4 && !(await error.isVisible()); i++) {
    await shown.locator('.leaflet-control-zoom-in').click();
    await shown.waitForTimeout(1000);
  }
  await expect(error).toBeVisible();
  await expect(error).toContainText('This map cannot be shown');
  const message = await shown.evaluate(() => window.__routerisk_embed!.error);
  expect(message).toBeTruthy();
  await expect(error.locator('.embed-error-message')).toHaveText(message!);
  await expect(shown.locator('#map')).toHaveCount(0);
  expect(otherErrors).toEqual([]);
  await shown.context().close();
});

test('a signed embed keeps route risk, which the dashboard shows by default', async ({ page, browser }) => {
  await openDashboard(page, '/?z=5&lat=35.5&lon=14&layers=routes,incidents,risk');
  await signIn(page, 'staff');
  await openShare(page);
  const url = await createSigned(page, 'E2E embed with route risk', 'public');
  const errors: string[] = [];
  const other = await freshPage(browser, errors);
  await other.goto(url);
  await other.mainFrame().waitForFunction(() => window.__routerisk_embed?.ready === true, null, { timeout: 60_000 });
  expect(await other.evaluate(() => window.__routerisk_embed!.counts.risk)).toBeGreaterThan(0);
  expect(errors).toEqual([]);
  await other.context().close();
});
