import { describe, expect, it } from 'vitest';
import { buildHotspotPopup, buildSegmentPopup, coverageText, formatCount, formatP, kmRange } from './analysispopup';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

function segment(properties: Record<string, unknown>): Feature {
  return { type: 'Feature', id: 'giocopp-0:0', geometry: { type: 'LineString', coordinates: [[-17.45, 14.69], [-17.41, 14.78]] }, properties };
}

const base = {
  id: 'giocopp-0:0', route: 'Western Africa / Atlantic route to the Canary Islands', route_id: 'giocopp-0', segment_index: 0,
  start_km: 0, end_km: 10.029, length_km: 10.029, risk: 113.0997, class: 'critical', incidents: 10, dead: 49, missing: 222,
  last_incident: '2023-11-06', incidents_per_year: 0.7749, priority: 0.18, rank: 45, gap_share: 0.5,
  gaps: ['legal'], no_data: ['cash'],
  coverage_health: 'ok', nearest_health_km: 12.34,
  coverage_legal: 'gap', nearest_legal_km: 187.67,
  coverage_cash: 'no_data', nearest_cash_km: null,
};

/** dt → dd text of a definition list. */
function rows(dl: Element | null): [string, string][] {
  return [...(dl?.querySelectorAll('dt') ?? [])].map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? '']);
}

describe('segment popup', () => {
  it('shows route, km range, class and risk, counts and the last incident', () => {
    const el = buildSegmentPopup(i18n, vocab, segment(base));
    expect(el.querySelector('.popup-title')!.textContent).toBe('Western Africa / Atlantic route to the Canary Islands');
    expect(el.querySelector('.popup-layer')!.textContent).toBe('km 0–10 along the route');
    expect(el.querySelector('.popup-risk-class')!.textContent).toBe('Critical: 113 recorded deaths and disappearances per 100 km (weighted)');
    expect(el.querySelector<HTMLElement>('.popup-risk-class')!.dataset.class).toBe('critical');
    expect(el.querySelector('.popup-rank')!.textContent).toBe('Outreach priority: rank 45');
    expect(rows(el.querySelector('dl'))).toEqual([
      ['Incidents', '10'],
      ['Dead', '49'],
      ['Missing', '222'],
      ['Last incident', 'Nov 6, 2023'],
      ['Incidents per year', '0.77'],
    ]);
  });

  it('shows a stretch of the overview without counts it does not carry, with its details button', () => {
    const opened: string[] = [];
    const el = buildSegmentPopup(i18n, vocab, segment({
      id: 'giocopp-0:0', route: base.route, label: base.route, class: 'critical', risk: 300, start_km: 0, end_km: 80.2, segments: 8,
    }), undefined, 50, (id) => opened.push(id));
    expect(el.querySelector('.popup-layer')!.textContent).toBe('km 0–80 along the route');
    expect(el.querySelector('.popup-risk-class')!.textContent).toBe('Critical: 300 recorded deaths and disappearances per 100 km (weighted)');
    expect(el.querySelector('dl')).toBeNull();
    el.querySelector<HTMLButtonElement>('.popup-details')!.click();
    expect(opened).toEqual(['giocopp-0:0']);
  });

  it('tells a service within reach, a gap and a category without data apart', () => {
    const el = buildSegmentPopup(i18n, vocab, segment(base));
    const cov = el.querySelector('.popup-coverage');
    expect(rows(cov)).toEqual([
      ['Legal aid and documentation', 'Gap: none within 50 km (nearest 188 km)'],
      ['Health', '12.3 km'],
      ['Cash assistance', 'No data loaded'],
    ]);
    expect([...cov!.querySelectorAll<HTMLElement>('dd')].map((d) => d.dataset.coverage)).toEqual(['gap', 'ok', 'no_data']);
    expect(cov!.querySelector('.coverage-gap')).not.toBeNull();
    expect(cov!.querySelector('.coverage-no_data')).not.toBeNull();
    // The note says that "no data" is not a gap.
    expect(el.querySelector('.popup-note')!.textContent).toMatch(/not counted as a gap/);
  });

  it('words a gap without any service nearby, and a segment without incidents', () => {
    const el = buildSegmentPopup(i18n, vocab, segment({
      ...base, last_incident: null, rank: null, incidents: 0, coverage_legal: 'gap', nearest_legal_km: null, coverage_cash: 'ok', nearest_cash_km: null,
    }));
    expect(rows(el.querySelector('.popup-coverage'))).toContainEqual(['Legal aid and documentation', 'Gap: none within 50 km']);
    expect(rows(el.querySelector('.popup-coverage'))).toContainEqual(['Cash assistance', 'Within 50 km']);
    expect(rows(el.querySelector('dl'))).toContainEqual(['Last incident', 'None']);
    expect(el.querySelector('.popup-rank')).toBeNull();
    expect(el.querySelector('.popup-note')).toBeNull();
  });

  it('lists the reasons of a priority, from the feature or given', () => {
    const reasons = ['657 incidents within 25 km (risk 621.69, critical)', 'last incident 2025-03-28'];
    const own = buildSegmentPopup(i18n, vocab, segment({ ...base, reasons }));
    expect([...own.querySelectorAll('.popup-reasons li')].map((li) => li.textContent)).toEqual(reasons);
    const given = buildSegmentPopup(i18n, vocab, segment(base), ['given']);
    expect([...given.querySelectorAll('.popup-reasons li')].map((li) => li.textContent)).toEqual(['given']);
    expect(buildSegmentPopup(i18n, vocab, segment(base)).querySelector('.popup-reasons')).toBeNull();
  });

  it('shows hostile strings in every position as text', () => {
    const el = buildSegmentPopup(i18n, vocab, segment({
      ...base,
      route: HOSTILE,
      last_incident: '<script>alert(1)</script>',
      reasons: ['"><svg onload=alert(2)>'],
      [`coverage_${HOSTILE}`]: 'gap',
      [`nearest_${HOSTILE}_km`]: '<b>1</b>',
      class: '<i>critical</i>',
    }));
    document.body.replaceChildren(el);
    expect(el.querySelector('img, script, svg, b, i')).toBeNull();
    expect(el.querySelector('.popup-title')!.textContent).toBe(HOSTILE);
    expect(el.textContent).toContain('<script>alert(1)</script>');
    expect(el.textContent).toContain('"><svg onload=alert(2)>');
    expect(rows(el.querySelector('.popup-coverage'))).toContainEqual([HOSTILE, 'Gap: none within 50 km']);
    expect(el.querySelector('.popup-risk-class')!.textContent).toMatch(/^Unclassified: /);
    const tags = new Set([el, ...el.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()));
    expect([...tags].every((t) => ['article', 'h3', 'h4', 'p', 'span', 'dl', 'dt', 'dd', 'ul', 'li'].includes(t))).toBe(true);
    for (const node of el.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
    }
  });

  it('formats km ranges and coverage distances', () => {
    expect(kmRange(i18n, 1093.3, 1103.4)).toEqual({ from: '1,093', to: '1,103' });
    expect(kmRange(i18n, 0, 0.84)).toEqual({ from: '0', to: '0.8' });
    expect(coverageText(i18n, { category: 'health', status: 'ok', nearestKm: 3.04 })).toBe('3 km');
    expect(coverageText(i18n, { category: 'health', status: 'gap', nearestKm: 55 }, 20)).toBe('Gap: none within 20 km (nearest 55 km)');
    expect(coverageText(i18n, { category: 'health', status: 'no_data', nearestKm: 5 })).toBe('No data loaded');
  });
});

