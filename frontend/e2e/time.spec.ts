import { expect, test, type Page } from '@playwright/test';
import { openDashboard, pageErrors, recordRequests, skipWithoutServer, waitIdle } from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** Opens the dashboard and waits for the time panel's series. */
async function openWithTime(page: Page, path = '/'): Promise<void> {
  await openDashboard(page, path);
  await expect(page.locator('#time-chart')).toHaveAttribute('data-state', 'ready');
  await expect(page.locator('#time-slider')).toBeEnabled();
}

/** The months the chart marks as chosen. */
const marked = (page: Page) => page.locator('#time-chart svg g.on').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-month')));

test.describe('desktop 1400×900', () => {
  test.use({ viewport: { width: 1400, height: 900 } });

  test('the slider sets the date filter to a month, the chart marks it, the keyboard and play move it', async ({ page }) => {
    const months = recordRequests(page, '/api/v1/layers/incidents/months');
    const features = recordRequests(page, '/api/v1/layers/incidents/features');
    await openWithTime(page);
    expect(months.length, 'the series is asked for once').toBe(1);
    const slider = page.locator('#time-slider');
    const max = Number(await slider.getAttribute('max'));
    expect(max, 'the incidents span years of months').toBeGreaterThan(24);
    await expect(slider).toHaveAttribute('aria-valuetext', 'All dates');
    expect(await page.locator('#time-chart svg g[data-month]').count()).toBe(max);

    // The 25th month: the date filter, the URL and the map's request follow.
    await slider.fill('25');
    const month = (await page.locator('#time-chart svg g[data-month]').nth(24).getAttribute('data-month'))!;
    await expect(page.locator('#filter-from')).toHaveValue(`${month}-01`);
    await expect(page).toHaveURL(new RegExp(`from=${month}-01&to=${month}-\\d\\d`));
    expect(await marked(page)).toEqual([month]);
    await waitIdle(page);
    expect(decodeURIComponent(features.at(-1)!)).toContain(`datetime=${month}-01/${month}-`);
    const label = await page.locator('#time-value').textContent();
    expect(label).not.toBe('All dates');
    await expect(slider).toHaveAttribute('aria-valuetext', label!);

    // The keyboard moves one month on.
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    const next = (await page.locator('#time-chart svg g[data-month]').nth(25).getAttribute('data-month'))!;
    await expect(page.locator('#filter-from')).toHaveValue(`${next}-01`);

    // Play steps on by itself; pressing again pauses.
    const play = page.locator('#time-play');
    await play.click();
    await expect(play).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('#filter-from')).not.toHaveValue(`${next}-01`);
    await play.click();
    await expect(play).toHaveAttribute('aria-pressed', 'false');

    // Back to every date: the date filter is cleared.
    await slider.fill('0');
    await expect(page.locator('#filter-from')).toHaveValue('');
    expect(await marked(page)).toEqual([]);
    expect(months.length, 'moving through the dates does not ask for the series again').toBe(1);
  });

  test('the chart and the menu counts follow the other filters', async ({ page }) => {
    const months = recordRequests(page, '/api/v1/layers/incidents/months');
    const values = recordRequests(page, '/api/v1/layers/incidents/values');
    await openWithTime(page);
    const table = page.locator('#time-table tbody');
    const before = await table.textContent();
    const causesBefore = await page.locator('#filter-cause option').allTextContents();

    const route = page.locator('#filter-route option').nth(1);
    const name = (await route.getAttribute('value'))!;
    await page.locator('#filter-route').selectOption(name);
    await expect.poll(() => months.some((u) => new URL(u).searchParams.get('route') === name)).toBe(true);
    await expect(page.locator('#time-chart')).toHaveAttribute('data-state', 'ready');
    await expect.poll(() => table.textContent()).not.toBe(before);
    // The causes are counted for the chosen route.
    await expect.poll(() => values.some((u) => {
      const q = new URL(u).searchParams;
      return q.get('property') === 'cause_category' && q.get('route') === name;
    })).toBe(true);
    await expect.poll(() => page.locator('#filter-cause option').allTextContents()).not.toEqual(causesBefore);
  });

  test('a shared link opens on its month', async ({ page }) => {
    await openWithTime(page, '/?from=2020-03-01&to=2020-03-31');
    await expect(page.locator('#filter-from')).toHaveValue('2020-03-01');
    expect(await marked(page)).toEqual(['2020-03']);
    const index = await page.locator('#time-chart svg g[data-month]').evaluateAll((gs) => gs.findIndex((g) => g.getAttribute('data-month') === '2020-03'));
    await expect(page.locator('#time-slider')).toHaveValue(String(index + 1));
    await expect(page.locator('#time-value')).not.toHaveText('All dates');
  });

  test('"Zoom to results" fits the map to what the filters leave', async ({ page }) => {
    await openWithTime(page, '/?z=2&lat=20&lon=0&layers=incidents');
    await page.locator('#filter-route').selectOption('Central Mediterranean');
    await waitIdle(page);
    await page.locator('#filter-zoom').click();
    await expect(page).not.toHaveURL(/[?&]z=2&/);
    const url = new URL(page.url());
    const z = Number(url.searchParams.get('z'));
    const lat = Number(url.searchParams.get('lat'));
    const lon = Number(url.searchParams.get('lon'));
    expect(z).toBeGreaterThan(2);
    // The Central Mediterranean: between North Africa and Italy.
    expect(lat).toBeGreaterThan(25);
    expect(lat).toBeLessThan(45);
    expect(lon).toBeGreaterThan(0);
    expect(lon).toBeLessThan(30);
  });
});

test.describe('phone 390×844 in Arabic', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

  test('the time panel fits the sheet, right to left, without sideways scroll', async ({ page }) => {
    await openWithTime(page, '/?lang=ar');
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await page.locator('#sheet-toggle').tap();
    const time = page.locator('#time');
    await time.scrollIntoViewIfNeeded();
    await expect(time).toBeVisible();
    await expect(page.locator('#time-heading')).toHaveText('الزمن');
    await expect(page.locator('#time-play')).toHaveText('تشغيل شهرًا بعد شهر');
    const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(sideways).toBe(0);
    const box = await page.locator('#time-chart svg').boundingBox();
    expect(box!.width).toBeLessThanOrEqual(390);
    const play = await page.locator('#time-play').boundingBox();
    expect(play!.height).toBeGreaterThanOrEqual(44);
    await page.locator('#time-slider').fill('3');
    await expect(page.locator('#filter-from')).not.toHaveValue('');
  });
});
