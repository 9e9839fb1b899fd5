import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import type { LayerMeta } from '../../shared/api';
import { coverageLayers, coveragePath, readOutlines } from './coverage';

const i18n = createI18n();
const meta = (id: string, kind: LayerMeta['kind']): LayerMeta => ({ id, kind, title: `Layer ${id}`, sources: [], sensitivity: 'public', version: 1, feature_count: 1 });
const square = { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] };

describe('coverage outlines', () => {
  it('are asked of service layers only', () => {
    expect(coverageLayers([meta('routes', 'route'), meta('clinics', 'service'), meta('incidents', 'incident')]).map((m) => m.id)).toEqual(['clinics']);
    expect(coveragePath('legal aid')).toBe('layers/legal%20aid/coverage');
  });

  it('are read with a label that says whether they are declared or computed', () => {
    const body = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: square, properties: { coverage_source: 'declared', countries: ['ITA'] } },
        { type: 'Feature', geometry: { type: 'MultiPolygon', coordinates: [square.coordinates] }, properties: { coverage_source: 'computed', category: 'health' } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} },
        { type: 'Feature', geometry: null, properties: null },
      ],
    };
    expect(readOutlines(i18n, meta('clinics', 'service'), body).map((o) => o.label)).toEqual([
      'Layer clinics: declared coverage',
      'Layer clinics: coverage computed from its points (health)',
    ]);
    expect(readOutlines(i18n, meta('clinics', 'service'), { nothing: true })).toEqual([]);
  });
});
