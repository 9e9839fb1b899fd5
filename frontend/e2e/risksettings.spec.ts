import { expect, test } from '@playwright/test';
import {
  asRole,
  last,
  listed,
  openDashboard,
  pageErrors,
  ranked,
  recordRequests,
  sameQuery,
  serverUrl,
  skipWithoutServer,
  uiCount,
  waitIdle,
  type Collection,
} from './helpers';

skipWithoutServer();

test.afterEach(({ page }) => {
  expect(pageErrors(page), 'uncaught errors in the page').toEqual([]);
});

test('without signing in the settings are locked to the published defaults, and a shared URL falls back to them', async ({ page }) => {
  const segments = recordRequests(page, '/api/v1/risk/segments');
  await openDashboard(page, '/?layers=risk&radius=40');
  await expect(page.locator('#risk-locked')).toBeVisible();
  await expect(page.getByLabel('Incident radius (km)')).toBeDisabled();
  await expect(page.getByLabel('Incident radius (km)')).toHaveValue('25');
  await waitIdle(page);
  expect(last(segments).searchParams.get('radius_km')).toBe('25');
});

test.describe('signed in', () => {
  // The settings change the analysis for partners and staff only.
  test.use({ extraHTTPHeaders: async ({}, use) => use(asRole('staff')) });


  test('the radius setting changes both risk requests, the list follows the API, and the URL and legend follow the setting', async ({ page, request }) => {
    const segments = recordRequests(page, '/api/v1/risk/segments');
    const priorities = recordRequests(page, '/api/v1/risk/priorities');
    await openDashboard(page, '/?layers=risk');
    expect(last(segments).searchParams.get('radius_km')).toBe('25');
    const before = await listed(page);

    const radius = page.getByLabel('Incident radius (km)');
    await expect(radius).toHaveValue('25');
    await expect(page.getByLabel('Half-life of an incident (days)')).toHaveValue('365');
    await expect(page.getByLabel('Reach of services (km)')).toHaveValue('50');
    await radius.fill('5');
    await waitIdle(page);

    const q = last(segments);
    expect(q.searchParams.get('radius_km')).toBe('5');
    expect(q.searchParams.get('half_life_days')).toBe('365');
    expect(q.searchParams.get('reach_km')).toBe('50');
    expect((await sameQuery(request, q)).features.length).toBe(await uiCount(page, 'risk'));
    const p = last(priorities);
    expect(p.searchParams.get('radius_km')).toBe('5');
    const top = ranked(await sameQuery(request, p));
    expect(await listed(page)).toEqual(top);
    expect(top).not.toEqual(before);
    expect(new URL(page.url()).searchParams.get('radius')).toBe('5');
    await expect(page.locator('.legend')).toContainText('Incidents within 5 km of a stretch count');

    // Out of range: not sent, said in the status region.
    const asked = segments.length;
    await radius.fill('500');
    await waitIdle(page);
    await expect(page.locator('#status')).toContainText('Incident radius must be a whole number from 1 to 200 km');
    await expect(radius).toHaveAttribute('aria-invalid', 'true');
    expect(segments.length).toBe(asked);
    expect(new URL(page.url()).searchParams.get('radius')).toBe('5');

    // Reset: the defaults, the message gone, the URL clean.
    await page.getByRole('button', { name: 'Reset risk settings' }).click();
    await waitIdle(page);
    await expect(radius).toHaveValue('25');
    await expect(page.locator('#status .status-error')).toHaveCount(0);
    expect(last(segments).searchParams.get('radius_km')).toBe('25');
    expect(new URL(page.url()).searchParams.has('radius')).toBe(false);
    expect(await listed(page)).toEqual(before);
  });

  test('a shared URL restores the settings, and the downloads carry the current settings and filters', async ({ page, request }) => {
    const priorities = recordRequests(page, '/api/v1/risk/priorities');
    await openDashboard(page, '/?layers=risk&cause=Drowning&halflife=730&reach=80');
    await expect(page.getByLabel('Half-life of an incident (days)')).toHaveValue('730');
    await expect(page.getByLabel('Reach of services (km)')).toHaveValue('80');
    await expect(page.locator('#priorities .priorities-note')).toContainText('within 80 km');
    const p = last(priorities);
    expect(p.searchParams.get('half_life_days')).toBe('730');
    expect(p.searchParams.get('reach_km')).toBe('80');

    const csv = page.getByRole('link', { name: 'Download CSV' });
    const geo = page.getByRole('link', { name: 'Download GeoJSON' });
    const csvUrl = new URL((await csv.getAttribute('href'))!, page.url());
    const geoUrl = new URL((await geo.getAttribute('href'))!, page.url());
    for (const [u, format] of [[csvUrl, 'csv'], [geoUrl, 'geojson']] as const) {
      expect(u.pathname).toBe('/api/v1/risk/priorities');
      expect(u.searchParams.get('format')).toBe(format);
      expect(u.searchParams.get('limit')).toBe('500');
      expect(u.searchParams.get('radius_km')).toBe('25');
      expect(u.searchParams.get('half_life_days')).toBe('730');
      expect(u.searchParams.get('reach_km')).toBe('80');
      expect(u.searchParams.getAll('cause')).toEqual(['Drowning']);
    }
    await expect(csv).toHaveAttribute('download', /.+/);

    const res = await request.get(serverUrl(csvUrl.pathname + csvUrl.search));
    expect(res.status(), await res.text()).toBe(200);
    expect(res.headers()['content-type']).toContain('text/csv');
    expect(res.headers()['content-disposition']).toContain('attachment');
    const body = await res.text();
    expect(body.split(/\r?\n/)[0]).toMatch(/^rank,id,route,/);
    // The HXL hashtag row is under the header by default (docs/hxl.md).
    expect(body.split(/\r?\n/)[1]).toMatch(/^#indicator\+rank,#meta\+id,/);
    const rows = body.split(/\r?\n/).filter((l) => l !== '').length - 2;
    expect(rows).toBeGreaterThanOrEqual((await listed(page)).length);

    const g = await request.get(serverUrl(geoUrl.pathname + geoUrl.search));
    expect(g.status()).toBe(200);
    expect(((await g.json()) as Collection).features.length).toBe(rows);

    // A filter change moves the links along.
    await page.locator('#filter-cause').selectOption('');
    await waitIdle(page);
    expect(new URL((await csv.getAttribute('href'))!, page.url()).searchParams.has('causes')).toBe(false);
  });

  // The incidents of a stretch are listed only at the staff (and partner) tier:
  // to anonymous readers the details count them but list none, and give dates
  // as months. So the page and the API cross-check both ask as staff: test.use
  // sets the header on the page's requests and on the `request` fixture alike,
  // and the answers say they were given at that tier.
  test.describe('as staff', () => {
    test.skip(() => !!process.env.ROUTERISK_E2E_UPLOAD_SKIP, process.env.ROUTERISK_E2E_UPLOAD_SKIP ?? '');
    test.use({ extraHTTPHeaders: async ({}, use) => use(asRole('staff')) });

    test('the details of the first priority show a bar per year of the API\'s tally, and Escape closes them', async ({ page, request }) => {
      const priorities = recordRequests(page, '/api/v1/risk/priorities');
      await openDashboard(page, '/?layers=risk');
      const p = last(priorities);
      const first = (await sameQuery(request, p)).features[0]!;
      const q = new URLSearchParams(p.search);
      q.delete('limit');
      const res = await request.get(serverUrl(`/api/v1/risk/segments/${encodeURIComponent(String(first.id))}?${q.toString()}`));
      expect(res.status(), await res.text()).toBe(200);
      expect(res.headers()['x-privacy-tier']).toBe('staff');
      const details = (await res.json()) as { per_year: unknown[]; incidents: unknown[]; incidents_total: number; services: unknown[] };
      expect(details.incidents.length).toBeGreaterThan(0);

      await page.locator('#priorities button.priority-button').first().press('Enter');
      const popup = page.locator('.leaflet-popup-content .popup-risk');
      await expect(popup).toBeVisible();
      const open = popup.getByRole('button', { name: /^Details of / });
      await open.focus();
      await page.keyboard.press('Enter');
      const panel = page.locator('#segment-details');
      await expect(panel).toHaveAttribute('data-status', 'ready');
      await expect(page.locator('#details-heading')).toBeFocused();
      await expect(page.locator('#details-heading')).toContainText(String(first.properties.route));
      await expect(panel.locator('svg rect.bar')).toHaveCount(details.per_year.length);
      await expect(panel.locator('table.details-table tbody tr')).toHaveCount(details.per_year.length);
      await expect(panel.locator('.details-services dd')).toHaveCount(details.services.length);
      await expect(panel.locator('.details-incidents tbody tr')).toHaveCount(Math.min(20, details.incidents.length));
      if (details.incidents_total > 20) await expect(panel.locator('.details-more')).toContainText(`${details.incidents_total - 20} more`);

      await page.keyboard.press('Escape');
      await expect(panel).toBeHidden();
    });
  });
});
