import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDocumentLanguage, createI18n, pickCatalogue, type Catalogue } from '.';
import { en } from './en';

const SRC = join(__dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(name) && !/\.test\.ts$/.test(name) ? [p] : [];
  });
}

describe('i18n', () => {
  const i18n = createI18n(en);

  it('substitutes parameters and formats numbers for the locale', () => {
    expect(i18n.t('layers.incidentTotals', { dead: 41694, missing: 29598 })).toBe('41,694 dead · 29,598 missing');
    expect(i18n.t('about.license', { license: '<b>CC BY</b>' })).toBe('Licence: <b>CC BY</b>');
    expect(i18n.formatNumber(1234567.5)).toBe('1,234,567.5');
    expect(i18n.formatNumber(NaN)).toBe('');
  });

  it('picks plural forms by count', () => {
    expect(i18n.t('layers.count', { count: 1 })).toBe('1 feature shown');
    expect(i18n.t('layers.count', { count: 0 })).toBe('0 features shown');
    expect(i18n.t('layers.count', { count: 17846 })).toBe('17,846 features shown');
  });

  it('leaves unknown placeholders as they are', () => {
    expect(i18n.t('about.license')).toBe('Licence: {license}');
  });

  it('sets <html lang dir> from the catalogue, right-to-left included', () => {
    applyDocumentLanguage(document, i18n);
    expect(document.documentElement.lang).toBe('en');
    expect(document.documentElement.dir).toBe('ltr');
    const ar: Catalogue = { lang: 'ar', dir: 'rtl', messages: { ...en.messages, 'app.title': 'RouteRisk' } };
    const arabic = createI18n(ar);
    applyDocumentLanguage(document, arabic);
    expect(document.documentElement.dir).toBe('rtl');
    expect(arabic.formatNumber(1234)).toBe(new Intl.NumberFormat('ar').format(1234));
  });

  it('falls back to English for languages without a catalogue', () => {
    expect(pickCatalogue(['xx-YY', 'fr']).lang).toBe('en');
    expect(pickCatalogue(['en-GB']).lang).toBe('en');
  });

  it('has every key the code uses', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
      for (const m of text.matchAll(/\bkey: '([a-zA-Z0-9_.]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    const missing = [...used].filter((k) => !(k in en.messages));
    expect(missing).toEqual([]);
  });

  it('has a key for every kind and popup title built from data', () => {
    for (const kind of ['route', 'incident', 'service', 'area']) {
      expect(i18n.has(`kind.${kind}`)).toBe(true);
      expect(i18n.has(`popup.title.${kind}`)).toBe(true);
    }
  });

  it('uses only the plural categories Intl knows', () => {
    const known = new Set(['zero', 'one', 'two', 'few', 'many', 'other']);
    for (const v of Object.values(en.messages)) {
      if (typeof v === 'object') {
        expect('other' in v).toBe(true);
        for (const k of Object.keys(v)) expect(known.has(k)).toBe(true);
      }
    }
  });
});
