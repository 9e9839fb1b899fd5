import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createPriorities } from './priorities';
import { readAnalysisInfo } from './analysisinfo';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

const i18n = createI18n();

const priority = (id: string, rank: number, route: string, startKm: number, cls: string, reasons: unknown[]): Feature => ({
  type: 'Feature', id,
  geometry: { type: 'LineString', coordinates: [[30, 35], [30.1, 35]] },
  properties: { id, rank, route, start_km: startKm, end_km: startKm + 10, class: cls, reasons },
});

describe('outreach priorities', () => {
  const features = [
    priority('giocopp-33:0', 1, 'Eastern Mediterranean', 0, 'critical', ['657 incidents within 25 km (risk 621.69, critical)', '662 dead, 0 missing']),
    priority('afg:109', 2, 'Afghanistan to Iran', 1093.3, 'critical', ['648 incidents']),
    priority('afg:157', 2, 'Afghanistan to Iran', 1574, 'high', []),
    priority('x:1', 4, '<img src=x onerror=alert(1)>', 20, 'medium', ['<script>alert(1)</script>', 7]),
  ];

  it('lists one button per priority, in the order given, with rank, route, km range and class', () => {
    const selected: string[] = [];
    const panel = createPriorities(i18n, vocab, (f) => selected.push(String(f.id)));
    document.body.replaceChildren(panel.element);
    panel.setItems(features);

    const items = [...panel.element.querySelectorAll<HTMLLIElement>('.priority-list > li')];
    expect(items.map((li) => li.dataset.id)).toEqual(['giocopp-33:0', 'afg:109', 'afg:157', 'x:1']);
    expect(items.map((li) => li.dataset.rank)).toEqual(['1', '2', '2', '4']);

    const buttons = [...panel.element.querySelectorAll<HTMLButtonElement>('button.priority-button')];
    expect(buttons).toHaveLength(4);
    for (const b of buttons) expect(b.type).toBe('button');
    expect(buttons[0]!.querySelector('.priority-rank')!.textContent).toBe('1.');
    expect(buttons[0]!.querySelector('.priority-route')!.textContent).toBe('Eastern Mediterranean');
    expect(buttons[1]!.querySelector('.priority-km')!.textContent).toBe('km 1,093–1,103');
    expect(buttons[2]!.querySelector('.priority-class')!.textContent).toBe('High risk');
    // Named by the text it shows (WCAG 2.5.3), not by a label that says something else.
    expect(buttons[0]!.hasAttribute('aria-label')).toBe(false);
    expect(buttons[0]!.textContent).toMatch(/^1\.Eastern Mediterranean/);

    // The reasons are text next to the button, and describe it.
    const reasons = items[0]!.querySelector('.priority-reasons')!;
    expect([...reasons.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      '657 incidents within 25 km (risk 621.69, critical)', '662 dead, 0 missing',
    ]);
    expect(buttons[0]!.getAttribute('aria-describedby')).toBe(reasons.id);
    expect(buttons[2]!.hasAttribute('aria-describedby')).toBe(false);

    buttons[1]!.click();
    buttons[0]!.click();
    expect(selected).toEqual(['afg:109', 'giocopp-33:0']);
    expect(panel.items()).toBe(features);
  });

  it('names where a priority lies when the API gives a location, as text', () => {
    const panel = createPriorities(i18n, vocab, () => {});
    document.body.replaceChildren(panel.element);
    const located = priority('cm:3', 1, 'Central Mediterranean', 30, 'critical', []);
    located.properties!.location = 'Libya';
    const hostile = priority('cm:4', 2, 'Central Mediterranean', 40, 'high', []);
    hostile.properties!.location = '<img src=x onerror=alert(1)>';
    panel.setItems([located, hostile, features[1]!]);
    const places = [...panel.element.querySelectorAll('.priority-location')].map((el) => el.textContent);
    expect(places).toEqual(['near Libya', 'near <img src=x onerror=alert(1)>']);
    expect(document.querySelector('img')).toBeNull();
  });

  it('shows hostile routes and reasons as text', () => {
    const panel = createPriorities(i18n, vocab, () => {});
    document.body.replaceChildren(panel.element);
    panel.setItems(features);
    expect(document.querySelector('img, script')).toBeNull();
    const last = panel.element.querySelector('li[data-id="x:1"]')!;
    expect(last.querySelector('.priority-route')!.textContent).toBe('<img src=x onerror=alert(1)>');
    expect([...last.querySelectorAll('.priority-reasons li')].map((li) => li.textContent)).toEqual(['<script>alert(1)</script>']);
  });

  it('explains the priority, and shows loading, empty and message states', () => {
    const panel = createPriorities(i18n, vocab, () => {});
    expect(panel.element.querySelector('h2')!.textContent).toBe('Outreach priorities');
    expect(panel.element.querySelector('.priorities-note')!.textContent).toMatch(/within 50 km/);
    panel.setLoading();
    expect(panel.element.getAttribute('aria-busy')).toBe('true');
    expect(panel.element.querySelector('.priorities-message')!.textContent).toBe('Loading priorities…');
    panel.setItems([]);
    expect(panel.element.hasAttribute('aria-busy')).toBe(false);
    expect(panel.element.querySelector('.priorities-message')!.textContent).toMatch(/No stretch of route/);
    panel.setItems(features);
    expect(panel.element.querySelector('.priorities-message')!.textContent).toBe('');
    panel.setLoading();
    expect(panel.element.querySelectorAll('button')).toHaveLength(4); // the old list stays while loading
    panel.setMessage('x');
    expect(panel.element.querySelectorAll('button')).toHaveLength(0);
    expect(panel.items()).toEqual([]);
  });
});

