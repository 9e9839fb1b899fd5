import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyDocumentLanguage, chooseLanguage, createI18n, LANGUAGES, loadCatalogue, pickCatalogue, shippedLanguage, type Catalogue } from '.';
import { ar } from './ar';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ru } from './ru';
import { zh } from './zh';

/** Every catalogue shipped besides English. */
const SHIPPED: Catalogue[] = [ar, es, fr, ru, zh];

/** The `{name}` placeholders of a message (all plural forms together). */
function placeholders(v: string | Record<string, string>): string[] {
  const texts = typeof v === 'string' ? [v] : Object.values(v);
  return [...new Set(texts.flatMap((s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)))].sort();
}

/** The plural categories a language selects for whole counts from 0 to 1000. */
function wholeCategories(lang: string): Set<string> {
  const rules = new Intl.PluralRules(lang);
  const out = new Set<string>();
  for (let n = 0; n <= 1000; n++) out.add(rules.select(n));
  return out;
}

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

  it('picks a language from ?lang=, then the saved choice, then the browser, then English', () => {
    expect(chooseLanguage({ query: 'ar', saved: 'fr', browser: ['ru'] })).toBe('ar');
    expect(chooseLanguage({ query: 'xx', saved: 'fr', browser: ['ru'] })).toBe('fr');
    expect(chooseLanguage({ query: null, saved: null, browser: ['de-DE', 'ru-RU', 'fr'] })).toBe('ru');
    expect(chooseLanguage({ browser: ['zh-Hant-TW'] })).toBe('zh');
    expect(chooseLanguage({ query: 'ES' })).toBe('es');
    expect(chooseLanguage({ browser: ['de', 'pt-BR'] })).toBe('en');
    expect(chooseLanguage({})).toBe('en');
    expect(shippedLanguage('fr_CA')).toBe('fr');
    expect(shippedLanguage('<script>')).toBeNull();
  });

  it('loads every shipped language and names it in itself', async () => {
    expect(LANGUAGES.map((l) => l.code).sort()).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh']);
    for (const l of LANGUAGES) {
      const c = await loadCatalogue(l.code);
      expect(c.lang).toBe(l.code);
      expect(c.dir).toBe(l.dir);
    }
    expect((await loadCatalogue('de')).lang).toBe('en');
    expect(LANGUAGES.find((l) => l.code === 'ar')?.dir).toBe('rtl');
    expect(pickCatalogue(['xx-YY', 'fr'], [en, fr]).lang).toBe('fr');
    expect(pickCatalogue(['fr'], [en]).lang).toBe('en');
  });

  it('formats dates and months in the locale, never as mm/dd/yyyy', () => {
    expect(i18n.formatDate('2024-03-05')).toBe(new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(Date.UTC(2024, 2, 5)));
    expect(i18n.formatDate('2024-03-05')).not.toMatch(/^0?3\/0?5\/2024$/);
    expect(createI18n(fr).formatDate('2024-03-05', 'long')).toBe('5 mars 2024');
    expect(createI18n(es).formatDate('2024-03-05', 'long')).toBe('5 de marzo de 2024');
    expect(createI18n(fr).formatMonth('2024-03')).toMatch(/mars 2024/);
    expect(i18n.formatDate('2024-02-30')).toBe('2024-02-30');
    expect(i18n.formatDate('not a date')).toBe('not a date');
    expect(i18n.formatMonth('2024-13')).toBe('2024-13');
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

describe.each(SHIPPED.map((c) => [c.lang, c] as const))('the %s catalogue', (_lang, catalogue) => {
  const messages = catalogue.messages as Record<string, string | Record<string, string>>;
  const english = en.messages as Record<string, string | Record<string, string>>;

  it('has every key of the English one and no other', () => {
    const keys = Object.keys(messages).sort();
    const want = Object.keys(english).sort();
    expect(keys.filter((k) => !want.includes(k))).toEqual([]);
    expect(want.filter((k) => !keys.includes(k))).toEqual([]);
  });

  it('keeps the placeholders of every English message', () => {
    const differ = Object.keys(english).filter((k) => messages[k] !== undefined
      && placeholders(messages[k]!).join(',') !== placeholders(english[k]!).join(','));
    expect(differ).toEqual([]);
  });

  it('translates: no message left empty, and most differ from English', () => {
    const empty = Object.entries(messages).filter(([, v]) => placeholders(v).length === 0 && (typeof v === 'string' ? v : v.other).trim() === '');
    expect(empty).toEqual([]);
    const same = Object.keys(english).filter((k) => JSON.stringify(messages[k]) === JSON.stringify(english[k]));
    expect(same.length / Object.keys(english).length).toBeLessThan(0.15);
  });

  it('gives every plural form the language needs for whole counts, and only forms it knows', () => {
    const known = new Set(new Intl.PluralRules(catalogue.lang).resolvedOptions().pluralCategories);
    const need = wholeCategories(catalogue.lang);
    for (const [key, v] of Object.entries(messages)) {
      if (typeof v === 'string') continue;
      expect(Object.keys(v).filter((c) => !known.has(c as Intl.LDMLPluralRule)), key).toEqual([]);
      expect([...need].filter((c) => !(c in v)), key).toEqual([]);
    }
    for (const [key, v] of Object.entries(english)) {
      if (typeof v === 'string' || typeof messages[key] !== 'string') continue;
      // A plural English message may be one string only in a language with one form (Chinese).
      expect(need.size, key).toBe(1);
    }
  });

  it('sets the document language and direction', () => {
    const i18n = createI18n(catalogue);
    applyDocumentLanguage(document, i18n);
    expect(document.documentElement.lang).toBe(catalogue.lang);
    expect(document.documentElement.dir).toBe(catalogue.lang === 'ar' ? 'rtl' : 'ltr');
    expect(i18n.t('layers.count', { count: 3 })).toContain(new Intl.NumberFormat(catalogue.lang).format(3));
  });
});
