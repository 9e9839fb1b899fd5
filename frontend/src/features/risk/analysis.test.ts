import { describe, expect, it } from 'vitest';
import {
  countClasses, HOTSPOT_CLASSES, hotspotClassOf, hotspotParams, PRIORITY_LIMIT, prioritiesParams, readCell, readSegment,
  RISK_FULL_ZOOM, RISK_SETTINGS, riskClassOf, riskParams, riskZoomParam, routeHasLine, segmentCoverage,
} from './analysis';
import type { Feature } from '../../shared/api';
import { emptyFilters, type Filters } from '../../shared/urlstate';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { resolutionForZoom } from '../../shared/vocabulary';

const HARSH = 'Harsh environmental conditions / lack of adequate shelter, food, water';
const filters = (f: Partial<Filters>): Filters => ({ ...emptyFilters(), ...f });

describe('risk query', () => {
  it('names the zoom band of the route-risk layer, and none from the full zoom on', () => {
    const cases: [number, string | null][] = [[0, '3'], [2, '3'], [3, '3'], [3.2, '6'], [4, '6'], [6, '6'], [RISK_FULL_ZOOM, null], [12, null], [NaN, null]];
    for (const [zoom, want] of cases) expect([zoom, riskZoomParam(zoom)]).toEqual([zoom, want]);
  });

  it('sends the settings the legend quotes, and nothing else without filters', () => {
    const q = riskParams(emptyFilters());
    expect(Object.fromEntries(q)).toEqual({ segment_km: '10', radius_km: '25', half_life_days: '365', reach_km: '50' });
    expect(RISK_SETTINGS.reach_km).toBe(50);
  });

  it('maps the date range, route and cause; a cause with commas stays one value', () => {
    const q = riskParams(filters({ from: '2020-01-01', to: '2021-12-31', route: 'Central Mediterranean', cause: HARSH, category: 'health' }));
    expect(q.get('datetime')).toBe('2020-01-01/2021-12-31');
    expect(q.getAll('route')).toEqual(['Central Mediterranean']);
    expect(q.getAll('cause')).toEqual([HARSH]);
    expect(q.has('category')).toBe(false);
    expect(q.has('routes')).toBe(false); // one spelling of each filter, as every other request
    expect(q.has('causes')).toBe(false);
    expect(new URLSearchParams(q.toString()).getAll('cause')).toEqual([HARSH]);
  });

  it('writes open date ranges', () => {
    expect(riskParams(filters({ from: '2020-01-01' })).get('datetime')).toBe('2020-01-01/..');
    expect(riskParams(filters({ to: '2020-01-01' })).get('datetime')).toBe('../2020-01-01');
    expect(riskParams(filters({ from: 'not a date' })).has('datetime')).toBe(false);
  });

  it('asks for the top 20 priorities with the same analysis parameters', () => {
    const f = filters({ cause: 'Drowning', route: 'Darien' });
    const q = prioritiesParams(f);
    expect(q.get('limit')).toBe(String(PRIORITY_LIMIT));
    expect(PRIORITY_LIMIT).toBe(20);
    q.delete('limit');
    expect(q.toString()).toBe(riskParams(f).toString());
    expect(prioritiesParams(f, 5).get('limit')).toBe('5');
  });

  it('asks nothing for a route that has no line (a name only incidents carry)', () => {
    const known = new Set(['Central Mediterranean', 'Darien']);
    expect(routeHasLine('', known)).toBe(true);
    expect(routeHasLine('Darien', known)).toBe(true);
    expect(routeHasLine('English Channel to the UK', known)).toBe(false);
    // Unknown route names (not loaded yet, or none loaded): ask the server.
    expect(routeHasLine('English Channel to the UK', null)).toBe(true);
    expect(routeHasLine('English Channel to the UK', new Set())).toBe(true);
  });
});

describe('hotspot query', () => {
  it.each([
    [0, 2], [1, 2], [4, 2], [5, 3], [6, 4], [7, 4], [8, 5], [9, 6], [10, 7], [14, 7], [18, 7],
    [4.6, 2], [-1, 2], [NaN, 2],
  ])('zoom %s → resolution %s', (zoom, res) => {
    expect(resolutionForZoom(vocab, zoom)).toBe(res);
  });

  it('sends the resolution, the dates and the cause; not the route or the service category', () => {
    const q = hotspotParams(filters({ from: '2019-05-01', route: 'Darien', cause: HARSH, category: 'legal' }), 8, vocab);
    expect(Object.fromEntries(q)).toEqual({ resolution: '5', datetime: '2019-05-01/..', cause: HARSH });
    expect(hotspotParams(emptyFilters(), 3, vocab).toString()).toBe('resolution=2');
  });
});

