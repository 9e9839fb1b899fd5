import AxeBuilder from '@axe-core/playwright';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { strFromU8, unzipSync } from 'fflate';
import { asRole, serverUrl, skipWithoutServer, watchPage, type Role } from './helpers';
import { HOSTILE, samplePack } from '../src/features/offline/testdata/packfixture';

skipWithoutServer();

test.beforeEach(({ page }) => {
  watchPage(page);
});

test.afterEach(({ page }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(w.errors, 'uncaught errors in the page').toEqual([]);
});

/** Opens /offline and waits until the page is built and everything it loads has arrived. */
async function openOffline(page: Page, query = ''): Promise<void> {
  const res = await page.goto(serverUrl(`/offline${query}`));
  expect(res!.status()).toBe(200);
  await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'empty');
  await page.waitForLoadState('networkidle');
}

/**
 * Cuts the page off the network: the context offline, and every request
 * aborted. Returns the requests the page tried from then on (blob: and
 * data: URLs, which never leave the browser, left out).
 */
async function cutOff(page: Page): Promise<string[]> {
  const tried: string[] = [];
  const local = (url: string) => url.startsWith('blob:') || url.startsWith('data:');
  page.on('request', (r) => {
    if (!local(r.url())) tried.push(`request ${r.method()} ${r.url()}`);
  });
  await page.context().setOffline(true);
  await page.route('**/*', (route) => {
    if (!local(route.request().url())) tried.push(`aborted ${route.request().url()}`);
    return route.abort();
  });
  return tried;
}

/** The number a data-drawn-<layer> attribute of the map holds now. */
async function drawn(page: Page, layer: string): Promise<number> {
  return Number(await page.locator('#offline-map').getAttribute(`data-drawn-${layer}`));
}

/** Waits until the map has painted at least one feature of each of `layers`. */
async function waitDrawn(page: Page, layers: readonly string[]): Promise<void> {
  for (const l of layers) await expect.poll(() => drawn(page, l), { message: `features of ${l} painted` }).toBeGreaterThan(0);
}

/** The pack the tests download: the Central Mediterranean, every layer the server offers. */
const PACK_URL = serverUrl('/api/v1/packs?bbox=10,30,20,38');

/** Downloads the pack as `role` into `file`; returns the file and the pack's manifest. */
async function downloadPack(request: APIRequestContext, role: Role, file: string): Promise<{ file: string; manifest: { caveats?: string[]; tier: string; data_through?: string; layers: unknown[] } }> {
  const res = await request.get(PACK_URL, { headers: asRole(role), timeout: 120_000 });
  expect(res.status(), await res.text().catch(() => '')).toBe(200);
  const zip = await res.body();
  writeFileSync(file, zip);
  const entry = unzipSync(new Uint8Array(zip), { filter: (f) => f.name === 'manifest.json' })['manifest.json'];
  expect(entry, 'the pack holds manifest.json').toBeDefined();
  return { file, manifest: JSON.parse(strFromU8(entry!)) };
}

test('a Central Mediterranean pack made by the server opens with no network', async ({ page, request }, info) => {
  // Packs are for staff and partners: not for anonymous callers (401) nor viewers (403).
  expect((await request.get(PACK_URL)).status()).toBe(401);
  expect((await request.get(PACK_URL, { headers: asRole('viewer') })).status()).toBe(403);
  const { file, manifest } = await downloadPack(request, 'staff', info.outputPath('central-mediterranean.zip'));
  expect(manifest.tier).toBe('staff');

  await openOffline(page);
  const tried = await cutOff(page);
  await page.locator('#pack-file').setInputFiles(file);
  await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'ready', { timeout: 60_000 });
  await waitDrawn(page, ['routes', 'services', 'labels']);
  // The dashboard's basemap, read from the pack, lies under the tiles.
  await expect(page.locator('#offline-map')).toHaveAttribute('data-basemap', 'drawn');
  await expect(page.locator('.leaflet-basemap-pane canvas')).toHaveCount(1);
  const caveats = manifest.caveats ?? [];
  if (caveats.length > 0) await expect(page.locator('#pack-caveats li')).toHaveText(caveats);
  await expect(page.locator('#pack-tier')).toContainText('Staff');
  await expect(page.locator('#pack-error')).toBeEmpty();
  // Every layer of the pack is listed with its sources.
  await expect(page.locator('#pack-layers > li')).toHaveCount(manifest.layers.length);
  expect(tried, 'requests after the network was cut').toEqual([]);
});

test('a partner’s pack (positions rounded, data up to a month) opens with no network', async ({ page, request }, info) => {
  const { file, manifest } = await downloadPack(request, 'partner', info.outputPath('central-mediterranean-partner.zip'));
  expect(manifest.tier).toBe('partner');
  await openOffline(page);
  const tried = await cutOff(page);
  await page.locator('#pack-file').setInputFiles(file);
  await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'ready', { timeout: 60_000 });
  await waitDrawn(page, ['routes', 'services', 'labels']);
  await expect(page.locator('#pack-tier')).toHaveText('Partner');
  if (manifest.data_through) await expect(page.locator('#pack-data-through')).not.toHaveText('Not stated');
  expect(tried, 'requests after the network was cut').toEqual([]);
});

