import { expect, test } from '@playwright/test';
import {
  last,
  listed,
  openDashboard,
  pageErrors,
  ranked,
  recordRequests,
  sameQuery,
  serverUrl,
  skipWithoutServer,
  uiCount,
  waitIdle,
  type Collection,
} from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});


test('route risk draws every segment the API returns, and the priorities list is the API\'s, in order', async ({ page, request }) => {
  const segments = recordRequests(page, '/api/v1/risk/segments');
  const priorities = recordRequests(page, '/api/v1/risk/priorities');
  await openDashboard(page);
  const state = await page.evaluate(() => window.__routerisk!);
  console.log(`firstRenderMs: ${state.firstRenderMs} (route risk: ${JSON.stringify(state.timings.risk)})`);

  await expect(page.locator('#layer-risk')).toBeChecked();
  await expect(page.locator('#layer-hotspots')).not.toBeChecked();
  expect(new URL(page.url()).searchParams.get('layers')?.split(',')).toContain('risk');

  const q = last(segments);
  expect(q.searchParams.has('category')).toBe(false);
  const api = await sameQuery(request, q);
  expect(api.features.length).toBeGreaterThan(1000);
  expect(api.numberReturned).toBe(api.features.length);
  expect(await uiCount(page, 'risk')).toBe(api.features.length);
  expect(state.counts.risk).toBe(api.features.length);
  await expect(page.locator('#totals-risk')).toContainText('critical');

  // The legend explains the four classes.
  await expect(page.locator('.legend-risk li')).toHaveCount(4);
  await expect(page.locator('.legend')).toContainText('weighted dead and missing per 100 km');

  const p = last(priorities);
  expect(p.searchParams.get('limit')).toBe('20');
  const top = await sameQuery(request, p);
  expect(top.features.length).toBeGreaterThan(0);
  expect(top.features.length).toBeLessThanOrEqual(20);
  expect(await listed(page)).toEqual(ranked(top));
  // Every priority is a named button.
  const buttons = page.locator('#priorities button.priority-button');
  await expect(buttons).toHaveCount(top.features.length);
  await expect(buttons.first()).toHaveAccessibleName(/^1\.\s*\S/);
});

test('a priority zooms the map to its stretch and opens a popup with its reasons and the help near it', async ({ page, request }) => {
  const priorities = recordRequests(page, '/api/v1/risk/priorities');
  await openDashboard(page, '/?layers=risk');
  // The first stretch with a gap: gaps are claimed only where service data
  // was loaded (the bundled health services and the fixture's far-away
  // legal and shelter services), elsewhere a category has no data.
  const listed = (await sameQuery(request, last(priorities))).features;
  const at = listed.findIndex((f) => (f.properties.gaps as string[]).length > 0);
  expect(at).toBeGreaterThanOrEqual(0);
  const first = listed[at]!;
  const reasons = first.properties.reasons as string[];
  expect(reasons.length).toBeGreaterThan(0);

  const button = page.locator('#priorities button.priority-button').nth(at);
  await button.focus();
  await page.keyboard.press('Enter');
  const popup = page.locator('.leaflet-popup-content .popup-risk');
  await expect(popup).toBeVisible();
  await expect(popup).toHaveAttribute('data-segment', String(first.id));
  await expect(popup.locator('.popup-title')).toHaveText(String(first.properties.route));
  await expect(popup.locator('.popup-reasons li')).toHaveText(reasons);
  await expect(popup.locator('.popup-risk-class')).toContainText(/: .* recorded deaths and disappearances per 100 km \(weighted\)/);

  // Gaps and categories without data read differently.
  const gap = popup.locator('dd[data-coverage="gap"]');
  const noData = popup.locator('dd[data-coverage="no_data"]');
  expect(await gap.count()).toBeGreaterThan(0);
  expect(await noData.count()).toBeGreaterThan(0);
  for (const t of await gap.allTextContents()) expect(t).toMatch(/^Gap: none within 50 km/);
  for (const t of await noData.allTextContents()) expect(t).toBe('No data loaded');

  // The map went to the stretch.
  await waitIdle(page);
  const view = await page.evaluate(() => window.__routerisk!.view!);
  expect(view.z).toBeGreaterThanOrEqual(5);
  expect(view.z).toBeLessThanOrEqual(9);

  // Escape closes the popup and gives the focus back to the button.
  await page.keyboard.press('Escape');
  await expect(popup).toHaveCount(0);
  await expect(button).toBeFocused();
});

