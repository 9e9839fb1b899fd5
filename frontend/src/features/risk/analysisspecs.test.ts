import { describe, expect, it } from 'vitest';
import { analysisSpecs, availableAnalyses, initialVisible } from './analysisspecs';
import { createI18n } from '../../shared/i18n';
import { defaultRiskSettings } from './risksettings';
import { emptyFilters } from '../../shared/urlstate';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

describe('analysis layers', () => {
  const metas = [{ id: 'routes', kind: 'route' }, { id: 'incidents', kind: 'incident' }, { id: 'services', kind: 'service' }] as const;

  it('are available when their layers are: risk needs routes and incidents, hotspots incidents', () => {
    expect(availableAnalyses(metas)).toEqual([{ id: 'risk', on: true }, { id: 'hotspots', on: false }]);
    expect(availableAnalyses([{ kind: 'incident' }])).toEqual([{ id: 'hotspots', on: false }]);
    expect(availableAnalyses([{ kind: 'route' }, { kind: 'service' }])).toEqual([]);
  });

  it('shows the URL layers that exist, or every layer but the context layers, and route risk', () => {
    const available = availableAnalyses(metas);
    expect([...initialVisible(undefined, metas, available)]).toEqual(['routes', 'incidents', 'services', 'risk']);
    const withContext = [...metas, { id: 'sea-names', kind: 'area' }, { id: 'ports', kind: 'area' }] as const;
    expect([...initialVisible(undefined, withContext, available)]).toEqual(['routes', 'incidents', 'services', 'risk']);
    expect([...initialVisible(['ports', 'routes'], withContext, available)]).toEqual(['ports', 'routes']);
    expect([...initialVisible(['hotspots', 'nope', 'routes'], metas, available)]).toEqual(['hotspots', 'routes']);
    expect([...initialVisible([], metas, available)]).toEqual([]);
  });

  it('asks route risk nothing for a route without a line, and hotspots by zoom', () => {
    const specs = analysisSpecs(createI18n(), vocab, () => new Set(['Central Mediterranean']), defaultRiskSettings);
    expect(specs.risk.request({ ...emptyFilters(), route: 'Nowhere' }, 5)).toBeNull();
    expect(specs.risk.request({ ...emptyFilters(), route: 'Central Mediterranean' }, 5)!.path).toBe('risk/segments');
    expect(specs.hotspots.request(emptyFilters(), 5)!.params.get('resolution')).toBe('3');
  });
});