describe('priority downloads', () => {
  it('offers CSV and GeoJSON links that follow the URLs given, and a note quoting the reach', () => {
    const panel = createPriorities(i18n, vocab, () => undefined);
    document.body.replaceChildren(panel.element);
    const csv = document.getElementById('priorities-csv') as HTMLAnchorElement;
    const geo = document.getElementById('priorities-geojson') as HTMLAnchorElement;
    expect(csv.textContent).toBe('Download CSV');
    expect(geo.textContent).toBe('Download GeoJSON');
    expect(csv.hasAttribute('download')).toBe(true);
    panel.setExport('/api/v1/risk/priorities?format=csv&limit=500', '/api/v1/risk/priorities?format=geojson&limit=500');
    expect(csv.getAttribute('href')).toBe('/api/v1/risk/priorities?format=csv&limit=500');
    expect(geo.getAttribute('href')).toBe('/api/v1/risk/priorities?format=geojson&limit=500');
    panel.setReach(80);
    expect(panel.element.querySelector('.priorities-note')!.textContent).toContain('within 80 km');
  });
});

describe('where a priority lies', () => {
  const sea = (): Feature => ({
    type: 'Feature', id: 'giocopp-21:28', geometry: null,
    properties: {
      id: 'giocopp-21:28', rank: 2, route: 'Central Mediterranean', label: 'Central Mediterranean', start_km: 240.86, end_km: 291.04,
      class: 'critical', risk: 900, setting: 'sea', place: 'Mediterranean Sea, off Lampedusa', location: 'Malta',
      srr: 'Malta SRR (RCC Malta)', landing: 'Lampedusa, Italy', reasons: [],
    },
  });
  const other = (): Feature => ({
    type: 'Feature', id: 'other-7:3', geometry: null,
    properties: {
      id: 'other-7:3', rank: 5, route: 'Other', label: 'Aden–Sana’a road', start_km: 30, end_km: 60, class: 'high', risk: 61.5,
      setting: 'land', place: 'near Zinjibār, Yemen', srr: 'ignored on land', landing: null, reasons: [],
    },
  });

  it.each([
    ['a sea stretch: place, km range, sea, its SRR and landing place', sea(), {
      route: 'Central Mediterranean', place: 'Mediterranean Sea, off Lampedusa', label: null, km: 'km 241–291', setting: 'At sea',
      srr: 'Search and rescue region: Malta SRR (RCC Malta)', landing: 'Landing place: Lampedusa, Italy',
      measure: '900 recorded deaths and disappearances per 100 km (weighted)',
    }],
    ['a land stretch of an "Other" line: its label instead, no SRR or landing', other(), {
      route: 'Aden–Sana’a road', place: 'near Zinjibār, Yemen', label: null, km: 'km 30–60', setting: 'On land', srr: null, landing: null,
      measure: '61.5 recorded deaths and disappearances per 100 km (weighted)',
    }],
  ])('%s', (_name, feature, want) => {
    const panel = createPriorities(i18n, vocab, () => {});
    document.body.replaceChildren(panel.element);
    panel.setItems([feature]);
    const li = panel.element.querySelector('.priority-list > li')!;
    const text = (sel: string) => li.querySelector(sel)?.textContent ?? null;
    expect(text('.priority-route')).toBe(want.route);
    expect(text('.priority-location')).toBe(want.place);
    expect(text('.priority-label')).toBe(want.label);
    expect(text('.priority-km')).toBe(want.km);
    expect(text('.priority-setting')).toBe(want.setting);
    expect(text('.priority-srr')).toBe(want.srr);
    expect(text('.priority-landing')).toBe(want.landing);
    expect(text('.priority-measure')).toBe(want.measure);
  });

  it('names the lack of a search and rescue region at sea, and a label that says more than the route', () => {
    const f = sea();
    Object.assign(f.properties!, { srr: null, label: 'Obock–Red Sea coast (Obock–Mocha)' });
    const panel = createPriorities(i18n, vocab, () => {});
    panel.setItems([f]);
    expect(panel.element.querySelector('.priority-srr')!.textContent).toBe('no search and rescue region recorded');
    expect(panel.element.querySelector('.priority-label')!.textContent).toBe('Obock–Red Sea coast (Obock–Mocha)');
  });
});

