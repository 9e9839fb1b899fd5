import { expect, test, type Page } from '@playwright/test';
import { asRole, openDashboard, pageErrors, serverUrl, signIn, skipWithoutServer, waitIdle } from './helpers';

skipWithoutServer();

test.use({ viewport: { width: 1400, height: 900 } });

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** The legend rows of a group, by their data-class. */
const legendKeys = (page: Page, group: string) =>
  page.locator(`#map-legend-body .legend-${group} li`).evaluateAll((lis) => lis.map((li) => li.getAttribute('data-class') ?? ''));

test('services are drawn with their category symbol, stale and unverified ones apart, and the legend says so', async ({ page, request }) => {
  await openDashboard(page, '/?layers=services&z=6&lat=0.5&lon=36.5');
  // The bundled services are all health: one category row, with its cross; no row for a category not drawn.
  const keys = await legendKeys(page, 'service');
  expect(keys).toContain('category-health');
  expect(keys.filter((k) => k.startsWith('category-'))).toEqual(['category-health']);
  await expect(page.locator('#map-legend-body li[data-class="category-health"] .swatch')).toHaveAttribute('data-shape', 'cross');
  await expect(page.locator('#map-legend-body li[data-class="category-health"]')).toContainText('Health');

  // Stale (last verified more than stale_years ago) and never verified services are in the bundled data: both are keyed.
  const vocab = await (await request.get(serverUrl('/api/v1/vocabulary'))).json();
  expect(vocab.stale_years).toBe(10);
  const stale = page.locator('#map-legend-body li[data-class="verification-stale"]');
  await expect(stale).toContainText('more than 10 years ago');
  await expect(stale.locator('.swatch')).toHaveAttribute('data-verification', 'stale');
  await expect(page.locator('#map-legend-body li[data-class="verification-unverified"]')).toContainText('never verified');
  await expect(page.locator('#map-legend-body .legend-service + .legend-note, #map-legend-body .legend-note').first()).toBeVisible();
  // The symbols are SVG drawn from the same outline as the canvas: the cross has a path.
  await expect(page.locator('#map-legend-body li[data-class="category-health"] svg path')).toHaveCount(1);

  // The map asks for last_verified, so that it can tell.
  const requested: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/api/v1/layers/services/features')) requested.push(r.url());
  });
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  expect(requested.length).toBeGreaterThan(0);
  expect(new URL(requested[0]!).searchParams.get('properties')).toBe('category,last_verified');

  // Services switched off: their legend group goes.
  await page.locator('#layer-services').uncheck();
  await expect(page.locator('#map-legend-body .legend-service')).toHaveCount(0);
});

test('staff-tier incidents cluster at low zoom with the exact totals, a click on a cluster zooms in, and single points from zoom 9', async ({ page, request }) => {
  await openDashboard(page, '/?layers=incidents&z=4&lat=34&lon=15');
  await signIn(page, 'staff');
  await expect(page.locator('#tier-badge')).toHaveAttribute('data-tier', 'staff');
  await page.waitForFunction(() => window.__routerisk?.clusters?.incidents !== undefined, null, { timeout: 30_000 });
  const state = await page.evaluate(() => window.__routerisk!);
  const c = state.clusters.incidents!;
  // Every incident is in a cluster or drawn alone, and every death and disappearance is counted once.
  expect(c.clusters).toBeGreaterThan(0);
  expect(c.points).toBe(state.counts.incidents);
  expect(c.total).toBe(state.totals.incidents!.dead + state.totals.incidents!.missing);
  // And those are the API's own figures for the staff tier.
  const api = await request.get(serverUrl('/api/v1/layers/incidents/features?properties=dead,missing&limit=50000&precision=0'), { headers: asRole('staff') });
  const body = await api.json();
  let deadMissing = 0;
  for (const f of body.features) deadMissing += Math.max(0, Number(f.properties?.dead ?? 0)) + Math.max(0, Number(f.properties?.missing ?? 0));
  expect(c.points).toBe(body.features.length);
  expect(c.total).toBe(deadMissing);
  console.log(`zoom 4: ${c.clusters} clusters and ${c.singles} single points for ${c.points} incidents, ${c.total} dead and missing`);

  // The legend keys the cluster marker.
  expect(await legendKeys(page, 'incident')).toContain('cluster');

  // A click on the largest cluster in view zooms in on it.
  expect(c.largest).not.toBeNull();
  const box = (await page.locator('#map').boundingBox())!;
  const before = state.view!.z;
  await page.mouse.click(box.x + c.largest!.x, box.y + c.largest!.y);
  await page.waitForFunction((z) => (window.__routerisk?.view?.z ?? 0) > z, before, { timeout: 20_000 });
  await waitIdle(page);
  expect(await page.locator('.leaflet-popup').count(), 'a cluster opens no popup').toBe(0);

  // From zoom 9 every incident is drawn by itself: no cluster, no cluster row.
  await openDashboard(page, '/?layers=incidents&z=9&lat=35.5&lon=12.6');
  await expect(page.locator('#tier-badge')).toHaveAttribute('data-tier', 'staff');
  await waitIdle(page);
  expect(await page.evaluate(() => window.__routerisk!.clusters.incidents)).toBeUndefined();
  expect(await legendKeys(page, 'incident')).not.toContain('cluster');
});

test('context layers are off at first and load only when switched on', async ({ page }) => {
  const asked: string[] = [];
  page.on('request', (r) => {
    const m = /\/api\/v1\/layers\/([^/]+)\/features/.exec(new URL(r.url()).pathname);
    if (m) asked.push(m[1]!);
  });
  await openDashboard(page);
  for (const id of ['sea-names', 'ports', 'sar-regions', 'dtm-americas-sites']) {
    await expect(page.locator(`#layer-${id}`)).not.toBeChecked();
    expect(asked, `${id} is not asked for on the first view`).not.toContain(id);
  }
  await page.locator('#layer-ports').check();
  await waitIdle(page);
  expect(asked).toContain('ports');
  expect(await page.evaluate(() => window.__routerisk!.counts.ports)).toBeGreaterThan(0);
  expect(new URL(page.url()).searchParams.get('layers')).toContain('ports');
});

test('date filters show their dates in the page language', async ({ page }) => {
  await openDashboard(page, '/?lang=fr&from=2020-03-05&to=2021-11-30');
  await expect(page.locator('#filter-from')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('#filter-from-shown')).toHaveText('5 mars 2020');
  await expect(page.locator('#filter-to-shown')).toHaveText('30 novembre 2021');
  await expect(page.locator('#filter-from')).toHaveAttribute('aria-describedby', /filter-from-shown/);
  await page.locator('#filter-from').fill('2019-07-14');
  await expect(page.locator('#filter-from-shown')).toHaveText('14 juillet 2019');

  await openDashboard(page, '/?lang=zh&from=2020-03-05');
  await expect(page.locator('#filter-from-shown')).toHaveText('2020年3月5日');
  await openDashboard(page, '/?lang=ar&from=2020-03-05');
  const arabic = await page.locator('#filter-from-shown').textContent();
  expect(arabic).toBe(new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(2020, 2, 5)));
});
