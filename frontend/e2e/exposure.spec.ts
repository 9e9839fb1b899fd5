import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { asRole, serverUrl, skipWithoutServer, watchPage } from './helpers';

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

const LAYER = 'e2e-exposure-series';
const TITLE = 'E2E crossings series';
const ROUTE = 'US-Mexico border crossing';
const fixture = (name: string) => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

function editorToken(): string {
  const t = process.env.ROUTERISK_E2E_EDITOR_TOKEN;
  if (!t) throw new Error('no editor token: global setup did not create it');
  return t;
}

test.beforeEach(({ page }) => {
  watchPage(page);
});

test.afterEach(async ({ page, request }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(w.errors, 'uncaught errors in the page').toEqual([]);
  // Leave the server as the other tests expect it: no uploaded series.
  await request.delete(serverUrl(`/api/v1/layers/${LAYER}`), { headers: asRole('editor') });
});

test('an editor uploads an exposure series on the upload page; deaths per 1,000 crossings use it', async ({ page, request }) => {
  test.setTimeout(180_000);
  await page.goto(serverUrl('/upload.html'));
  await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
  await page.locator('#signin-open').click();
  await page.locator('#signin-token').fill(editorToken());
  await page.keyboard.press('Enter');
  await expect(page.locator('#upload-work')).toBeVisible();

  await test.step('the kind is offered and detected; the report names the repeated month', async () => {
    await expect(page.locator('#upload-kind option[value="exposure"]')).toHaveText('Crossings per route (exposure)');
    await page.locator('#upload-input').setInputFiles(fixture('exposure-series.csv'));
    await expect(page.locator('#upload-work')).toHaveAttribute('data-check', 'done');
    const check = page.locator('#upload-check');
    await expect(check.locator('.check-summary')).toHaveAttribute('data-kind', 'exposure');
    await expect(check.locator('.check-notes')).toContainText('read as an exposure layer');
    const report = check.locator('.report');
    await expect(report).toHaveAttribute('data-accepted', '1');
    await expect(report).toHaveAttribute('data-rejected', '2');
    await expect(check.locator('.report-issues tbody tr[data-action="rejected"]').first()).toContainText('row 3');
    await expect(check.locator('.preview')).toContainText('not drawn on the map');
  });

  await test.step('published with "skip", the series is the route\'s denominator', async () => {
    await page.locator('#publish-id').fill(LAYER);
    await page.locator('#publish-title').fill(TITLE);
    await page.locator('#publish-source').fill('RouteRisk end-to-end fixture');
    await page.locator('#publish-license').fill('CC BY 4.0');
    await page.locator('#publish-onError').selectOption('skip');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published “${TITLE}” (${LAYER}) as version 1`);

    const res = await request.get(serverUrl('/api/v1/risk/routes?year=2023'));
    expect(res.status()).toBe(200);
    const body = await res.json();
    const route = (body.routes as { route: string; crossings: number; crossings_source: { name: string }; crossings_layer?: { id: string; version: number } }[])
      .find((r) => r.route === ROUTE)!;
    expect(route.crossings).toBe(1000);
    expect(route.crossings_source.name).toBe(TITLE);
    expect(route.crossings_layer).toEqual({ id: LAYER, version: 1 });
  });
});
