import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n';
import { en } from './i18n/en';
import { fr } from './i18n/fr';
import { es } from './i18n/es';
import { ar } from './i18n/ar';
import { ru } from './i18n/ru';
import { zh } from './i18n/zh';
import { isDrawn, isKind, KINDS, kindLabel } from './kinds';
import { popupTitle } from '../features/layers/popup';

describe('layer kinds', () => {
  it.each([
    ['route', true], ['incident', true], ['service', true], ['area', true], ['exposure', true], ['event', true],
    ['segment', false], ['', false], ['Exposure', false], [null, false], [3, false],
  ])('isKind(%j) is %s', (v, want) => {
    expect(isKind(v)).toBe(want);
  });

  it('draws every kind but exposure, a table of counts', () => {
    expect(KINDS.filter((k) => !isDrawn(k))).toEqual(['exposure']);
  });

  it('labels every kind in every language', () => {
    for (const catalogue of [en, fr, es, ar, ru, zh]) {
      const i18n = createI18n(catalogue);
      for (const k of KINDS) expect(kindLabel(i18n, k)).not.toBe(`kind.${k}`);
    }
  });

  it('names context events as such in every language, never as incidents', () => {
    expect(kindLabel(createI18n(en), 'event')).toBe('Context events (conflict and unrest)');
    for (const catalogue of [en, fr, es, ar, ru, zh]) {
      const i18n = createI18n(catalogue);
      expect(kindLabel(i18n, 'event')).not.toBe(kindLabel(i18n, 'incident'));
      expect(popupTitle(i18n, 'event', {})).not.toBe('popup.title.event');
    }
    expect(popupTitle(createI18n(en), 'event', { location: 'Tripoli', event_type: 'Battles' })).toBe('Tripoli');
  });

  it('titles a row of an exposure series by route, month and count', () => {
    const i18n = createI18n(en);
    expect(popupTitle(i18n, 'exposure', { route: 'Darien', month: '2023-01', count: 24000 })).toBe('Darien, 2023-01: 24,000');
    expect(popupTitle(i18n, 'exposure', {})).toBe('Crossings');
  });
});
