import { expect, test } from '@playwright/test';
import { openDashboard, pageErrors, serverUrl, skipWithoutServer } from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

/** What each language shows: the layers heading and a word of the filter panel. */
const LANGUAGES = [
  { lang: 'ar', dir: 'rtl', layers: 'الطبقات', filters: 'عوامل التصفية', script: /[\u0600-\u06FF]/ },
  { lang: 'fr', dir: 'ltr', layers: 'Couches', filters: 'Filtres', script: /é|è|à/ },
  { lang: 'ru', dir: 'ltr', layers: 'Слои', filters: 'Фильтры', script: /[\u0400-\u04FF]/ },
  { lang: 'zh', dir: 'ltr', layers: '图层', filters: '筛选', script: /[\u4E00-\u9FFF]/ },
  { lang: 'es', dir: 'ltr', layers: 'Capas', filters: 'Filtros', script: /ó|í|á/ },
] as const;

for (const l of LANGUAGES) {
  test(`?lang=${l.lang} shows the dashboard in that language`, async ({ page }) => {
    await openDashboard(page, `/?lang=${l.lang}`);
    await expect(page.locator('html')).toHaveAttribute('lang', l.lang);
    await expect(page.locator('html')).toHaveAttribute('dir', l.dir);
    await expect(page.locator('#layers-heading')).toHaveText(l.layers);
    await expect(page.locator('#filters-heading')).toHaveText(l.filters);
    expect(await page.locator('#panel').innerText()).toMatch(l.script);
    // The language stays in the URL as the map moves.
    await page.locator('.leaflet-control-zoom-in').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('lang')).toBe(l.lang);
  });
}

test('Arabic is laid out right to left, with the map controls mirrored', async ({ page }) => {
  await page.setViewportSize({ width: 1400, height: 900 });
  await openDashboard(page, '/?lang=ar');
  const panel = await page.locator('#panel').boundingBox();
  const map = await page.locator('#map').boundingBox();
  expect(panel!.x, 'the panel is on the right').toBeGreaterThan(map!.x);
  const zoom = await page.locator('.leaflet-control-zoom').boundingBox();
  expect(zoom!.x + zoom!.width, 'zoom buttons at the top right').toBeGreaterThan(map!.x + map!.width - 80);
  await expect(page.locator('.leaflet-control-zoom-in')).toHaveAttribute('title', 'تكبير');
});

test('the language menu saves the choice, which applies without ?lang=', async ({ page }) => {
  await openDashboard(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const menu = page.getByLabel('Language');
  await expect(menu.locator('option')).toHaveText(['العربية', 'English', 'Español', 'Français', 'Русский', '中文']);
  await menu.selectOption('fr');
  await page.waitForFunction(() => document.documentElement.lang === 'fr' && document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await page.goto(serverUrl('/'));
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page.getByLabel('Langue')).toHaveValue('fr');
  // ?lang= wins over the saved choice.
  await page.goto(serverUrl('/?lang=ru'));
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru');
  await page.evaluate(() => localStorage.clear());
});

test('the browser language is used when nothing else is chosen', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  await openDashboard(page, '/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.locator('#filters-heading')).toHaveText('Filtros');
  await context.close();
});

test('the upload and embed pages follow ?lang=', async ({ page }) => {
  await page.goto(serverUrl('/upload.html?lang=ar'));
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('h1')).toHaveText('رفع طبقة');
  await page.goto(serverUrl('/embed?lang=zh&layers=routes'));
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 60_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh');
  await expect(page.getByText('在 RouteRisk 中打开')).toBeVisible();
});
