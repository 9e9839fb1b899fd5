import { expect, test, type Page, type Response } from '@playwright/test';
import {
  asRole,
  collectBodies,
  exactPositions,
  FEATURES,
  found,
  last,
  openDashboard,
  pageErrors,
  recordRequests,
  sameQuery,
  serverUrl,
  signIn,
  skipWithoutServer,
  uiCount,
  waitIdle,
} from './helpers';

/**
 * The privacy tiers of the restricted incidents layer, as the page shows
 * them: counts per area to anonymous readers (and no exact position in
 * anything the page receives), positions rounded to 0.1° to partners, exact
 * positions to staff; the header badge says which.
 */

skipWithoutServer();
test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

const BADGE = {
  public: 'Public view: restricted layers shown as counts per area',
  partner: 'Partner view: positions rounded to about 10 km',
  staff: 'Staff view: exact positions',
} as const;

/** A features answer of the API, as far as these tests read it. */
interface FeaturesAnswer {
  features: { geometry: { type: string; coordinates: unknown } }[];
}

/**
 * Collects the page's answers to incidents features requests: `mark()`
 * notes how many arrived so far, `since(mark)` gives those after it, parsed.
 */
function collectFeatureAnswers(page: Page) {
  const pending: Promise<FeaturesAnswer | null>[] = [];
  page.on('response', (r: Response) => {
    if (new URL(r.url()).pathname !== FEATURES) return;
    pending.push(r.json().then((json: FeaturesAnswer) => json, () => null));
  });
  return {
    mark: () => pending.length,
    since: async (mark: number) => (await Promise.all(pending.slice(mark))).filter((x): x is FeaturesAnswer => x !== null),
  };
}

/** Zooms in one step with the map's button and waits for the page to settle. */
async function zoomIn(page: Page, to: number): Promise<void> {
  await page.locator('.leaflet-control-zoom-in').click();
  await page.waitForFunction((want) => window.__routerisk?.view?.z === want, to);
  await waitIdle(page);
}

