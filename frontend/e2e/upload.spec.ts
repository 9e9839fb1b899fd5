import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { apiCount, openDashboard, serverUrl, skipWithoutServer, uiCount, watchPage } from './helpers';

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');
// The editor's test publishes the layer the later tests look for.
test.describe.configure({ mode: 'serial' });

const LAYER = 'e2e-upload-services';
const TITLE = 'E2E upload services';
const HOSTILE = '<img src=x onerror=alert(1)>';
const fixture = (name: string) => join(dirname(fileURLToPath(import.meta.url)), 'fixtures', name);

function token(role: 'editor' | 'viewer'): string {
  const t = role === 'editor' ? process.env.ROUTERISK_E2E_EDITOR_TOKEN : process.env.ROUTERISK_E2E_VIEWER_TOKEN;
  if (!t) throw new Error(`no ${role} token: global setup did not create it`);
  return t;
}

test.beforeEach(({ page }) => {
  // No JavaScript dialog may open by itself (hostile strings must stay text), and no error may escape.
  watchPage(page);
});

test.afterEach(({ page }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(w.errors, 'uncaught errors in the page').toEqual([]);
});

/** Opens an upload page and waits until it knows whether someone is signed in. */
async function openUpload(page: Page): Promise<void> {
  await page.goto(serverUrl('/upload.html'));
  await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
}

/** Signs in through the dialog with the keyboard; the header then names the user. */
async function signIn(page: Page, role: 'editor' | 'viewer'): Promise<void> {
  await page.locator('#signin-open').click();
  const dialog = page.getByRole('dialog', { name: 'Sign in' });
  await expect(dialog).toBeVisible();
  await expect(page.locator('#signin-token')).toBeFocused();
  await expect(page.locator('#signin-token')).toHaveAttribute('type', 'password');
  await page.keyboard.type(token(role));
  await page.keyboard.press('Enter');
  await expect(dialog).toBeHidden();
  await expect(page.locator('#signin-state')).toHaveText(`Signed in as e2e-${role} (${role})`);
  await expect(page.locator('#signin-out')).toBeFocused();
}

/** The page's CSRF token, as the session endpoint gives it to the signed-in browser context. */
async function csrf(page: Page): Promise<string> {
  const res = await page.request.get(serverUrl('/api/v1/session'));
  expect(res.status()).toBe(200);
  return (await res.json()).csrf_token as string;
}

/** Waits for the check of the file just chosen. */
async function checked(page: Page, name: string): Promise<void> {
  await expect(page.locator('#upload-chosen')).toContainText(name);
  await expect(page.locator('#upload-work')).toHaveAttribute('data-check', 'done');
  await expect(page.locator('#check-message')).toContainText(`“${name}” checked`);
}

test('signs in as an editor through the dialog; the token is kept nowhere the page can read', async ({ page }) => {
  await openDashboard(page);
  await expect(page.locator('#upload-link')).toBeHidden();

  // Escape closes the dialog and gives the focus back.
  await page.locator('#signin-open').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('dialog', { name: 'Sign in' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Sign in' })).toBeHidden();
  await expect(page.locator('#signin-open')).toBeFocused();

  // A wrong token: the server's message in the alert region.
  await page.locator('#signin-open').click();
  await page.locator('#signin-token').fill('not-a-token');
  await page.keyboard.press('Enter');
  await expect(page.locator('#signin-message')).toContainText('Sign-in failed: ');
  await page.keyboard.press('Escape');

  const url = page.url();
  await signIn(page, 'editor');
  await expect(page.locator('#upload-link')).toBeVisible();
  await expect(page.locator('#upload-link')).toHaveAttribute('href', 'upload.html');

  const stored = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    localLength: localStorage.length,
    sessionLength: sessionStorage.length,
    cookie: document.cookie,
    url: location.href,
    field: (document.querySelector('#signin-token') as HTMLInputElement | null)?.value ?? '',
  }));
  expect(stored.localLength).toBe(0);
  expect(stored.sessionLength).toBe(0);
  for (const v of [stored.local, stored.session, stored.cookie, stored.url, stored.field]) expect(v).not.toContain(token('editor'));
  expect(stored.url).toBe(url);
  // The session cookie is HttpOnly and SameSite=Strict: document.cookie cannot see it.
  const cookies = await page.context().cookies();
  expect(cookies.length).toBeGreaterThan(0);
  for (const c of cookies) {
    expect(c.httpOnly, `cookie ${c.name} is HttpOnly`).toBe(true);
    expect(c.sameSite, `cookie ${c.name} is SameSite=Strict`).toBe('Strict');
    expect(stored.cookie).not.toContain(c.name);
  }

  // Still signed in after a reload: the page asks the server.
  await openDashboard(page);
  await expect(page.locator('#signin-state')).toHaveText('Signed in as e2e-editor (editor)');
  await expect(page.locator('#signin-out')).toBeVisible();
});