const segment = (properties: Record<string, unknown>, id: string | undefined = 'r:1'): Feature => ({
  type: 'Feature', id, geometry: { type: 'LineString', coordinates: [[0, 0], [0.1, 0]] }, properties,
});

describe('reading segments', () => {
  it('reads numbers and text, and tolerates missing or wrong types', () => {
    const s = readSegment(segment({
      id: 'giocopp-0:3', route: '  Atlantic  ', start_km: 30, end_km: 40.2, risk: 12.5, class: 'high', incidents: 4,
      dead: '7', missing: -2, last_incident: '2023-11-06', incidents_per_year: 0.25, priority: 0.4, rank: 3,
      reasons: ['a', 5, null, 'b'],
    }), vocab);
    expect(s).toEqual({
      id: 'giocopp-0:3', route: 'Atlantic', startKm: 30, endKm: 40.2, risk: 12.5, cls: 'high', incidents: 4, dead: 7,
      missing: 0, lastIncident: '2023-11-06', incidentsPerYear: 0.25, priority: 0.4, rank: 3, reasons: ['a', 'b'], counted: true,
    });
    const empty = readSegment({ type: 'Feature', id: 'x', geometry: null, properties: null }, vocab);
    expect(empty).toMatchObject({ id: 'x', route: '', cls: null, rank: null, lastIncident: '', reasons: [], counted: false });
    // A suppressed count is a count; a stretch of the overview has none.
    expect(readSegment(segment({ incidents: null }), vocab).counted).toBe(true);
    expect(readSegment(segment({ id: 'a:0', class: 'high', risk: 3, segments: 4 }), vocab).counted).toBe(false);
    expect(readSegment(segment({ rank: null, class: '<b>' }), vocab).rank).toBeNull();
    expect(riskClassOf({ class: 'critical' }, vocab)).toBe('critical');
    expect(riskClassOf({ class: 'Critical' }, vocab)).toBeNull();
  });

  it('lists coverage per category: gaps first, then services within reach, then categories without data', () => {
    const cov = segmentCoverage({
      coverage_health: 'ok', nearest_health_km: 12.34,
      coverage_shelter: 'gap', nearest_shelter_km: 120,
      coverage_legal: 'gap', nearest_legal_km: null,
      coverage_cash: 'no_data', nearest_cash_km: null,
      coverage_psychosocial: 'no_data',
      coverage_zzz: 'ok', nearest_zzz_km: 1,
      coverage_bogus: 'maybe',
      coverage_: 'ok',
      gaps: ['legal', 'shelter', 'food'],
      no_data: ['cash', 'psychosocial', 'rescue'],
    }, vocab);
    expect(cov).toEqual([
      { category: 'legal', status: 'gap', nearestKm: null },
      { category: 'shelter', status: 'gap', nearestKm: 120 },
      { category: 'food', status: 'gap', nearestKm: null },
      { category: 'health', status: 'ok', nearestKm: 12.34 },
      { category: 'zzz', status: 'ok', nearestKm: 1 },
      { category: 'psychosocial', status: 'no_data', nearestKm: null },
      { category: 'cash', status: 'no_data', nearestKm: null },
      { category: 'rescue', status: 'no_data', nearestKm: null },
    ]);
    expect(segmentCoverage(null, vocab)).toEqual([]);
  });

  it('counts features per class', () => {
    const fs = ['low', 'low', 'critical', 'nope'].map((c) => segment({ class: c }));
    expect([...countClasses(fs, (p) => riskClassOf(p, vocab))]).toEqual([['low', 2], ['critical', 1]]);
  });
});

describe('reading hotspot cells', () => {
  it('reads the statistics and the class', () => {
    const c = readCell({
      type: 'Feature', id: '8419481ffffffff', geometry: null,
      properties: { cell: '8419481ffffffff', resolution: 4, incidents: 88, dead: 115, missing: 6, z: 4.28, p: 0.00002, p_fdr: 0.0015, class: 'hot_99' },
    });
    expect(c).toEqual({ cell: '8419481ffffffff', resolution: 4, incidents: 88, dead: 115, missing: 6, z: 4.28, p: 0.00002, pFdr: 0.0015, cls: 'hot_99' });
    for (const cls of HOTSPOT_CLASSES) expect(hotspotClassOf({ class: cls })).toBe(cls);
    expect(hotspotClassOf({ class: 'hot' })).toBeNull();
  });
});
