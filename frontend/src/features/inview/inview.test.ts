import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { fr } from '../../shared/i18n/fr';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { createInViewPanel, type InViewGroup } from './panel';
import { describeRow } from './rows';

const i18n = createI18n();

const point = (id: string, properties: Record<string, unknown>): Feature => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [12, 35] }, properties });

describe('"In view" rows', () => {
  it('describe a feature as its popup does: title and the first facts with their labels', () => {
    expect(describeRow(i18n, vocab, { kind: 'incident' }, point('a', {
      date: '2020-12-31', dead: 3, missing: 1, location: 'Off Lampedusa', osm_id: 5, cause_category: 'Drowning',
    }))).toEqual({ title: 'Off Lampedusa', facts: 'Date: Dec 31, 2020 · Dead: 3 · Missing: 1', weight: 4 });
    expect(describeRow(i18n, vocab, { kind: 'service' }, point('s', { name: 'Clinic', category: 'legal', organization: 'NGO', phone: '1' })).facts)
      .toBe('Category: Legal aid and documentation · Organisation: NGO · Phone: 1');
  });

  it('read a public cell as its counts and never name its H3 cell', () => {
    const row = describeRow(i18n, vocab, { kind: 'incident' }, point('831849fffffffff', {
      aggregated: true, cell: '831849fffffffff', resolution: 3, incidents: 25, dead: 40, missing: 10,
    }));
    expect(row).toEqual({ title: 'Incidents in this area', facts: '25 incidents in this area · 40 dead · 10 missing', weight: 25 });
    const hotspot = describeRow(i18n, vocab, { analysis: 'hotspots' }, point('8419481ffffffff', { cell: '8419481ffffffff', class: 'hot_99', incidents: 88, dead: 5, missing: 0 }));
    expect(hotspot.title).toBe('Hot spot, 99 % confidence');
    expect(JSON.stringify([row, hotspot])).not.toMatch(/8419481f|831849f/);
  });

  it('read a stretch of route as its route, km and risk', () => {
    const row = describeRow(i18n, vocab, { analysis: 'risk' }, point('seg', { route: 'Central Mediterranean', start_km: 10, end_km: 20, risk: 12.5, class: 'high' }));
    expect(row.title).toBe('Central Mediterranean');
    expect(row.facts).toBe('km 10–20 along the route · High: 12.5 recorded deaths and disappearances per 100 km (weighted)');
  });
});

function panelOf(groups: InViewGroup[], lang = i18n) {
  const opened: string[] = [];
  const panel = createInViewPanel(lang, vocab, { groups: () => groups, open: (layer, f, key) => opened.push(`${layer}/${f.id}/${key}`), pageSize: 2 });
  document.body.replaceChildren(panel.element);
  return { panel, opened };
}

describe('"In view" panel', () => {
  const incidents: InViewGroup = {
    id: 'incidents', title: 'Incidents', source: { kind: 'incident' },
    features: [1, 5, 3, 2, 4].map((n) => point(`i${n}`, { location: `Place ${n}`, dead: n })),
  };

  it('is folded and builds nothing until opened; then lists each layer in a captioned table, heaviest first, paged', () => {
    const { panel, opened } = panelOf([incidents, { id: 'routes', title: 'Routes', source: { kind: 'route' }, features: [] }]);
    const details = panel.element.querySelector('details')!;
    expect(details.open).toBe(false);
    panel.refresh();
    expect(panel.element.querySelector('table')).toBeNull();

    details.open = true;
    panel.refresh();
    const tables = panel.element.querySelectorAll('table');
    expect(tables).toHaveLength(1); // a layer with nothing in view gets no table
    expect(tables[0]!.querySelector('caption')!.textContent).toBe('Incidents: 5 in view');
    const titles = () => [...panel.element.querySelectorAll('.inview-open')].map((b) => b.textContent);
    expect(titles()).toEqual(['Place 5', 'Place 4']);
    expect(panel.element.querySelector('.inview-range')!.textContent).toBe('Rows 1–2 of 5');
    expect(panel.element.querySelector<HTMLButtonElement>('.inview-previous')!.disabled).toBe(true);

    panel.element.querySelector<HTMLButtonElement>('.inview-next')!.click();
    expect(titles()).toEqual(['Place 3', 'Place 2']);
    expect(document.activeElement).toBe(panel.element.querySelector('.inview-next'));
    panel.element.querySelector<HTMLButtonElement>('.inview-next')!.click();
    expect(titles()).toEqual(['Place 1']);
    // At the end the focus moves to "Previous", which is still enabled.
    expect(document.activeElement).toBe(panel.element.querySelector('.inview-previous'));

    const row = panel.element.querySelector<HTMLButtonElement>('.inview-open')!;
    expect(row.type).toBe('button');
    row.click();
    expect(opened).toEqual(['incidents/i1/incidents:i1']);
  });

  it('finds a row again after the list was rebuilt, and says when nothing is in view', () => {
    const groups = [incidents];
    const { panel } = panelOf(groups);
    panel.element.querySelector('details')!.open = true;
    panel.refresh();
    panel.focusRow('incidents:i4');
    expect(document.activeElement!.textContent).toBe('Place 4');
    groups.length = 0;
    panel.refresh();
    expect(panel.element.querySelector('.inview-empty')!.textContent).toBe('Nothing from the layers shown is in view.');
    panel.focusRow('incidents:i4');
    expect(document.activeElement!.tagName).toBe('SUMMARY');
  });

  it('is written in the page\'s language', () => {
    const { panel } = panelOf([incidents], createI18n(fr));
    panel.element.querySelector('details')!.open = true;
    panel.refresh();
    expect(panel.element.querySelector('h2')!.textContent).toBe('Dans la vue');
    expect(panel.element.querySelector('caption')!.textContent).toBe('Incidents : 5 dans la vue');
  });
});
