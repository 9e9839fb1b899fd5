import { expect, test, type Page } from '@playwright/test';
import { asRole, roleToken, serverUrl, skipWithoutServer, watchPage, type Role } from './helpers';

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

const HOSTILE = '<img src=x onerror=alert(1)>';

test.beforeEach(({ page }) => {
  // No JavaScript dialog may open by itself (hostile strings stay text), and no error may escape.
  watchPage(page);
});

test.afterEach(({ page }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(w.errors, 'uncaught errors in the page').toEqual([]);
});

/** Opens the admin page at /admin and waits until it knows whether someone is signed in. */
async function openAdmin(page: Page, query = ''): Promise<void> {
  const res = await page.goto(serverUrl(`/admin${query}`));
  expect(res!.status()).toBe(200);
  await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
}

/** Records the query of every GET /api/v1/audit the page makes. */
function recordAuditQueries(page: Page): URLSearchParams[] {
  const out: URLSearchParams[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/v1/audit') out.push(u.searchParams);
  });
  return out;
}

/** Waits until the audit log has its answer (no page is loading). */
async function waitAuditIdle(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.getElementById('audit')?.hasAttribute('aria-busy'), null, { timeout: 20_000 });
}

/** Signs in through the page's dialog. */
async function signIn(page: Page, role: Role): Promise<void> {
  await page.locator('#signin-open').click();
  await page.locator('#signin-token').fill(roleToken(role));
  await page.keyboard.press('Enter');
  await expect(page.locator('#signin-out')).toBeVisible();
}

test('a visitor and a non-admin see why the page is closed, not a broken page', async ({ page }) => {
  await openAdmin(page);
  await expect(page.locator('#admin-gate')).toHaveText('Sign in with an administrator token to see the audit log and the signed embeds.');
  await expect(page.locator('#admin-content')).toBeHidden();
  await signIn(page, 'editor');
  await expect(page.locator('#admin-gate')).toContainText('You are signed in as e2e-editor (editor)');
  await expect(page.locator('#admin-gate')).toContainText('administrators only');
  await expect(page.locator('#admin-content')).toBeHidden();
  await expect(page.locator('#audit-rows tr')).toHaveCount(0);
});

test('an admin pages and filters the audit log', async ({ page, request }) => {
  // Make entries: an embed refused (the staff tier may not be embedded) and
  // one made, by staff; the admin's sign-in below makes a third. (Failed
  // sign-ins are summed up over a minute before they are written.)
  const refused = await request.post(serverUrl('/api/v1/embeds'), {
    headers: asRole('staff'),
    data: { name: 'E2E refused embed', tier: 'staff', view: { z: 4, lat: 35, lon: 15 }, layers: ['incidents'] },
  });
  expect(refused.status(), await refused.text()).toBe(400);
  const made = await request.post(serverUrl('/api/v1/embeds'), {
    headers: asRole('staff'),
    data: { name: 'E2E audit embed', tier: 'public', view: { z: 4, lat: 35, lon: 15 }, layers: ['incidents'] },
  });
  expect(made.status(), await made.text()).toBe(201);
  // The API's own count of entries, to check the page against.
  const all = await request.get(serverUrl('/api/v1/audit?limit=1000'), { headers: asRole('admin') });
  expect(all.status()).toBe(200);
  const total = ((await all.json()).entries as unknown[]).length;
  expect(total).toBeGreaterThan(3);

  await openAdmin(page);
  await signIn(page, 'admin');
  await expect(page.locator('#admin-content')).toBeVisible();
  const rows = page.locator('#audit-rows tr');
  await expect(rows.first().locator('time')).toBeVisible();
  await expect(page.locator('#audit-status')).toContainText('Entries shown: ');

  // What: only the actions chosen are left.
  const action = page.locator('#audit-action');
  const shownActions = () => page.locator('#audit-rows td[data-action]').evaluateAll((tds) => tds.map((td) => td.getAttribute('data-action')));
  await action.selectOption('sign-in');
  await expect(rows.first().locator('td').nth(2)).toHaveText('Sign-in');
  // The unfiltered list may also start with a sign-in: wait for the filtered answer.
  await expect.poll(async () => [...new Set(await shownActions())]).toEqual(['sign-in']);
  await expect(rows.first().locator('td').nth(1)).toContainText('e2e-admin');
  await expect(rows.first().locator('td').nth(4)).toHaveText('OK');
  await action.selectOption('embed-create');
  await expect(rows.first().locator('td').nth(2)).toHaveText('Embed made');
  await expect(rows.first().locator('td').nth(5)).toContainText('tier public');
  await expect(rows.nth(1).locator('td').nth(4)).toHaveText('Rejected');
  await expect(rows.nth(1)).toHaveClass(/outcome-rejected/);
  await expect.poll(async () => [...new Set(await shownActions())]).toEqual(['embed-create']);

  // Who: part of a name, any case, searched on the server; a name nobody has leaves nothing.
  const asked = recordAuditQueries(page);
  await page.locator('#audit-who').fill('STAFF');
  await expect.poll(() => asked.some((q) => q.get('actor') === 'STAFF' && q.get('action') === 'embed-create')).toBe(true);
  await waitAuditIdle(page);
  await expect(rows.first().locator('td').nth(1)).toContainText('e2e-staff');
  for (const who of await page.locator('#audit-rows td:nth-child(2)').allTextContents()) expect(who).toContain('e2e-staff');
  await page.locator('#audit-who').fill('nobody-by-this-name');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveText(/No entry matches/);
  await page.locator('#audit-clear').click();
  await expect(page.locator('#audit-who')).toHaveValue('');
  await action.selectOption('');

  // When: a day in the future keeps nothing, today (UTC) keeps what was just done.
  await page.locator('#audit-from').fill('2999-01-01');
  await expect(rows.first()).toHaveText(/No entry matches/);
  await expect.poll(() => asked.some((q) => q.get('from') === '2999-01-01')).toBe(true);
  await page.locator('#audit-from').fill(new Date().toISOString().slice(0, 10));
  await expect(rows.first().locator('time')).toBeVisible();
  // The wrong way round: said so.
  await page.locator('#audit-to').fill('2000-01-01');
  await expect(page.locator('#audit-range')).toContainText('after');
  await page.locator('#audit-clear').click();
  await expect(page.locator('#audit-range')).toHaveText('');
});

