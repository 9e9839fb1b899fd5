import { expect, test } from '@playwright/test';
import { openDashboard, pageErrors, skipWithoutServer, waitIdle } from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('the place search takes the map to Lampedusa and writes it in the URL', async ({ page }) => {
  await openDashboard(page);
  const box = page.getByRole('combobox', { name: 'Search for a place' });
  await expect(box).toHaveAttribute('type', 'search');
  await box.fill('Lampedusa');
  await expect(page.locator('.place-search-list').getByRole('option').first()).toContainText('Lampedusa');
  await box.press('Enter');
  await page.waitForFunction(() => {
    const v = window.__routerisk?.view;
    return !!v && Math.abs(v.lon - 12.6) < 0.2 && Math.abs(v.lat - 35.5) < 0.2;
  });
  await waitIdle(page);
  const view = await page.evaluate(() => window.__routerisk!.view!);
  expect(view.z).toBeGreaterThanOrEqual(8);
  const url = new URL(page.url());
  expect(Math.abs(Number(url.searchParams.get('lon')) - 12.6)).toBeLessThan(0.2);
  expect(Math.abs(Number(url.searchParams.get('lat')) - 35.5)).toBeLessThan(0.2);
  expect(url.searchParams.get('z')).toBe(String(view.z));
});

test('suggestions are reached with the keyboard', async ({ page }) => {
  await openDashboard(page);
  const box = page.getByRole('combobox', { name: 'Search for a place' });
  await box.fill('Lampe');
  await expect(page.locator('.place-search-list')).toBeVisible();
  await box.press('ArrowDown');
  const first = page.locator('.place-search-list').getByRole('option').first();
  await expect(first).toHaveAttribute('aria-selected', 'true');
  await expect(box).toHaveAttribute('aria-activedescendant', (await first.getAttribute('id'))!);
  await box.press('Escape');
  await expect(page.locator('.place-search-list')).toBeHidden();
});

test.describe('desktop 1400×900', () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  test('the legend is on the map in the first view, with a scale bar and only what is drawn', async ({ page }) => {
    await openDashboard(page);
    const legend = page.locator('#map .leaflet-control #map-legend');
    await expect(legend).toBeVisible();
    await expect(page.locator('#map-legend-toggle')).toHaveAttribute('aria-expanded', 'true');
    await expect(legend.locator('.legend-list').first()).toBeVisible();
    const box = (await legend.boundingBox())!;
    expect(box.y + 40).toBeLessThanOrEqual(900);
    expect(box.x + box.width).toBeLessThanOrEqual(1400);
    expect(box.y).toBeGreaterThanOrEqual(0);
    await expect(page.locator('#map .leaflet-control-scale')).toBeVisible();

    // Only what is drawn: turning the route layer off takes its group away.
    await expect(legend.locator('.legend-route')).toHaveCount(1);
    await page.locator('#layer-routes').uncheck();
    await waitIdle(page);
    await expect(legend.locator('.legend-route')).toHaveCount(0);

    // Folds and unfolds.
    await page.locator('#map-legend-toggle').click();
    await expect(page.locator('#map-legend-body')).toBeHidden();
  });

  test('country and sea names at low zoom; place names from zoom 6 only, asked once per view', async ({ page }) => {
    const asked: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname === '/api/v1/places' && u.searchParams.has('bbox')) asked.push(r.url());
    });
    await openDashboard(page, '/?z=4&lat=36&lon=15');
    await expect(page.locator('.map-label-sea', { hasText: 'Mediterranean Sea' })).toHaveCount(1);
    await expect(page.locator('.map-label-country', { hasText: 'Italy' })).toHaveCount(1);
    await page.waitForTimeout(600);
    expect(asked, 'no place names below zoom 6').toEqual([]);
    await openDashboard(page, '/?z=8&lat=35.6&lon=12.7');
    await expect(page.locator('.map-label-place').first()).toBeVisible();
    await expect(page.locator('.leaflet-control-attribution')).toContainText('GeoNames');
    expect(asked.length).toBe(1);
  });
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the legend starts folded', async ({ page }) => {
    await openDashboard(page);
    await expect(page.locator('#map-legend-toggle')).toBeVisible();
    await expect(page.locator('#map-legend-toggle')).toHaveAttribute('aria-expanded', 'false');
    await expect(page.locator('#map-legend-body')).toBeHidden();
    await expect(page.locator('.leaflet-control-scale')).toBeVisible();
  });
});

test('the map holds no canvas of nothing: a layer without points adds no point canvas', async ({ page }) => {
  // Anonymous: incidents come as public cells (polygons) and routes as
  // lines, so neither layer has a point to draw; each full-size canvas on
  // the map must hold something, since the browser paints and composites
  // every one at every frame.
  await openDashboard(page);
  await waitIdle(page);
  const canvases = await page.evaluate(() => [...document.querySelectorAll('.leaflet-map-pane canvas')].map((c) => {
    const canvas = c as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = false;
    for (let i = 3; i < data.length && !drawn; i += 4) drawn = data[i]! > 0;
    return { pane: canvas.parentElement?.className ?? '', drawn };
  }));
  expect(canvases.length).toBeGreaterThan(3);
  expect(canvases.filter((c) => !c.drawn), 'blank canvases on the map').toEqual([]);
});
