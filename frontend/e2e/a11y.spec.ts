import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { asRole, openDashboard, pageErrors, roleToken, serverUrl, signIn, skipWithoutServer } from './helpers';
import { findStack } from './stacked';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** The serious and critical violations axe-core finds on the page now, with the nodes, readable in a failure. */
async function serious(page: Page, what: string): Promise<string[]> {
  // label-content-name-mismatch is experimental in axe-core, so off unless named: a
  // button's accessible name must start with the text it shows (WCAG 2.5.3).
  const result = await new AxeBuilder({ page })
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  const out = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${what}: ${v.id} (${v.impact}) on ${v.nodes.length} node(s): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  if (out.length > 0) console.log(out.join('\n'));
  return out;
}

// Leaflet fades a popup in; axe measures colour contrast on what is drawn,
// so a popup checked mid-fade reads as low contrast. Wait for full opacity.
async function popupFadedIn(page: Page): Promise<void> {
  await expect(page.locator('.leaflet-popup')).toHaveCSS('opacity', '1');
}

// Each axe-core run over the dashboard takes several seconds on a shared machine.
test.setTimeout(300_000);

test.describe('desktop 1400×900', () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  test('the dashboard has no serious or critical axe-core violation, with the route risk, a popup and dialogs open', async ({ page }) => {
    await openDashboard(page, '/?layers=routes,incidents,services,risk');
    // The time panel (slider, play, chart) comes after the first render.
    await expect(page.locator('#time-chart')).toHaveAttribute('data-state', 'ready');
    const found = await serious(page, 'dashboard');

    // A popup, opened from the first priority.
    await page.locator('#priorities button.priority-button').first().click();
    await expect(page.locator('.leaflet-popup-content .popup-risk')).toBeVisible();
    await popupFadedIn(page);
    found.push(...await serious(page, 'dashboard with a popup'));
    await page.keyboard.press('Escape');

    // The place search with its suggestions.
    await page.locator('#place-search').fill('Lampe');
    await expect(page.locator('.place-search-list [role="option"]').first()).toBeVisible();
    found.push(...await serious(page, 'dashboard with place suggestions'));
    await page.locator('#place-search').press('Escape');

    // The share dialog and the sign-in dialog.
    await page.locator('#share-open').click();
    await expect(page.getByRole('dialog').first()).toBeVisible();
    found.push(...await serious(page, 'share dialog'));
    await page.keyboard.press('Escape');
    await page.locator('#signin-open').click();
    await expect(page.getByRole('dialog', { name: 'Sign in' })).toBeVisible();
    found.push(...await serious(page, 'sign-in dialog'));
    expect(found).toEqual([]);
  });

  test('the "In view" list, a popup opened from it and a stacked popup with "More" open have no serious or critical axe-core violation', async ({ page, request }) => {
    await openDashboard(page, '/?z=5&lat=35&lon=14&layers=routes,incidents,services,risk');
    await page.locator('#inview-details > summary').click();
    await expect(page.locator('#inview .inview-open').first()).toBeVisible();
    const found = await serious(page, 'dashboard with the "In view" list');

    await page.locator('#inview .inview-open').first().press('Enter');
    await expect(page.locator('.leaflet-popup')).toBeVisible();
    await popupFadedIn(page);
    found.push(...await serious(page, 'popup opened from the "In view" list'));
    await page.keyboard.press('Escape');

    // Stacked incidents at the staff tier: the pager, and a popup's "More" unfolded.
    const stack = await findStack(request);
    await signIn(page, 'staff');
    await openDashboard(page, `/?z=9&lat=${stack.lat}&lon=${stack.lon}&layers=incidents`);
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect(page.locator('.leaflet-popup .popup-pager-status')).toHaveText(`1 of ${stack.count}`);
    // Unfolded once the popup has settled: a click while it still fades in
    // and the map pans to it can miss the summary.
    await popupFadedIn(page);
    await page.locator('.leaflet-popup details.popup-more > summary').click();
    await expect(page.locator('.leaflet-popup details.popup-more')).toHaveAttribute('open', '');
    await popupFadedIn(page);
    found.push(...await serious(page, 'stacked popup with "More" open'));
    expect(found).toEqual([]);
  });

  test('the upload page and the embed page have no serious or critical axe-core violation', async ({ page }) => {
    await page.goto(serverUrl('/upload'));
    await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
    const found = await serious(page, 'upload');

    await page.goto(serverUrl(`/embed?${new URLSearchParams({ bbox: '10,30,20,40', layers: 'routes,incidents,services', title: 'Central Mediterranean' }).toString()}`));
    await page.waitForFunction(() => window.__routerisk_embed?.ready === true || window.__routerisk_embed?.error != null, null, { timeout: 60_000 });
    found.push(...await serious(page, 'embed'));
    expect(found).toEqual([]);
  });
});

test.describe('admin page 1400×900', () => {
  test.use({ viewport: { width: 1400, height: 900 } });
  test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

  test('the admin page, signed out and in, with a filter, the sign-in and the withdraw dialogs open, has no serious or critical axe-core violation', async ({ page, request }) => {
    // An embed to list (and to open the withdraw dialog on).
    const made = await request.post(serverUrl('/api/v1/embeds'), {
      headers: asRole('staff'),
      data: { name: 'E2E a11y embed', tier: 'public', view: { z: 4, lat: 35, lon: 15 }, layers: ['incidents'], params: 'cause=Drowning', expires_in_days: 1 },
    });
    expect(made.status(), await made.text()).toBe(201);
    await page.goto(serverUrl('/admin'));
    await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
    const found = await serious(page, 'admin, signed out');

    await page.locator('#signin-open').click();
    await expect(page.getByRole('dialog').first()).toBeVisible();
    found.push(...await serious(page, 'admin sign-in dialog'));
    await page.locator('#signin-token').fill(roleToken('admin'));
    await page.keyboard.press('Enter');
    await expect(page.locator('#admin-content')).toBeVisible();
    await expect(page.locator('#audit-rows tr').first().locator('time')).toBeVisible();
    await expect(page.locator('#embeds-rows tr').first()).toBeVisible();
    found.push(...await serious(page, 'admin, signed in'));

    await page.locator('#audit-action').selectOption('embed-create');
    await page.locator('#audit-to').fill('2000-01-01');
    await page.locator('#audit-from').fill('2001-01-01');
    await expect(page.locator('#audit-range')).not.toHaveText('');
    found.push(...await serious(page, 'admin with filters and a date error'));

    await page.locator('#embeds-rows tr[data-state="active"]').first().getByRole('button').click();
    await expect(page.getByRole('alertdialog')).toBeVisible();
    found.push(...await serious(page, 'admin withdraw dialog'));
    await page.getByRole('alertdialog').getByRole('button').last().focus();
    await page.keyboard.press('Escape');
    expect(found).toEqual([]);
  });
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the dashboard on a phone, with the sheet open, has no serious or critical axe-core violation', async ({ page }) => {
    await openDashboard(page);
    const found = await serious(page, 'phone');
    await page.locator('#sheet-toggle').click();
    found.push(...await serious(page, 'phone with the sheet open'));
    expect(found).toEqual([]);
  });
});