test('"Older" asks for the next page with the cursor of the one before', async ({ page, request }) => {
  // The page asks for 100 entries at a time: make sure there are more than 100.
  const all = await request.get(serverUrl('/api/v1/audit?limit=1000'), { headers: asRole('admin') });
  let total = ((await all.json()).entries as unknown[]).length;
  for (; total <= 105; total++) {
    const r = await request.post(serverUrl('/api/v1/embeds'), {
      headers: asRole('staff'),
      data: { name: `E2E paging ${total}`, tier: 'public', view: { z: 3, lat: 35, lon: 15 }, layers: ['incidents'], expires_in_days: 1 },
    });
    expect(r.status()).toBe(201);
  }
  const asked: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === '/api/v1/audit') asked.push(u.search);
  });
  await openAdmin(page);
  await signIn(page, 'admin');
  const status = page.locator('#audit-status');
  await expect(status).toContainText('Entries shown: 100.');
  const firstOldest = await page.locator('#audit-rows tr').last().locator('time').getAttribute('datetime');
  await page.locator('#audit-older').click();
  await expect(status).not.toContainText('Entries shown: 100.');
  const loaded = Number(/Entries shown: ([\d,]+)/.exec((await status.textContent()) ?? '')![1]!.replace(/,/g, ''));
  expect(loaded).toBeGreaterThan(100);
  expect(loaded).toBeLessThanOrEqual(200);
  expect(asked).toHaveLength(2);
  expect(new URLSearchParams(asked[1]).get('before')).toBeTruthy();
  // The second page is older than the first.
  const times = await page.locator('#audit-rows time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
  expect(Date.parse(times[100]!)).toBeLessThanOrEqual(Date.parse(firstOldest!));
});

test('an admin sees an embed made through the API and withdraws it after confirming', async ({ page, request }) => {
  const made = await request.post(serverUrl('/api/v1/embeds'), {
    headers: asRole('staff'),
    data: { name: HOSTILE, tier: 'partner', view: { z: 5, lat: 35.5, lon: 12.6 }, layers: ['incidents', 'routes'], params: 'route=Central+Mediterranean', expires_in_days: 30 },
  });
  expect(made.status(), await made.text()).toBe(201);
  const { id, token } = (await made.json()) as { id: string; token: string };

  await openAdmin(page, '?lang=fr');
  await signIn(page, 'admin');
  const row = page.locator(`#embeds-rows tr[data-embed="${id}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-state', 'active');
  const cells = row.locator('td');
  await expect(cells.nth(0)).toHaveText(HOSTILE);
  await expect(cells.nth(1)).toContainText('e2e-staff');
  await expect(cells.nth(3)).toHaveText('Partenaire');
  await expect(cells.nth(4)).toHaveText('incidents, routes');
  // The filters the embed shows, kept with its record when it was made.
  await expect(row.locator('td.embed-filters')).toContainText('Central Mediterranean');
  await expect(cells.nth(7)).toHaveText('Active');
  expect(await page.locator('#embeds img').count()).toBe(0);

  // Cancel first: nothing happens.
  await row.getByRole('button', { name: `Retirer « ${HOSTILE} »` }).click();
  const dialog = page.getByRole('alertdialog', { name: 'Retirer cette intégration ?' });
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Annuler' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(row).toHaveAttribute('data-state', 'active');

  // Then confirm.
  await row.getByRole('button', { name: `Retirer « ${HOSTILE} »` }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Retirer', exact: true }).click();
  await expect(row).toHaveAttribute('data-state', 'withdrawn');
  await expect(cells.nth(7)).toContainText('Retirée le');
  await expect(row.getByRole('button')).toHaveCount(0);
  await expect(page.locator('#embeds-status')).toHaveText(`L’intégration « ${HOSTILE} » est retirée.`);

  // The server refuses the token now, and the audit log says who withdrew it.
  const claims = await request.get(serverUrl('/api/v1/embed'), { headers: { 'X-Embed-Token': token } });
  expect(claims.status()).toBeGreaterThanOrEqual(400);
  await page.reload();
  await page.waitForFunction(() => document.documentElement.dataset.signedIn === 'admin');
  await page.locator('#audit-action').selectOption('embed-revoke');
  const revoked = page.locator('#audit-rows tr').first().locator('td');
  await expect(revoked.nth(2)).toHaveText('Intégration retirée');
  await expect(revoked.nth(1)).toContainText('e2e-admin');
  await expect(revoked.nth(5)).toContainText(id);
  await expect(page.locator(`#embeds-rows tr[data-embed="${id}"]`)).toHaveAttribute('data-state', 'withdrawn');
});

test('the page is right to left in Arabic', async ({ page }) => {
  await openAdmin(page, '?lang=ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ar');
  await signIn(page, 'admin');
  await expect(page.locator('#audit-heading')).toHaveText('سجل التدقيق');
  const time = await page.locator('#audit-rows time').first().textContent();
  expect(time).toMatch(/[\u0660-\u0669]|[\u0600-\u06FF]/);
  // No sideways scroll of the page itself.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1)).toBe(true);
});
