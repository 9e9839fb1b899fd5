import { expect, test } from '@playwright/test';
import { openDashboard, pageErrors, serverUrl, skipWithoutServer } from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('no request of an anonymous load answers 4xx or 5xx', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  await openDashboard(page);
  await page.goto(serverUrl('/upload'));
  await expect(page.locator('#upload-gate')).toContainText('Sign in with an editor or administrator token');
  expect(failed).toEqual([]);
  expect(consoleErrors).toEqual([]);
  const session = await page.request.get(serverUrl('/api/v1/session'));
  expect(session.status()).toBe(200);
  expect(await session.json()).toEqual({ signed_in: false });
});

test('/upload serves the upload page', async ({ page }) => {
  const res = await page.goto(serverUrl('/upload'));
  expect(res!.status()).toBe(200);
  expect(res!.headers()['content-type']).toContain('text/html');
  await expect(page.locator('h1')).toHaveText('Upload a layer');
  await expect(page.getByRole('link', { name: 'Back to the map' })).toBeVisible();
  await page.getByRole('link', { name: 'Back to the map' }).click();
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
});
