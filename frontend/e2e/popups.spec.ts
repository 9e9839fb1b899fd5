import { expect, test } from '@playwright/test';
import { openDashboard, pageErrors, serverUrl, signIn, skipWithoutServer } from './helpers';
import { findStack } from './stacked';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test.use({ viewport: { width: 1400, height: 900 } });

/** An H3 cell index as the API writes it. */
const H3 = /\b8[0-9a-f]{14}\b/;

test('a click on stacked incidents pages them "1 of N"; Escape from a button inside closes and gives the focus back', async ({ page, request }) => {
  const stack = await findStack(request);
  await openDashboard(page, '/?layers=incidents');
  await signIn(page, 'staff');
  await openDashboard(page, `/?z=9&lat=${stack.lat}&lon=${stack.lon}&layers=incidents`);
  await expect(page.locator('#tier-badge')).toHaveText('Staff view: exact positions');

  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.leaflet-popup');
  const status = popup.locator('.popup-pager-status');
  await expect(status).toHaveText(`1 of ${stack.count}`);
  await expect(popup.locator('.popup-pager')).toHaveAttribute('aria-label', `${stack.count} features here`);
  await expect(popup.locator('.popup-incident')).toHaveCount(1);
  // The main facts first, the rest folded under "More", and no raw field name.
  await expect(popup.locator('.popup-summary dt').first()).toHaveText('Date');
  await expect(popup.locator('details.popup-more > summary')).toHaveText('More');
  await expect(popup.locator('details.popup-more')).not.toHaveAttribute('open', '');
  const text = await popup.locator('.popup-incident').textContent();
  for (const raw of ['unsd_grouping', 'cause_category', 'mmp_id', 'geo_precision']) expect(text).not.toContain(raw);

  // "Next" by keyboard: the focus stays on it while the page changes.
  const next = popup.getByRole('button', { name: 'Next feature' });
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(status).toHaveText(`2 of ${stack.count}`);
  await expect(popup.locator('.popup-incident')).toHaveCount(1);
  await expect(next).toBeFocused();
  await popup.getByRole('button', { name: 'Previous feature' }).click();
  await expect(status).toHaveText(`1 of ${stack.count}`);

  // Escape from a button inside the popup closes it, and the focus goes back to the map.
  await next.focus();
  await page.keyboard.press('Escape');
  await expect(popup).toHaveCount(0);
  await expect(page.locator('#map')).toBeFocused();
});

test('the "In view" list opens a feature\'s popup by keyboard, and the public popups name no H3 cell', async ({ page, request }) => {
  // The API does send the H3 index of a public cell (its id and `cell`): the popups must not show it.
  const res = await request.get(serverUrl('/api/v1/layers/incidents/features?zoom=4&limit=5'));
  expect(res.headers()['x-privacy-tier']).toBe('public');
  const cells = (await res.json()).features as { properties: Record<string, unknown> }[];
  expect(String(cells[0]!.properties.cell)).toMatch(H3);

  await openDashboard(page, '/?z=5&lat=35&lon=14&layers=incidents,routes');
  const summary = page.locator('#inview-details > summary');
  await summary.focus();
  await page.keyboard.press('Enter');
  const table = page.locator('#inview .inview-layer[data-layer="incidents"] table');
  await expect(table.locator('caption')).toContainText(/^.+: [\d,]+ in view$/);
  const first = table.locator('.inview-open').first();
  await expect(first).toHaveText('Incidents in this area');
  await expect(table.locator('tbody tr').first().locator('td')).not.toContainText(H3);

  const key = await first.getAttribute('data-key');
  await first.focus();
  await page.keyboard.press('Enter');
  const popup = page.locator('.leaflet-popup');
  await expect(popup.locator('.popup-cell-counts')).toBeVisible();
  await expect(popup.locator('.popup-cell-counts')).toBeFocused();
  expect(await popup.textContent()).not.toMatch(H3);

  // Escape gives the focus back to the row, which is found again after the map moved.
  await page.keyboard.press('Escape');
  await expect(popup).toHaveCount(0);
  await expect(page.locator(`#inview .inview-open[data-key="${key}"]`)).toBeFocused();

  // Routes are listed too, and their rows open the route's popup.
  const routes = page.locator('#inview .inview-layer[data-layer="routes"]');
  await routes.locator('.inview-open').first().press('Enter');
  await expect(page.locator('.leaflet-popup .popup-route')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('.leaflet-popup')).toHaveCount(0);
});

test.describe('phone 390×844 in Arabic', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the "In view" list fits the sheet right to left, and a row shows its popup over the map', async ({ page }) => {
    await openDashboard(page, '/?lang=ar&z=5&lat=35&lon=14&layers=incidents');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.locator('#sheet-toggle').click();
    await page.locator('#inview-details > summary').click();
    const row = page.locator('#inview .inview-open').first();
    await expect(row).toBeVisible();
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    const rowBox = (await row.boundingBox())!;
    expect(rowBox.height).toBeGreaterThanOrEqual(44);

    await row.click();
    const popup = page.locator('.leaflet-popup');
    await expect(popup).toBeVisible();
    await expect(page.locator('#app')).toHaveAttribute('data-sheet', 'closed');
    await page.keyboard.press('Escape');
    await expect(popup).toHaveCount(0);
    await expect(page.locator('#app')).toHaveAttribute('data-sheet', 'open');
    await expect(row).toBeFocused();
  });
});
