import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { asRole, openDashboard, serverUrl, signIn, skipWithoutServer, watchPage } from './helpers';

/**
 * A service layer that declares its coverage (Niger) has gaps only inside
 * that country, far beyond its two offices, and the dashboard draws the
 * country's outline when the coverage switch is on.
 *
 * A service directory brought in by staff (an Open Referral HSDS package of
 * services in Tijuana) gives coverage, and so gaps, only where it has data:
 * stretches near Tijuana are "ok" or "gap" for its categories, stretches far
 * away stay "no data". The dashboard's category filter lists its categories.
 * Also: the priorities say when their data ends and what they cannot say, and
 * the exposure and method panels name what they measure.
 */

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');
test.describe.configure({ mode: 'serial' });

const LAYER = 'e2e-tijuana-hsds';
const TITLE = 'E2E Tijuana services (HSDS)';
const HSDS = join(dirname(fileURLToPath(import.meta.url)), '../../geodata/formats/testdata/hsds/tijuana_hsds.zip');
const TIJUANA: [number, number] = [-117.03, 32.53];
/**
 * Categories of the package's current services (a service with no last_verified date is never current, so
 * its food, psychosocial and wash services, undated, give no coverage): no other layer brings them to the
 * Americas. Health is bundled, but only for Africa and Europe.
 */
const CATEGORIES = ['legal', 'shelter', 'health'] as const;
/** Those no layer brings near the Central Mediterranean's Italian landing places or the Channel. */
const FAR_CATEGORIES = ['legal', 'shelter'] as const;
/** Every category the package's services name. */
const LISTED = ['legal', 'shelter', 'health', 'food', 'psychosocial', 'wash'] as const;

test.beforeEach(({ page }) => {
  watchPage(page);
});

test.afterEach(({ page }) => {
  const w = watchPage(page);
  expect(w.dialogs, 'no alert, confirm or prompt opened').toEqual([]);
  expect(w.errors, 'uncaught errors in the page').toEqual([]);
});

/** Great-circle distance in km. */
function km(a: readonly number[], b: readonly number[]): number {
  const r = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * r;
  const dLon = (b[0]! - a[0]!) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1]! * r) * Math.cos(b[1]! * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.sqrt(h));
}

interface Seg {
  id: string;
  route: string;
  setting: string;
  landing: string | null;
  coords: number[][];
  coverage: Record<string, string>;
}

/** Every segment of the route-risk analysis, requested by the page itself (its session, its tier). */
async function segments(page: Page): Promise<Seg[]> {
  return page.evaluate(async (cats) => {
    const res = await fetch('/api/v1/risk/segments', { headers: { Accept: 'application/geo+json' } });
    if (!res.ok) throw new Error(`segments: HTTP ${res.status}`);
    const body = await res.json() as { features: { geometry: { coordinates: number[][] } | null; properties: Record<string, unknown> }[] };
    return body.features.map((f) => ({
      id: String(f.properties.id),
      route: String(f.properties.route ?? ''),
      setting: String(f.properties.setting ?? ''),
      landing: typeof f.properties.landing === 'string' ? f.properties.landing : null,
      coords: f.geometry?.coordinates ?? [],
      coverage: Object.fromEntries(cats.map((c) => [c, String(f.properties[`coverage_${c}`])])),
    }));
  }, [...CATEGORIES]);
}

const nearTijuana = (s: Seg) => Math.min(...s.coords.map((c) => km(c, TIJUANA)));