test('anonymous readers see incidents counted per area, and no exact position reaches the page', async ({ page, request }) => {
  const bodies = collectBodies(page);
  const incidents = recordRequests(page, FEATURES);
  const routes = recordRequests(page, '/api/v1/layers/routes/features');
  const priorities = recordRequests(page, '/api/v1/risk/priorities');
  await openDashboard(page, '/?z=3&lat=30&lon=10');
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.public);
  await expect(page.locator('#tier-badge')).toHaveAttribute('data-tier', 'public');

  // The page asks with its zoom for the restricted layer only.
  const q = last(incidents);
  expect(q.searchParams.get('zoom')).toBe('3');
  expect(last(routes).searchParams.has('zoom')).toBe(false);

  // Cells, as many as the API returns for the same request, and the count
  // shown is the incidents they hold, summed, with dead and missing.
  const checkCells = async (url: URL) => {
    const api = await sameQuery(request, url);
    expect(api.features.length).toBeGreaterThan(0);
    // (Checked in plain code and asserted once: an expect per cell is slow.)
    const odd = api.features.filter((f) => f.geometry.type !== 'Polygon' || f.properties.aggregated !== true || !(Number(f.properties.incidents) >= 5));
    expect(odd.slice(0, 3)).toEqual([]);
    const sum = (k: string) => api.features.reduce((n, f) => n + Number(f.properties[k]), 0);
    const count = page.locator('#count-incidents');
    expect(await uiCount(page, 'incidents')).toBe(api.numberMatched);
    expect(api.numberMatched).toBe(api.features.length);
    await expect(count).toHaveAttribute('data-cell-total', String(sum('incidents')));
    await expect(count).toHaveText(`${sum('incidents').toLocaleString('en')} incidents, counted by area`);
    await expect(page.locator('#note-incidents')).toHaveText('Areas with fewer than 5 incidents are hidden.');
    await expect(page.locator('#totals-incidents')).toHaveAttribute('data-dead', String(sum('dead')));
    await expect(page.locator('#totals-incidents')).toHaveAttribute('data-missing', String(sum('missing')));
    return api;
  };
  const world = await checkCells(q);
  expect(new Set(world.features.map((f) => f.properties.resolution))).toEqual(new Set([2]));
  await expect(page.locator('.legend-incident .swatch-area')).toHaveCount(5);
  await expect(page.locator('.legend')).toContainText('areas with fewer than 5 incidents are not shown');

  // Zooming within one cell size asks nothing; the next size asks again, with the new zoom.
  const asked = incidents.length;
  await zoomIn(page, 4);
  expect(incidents).toHaveLength(asked);
  await zoomIn(page, 5);
  expect(incidents).toHaveLength(asked + 1);
  expect(last(incidents).searchParams.get('zoom')).toBe('5');
  const finer = await checkCells(last(incidents));
  expect(new Set(finer.features.map((f) => f.properties.resolution))).toEqual(new Set([3]));

  // A cell's popup: its counts as text, and what a sign-in would show.
  const top = finer.features.reduce((a, b) => (Number(b.properties.incidents) > Number(a.properties.incidents) ? b : a));
  const ring = top.geometry.coordinates[0]!.slice(0, -1);
  const lon = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
  const lat = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
  await openDashboard(page, `/?z=5&lat=${lat.toFixed(5)}&lon=${lon.toFixed(5)}&layers=incidents`);
  const box = (await page.locator('#map').boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const popup = page.locator('.leaflet-popup-content .popup-cell-counts');
  await expect(popup.locator('.popup-cell-summary')).toContainText(
    `${Number(top.properties.incidents).toLocaleString('en')} incidents in this area · ${Number(top.properties.dead).toLocaleString('en')} dead · ${Number(top.properties.missing).toLocaleString('en')} missing`,
  );
  await expect(popup).toContainText('Exact locations are shown to signed-in partners and staff.');

  // The details of a stretch count its incidents but list none.
  await openDashboard(page, '/?layers=risk');
  await page.locator('#priorities button.priority-button').first().press('Enter');
  await page.locator('.leaflet-popup-content .popup-risk').getByRole('button', { name: /^Details of / }).press('Enter');
  const details = page.locator('#segment-details');
  await expect(details).toHaveAttribute('data-status', 'ready');
  await expect(details.locator('.details-restricted')).toHaveText('Individual incidents are listed for signed-in partners and staff.');
  await expect(details.locator('.details-incidents')).toHaveCount(0);
  expect(priorities.length).toBeGreaterThan(0);

  // Nothing the page received holds the position of an incident, exact or as drawn.
  const { exact, drawn } = await exactPositions(request);
  expect(exact.length).toBeGreaterThanOrEqual(20);
  expect(drawn.length).toBeGreaterThanOrEqual(20);
  const received = await bodies();
  expect(received.length).toBeGreaterThan(10);
  // A single coordinate number may recur by chance in the geometry of a
  // public layer that owes nothing to the incidents (a port, a sea's
  // outline): those answers are checked for whole positions only.
  const layers = (await (await request.get(serverUrl('/api/v1/layers'))).json()) as { layers: { id: string; sensitivity: string }[] };
  const publicIds = layers.layers.filter((l) => l.sensitivity === 'public').map((l) => l.id);
  expect(publicIds).not.toContain('incidents');
  const ownData = received.filter(({ url }) => !publicIds.some((id) => new URL(url).pathname.startsWith(`/api/v1/layers/${id}/`)));
  expect(found(ownData, exact, drawn)).toEqual([]);
  expect(found(received, [], drawn)).toEqual([]);
});