test('a pack opens, draws, switches layers and overzooms with no network; its text stays text', async ({ page }, info) => {
  const file = info.outputPath('sample.zip');
  writeFileSync(file, samplePack());
  await openOffline(page);
  const tried = await cutOff(page);
  await page.locator('#pack-file').setInputFiles(file);
  const map = page.locator('#offline-map');
  await expect(map).toHaveAttribute('data-pack-state', 'ready');
  await waitDrawn(page, ['routes', 'services', 'incidents', 'hotspots', 'labels']);
  await expect(page.locator('#pack-caveats li')).toHaveText([
    'Positions of incidents are exact: do not share this pack outside the organisation.',
    HOSTILE,
  ]);
  await expect(page.locator('#pack-bbox')).toHaveText('Longitude 10° to 20°, latitude 30° to 38°');
  await expect(page.locator('#pack-data-through')).toHaveText(/^(30 November 2026|November 30, 2026)$/);
  await expect(page.locator('#pack-layers a')).toHaveCount(1);
  expect(await page.locator('#pack-info img, #offline-map img').count()).toBe(0);

  // Switching routes off repaints the tiles without them; on again, they come back.
  await page.locator('#pack-toggle-routes').uncheck();
  await expect(map).toHaveAttribute('data-drawn-routes', '0');
  expect(await drawn(page, 'services')).toBeGreaterThan(0);
  await page.locator('#pack-toggle-routes').check();
  await waitDrawn(page, ['routes']);

  // Beyond the archive's deepest zoom (7) the tiles are painted from it: zoom to 10 over Lampedusa.
  for (let i = 0; i < 5; i++) {
    await page.locator('.leaflet-control-zoom-in').click();
    await page.waitForTimeout(300);
  }
  await expect.poll(() => page.locator('#offline-map .leaflet-tile-loaded').count()).toBeGreaterThan(0);
  await waitDrawn(page, ['routes']);
  expect(tried, 'requests after the network was cut').toEqual([]);
});

test('a file that is not a pack gives an alert, and a pack opens after it', async ({ page }, info) => {
  const notZip = info.outputPath('notes.zip');
  writeFileSync(notZip, 'bbox,layers\n10,30,20,38,routes\n');
  await openOffline(page);
  const tried = await cutOff(page);
  await page.locator('#pack-file').setInputFiles(notZip);
  const map = page.locator('#offline-map');
  await expect(map).toHaveAttribute('data-pack-state', 'error');
  await expect(page.getByRole('alert')).toContainText('This file is not a pack: it is not a zip file.');
  await expect(page.getByRole('alert')).toContainText('Details: the file does not start as a zip file does');

  const pack = info.outputPath('sample.zip');
  writeFileSync(pack, samplePack());
  await page.locator('#pack-file').setInputFiles(pack);
  await expect(map).toHaveAttribute('data-pack-state', 'ready');
  await expect(page.locator('#pack-error')).toBeEmpty();
  await waitDrawn(page, ['routes']);
  expect(tried, 'requests after the network was cut').toEqual([]);
});

test('in Arabic the page is right to left, and has no serious or critical axe-core violation', async ({ page }, info) => {
  const file = info.outputPath('sample.zip');
  writeFileSync(file, samplePack());
  await openOffline(page, '?lang=ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await expect(page.locator('label[for=pack-file]')).toHaveText('فتح حزمة (‎.zip)');
  await page.locator('#pack-file').setInputFiles(file);
  await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'ready');
  // The zoom buttons sit at the start corner: top right in Arabic.
  await expect(page.locator('.leaflet-top.leaflet-right .leaflet-control-zoom')).toHaveCount(1);
  const result = await new AxeBuilder({ page }).analyze();
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  expect(serious).toEqual([]);
});

test('the dashboard links to the offline viewer', async ({ page }) => {
  await page.goto(serverUrl('/'));
  const link = page.locator('#offline-link');
  await expect(link).toHaveText('Open an offline pack');
  await link.click();
  await expect(page).toHaveURL(/\/offline$/);
  await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'empty');
});

test.describe('phone 390×844', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the panel sits above the map, nothing scrolls sideways, and the map still draws', async ({ page }, info) => {
    const file = info.outputPath('sample.zip');
    writeFileSync(file, samplePack());
    await openOffline(page);
    await page.locator('#pack-file').setInputFiles(file);
    await expect(page.locator('#offline-map')).toHaveAttribute('data-pack-state', 'ready');
    await waitDrawn(page, ['routes']);
    const sizes = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(sizes.scroll).toBeLessThanOrEqual(sizes.inner);
    const map = await page.locator('#offline-map').boundingBox();
    expect(map!.height).toBeGreaterThan(400);
    expect(map!.width).toBeGreaterThan(380);
  });
});
