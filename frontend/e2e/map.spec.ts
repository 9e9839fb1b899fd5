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
