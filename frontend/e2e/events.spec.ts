import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { asRole, openDashboard, serverUrl, skipWithoutServer, watchPage } from './helpers';

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

test.use({ viewport: { width: 1400, height: 900 } });

const LAYER = 'e2e-acled-events';
const TITLE = 'E2E ACLED events';
// fixtures/acled-sample.csv is geodata/ingest/testdata/acled_sample_dmy.csv: ten events in ACLED's
// layout, real places, made-up events.
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
  // Leave the server as the other tests expect it: no event layer.
  await request.delete(serverUrl(`/api/v1/layers/${LAYER}`), { headers: asRole('editor') });
});

test('an ACLED export is detected as context events on the upload page and drawn as grey diamonds with their legend row', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(serverUrl('/upload.html'));
  await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
  await page.locator('#signin-open').click();
  await page.locator('#signin-token').fill(editorToken());
  await page.keyboard.press('Enter');
  await expect(page.locator('#upload-work')).toBeVisible();

  await test.step('no kind chosen, no mapping: read as context events', async () => {
    await expect(page.locator('#upload-kind option[value="event"]')).toHaveText('Context events (conflict and unrest)');
    await page.locator('#upload-input').setInputFiles(fixture('acled-sample.csv'));
    await expect(page.locator('#upload-work')).toHaveAttribute('data-check', 'done');
    const check = page.locator('#upload-check');
    await expect(check.locator('.check-summary')).toHaveAttribute('data-kind', 'event');
    await expect(check.locator('.check-summary')).toHaveAttribute('data-layout', 'acled');
    await expect(check.locator('.check-notes')).toContainText('the columns are an ACLED event export');
    await expect(check.locator('.report')).toHaveAttribute('data-accepted', '10');
    await expect(check.locator('.report')).toHaveAttribute('data-rejected', '0');
  });

  await test.step('published, it is an event layer', async () => {
    await page.locator('#publish-id').fill(LAYER);
    await page.locator('#publish-title').fill(TITLE);
    await page.locator('#publish-source').fill('RouteRisk end-to-end fixture in ACLED’s layout');
    await page.locator('#publish-license').fill('CC BY 4.0');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published “${TITLE}” (${LAYER}) as version 1`);
  });

  await test.step('the dashboard draws the events and keys them apart from incidents', async () => {
    await openDashboard(page, `/?layers=${LAYER},incidents&z=4&lat=22&lon=12`);
    await page.waitForFunction((id) => (window.__routerisk?.counts?.[id] ?? 0) > 0, LAYER, { timeout: 30_000 });
    expect(await page.evaluate((id) => window.__routerisk!.counts[id], LAYER)).toBe(10);
    const row = page.locator('#map-legend-body .legend-event li[data-class="event"]');
    await expect(row).toContainText('Conflict or unrest event');
    await expect(row.locator('.swatch')).toHaveAttribute('data-shape', 'diamond');
    await expect(page.locator('#map-legend-body .legend-event + .legend-note')).toContainText('not migrant deaths');
    await expect(page.locator('#map-legend-body .legend-incident')).toHaveCount(1);
  });
});