test('a click on a stretch of route opens its popup: risk, counts and the help near it', async ({ page, request }) => {
  const top = await sameQuery(request, new URL(serverUrl('/api/v1/risk/priorities?limit=1')));
  const line = top.features[0]!.geometry.coordinates as unknown as number[][];
  // A point on the line: its middle vertex, or halfway between the two middle ones.
  const n = line.length;
  const [lon, lat] = n % 2 === 1 ? line[(n - 1) / 2]! : [0, 1].map((i) => (line[n / 2 - 1]![i]! + line[n / 2]![i]!) / 2);
  await openDashboard(page, `/?z=9&lat=${lat!.toFixed(5)}&lon=${lon!.toFixed(5)}&layers=risk`);

  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.leaflet-popup-content .popup-risk');
  await expect(popup).toBeVisible();
  await expect(popup.locator('.popup-title')).not.toBeEmpty();
  await expect(popup.locator('.popup-layer')).toContainText(/^km .* along the route$/);
  await expect(popup.locator('.popup-risk-class')).toContainText(/: .* recorded deaths and disappearances per 100 km \(weighted\)/);
  for (const label of ['Incidents', 'Dead', 'Missing', 'Last incident', 'Incidents per year']) {
    await expect(popup.locator('dt', { hasText: new RegExp(`^${label}$`) })).toHaveCount(1);
  }
  expect(await popup.locator('dd[data-coverage]').count()).toBeGreaterThan(0);
});

test('the cause and route filters change the risk requests, and the map and the list follow the API', async ({ page, request }) => {
  const segments = recordRequests(page, '/api/v1/risk/segments');
  const priorities = recordRequests(page, '/api/v1/risk/priorities');
  await openDashboard(page, '/?layers=risk');
  const before = await uiCount(page, 'risk');
  const listBefore = await listed(page);

  await page.locator('#filter-cause').selectOption('Drowning');
  await waitIdle(page);
  const q = last(segments);
  expect(q.searchParams.getAll('cause')).toEqual(['Drowning']);
  expect((await sameQuery(request, q)).features.length).toBe(await uiCount(page, 'risk'));
  const p = last(priorities);
  expect(p.searchParams.getAll('cause')).toEqual(['Drowning']);
  const drowning = ranked(await sameQuery(request, p));
  expect(await listed(page)).toEqual(drowning);
  expect(drowning).not.toEqual(listBefore);

  // A route with a line: the analysis is limited to it.
  await page.locator('#filter-route').selectOption('Central Mediterranean');
  await waitIdle(page);
  const r = last(segments);
  expect(r.searchParams.getAll('route')).toEqual(['Central Mediterranean']);
  const central = await sameQuery(request, r);
  expect(central.features.length).toBeGreaterThan(0);
  expect(central.features.length).toBeLessThan(before);
  expect(await uiCount(page, 'risk')).toBe(central.features.length);
  expect(await listed(page)).toEqual(ranked(await sameQuery(request, last(priorities))));
  for (const route of await page.locator('#priorities .priority-route').allTextContents()) expect(route).toBe('Central Mediterranean');

  // A route name only incidents carry has no line to cut: nothing drawn, no error.
  const asked = segments.length;
  await page.locator('#filter-route').selectOption('English Channel to the UK');
  await waitIdle(page);
  expect(await uiCount(page, 'risk')).toBe(0);
  expect(segments.length).toBe(asked);
  await expect(page.locator('#priorities .priorities-message')).toContainText('No route line is drawn for “English Channel to the UK”');
  await expect(page.locator('#status .status-error')).toHaveCount(0);

  await page.locator('#filter-reset').click();
  await waitIdle(page);
  expect(await uiCount(page, 'risk')).toBe(before);
  expect(await listed(page)).toEqual(listBefore);
});

