import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import type { Feature } from '../../shared/api';
import { buildPerYearChart, createDetailsPanel, readDetails, renderDetails, segmentDetailsUrl, TOP_INCIDENTS, whereLine } from './segmentdetails';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

const fixture = {
  segment: {
    type: 'Feature', id: 'cmed:3',
    geometry: { type: 'LineString', coordinates: [[12, 35], [12.1, 35]] },
    properties: { id: 'cmed:3', route: 'Central Mediterranean', start_km: 30, end_km: 40, class: 'critical', risk: 80 },
  },
  incidents: Array.from({ length: 25 }, (_, i) => ({
    id: `mmp-${i}`, date: i === 0 ? null : `2020-01-${String((i % 28) + 1).padStart(2, '0')}`,
    dead: i, missing: 1, cause_category: i === 1 ? HOSTILE : 'Drowning', distance_km: 3.25, weight: i / 10,
  })),
  incidents_total: 31,
  per_year: [
    { year: 2019, incidents: 4, dead: 10, missing: 2 },
    { year: 2020, incidents: 0, dead: 0, missing: 0 },
    { year: 2021, incidents: 9, dead: 30, missing: 6 },
  ],
  services: [
    { category: 'health', status: 'ok', nearest_km: 12.34, nearest: { id: 's1', name: HOSTILE } },
    { category: 'shelter', status: 'gap', nearest_km: 120, nearest: { id: 's2', name: 'Far shelter' } },
    { category: 'legal', status: 'no_data', nearest_km: null, nearest: null },
    { category: 'food', status: 'bogus' },
  ],
};