describe('data through and caveats', () => {
  it.each([
    ['a day, in English', 'en', '2025-09-08', 'Data through September 8, 2025'],
    ['a month (public tier), in English', 'en', '2025-09', 'Data through Sep 2025'],
    ['a day, in French', 'fr', '2025-09-08', 'Données jusqu’au 8 septembre 2025'],
  ] as const)('formats %s with Intl', async (_name, lang, through, want) => {
    const i = lang === 'en' ? i18n : createI18n((await import('../../shared/i18n/fr')).fr);
    const panel = createPriorities(i, vocab, () => {});
    panel.setInfo(readAnalysisInfo({ data_through: through, caveats: [] }));
    const p = panel.element.querySelector<HTMLElement>('.data-through')!;
    expect(p.hidden).toBe(false);
    expect(p.textContent).toBe(want);
    expect(panel.element.querySelector<HTMLElement>('details.caveats')!.hidden).toBe(true);
  });

  it('lists the caveats as the API words them, collapsed, as text; drops malformed members', () => {
    const panel = createPriorities(i18n, vocab, () => {});
    document.body.replaceChildren(panel.element);
    panel.setInfo(readAnalysisInfo({
      data_through: '<b>2025</b>', caveats: ['A low value is not evidence of safety.', 7, '  ', '<img src=x onerror=alert(1)>'],
    }));
    expect(panel.element.querySelector<HTMLElement>('.data-through')!.hidden).toBe(true);
    const details = panel.element.querySelector<HTMLDetailsElement>('details.caveats')!;
    expect(details.hidden).toBe(false);
    expect(details.open).toBe(false);
    expect(details.querySelector('summary')!.textContent).toBe('Limits of these figures');
    expect([...details.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'A low value is not evidence of safety.', '<img src=x onerror=alert(1)>',
    ]);
    expect(document.querySelector('img')).toBeNull();
    expect(readAnalysisInfo(undefined)).toEqual({ dataThrough: '', caveats: [] });
  });
});