test('hotspots switch on, draw as many cells as the API returns for the zoom, and follow zoom and cause', async ({ page, request }) => {
  const hotspots = recordRequests(page, '/api/v1/hotspots');
  await openDashboard(page, '/?z=3&lat=30&lon=10&layers=incidents');
  const toggle = page.locator('#layer-hotspots');
  await expect(toggle).not.toBeChecked();
  expect(hotspots).toHaveLength(0);
  await toggle.check();
  await waitIdle(page);
  expect(new URL(page.url()).searchParams.get('layers')).toBe('incidents,hotspots');
  await expect(page.locator('.legend-hotspot li')).toHaveCount(7);

  const cellsAt = async (params: Record<string, string>) => {
    const res = await request.get(serverUrl(`/api/v1/hotspots?${new URLSearchParams(params).toString()}`));
    expect(res.status()).toBe(200);
    return ((await res.json()) as Collection).features;
  };
  expect(await page.evaluate(() => window.__routerisk!.view!.z)).toBe(3);
  const world = await cellsAt({ zoom: '3' });
  expect(world.length).toBeGreaterThan(0);
  expect(await uiCount(page, 'hotspots')).toBe(world.length);
  expect(last(hotspots).searchParams.get('resolution')).toBe('2');

  // Zooming in within resolution 2 asks nothing; zoom 5 asks for resolution 3.
  const zoomIn = async (to: number) => {
    await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForFunction((want) => window.__routerisk?.view?.z === want, to);
    await waitIdle(page);
  };
  await zoomIn(4);
  expect(hotspots).toHaveLength(1);
  await zoomIn(5);
  expect(last(hotspots).searchParams.get('resolution')).toBe('3');
  expect(await uiCount(page, 'hotspots')).toBe((await cellsAt({ zoom: '5' })).length);

  await page.locator('#filter-cause').selectOption('Drowning');
  await waitIdle(page);
  expect(last(hotspots).searchParams.getAll('cause')).toEqual(['Drowning']);
  expect(await uiCount(page, 'hotspots')).toBe((await cellsAt({ zoom: '5', cause: 'Drowning' })).length);

  await toggle.uncheck();
  await waitIdle(page);
  expect(await page.evaluate(() => window.__routerisk!.counts.hotspots)).toBe(0);
  await expect(page.locator('.legend-hotspot')).toHaveCount(0);
});

test('a hot spot cell opens a popup with its statistics', async ({ page, request }) => {
  const res = await request.get(serverUrl('/api/v1/hotspots?zoom=6'));
  const hot = ((await res.json()) as Collection).features.find((f) => f.properties.class === 'hot_99');
  expect(hot, 'a hot spot at 99 % confidence').toBeDefined();
  const ring = hot!.geometry.coordinates[0]!.slice(0, -1);
  const lon = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
  await openDashboard(page, `/?z=6&lat=${lat.toFixed(5)}&lon=${lon.toFixed(5)}&layers=hotspots`);

  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.leaflet-popup-content .popup-hotspot');
  await expect(popup).toHaveAttribute('data-class', 'hot_99');
  await expect(popup.locator('.popup-title')).toHaveText('Hot spot, 99 % confidence');
  await expect(popup).toContainText(`Incidents${Number(hot!.properties.incidents).toLocaleString('en')}`);
  await expect(popup).toContainText('p-value, FDR-corrected');
  await expect(popup).toContainText('z-score (Gi*)');
});
