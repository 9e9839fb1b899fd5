import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { createPriorities } from './priorities';
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