describe('hotspot popup', () => {
  const hot: Feature = {
    type: 'Feature', id: '8419481ffffffff', geometry: null,
    properties: { cell: '8419481ffffffff', resolution: 4, incidents: 88, dead: 115, missing: 6, z: 4.28147, p: 0.0000185, p_fdr: 0.00148, class: 'hot_99' },
  };

  it('shows incidents, dead and missing first, then z and p (FDR) under "More", and the class in words', () => {
    const el = buildHotspotPopup(i18n, hot);
    expect(el.querySelector('.popup-title')!.textContent).toBe('Hot spot, 99 % confidence');
    expect(el.dataset.class).toBe('hot_99');
    expect(rows(el.querySelector(':scope > dl'))).toEqual([
      ['Incidents', '88'],
      ['Dead', '115'],
      ['Missing', '6'],
    ]);
    const more = el.querySelector('details.popup-more')!;
    expect(more.querySelector('summary')!.textContent).toBe('More');
    expect(more.hasAttribute('open')).toBe(false);
    expect(rows(more.querySelector('dl'))).toEqual([
      ['z-score (Gi*)', '4.28'],
      ['p-value, FDR-corrected', '0.0015'],
      ['p-value, uncorrected', 'below 0.0001'],
    ]);
  });

  it('names the H3 cell only to signed-in tiers, under "More"', () => {
    const pub = buildHotspotPopup(i18n, hot);
    expect(pub.querySelector('.popup-cell')).toBeNull();
    expect(pub.textContent).not.toContain('8419481ffffffff');
    const staff = buildHotspotPopup(i18n, hot, true);
    expect(staff.querySelector('details.popup-more .popup-cell')!.textContent).toBe('H3 cell 8419481ffffffff, resolution 4');
  });

  it('names every class, and a cell without one as text', () => {
    const cls = (c: string) => buildHotspotPopup(i18n, { type: 'Feature', geometry: null, properties: { class: c } })
      .querySelector('.popup-title')!.textContent;
    expect(cls('cold_95')).toBe('Cold spot, 95 % confidence');
    expect(cls('not_significant')).toBe('Not significant');
    expect(cls(HOSTILE)).toBe('Hotspot cell');
    expect(formatP(i18n, 0.0421)).toBe('0.042');
    expect(formatP(i18n, 1)).toBe('1');
  });
});

describe('suppressed counts', () => {
  it('shows a suppressed count as "fewer than 5", never as 0', () => {
    expect(formatCount(i18n, null, vocab.minPublicCount)).toBe('fewer than 5');
    expect(formatCount(i18n, null)).toBe('not shown (too few)');
    expect(formatCount(i18n, 0)).toBe('0');
    expect(formatCount(i18n, 15)).toBe('15');
  });
});