test('an editor checks, publishes, replaces and restores a layer, and the map lists it', async ({ page, request }) => {
  test.setTimeout(180_000);
  await openUpload(page);
  await expect(page.locator('#upload-gate')).toContainText('Sign in with an editor or administrator token');
  await expect(page.locator('#upload-work')).toBeHidden();
  await signIn(page, 'editor');
  await expect(page.locator('#upload-work')).toBeVisible();

  await test.step('check a CSV with one bad row and one hostile name', async () => {
    await page.locator('#upload-kind').selectOption('service');
    await page.locator('#upload-input').setInputFiles(fixture('upload-services.csv'));
    await checked(page, 'upload-services.csv');
    const check = page.locator('#upload-check');
    await expect(check.locator('.check-summary')).toHaveAttribute('data-format', 'csv');
    await expect(check.locator('.check-summary')).toHaveAttribute('data-kind', 'service');
    const report = check.locator('.report');
    await expect(report).toHaveAttribute('data-read', '10');
    await expect(report).toHaveAttribute('data-accepted', '9');
    await expect(report).toHaveAttribute('data-rejected', '1');

    // The rejected row, with the message the server gives for it.
    const res = await page.request.post(serverUrl('/api/v1/uploads/validate'), {
      headers: { 'X-CSRF-Token': await csrf(page) },
      multipart: {
        file: { name: 'upload-services.csv', mimeType: 'text/csv', buffer: readFileSync(fixture('upload-services.csv')) },
        kind: 'service',
      },
    });
    expect(res.status(), await res.text()).toBe(200);
    const body = await res.json();
    const rejected = (body.report.issues as { feature: number; message: string; action: string }[]).filter((i) => i.action === 'rejected');
    expect(rejected).toHaveLength(1);
    const row = check.locator('.report-issues tbody tr[data-action="rejected"]');
    await expect(row).toHaveCount(1);
    await expect(row.locator('td').nth(4)).toHaveText(rejected[0]!.message);
    await expect(row.locator('td').nth(5)).toHaveText('Rejected');

    // The mapping table: one labelled select per field of the kind.
    const selects = check.locator('.mapping-table select');
    expect(await selects.count()).toBe((body.fields as string[]).length);
    for (const [field, column] of Object.entries(body.mapping as Record<string, string>)) {
      await expect(check.locator(`select[data-field="${field}"]`)).toHaveValue(column);
    }

    // The preview draws the accepted points; the hostile name is text.
    await expect(check.locator('.preview')).toHaveAttribute('data-count', '9');
    await expect(page.locator('#preview-map path.leaflet-interactive')).toHaveCount(9);
    await check.locator('.preview-features summary').click();
    const hostile = check.locator('.preview-item', { hasText: HOSTILE });
    await expect(hostile).toHaveCount(1);
    await hostile.click();
    await expect(page.locator('.leaflet-popup-content .popup-title')).toHaveText(HOSTILE);
    await page.keyboard.press('Escape');
    await expect(page.locator('.leaflet-popup')).toHaveCount(0);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

  await test.step('publishing with "reject" is refused with the report; with "skip" it is version 1', async () => {
    await page.locator('#publish-id').fill(LAYER);
    await page.locator('#publish-title').fill(TITLE);
    await page.locator('#publish-sensitivity').selectOption('public');
    await page.locator('#publish-source').fill('RouteRisk end-to-end fixture');
    await page.locator('#publish-license').fill('CC BY 4.0');
    await page.locator('#publish-onError').selectOption('reject');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText('The layer could not be published: ');
    await expect(page.locator('.publish-result .report')).toHaveAttribute('data-rejected', '1');

    await page.locator('#publish-onError').selectOption('skip');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published “${TITLE}” (${LAYER}) as version 1 with 9 features.`);
    await expect(page.locator('#publish-form')).toHaveAttribute('data-version', '1');
    await expect(page.locator('#versions-layer')).toHaveValue(LAYER);
    await expect(page.locator('.versions-table tbody tr')).toHaveCount(1);
  });

  await test.step('a corrected file becomes version 2', async () => {
    await page.locator('#publish-mode-replace').check();
    await page.locator('#publish-target').selectOption(LAYER);
    await page.locator('#upload-input').setInputFiles(fixture('upload-services-fixed.csv'));
    await checked(page, 'upload-services-fixed.csv');
    await expect(page.locator('#upload-check .report')).toHaveAttribute('data-rejected', '0');
    await expect(page.locator('#upload-check .preview')).toHaveAttribute('data-count', '10');
    await page.locator('#publish-onError').selectOption('reject');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published version 2 of “${TITLE}” (${LAYER}) with 10 features.`);
    await expect(page.locator('#publish-form')).toHaveAttribute('data-version', '2');
  });

  await test.step('the version list shows both; restoring version 1 (after confirming) makes version 3', async () => {
    const rows = page.locator('.versions-table tbody tr');
    await expect(rows).toHaveCount(2);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.version))).toEqual(['2', '1']);
    await expect(rows.nth(0).locator('td').nth(2)).toHaveText('10');
    await expect(rows.nth(1).locator('td').nth(2)).toHaveText('9');
    await expect(rows.nth(0).getByRole('button')).toHaveCount(0);

    // Cancelled with Escape: nothing changes.
    const restore = page.getByRole('button', { name: `Restore version 1 of “${TITLE}”` });
    await restore.click();
    const confirm = page.getByRole('alertdialog', { name: 'Restore this version?' });
    await expect(confirm).toBeVisible();
    await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await page.keyboard.press('Escape');
    await expect(confirm).toBeHidden();
    await expect(restore).toBeFocused();
    await expect(rows).toHaveCount(2);

    await restore.click();
    await confirm.getByRole('button', { name: 'Restore' }).click();
    await expect(page.locator('#versions-message')).toHaveText(`Version 1 of “${TITLE}” was restored as version 3.`);
    await expect(rows).toHaveCount(3);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.version))).toEqual(['3', '2', '1']);
    await expect(rows.nth(0).locator('td').nth(2)).toHaveText('9');

    // The download link gives the current (restored) content.
    const href = await page.locator('#versions .download-geojson').getAttribute('href');
    expect(href).toBe(`/api/v1/layers/${LAYER}/download?format=geojson`);
    const res = await page.request.get(serverUrl(href!));
    expect(res.status()).toBe(200);
    expect(JSON.parse(await res.text()).features).toHaveLength(9);
  });

  await test.step('the map lists the new layer with the restored content', async () => {
    await openDashboard(page);
    await expect(page.locator(`#layer-${LAYER}`)).toBeChecked();
    expect(await apiCount(request, LAYER)).toBe(9);
    expect(await uiCount(page, LAYER)).toBe(9);
    await expect(page.locator('img[src="x"]')).toHaveCount(0);
  });

});