test('a partner who signs in sees incidents at rounded positions, and the public view again after signing out', async ({ page, request }) => {
  const answers = collectFeatureAnswers(page);
  const incidents = recordRequests(page, FEATURES);
  await openDashboard(page, '/?layers=incidents');
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.public);
  await expect(page.locator('#count-incidents')).toHaveAttribute('data-aggregated', 'true');
  const before = incidents.length;
  const mark = answers.mark();

  await signIn(page, 'partner');
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.partner);
  await expect(page.locator('#tier-badge')).toHaveAttribute('data-tier', 'partner');
  // Signing in loaded the restricted layer again: points now.
  expect(incidents.length).toBeGreaterThan(before);
  const q = last(incidents);
  const api = await sameQuery(request, q, asRole('partner'));
  expect(api.features.length).toBeGreaterThan(1000);
  expect(api.features.every((f) => f.geometry.type === 'Point')).toBe(true);
  expect(await uiCount(page, 'incidents')).toBe(api.numberMatched);
  await expect(page.locator('#count-incidents')).not.toHaveAttribute('data-aggregated', 'true');
  await expect(page.locator('#note-incidents')).toHaveText('');
  await expect(page.locator('.legend-incident .swatch-circle')).toHaveCount(3);

  // Every coordinate the page received for incidents since has at most one decimal.
  const after = await answers.since(mark);
  expect(after.length).toBeGreaterThan(0);
  expect(after.at(-1)!.features).toHaveLength(api.numberMatched!);
  // (Checked in plain code and asserted once: an expect per coordinate is slow.)
  const notPoints: string[] = [];
  const fine: number[] = [];
  for (const a of after) {
    for (const f of a.features) {
      if (f.geometry.type !== 'Point') notPoints.push(f.geometry.type);
      for (const c of f.geometry.coordinates as number[]) if (!/^-?\d+(\.\d)?$/.test(String(c))) fine.push(c);
    }
  }
  expect(notPoints.slice(0, 10)).toEqual([]);
  expect(fine.slice(0, 10)).toEqual([]);

  // Signing out: the public view, cells again.
  await page.locator('#signin-out').click();
  await expect(page.locator('#signin-open')).toBeVisible();
  await waitIdle(page);
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.public);
  await expect(page.locator('#count-incidents')).toHaveAttribute('data-aggregated', 'true');
  const cells = await sameQuery(request, last(incidents));
  expect(cells.features.every((f) => f.properties.aggregated === true)).toBe(true);
  expect(await uiCount(page, 'incidents')).toBe(cells.numberMatched);
});

test('staff who sign in see every incident at its exact position at once', async ({ page, request }) => {
  const bodies = collectBodies(page);
  const incidents = recordRequests(page, FEATURES);
  await openDashboard(page, '/?layers=incidents');
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.public);

  await signIn(page, 'staff');
  await expect(page.locator('#tier-badge')).toHaveText(BADGE.staff);
  const q = last(incidents);
  const res = await request.get(serverUrl(`${FEATURES}?limit=1`), { headers: asRole('staff') });
  expect(res.headers()['x-privacy-tier']).toBe('staff');
  const matched = (await res.json()).numberMatched as number;
  expect(matched).toBeGreaterThan(10000);
  expect(await uiCount(page, 'incidents')).toBe(matched);
  expect(await page.evaluate(() => window.__routerisk!.counts.incidents)).toBe(matched);
  expect((await sameQuery(request, q, asRole('staff'))).numberMatched).toBe(matched);
  await expect(page.locator('#count-incidents')).toHaveText(`${matched.toLocaleString('en')} features shown`);
  // The positions the anonymous test looks for are there now, as drawn: that test would see a leak.
  const { drawn } = await exactPositions(request);
  expect(drawn.length).toBeGreaterThanOrEqual(20);
  const seen = new Set(found(await bodies(), [], drawn).map((h) => h.split(' ')[0]));
  expect(seen.size).toBeGreaterThanOrEqual(Math.floor(drawn.length * 0.8));

  // Zooming asks nothing more of a layer drawn as points.
  const asked = incidents.length;
  for (const z of [3, 4, 5]) await zoomIn(page, z);
  expect(incidents).toHaveLength(asked);
});
