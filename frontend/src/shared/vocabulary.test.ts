import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n';
import { VOCABULARY_JSON } from './testdata/vocabulary';
import {
  causeLabel, isCause, isRiskClass, loadVocabulary, parseVocabulary, publicCellResolution, resolutionForZoom, riskClassNames,
  riskClassTermLabel, serviceCategoryLabel, serviceCategoryRank,
} from './vocabulary';

const vocab = parseVocabulary(VOCABULARY_JSON);
const i18n = createI18n();

describe('parseVocabulary', () => {
  it('reads the server answer', () => {
    expect(riskClassNames(vocab)).toEqual(['low', 'medium', 'high', 'critical']);
    expect(vocab.riskClasses.map((c) => c.from)).toEqual([0, 1, 10, 50]);
    expect(vocab.serviceCategories.map((c) => c.category)).toEqual([
      'health', 'legal', 'psychosocial', 'protection', 'shelter', 'food', 'wash', 'information', 'cash', 'rescue',
    ]);
    expect(vocab.serviceCategories[0]!.subtypes).toContain('hospital');
    expect(vocab.causes).toHaveLength(7);
    expect(vocab.causes[0]).toEqual({ category: 'Drowning', key: 'drowning' });
    expect(vocab.routes).toHaveLength(30);
    expect(vocab.resolutions).toMatchObject({ min: 2, max: 7, default: 3, publicMax: 5 });
    expect(vocab.minPublicCount).toBe(5);
  });

  it('drops malformed entries and refuses an answer that is no vocabulary', () => {
    const v = parseVocabulary({
      risk_classes: [{ class: 'low', from: 0 }, { class: '<b>', from: 'x' }, null],
      service_categories: [{ category: 'health' }, { label: 'no category' }],
      causes: [{ category: 'Drowning', key: 'drowning' }, { category: 'X', key: '../../x' }],
      resolutions: { zoom_steps: [{ min_zoom: 0, resolution: 2 }, { min_zoom: 'a', resolution: 3 }] },
    });
    expect(riskClassNames(v)).toEqual(['low']);
    expect(v.serviceCategories.map((c) => c.label)).toEqual(['health']);
    expect(v.causes).toHaveLength(1);
    expect(v.resolutions.zoomSteps).toHaveLength(1);
    for (const bad of [null, [], 'x', {}, { risk_classes: [] }]) expect(() => parseVocabulary(bad)).toThrow();
  });

  it('is fetched with the API client', async () => {
    const paths: string[] = [];
    const v = await loadVocabulary(async (path) => {
      paths.push(path);
      return VOCABULARY_JSON;
    });
    expect(paths).toEqual(['vocabulary']);
    expect(v).toEqual(vocab);
  });
});

describe('zoom → H3 resolution', () => {
  it.each([
    [0, 2], [2, 2], [4, 2], [4.9, 2], [5, 3], [6, 4], [7, 4], [8, 5], [9, 6], [10, 7], [18, 7], [-1, 2], [Number.NaN, 2],
  ])('zoom %s → resolution %s', (zoom, res) => {
    expect(resolutionForZoom(vocab, zoom)).toBe(res);
  });

  it('counts public cells never finer than the public maximum', () => {
    expect(publicCellResolution(vocab, 3)).toBe(2);
    expect(publicCellResolution(vocab, 8)).toBe(5);
    expect(publicCellResolution(vocab, 12)).toBe(5);
  });
});

describe('terms and labels', () => {
  it('knows the risk classes, causes and the order of the service categories', () => {
    expect(isRiskClass(vocab, 'critical')).toBe(true);
    expect(isRiskClass(vocab, 'Critical')).toBe(false);
    expect(isCause(vocab, 'Drowning')).toBe(true);
    expect(isCause(vocab, 'drowning')).toBe(false);
    expect(serviceCategoryRank(vocab, 'health')).toBe(0);
    expect(serviceCategoryRank(vocab, 'rescue')).toBe(9);
    expect(serviceCategoryRank(vocab, 'other')).toBe(10);
  });

  it('labels from the catalogue, then the vocabulary, then the raw value', () => {
    expect(causeLabel(i18n, 'Drowning', vocab)).toBe(i18n.t('cause.drowning'));
    expect(causeLabel(i18n, '<b>Other</b>', vocab)).toBe('<b>Other</b>');
    expect(causeLabel(i18n, 'Drowning', null)).toBe('Drowning');
    const extra = parseVocabulary({ ...(VOCABULARY_JSON as object), causes: [{ category: 'Lightning', key: 'lightning' }] });
    expect(causeLabel(i18n, 'Lightning', extra)).toBe('Lightning');
    expect(serviceCategoryLabel(i18n, 'wash', vocab)).toBe(i18n.t('serviceCategory.wash'));
    const more = parseVocabulary({ ...(VOCABULARY_JSON as object), service_categories: [{ category: 'transport', label: 'Transport' }] });
    expect(serviceCategoryLabel(i18n, 'transport', more)).toBe('Transport');
    expect(serviceCategoryLabel(i18n, 'unknown', vocab)).toBe('unknown');
    expect(riskClassTermLabel(i18n, 'high', vocab)).toBe(i18n.t('risk.class.high'));
    const classes = parseVocabulary({ ...(VOCABULARY_JSON as object), risk_classes: [{ class: 'extreme', from: 100, label: 'Extreme' }] });
    expect(riskClassTermLabel(i18n, 'extreme', classes)).toBe('Extreme');
  });
});