test('an HSDS package uploaded by staff gives gaps only where it has data, and the filter lists its categories', async ({ page }) => {
  test.setTimeout(240_000);
  await openDashboard(page);
  await signIn(page, 'editor');

  await test.step('nothing near Tijuana is judged for these categories before the upload', async () => {
    const before = await segments(page);
    const near = before.filter((s) => nearTijuana(s) < 100);
    expect(near.length, 'route segments near Tijuana').toBeGreaterThan(0);
    for (const s of near) for (const c of CATEGORIES) expect(s.coverage[c], `${s.id} ${c} before`).toBe('no_data');
  });

  await test.step('the upload page detects the package as HSDS services and publishes it', async () => {
    await page.goto(serverUrl('/upload.html'));
    await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
    await expect(page.locator('#upload-work')).toBeVisible();
    await page.locator('#upload-input').setInputFiles({ name: 'tijuana_hsds.zip', mimeType: 'application/zip', buffer: readFileSync(HSDS) });
    await expect(page.locator('#upload-work')).toHaveAttribute('data-check', 'done');
    const summary = page.locator('#upload-check .check-summary');
    await expect(summary).toHaveAttribute('data-format', 'hsds');
    await expect(summary).toHaveAttribute('data-kind', 'service');
    await expect(page.locator('#upload-check .report')).toHaveAttribute('data-accepted', '8');
    await page.locator('#publish-id').fill(LAYER);
    await page.locator('#publish-title').fill(TITLE);
    await page.locator('#publish-sensitivity').selectOption('public');
    await page.locator('#publish-source').fill('RouteRisk end-to-end fixture (Open Referral HSDS)');
    await page.locator('#publish-license').fill('CC BY 4.0');
    await page.locator('#publish-onError').selectOption('skip');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published “${TITLE}” (${LAYER}) as version 1 with 8 features.`);
  });

  await test.step('segments near Tijuana are ok or gap; far away they stay no data', async () => {
    await openDashboard(page);
    const after = await segments(page);
    const judged = (s: Seg, c: string) => s.coverage[c] === 'ok' || s.coverage[c] === 'gap';

    // Within reach of the Tijuana services: ok (a service within the 50 km reach) for every category.
    const close = after.filter((s) => nearTijuana(s) < 15 && s.setting === 'land');
    expect(close.length, 'land segments within 15 km of Tijuana').toBeGreaterThan(0);
    for (const s of close) for (const c of CATEGORIES) expect(s.coverage[c], `${s.id} ${c}`).toBe('ok');

    // In the Americas, a segment is judged only inside the coverage computed from the package's services:
    // H3 cells within four steps of theirs, at most about 270 km away (a segment of 10 km, judged at its
    // middle, lies within 285 km of Tijuana); some beyond the reach are gaps.
    const americas = after.filter((s) => s.coords.length > 0 && s.coords.every((c) => c[0]! < -30));
    expect(americas.length).toBeGreaterThan(100);
    const outside = americas.filter((s) => s.setting === 'land' && CATEGORIES.some((c) => judged(s, c)) && nearTijuana(s) > 285);
    expect(outside.map((s) => s.id), 'judged segments far from the package').toEqual([]);
    expect(americas.some((s) => s.coverage.legal === 'gap'), 'a legal gap near Tijuana, beyond the reach').toBe(true);
    const farAmericas = americas.filter((s) => nearTijuana(s) > 600);
    expect(farAmericas.length).toBeGreaterThan(50);
    for (const s of farAmericas) for (const c of CATEGORIES) expect(s.coverage[c], `${s.id} ${c}`).toBe('no_data');

    // Far away: the Central Mediterranean (at sea, judged at its Italian or Maltese landing place) and the Channel (Mainland Europe to the UK).
    const cm = after.filter((s) => s.route === 'Central Mediterranean' && s.setting === 'sea' && /Italy|Malta/.test(s.landing ?? ''));
    const channel = after.filter((s) => s.route === 'Mainland Europe to the UK');
    expect(cm.length).toBeGreaterThan(50);
    expect(channel.length).toBeGreaterThan(0);
    for (const s of [...cm, ...channel]) for (const c of FAR_CATEGORIES) expect(s.coverage[c], `${s.id} ${c}`).toBe('no_data');
  });

  await test.step('the category filter lists the uploaded categories', async () => {
    const values = await page.locator('#filter-category option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    for (const c of LISTED) expect(values).toContain(c);
  });
});

test('the priorities say when their data ends and what they cannot say; the measure is named for what it is', async ({ page }) => {
  await openDashboard(page);
  const priorities = page.locator('#priorities');
  const through = await page.evaluate(async () => (await (await fetch('/api/v1/risk/priorities?limit=1')).json()).data_through as string);
  expect(through).toMatch(/^\d{4}-\d{2}/);
  await expect(priorities.locator('.data-through')).toHaveAttribute('data-through', through);
  await expect(priorities.locator('.data-through')).toHaveText(/^Data through \S/);
  const caveats = priorities.locator('details.caveats');
  await caveats.locator('summary').click();
  await expect(caveats.locator('li').first()).toContainText('minimum estimates');
  // Every row names its place, its km range and whether it lies at sea or on land.
  const first = priorities.locator('.priority-list > li').first();
  await expect(first.locator('.priority-location')).not.toBeEmpty();
  await expect(first.locator('.priority-km')).toHaveText(/^km \d/);
  await expect(first.locator('.priority-setting')).toHaveText(/^(At sea|On land)$/);
  await expect(priorities.locator('.priority-route', { hasText: /^Other$/ })).toHaveCount(0);

  await test.step('method panel', async () => {
    const method = page.locator('#method');
    await method.locator('summary').first().click();
    await expect(method).toContainText('Recorded deaths and disappearances per 100 km (weighted)');
    await expect(method.locator('code')).toHaveText('docs/risk-validation.md');
    // The backtest is the API's, asked for when the panel opens.
    const line = method.locator('.measure-backtest');
    await expect(line).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
    const bt = await page.evaluate(async () => (await fetch('/api/v1/risk/backtest')).json());
    const pct = (v: number) => `${Math.round(v * 100)}%`;
    const naive = bt.baselines.find((b: { name: string }) => b.name === 'incident_count').top_decile_share;
    await expect(line).toContainText(`held ${pct(bt.top_decile_share)} of the dead and missing`);
    await expect(line).toContainText(`incidents held ${pct(naive)}.`);
  });

  await test.step('dead and missing per 1,000 crossings', async () => {
    const exposure = page.locator('#exposure');
    await exposure.locator('summary').first().click();
    await expect(exposure).toHaveAttribute('data-status', 'ready');
    await page.locator('#exposure-year').selectOption('2023');
    const row = exposure.locator('tbody[data-route="Central Mediterranean"]');
    await expect(row.locator('.exposure-rate')).toHaveText('16');
    await expect(row).toContainText('Frontex detections of illegal border crossings');
    await expect(exposure.locator('.exposure-note')).toContainText('Detections are not people');
    await expect(exposure.locator('tbody[data-route="Afghanistan to Iran"] .exposure-reason')).not.toBeEmpty();
    await page.locator('#exposure-route').selectOption('Central Mediterranean');
    await expect(exposure.locator('figure.exposure-chart rect.bar')).toHaveCount(12);
  });
});

/** Legal aid offices in Agadez and Niamey: no other layer brings legal services anywhere. */
const NIGER_LAYER = 'e2e-niger-legal';
const NIGER_TITLE = 'E2E legal aid in Niger';
const NIGER_SERVICES = JSON.stringify({
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', id: 'agadez', geometry: { type: 'Point', coordinates: [7.99, 16.97] },
      properties: { name: 'Legal aid Agadez', category: 'legal', subtype: 'legal_aid', last_verified: '2025-06-01' } },
    { type: 'Feature', id: 'niamey', geometry: { type: 'Point', coordinates: [2.11, 13.51] },
      properties: { name: 'Legal aid Niamey', category: 'legal', subtype: 'legal_aid', last_verified: '2025-06-01' } },
  ],
});

type Rings = number[][][];

/** Whether a point lies in a polygon (its outer ring, outside its holes), by ray casting. */
function inPolygon(p: readonly number[], rings: Rings): boolean {
  const inRing = (r: number[][]) => {
    let inside = false;
    for (let i = 0, j = r.length - 1; i < r.length; j = i++) {
      const [xi, yi] = r[i]!;
      const [xj, yj] = r[j]!;
      if ((yi! > p[1]!) !== (yj! > p[1]!) && p[0]! < ((xj! - xi!) * (p[1]! - yi!)) / (yj! - yi!) + xi!) inside = !inside;
    }
    return inside;
  };
  return rings.length > 0 && inRing(rings[0]!) && !rings.slice(1).some(inRing);
}

/** Whether a point lies in the outline or within about km of it (eight points around it). */
function nearOutline(p: readonly number[], polygons: Rings[], km: number): boolean {
  const dLat = km / 111.2;
  const dLon = dLat / Math.max(Math.cos((p[1]! * Math.PI) / 180), 0.01);
  const probes = [p, ...Array.from({ length: 8 }, (_, k) => [p[0]! + dLon * Math.cos((k * Math.PI) / 4), p[1]! + dLat * Math.sin((k * Math.PI) / 4)])];
  return probes.some((q) => polygons.some((rings) => inPolygon(q, rings)));
}

/** Every segment's coverage_legal, requested by the page itself. */
async function legalBySegment(page: Page): Promise<{ id: string; setting: string; legal: string; coords: number[][] }[]> {
  return page.evaluate(async () => {
    const res = await fetch('/api/v1/risk/segments');
    if (!res.ok) throw new Error(`segments: HTTP ${res.status}`);
    const body = await res.json() as { features: { geometry: { coordinates: number[][] } | null; properties: Record<string, unknown> }[] };
    return body.features.map((f) => ({
      id: String(f.properties.id), setting: String(f.properties.setting), legal: String(f.properties.coverage_legal),
      coords: f.geometry?.coordinates ?? [],
    }));
  });
}

test('a service layer with declared countries has gaps only inside them, and its coverage is drawn on the map', async ({ page, request }) => {
  test.setTimeout(240_000);
  await openDashboard(page);
  await signIn(page, 'editor');
  // Other layers (the HSDS package above) may bring legal services elsewhere: what this layer adds is compared.
  const before = new Map((await legalBySegment(page)).map((s) => [s.id, s.legal]));

  await test.step('the upload page publishes it with the countries declared', async () => {
    await page.goto(serverUrl('/upload.html'));
    await page.waitForFunction(() => document.documentElement.dataset.signedIn !== undefined, null, { timeout: 30_000 });
    await page.locator('#upload-input').setInputFiles({ name: 'niger_legal_services.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(NIGER_SERVICES) });
    await expect(page.locator('#upload-work')).toHaveAttribute('data-check', 'done');
    await expect(page.locator('#upload-check .check-summary')).toHaveAttribute('data-kind', 'service');
    await page.locator('#publish-id').fill(NIGER_LAYER);
    await page.locator('#publish-title').fill(NIGER_TITLE);
    await page.locator('#publish-sensitivity').selectOption('public');
    await page.locator('#publish-source').fill('RouteRisk end-to-end fixture');
    await page.locator('#publish-license').fill('CC0 1.0');
    await page.locator('#publish-coverageCountries').fill('NE');
    await page.locator('#publish-submit').click();
    await expect(page.locator('#publish-message')).toContainText(`Published “${NIGER_TITLE}” (${NIGER_LAYER}) as version 1 with 2 features.`);
  });

  await test.step('its metadata says the coverage is declared', async () => {
    const meta = await page.evaluate(async (id) => (await fetch(`/api/v1/layers/${id}`)).json(), NIGER_LAYER) as { coverage?: { countries?: string[] }; coverage_source?: string };
    expect(meta.coverage_source).toBe('declared');
    expect(meta.coverage?.countries).toEqual(['NER']);
  });

  const outline = await page.evaluate(async (id) => (await fetch(`/api/v1/layers/${id}/coverage`)).json(), NIGER_LAYER) as { features: { geometry: { type: string; coordinates: unknown } }[] };
  expect(outline.features).toHaveLength(1);
  const g = outline.features[0]!.geometry;
  const polygons = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates) as Rings[];

  await test.step('legal gaps and ok only in Niger, and gaps far beyond the offices', async () => {
    await openDashboard(page);
    const segs = await legalBySegment(page);
    const land = segs.filter((s) => s.setting === 'land' && s.coords.length > 1);
    const middle = (c: number[][]) => [(c[0]![0]! + c[c.length - 1]![0]!) / 2, (c[0]![1]! + c[c.length - 1]![1]!) / 2];
    const judged = land.filter((s) => (s.legal === 'ok' || s.legal === 'gap') && before.get(s.id) === 'no_data');
    expect(judged.length, 'land segments judged for legal aid once the layer is in').toBeGreaterThan(10);
    // Judged at the middle, with the 10 km tolerance of a declared area (5 km more for the middle's estimate).
    expect(judged.filter((s) => !nearOutline(middle(s.coords), polygons, 15)).map((s) => s.id), 'judged outside Niger').toEqual([]);
    // Inside, far from both offices (over 400 km): still a gap, where a computed coverage would say no data.
    const farGaps = judged.filter((s) => s.legal === 'gap' && km(middle(s.coords), [7.99, 16.97]) > 400 && km(middle(s.coords), [2.11, 13.51]) > 400);
    expect(farGaps.length, 'gaps in Niger far from the offices').toBeGreaterThan(0);
    // Outside Niger (well away from its border): as before the upload, mostly no data.
    const outside = land.filter((s) => !nearOutline(middle(s.coords), polygons, 30));
    expect(outside.length).toBeGreaterThan(100);
    expect(outside.filter((s) => s.legal !== before.get(s.id)).map((s) => s.id), 'changed outside the declared country').toEqual([]);
    expect(outside.filter((s) => s.legal === 'no_data').length).toBeGreaterThan(100);
  });

  await test.step('the coverage switch draws the outline', async () => {
    const toggle = page.locator('#coverage-outline');
    await expect(toggle).not.toBeChecked();
    await expect(page.locator('.leaflet-coverage-pane path.coverage-outline')).toHaveCount(0);
    await toggle.check();
    await expect(page.locator('#coverage-status')).toHaveAttribute('data-status', 'ready');
    expect(Number(await page.locator('#coverage-status').getAttribute('data-count'))).toBeGreaterThan(1);
    await expect(page.locator('.leaflet-coverage-pane path.coverage-outline').first()).toBeAttached();
    await toggle.uncheck();
    await expect(page.locator('.leaflet-coverage-pane path.coverage-outline')).toHaveCount(0);
  });

  await test.step('the layer is deleted again, so that later tests see the bundled data alone', async () => {
    const res = await request.delete(serverUrl(`/api/v1/layers/${NIGER_LAYER}`), { headers: asRole('editor') });
    expect(res.status()).toBe(204);
  });
});
