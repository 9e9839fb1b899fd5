import { expect, test, type Page } from '@playwright/test';
import { openDashboard, pageErrors, skipWithoutServer } from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** A phone held upright, driven by touch. */
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

/** How far the page scrolls sideways (0 when it fits the screen). */
const sideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Height of the map shown on the first screen, in CSS pixels. */
async function mapOnFirstScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const r = document.getElementById('map')!.getBoundingClientRect();
    return Math.max(0, Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0));
  });
}

test('at 390×844 the map fills the first screen and nothing scrolls sideways', async ({ page }) => {
  await openDashboard(page);
  expect(await sideways(page)).toBe(0);
  expect(await mapOnFirstScreen(page)).toBeGreaterThanOrEqual(300);
  const toggle = page.locator('#sheet-toggle');
  await expect(toggle).toBeVisible();
  await expect(page.locator('#panel')).toBeHidden();

  // The sheet opens over the map with the layers, filters and priorities, still without sideways scroll.
  await toggle.tap();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(page.locator('#panel')).toBeVisible();
  await expect(page.locator('#filter-cause')).toBeVisible();
  expect(await sideways(page)).toBe(0);
  const panelBox = await page.locator('#panel').boundingBox();
  expect(panelBox!.width).toBeLessThanOrEqual(390);
  // The longest cause label fits (cut short, with the full text in title).
  await page.locator('#filter-cause').selectOption({ index: 4 });
  expect(await sideways(page)).toBe(0);
  await expect(page.locator('#filter-cause')).toHaveAttribute('title', /Harsh environmental conditions/);
  await page.locator('#filter-cause').selectOption('');
});

test('at 360 px wide nothing scrolls sideways, with the sheet open', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openDashboard(page);
  await page.locator('#sheet-toggle').tap();
  expect(await sideways(page)).toBe(0);
  const widths = await page.evaluate(() => [...document.querySelectorAll('#panel *')]
    .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getClientRects().length > 0)
    .map((e) => `${e.tagName}#${e.id}.${e.className}`));
  expect(widths, 'elements wider than the screen').toEqual([]);
});

test('controls are touch targets of 44 px or more', async ({ page }) => {
  await openDashboard(page);
  await page.locator('#sheet-toggle').tap();
  const small = await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#panel button, #panel select, #panel input, #sheet-toggle, .leaflet-control-zoom a')]
    .filter((e) => e.getClientRects().length > 0 && e.offsetParent !== null)
    .filter((e) => {
      const r = e.getBoundingClientRect();
      const target = e instanceof HTMLInputElement && e.type === 'checkbox' ? e.closest('.layer')!.getBoundingClientRect() : r;
      return target.height < 44 - 0.5;
    })
    .map((e) => `${e.tagName}#${e.id} ${Math.round(e.getBoundingClientRect().height)}px`));
  expect(small).toEqual([]);
});

test('tapping a priority closes the sheet and shows its stretch on the map', async ({ page }) => {
  await openDashboard(page);
  await page.locator('#sheet-toggle').tap();
  const first = page.locator('.priority-button').first();
  await first.scrollIntoViewIfNeeded();
  await first.tap();
  await expect(page.locator('#panel')).toBeHidden();
  await expect(page.locator('#sheet-toggle')).toHaveAttribute('aria-expanded', 'false');
  const popup = page.locator('.leaflet-popup');
  await expect(popup).toBeVisible();
  const box = await popup.boundingBox();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height).toBeLessThanOrEqual(844);
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(390);
});