test('a viewer is told that uploading is not allowed; signing out returns to the signed-out state', async ({ page }) => {
  await openDashboard(page);
  await signIn(page, 'viewer');
  await expect(page.locator('#upload-link')).toBeHidden();

  await openUpload(page);
  await expect(page.locator('#signin-state')).toHaveText('Signed in as e2e-viewer (viewer)');
  await expect(page.locator('#upload-gate')).toContainText('Uploading is not allowed for this role');
  await expect(page.locator('#upload-work')).toBeHidden();
  // The server agrees.
  const res = await page.request.post(serverUrl('/api/v1/uploads/validate'), {
    headers: { 'X-CSRF-Token': await csrf(page) },
    multipart: { file: { name: 'upload-services.csv', mimeType: 'text/csv', buffer: readFileSync(fixture('upload-services.csv')) } },
  });
  expect(res.status()).toBe(403);

  await page.locator('#signin-out').click();
  await expect(page.locator('#signin-open')).toBeVisible();
  await expect(page.locator('#signin-open')).toBeFocused();
  await expect(page.locator('#signin-out')).toBeHidden();
  await expect(page.locator('#signin-state')).toHaveText('');
  await expect(page.locator('#upload-gate')).toContainText('Sign in with an editor or administrator token');
  const after = await page.request.get(serverUrl('/api/v1/session'));
  expect(after.status()).toBe(200);
  expect(await after.json()).toEqual({ signed_in: false });

  await openUpload(page);
  await expect(page.locator('#signin-open')).toBeVisible();
});

test('an editor deletes the layer after confirming, and the map no longer lists it', async ({ page, request }) => {
  await openUpload(page);
  await signIn(page, 'editor');
  await page.locator('#versions-layer').selectOption(LAYER);
  await expect(page.locator('.versions-table tbody tr')).toHaveCount(3);
  await page.locator('#versions-delete').click();
  const confirm = page.getByRole('alertdialog', { name: 'Delete this layer?' });
  await confirm.getByRole('button', { name: 'Delete layer' }).click();
  await expect(page.locator('#versions-message')).toHaveText(`The layer “${TITLE}” was deleted.`);
  await expect(page.locator(`#versions-layer option[value="${LAYER}"]`)).toHaveCount(0);
  const layers = (await (await request.get(serverUrl('/api/v1/layers'))).json()).layers as { id: string }[];
  expect(layers.map((l) => l.id)).not.toContain(LAYER);
  await openDashboard(page);
  await expect(page.locator(`#layer-${LAYER}`)).toHaveCount(0);
});