describe('stretch details', () => {
  it('encodes the id in the URL and keeps the risk query', () => {
    const q = new URLSearchParams({ radius_km: '40', reach_km: '80' });
    expect(segmentDetailsUrl('cmed:3/x?y', q)).toBe('/api/v1/risk/segments/cmed%3A3%2Fx%3Fy?radius_km=40&reach_km=80');
  });

  it('reads the answer defensively', () => {
    const d = readDetails(fixture);
    expect(d.incidents).toHaveLength(25);
    expect(d.incidentsTotal).toBe(31);
    expect(d.perYear.map((y) => y.year)).toEqual([2019, 2020, 2021]);
    expect(d.services.map((s) => s.status)).toEqual(['ok', 'gap', 'no_data']);
    expect(readDetails(null)).toEqual({ segment: null, incidents: [], incidentsTotal: 0, perYear: [], services: [] });
    expect(readDetails({ per_year: [{ year: 'x' }, 5, { year: 2000, dead: -3 }] }).perYear).toEqual([{ year: 2000, incidents: 0, dead: 0, missing: 0 }]);
  });

  it('draws one bar per year, zero years included, and a table of the same numbers', () => {
    const fig = buildPerYearChart(i18n, readDetails(fixture).perYear);
    const bars = [...fig.querySelectorAll('svg rect.bar')];
    expect(bars).toHaveLength(3);
    expect(bars.map((b) => b.getAttribute('data-value'))).toEqual(['12', '0', '36']);
    expect(bars[1]!.getAttribute('height')).toBe('0');
    expect(Number(bars[2]!.getAttribute('height'))).toBe(100);
    expect(fig.querySelector('svg')!.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(fig.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true');
    expect([...fig.querySelectorAll('text.bar-year')].map((t) => t.textContent)).toEqual(['2019', '2020', '2021']);
    const rows = [...fig.querySelectorAll('table.visually-hidden tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(rows).toEqual([['2019', '4', '10', '2', '12'], ['2020', '0', '0', '0', '0'], ['2021', '9', '30', '6', '36']]);
  });

  it('says so when there are no years, and draws no bars', () => {
    const fig = buildPerYearChart(i18n, []);
    expect(fig.querySelectorAll('rect')).toHaveLength(0);
    expect(fig.textContent).toContain('No incident counts');
  });

  it('renders services, the top 20 incidents and how many more, hostile strings as text', () => {
    const el = renderDetails(i18n, readDetails(fixture), 80, vocab);
    document.body.replaceChildren(el);
    const dd = [...el.querySelectorAll('.details-services dd')].map((d) => [d.getAttribute('data-coverage'), d.textContent]);
    expect(dd).toEqual([
      ['ok', `12.3 km: ${HOSTILE}`],
      ['gap', 'Gap: none within 80 km (nearest 120 km): Far shelter'],
      ['no_data', 'No data loaded'],
    ]);
    const rows = el.querySelectorAll('.details-incidents tbody tr');
    expect(rows).toHaveLength(TOP_INCIDENTS);
    // Highest weight first.
    expect((rows[0] as HTMLElement).dataset.id).toBe('mmp-24');
    expect([...rows[0]!.children].map((c) => c.textContent)).toEqual(['Jan 25, 2020', '24', '1', 'Drowning', '3.3 km']);
    expect(el.querySelector('.details-more')!.textContent).toBe('11 more incidents');
    expect(document.querySelector('img')).toBeNull();
    expect(el.querySelector('.details-services dd')!.children).toHaveLength(0);
  });

  it('says that incidents are listed to partners and staff when the answer counts them but lists none', () => {
    const d = readDetails({ ...fixture, incidents: [], incidents_total: 31 });
    expect(d.incidentsTotal).toBe(31);
    const el = renderDetails(i18n, d, 50, vocab);
    expect(el.querySelector('.details-restricted')!.textContent).toBe('Individual incidents are listed for signed-in partners and staff.');
    expect(el.querySelector('.details-incidents')).toBeNull();
    expect(el.querySelector('.details-more')).toBeNull();
    expect(el.textContent).not.toContain('more incident');
    // The chart and the services stay.
    expect(el.querySelectorAll('svg rect.bar')).toHaveLength(3);
    expect(el.querySelectorAll('.details-services dd')).toHaveLength(3);
    // No incidents at all: the old message, no note.
    const none = renderDetails(i18n, readDetails({ ...fixture, incidents: [], incidents_total: 0 }), 50, vocab);
    expect(none.querySelector('.details-restricted')).toBeNull();
    expect(none.querySelector('.details-empty:last-child')!.textContent).toBe('No incident counts for this stretch.');
  });

  it('shows unknown dates and hostile causes as text', () => {
    const d = readDetails({ ...fixture, incidents: fixture.incidents.slice(0, 2), incidents_total: 2 });
    const el = renderDetails(i18n, d, 50, vocab);
    const cells = [...el.querySelectorAll('.details-incidents tbody tr')].map((tr) => tr.children[0]!.textContent + '|' + tr.children[3]!.textContent);
    expect(cells).toEqual([`Jan 2, 2020|${HOSTILE}`, 'Unknown|Drowning']);
    expect(el.querySelector('.details-more')).toBeNull();
    expect(el.querySelector('img')).toBeNull();
  });
});

describe('details panel', () => {
  const json = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));

  it('fetches the stretch with the risk query, renders it, focuses the heading and closes on Escape', async () => {
    const urls: string[] = [];
    const errors: (string | null)[] = [];
    const panel = createDetailsPanel(i18n, {
      vocab,
      params: () => new URLSearchParams({ radius_km: '40', reach_km: '80' }),
      onError: (m) => errors.push(m),
      fetchFn: (u) => {
        urls.push(u);
        return json(200, fixture);
      },
    });
    const opener = document.createElement('button');
    document.body.replaceChildren(opener, panel.element);
    expect(panel.element.hidden).toBe(true);
    expect(panel.element.tagName).toBe('ASIDE');
    await panel.open('cmed:3', opener);
    expect(urls).toEqual(['/api/v1/risk/segments/cmed%3A3?radius_km=40&reach_km=80']);
    expect(panel.element.hidden).toBe(false);
    expect(panel.element.dataset.status).toBe('ready');
    expect(document.getElementById('details-heading')!.textContent).toBe('Stretch details: Central Mediterranean, km 30–40');
    expect(document.activeElement?.id).toBe('details-heading');
    expect(panel.element.querySelectorAll('rect.bar')).toHaveLength(3);
    expect(panel.element.querySelector('.details-services dd')!.textContent).toContain('12.3 km');
    expect(errors.at(-1)).toBeNull();

    panel.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(panel.element.hidden).toBe(true);
    expect(document.activeElement).toBe(opener);
  });

  it('refresh reloads an open panel with the current query and leaves the focus alone; a closed panel stays closed', async () => {
    const urls: string[] = [];
    let radius = '25';
    const panel = createDetailsPanel(i18n, {
      vocab,
      params: () => new URLSearchParams({ radius_km: radius }),
      onError: () => {},
      fetchFn: (u) => {
        urls.push(u);
        return json(200, fixture);
      },
    });
    const input = document.createElement('input');
    document.body.replaceChildren(input, panel.element);
    await panel.refresh();
    expect(urls).toEqual([]); // closed: nothing to reload
    await panel.open('cmed:3');
    input.focus();
    radius = '40';
    await panel.refresh();
    expect(urls).toEqual(['/api/v1/risk/segments/cmed%3A3?radius_km=25', '/api/v1/risk/segments/cmed%3A3?radius_km=40']);
    expect(document.activeElement).toBe(input);
    expect(panel.element.dataset.status).toBe('ready');
    panel.close();
    await panel.refresh();
    expect(urls).toHaveLength(2);
  });

  it('reports a 404 as not available, without throwing', async () => {
    const errors: (string | null)[] = [];
    const panel = createDetailsPanel(i18n, {
      vocab,
      params: () => new URLSearchParams(),
      onError: (m) => errors.push(m),
      fetchFn: () => json(404, { code: 'not_found', message: 'not found' }),
    });
    document.body.replaceChildren(panel.element);
    await panel.open('x:1');
    expect(panel.element.dataset.status).toBe('unavailable');
    expect(errors.at(-1)).toBe('Stretch details are not available from this server.');
    (panel.element.querySelector('.details-close') as HTMLButtonElement).click();
    expect(panel.element.hidden).toBe(true);
  });

  it('reports other failures in the status region', async () => {
    const errors: (string | null)[] = [];
    const panel = createDetailsPanel(i18n, {
      vocab,
      params: () => new URLSearchParams(),
      onError: (m) => errors.push(m),
      fetchFn: () => Promise.reject(new TypeError('offline')),
    });
    await panel.open('x:1');
    expect(panel.element.dataset.status).toBe('error');
    expect(errors.at(-1)).toBe('Could not load the stretch details: the server could not be reached');
  });
});

describe('where a stretch lies', () => {
  const json = (status: number, body: unknown) => Promise.resolve(new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } }));
  const seg = (props: Record<string, unknown>): Feature => ({ type: 'Feature', id: 'x', geometry: null, properties: props });
  it.each([
    ['a sea stretch', { route: 'Central Mediterranean', setting: 'sea', place: 'Mediterranean Sea, off Lampedusa', srr: 'Malta SRR', landing: 'Lampedusa, Italy', risk: 900 },
      'Mediterranean Sea, off Lampedusa · At sea · Search and rescue region: Malta SRR · Landing place: Lampedusa, Italy · 900 recorded deaths and disappearances per 100 km (weighted)'],
    ['a land stretch with only a country', { route: 'Other', setting: 'land', location: 'Yemen', srr: 'x', landing: 'y', risk: 2.5 },
      'near Yemen · On land · 2.5 recorded deaths and disappearances per 100 km (weighted)'],
    ['nothing said', {}, ''],
  ])('%s', (_name, props, want) => {
    expect(whereLine(i18n, seg(props))).toBe(want);
  });

  it('shows the line under the heading, with the label of an "Other" line in the heading', async () => {
    const body = { ...fixture, segment: { ...fixture.segment, properties: { ...fixture.segment.properties, route: 'Other', label: 'Aden–Sana’a road', setting: 'land', place: HOSTILE } } };
    const panel = createDetailsPanel(i18n, { vocab, params: () => new URLSearchParams(), onError: () => {}, fetchFn: () => json(200, body) });
    document.body.replaceChildren(panel.element);
    await panel.open('cmed:3');
    expect(document.getElementById('details-heading')!.textContent).toBe('Stretch details: Aden–Sana’a road, km 30–40');
    const where = panel.element.querySelector<HTMLElement>('.details-where')!;
    expect(where.hidden).toBe(false);
    expect(where.textContent).toBe(`${HOSTILE} · On land · 80 recorded deaths and disappearances per 100 km (weighted)`);
    expect(document.querySelector('img')).toBeNull();
    panel.close();
    expect(where.hidden).toBe(true);
  });
});
