import { en } from './en';

/** A message key of the catalogue. */
export type MessageKey = keyof typeof en.messages;

/** Plural forms of one message, keyed by Intl.PluralRules categories. */
export type PluralMessage = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

/** A message catalogue for one language. */
export interface Catalogue {
  lang: string;
  dir: 'ltr' | 'rtl';
  messages: Record<MessageKey, string | PluralMessage>;
}

/** Parameters substituted into `{name}` placeholders. Numbers are formatted for the locale. */
export type Params = Record<string, string | number>;

/** Translation and formatting functions bound to one catalogue. */
export interface I18n {
  lang: string;
  dir: 'ltr' | 'rtl';
  /** Returns the message for key with params substituted. */
  t(key: MessageKey, params?: Params): string;
  /** Reports whether key exists in the catalogue (for keys built from data). */
  has(key: string): key is MessageKey;
  /**
   * Formats a number with the locale's grouping and decimals: at most
   * `maxFractionDigits` of them (default 3). Non-finite numbers give ''.
   */
  formatNumber(n: number, maxFractionDigits?: number): string;
}

/** The catalogues the dashboard ships. */
export const catalogues: Record<string, Catalogue> = { en };

/** Picks the catalogue for the first supported language in `preferred`, else English. */
export function pickCatalogue(preferred: readonly string[]): Catalogue {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0] ?? '';
    const found = catalogues[tag] ?? catalogues[base];
    if (found) return found;
  }
  return en;
}

/** Builds the translator for a catalogue. */
export function createI18n(catalogue: Catalogue = en): I18n {
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const pluralRules = new Intl.PluralRules(catalogue.lang);
  const messages = catalogue.messages as Record<string, string | PluralMessage>;

  const formatNumber = (n: number, maxFractionDigits = 3): string => {
    if (!Number.isFinite(n)) return '';
    const digits = Math.max(0, Math.min(20, Math.trunc(maxFractionDigits)));
    let f = numberFormats.get(digits);
    if (!f) {
      f = new Intl.NumberFormat(catalogue.lang, { maximumFractionDigits: digits });
      numberFormats.set(digits, f);
    }
    return f.format(n);
  };

  const t = (key: MessageKey, params: Params = {}): string => {
    const entry = messages[key];
    if (entry === undefined) return key;
    let text: string;
    if (typeof entry === 'string') {
      text = entry;
    } else {
      const count = typeof params.count === 'number' ? params.count : Number(params.count ?? 0);
      text = entry[pluralRules.select(count)] ?? entry.other;
    }
    return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
      if (!Object.prototype.hasOwnProperty.call(params, name)) return whole;
      const v = params[name];
      return typeof v === 'number' ? formatNumber(v) : String(v);
    });
  };

  const has = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(messages, key);

  return { lang: catalogue.lang, dir: catalogue.dir, t, has, formatNumber };
}

/** Sets `<html lang dir>` and the document title from the catalogue. */
export function applyDocumentLanguage(doc: Document, i18n: I18n): void {
  doc.documentElement.lang = i18n.lang;
  doc.documentElement.dir = i18n.dir;
  doc.title = i18n.t('app.title');
}
