import { appendFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { openDashboard, pageErrors, recordRequests, serverUrl, skipWithoutServer } from './helpers';

skipWithoutServer();

/**
 * The first render budget (1.5 s, 500 KB), measured and reported, not
 * asserted: an anonymous visitor at 1400×900 with an empty browser cache,
 * once the server is warm. Time is the dashboard's first render (every
 * first layer, route risk among them, drawn; performance.now() at that
 * point); bytes are what crossed the network until then (encoded, headers
 * included), from Chromium's own accounting. The line goes to the test
 * output, to $ROUTERISK_FIRST_RENDER_OUT when set, and to $BENCH_SUMMARY
 * when set (make bench).
 */
test.use({ viewport: { width: 1400, height: 900 } });

test('first render of the dashboard with the route-risk layer: time and bytes', async ({ page, request }) => {
  // Wait for the warm-up: the visitor after start-up, not the start-up itself.
  await expect.poll(async () => (await (await request.get(serverUrl('/readyz'))).json()).warm, { timeout: 60_000 }).toBe(true);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  let bytes = 0;
  let requests = 0;
  let riskBytes = 0;
  const riskIds = new Set<string>();
  const urls = new Map<string, string>();
  const sizes: [string, number][] = [];
  cdp.on('Network.requestWillBeSent', (e) => {
    urls.set(e.requestId, e.request.url);
    if (e.request.url.includes('/api/v1/risk/segments')) riskIds.add(e.requestId);
  });
  cdp.on('Network.loadingFinished', (e) => {
    bytes += e.encodedDataLength;
    requests++;
    sizes.push([urls.get(e.requestId) ?? e.requestId, e.encodedDataLength]);
    if (riskIds.has(e.requestId)) riskBytes += e.encodedDataLength;
  });
  const segments = recordRequests(page, '/api/v1/risk/segments');
  // The warmer (server/warm.go FirstRequests) answered the dashboard's risk request before it came.
  const riskCache: string[] = [];
  page.on('response', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/risk/segments') riskCache.push(r.headers()['x-cache'] ?? '');
  });

  await openDashboard(page);
  const state = await page.evaluate(() => window.__routerisk!);
  const atRender = { bytes, requests };
  expect(state.firstRenderMs).toBeGreaterThan(0);
  expect(state.counts.risk).toBeGreaterThan(0);
  expect(segments.length).toBeGreaterThan(0);
  expect(riskCache, 'the first route-risk request is a cache hit').toEqual(['HIT']);

  const kb = Math.round(atRender.bytes / 1024);
  const risk = state.timings.risk;
  const line = `first render (Chromium, 1400x900, anonymous, cold browser cache, warm server): ${state.firstRenderMs} ms, ${kb} KB in ${atRender.requests} requests` +
    ` (route risk ${Math.round(riskBytes / 1024)} KB, fetch ${risk ? Math.round(risk.fetchMs) : '?'} ms, draw ${risk ? Math.round(risk.drawMs) : '?'} ms, ` +
    `${state.counts.risk} features, ${new URL(segments[0]!).search}); budget 1500 ms, 500 KB`;
  console.log(line);
  const largest = sizes.sort((a, b) => b[1] - a[1]).slice(0, 8);
  console.log(`largest: ${largest.map(([u, n]) => `${Math.round(n / 1024)} KB ${new URL(u).pathname}${new URL(u).search.slice(0, 60)}`).join('; ')}`);
  const out = process.env.ROUTERISK_FIRST_RENDER_OUT;
  if (out) writeFileSync(out, `${line}\n`);
  if (process.env.BENCH_SUMMARY) appendFileSync(process.env.BENCH_SUMMARY, `${line}\n`);
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});
