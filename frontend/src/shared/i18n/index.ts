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
  /**
   * Formats a calendar date ("2024-03-05", or the date part of a timestamp)
   * in the locale, e.g. "5 mars 2024"; text that is not such a date is
   * returned as it is.
   */
  formatDate(iso: string, style?: 'medium' | 'long' | 'short'): string;
  /** Formats a month ("2024-03") in the locale, e.g. "mars 2024"; other text is returned as it is. */
  formatMonth(month: string): string;
}

/** One language the product ships, named in itself for the language menu. */
export interface Language {
  code: string;
  /** The language's name in the language itself (the menu shows it so). */
  name: string;
  dir: 'ltr' | 'rtl';
}

/** The six UN languages, in the order of their codes. */
export const LANGUAGES: readonly Language[] = [
  { code: 'ar', name: 'العربية', dir: 'rtl' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'es', name: 'Español', dir: 'ltr' },
  { code: 'fr', name: 'Français', dir: 'ltr' },
  { code: 'ru', name: 'Русский', dir: 'ltr' },
  { code: 'zh', name: '中文', dir: 'ltr' },
];

/**
 * Loaders of the catalogues: English is in every page's bundle, the others
 * are fetched (one small script) only by a page that shows them.
 */
const LOADERS: Record<string, () => Promise<Catalogue>> = {
  en: () => Promise.resolve(en),
  ar: () => import('./ar').then((m) => m.ar),
  es: () => import('./es').then((m) => m.es),
  fr: () => import('./fr').then((m) => m.fr),
  ru: () => import('./ru').then((m) => m.ru),
  zh: () => import('./zh').then((m) => m.zh),
};

/** Where the language the user chose is kept between visits. */
export const LANGUAGE_STORAGE_KEY = 'routerisk.lang';

/**
 * The shipped language of a BCP 47 tag ("fr-CA" → "fr", "zh-Hant-TW" →
 * "zh"), or null when none is shipped.
 */
export function shippedLanguage(tag: string | null | undefined): string | null {
  if (typeof tag !== 'string') return null;
  const base = tag.trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return Object.prototype.hasOwnProperty.call(LOADERS, base) ? base : null;
}

/** Where a page's language can come from, strongest first. */
export interface LanguageSources {
  /** The `lang` parameter of the URL. */
  query?: string | null;
  /** The choice saved from the language menu. */
  saved?: string | null;
  /** The browser's languages (navigator.languages), in its order. */
  browser?: readonly string[];
}

/** Picks the page's language: `?lang=`, then the saved choice, then the browser's languages, then English. */
export function chooseLanguage(src: LanguageSources): string {
  for (const tag of [src.query, src.saved, ...(src.browser ?? [])]) {
    const lang = shippedLanguage(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** Loads the catalogue of a shipped language (English for any other). */
export function loadCatalogue(lang: string): Promise<Catalogue> {
  const code = shippedLanguage(lang) ?? 'en';
  return LOADERS[code]!();
}

/** The language choice saved in `storage` (null when none, or storage is refused). */
export function savedLanguage(storage: Pick<Storage, 'getItem'> | null | undefined): string | null {
  try {
    return storage?.getItem(LANGUAGE_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/**
 * The Web Storage that keeps the language choice (null when the browser
 * refuses it). It is the one thing the frontend keeps there: a language
 * code under LANGUAGE_STORAGE_KEY, never anything about the session.
 */
export function languageStorage(win: Window): Storage | null {
  try {
    return win.localStorage;
  } catch {
    return null;
  }
}

/** The language a page in `win` is shown in: its URL, the saved choice, the browser. */
export function pageLanguage(win: Window): string {
  return chooseLanguage({
    query: new URLSearchParams(win.location.search).get('lang'),
    saved: savedLanguage(languageStorage(win)),
    browser: win.navigator.languages ?? [win.navigator.language],
  });
}

/** Chooses the page's language, loads its catalogue and sets `<html lang dir>`. */
export async function startI18n(win: Window = window): Promise<I18n> {
  let catalogue: Catalogue;
  try {
    catalogue = await loadCatalogue(pageLanguage(win));
  } catch {
    catalogue = en;
  }
  const i18n = createI18n(catalogue);
  applyDocumentLanguage(win.document, i18n);
  return i18n;
}

/**
 * Picks the catalogue among those already loaded (`loaded`, English by
 * default) for the first of `preferred` that has one, else English.
 */
export function pickCatalogue(preferred: readonly string[], loaded: readonly Catalogue[] = [en]): Catalogue {
  for (const tag of preferred) {
    const lang = shippedLanguage(tag);
    const found = loaded.find((c) => c.lang === lang);
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

  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  const dateFormat = (key: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat => {
    let f = dateFormats.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(catalogue.lang, { ...opts, timeZone: 'UTC' });
      dateFormats.set(key, f);
    }
    return f;
  };
  const formatDate = (iso: string, style: 'medium' | 'long' | 'short' = 'medium'): string => {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(iso);
    if (!m) return iso;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    if (Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m[3])) return iso;
    return dateFormat(`date:${style}`, { dateStyle: style }).format(d);
  };
  const formatMonth = (month: string): string => {
    const m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
    if (!m) return month;
    return dateFormat('month', { year: 'numeric', month: 'short' }).format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)));
  };

  return { lang: catalogue.lang, dir: catalogue.dir, t, has, formatNumber, formatDate, formatMonth };
}

/** Sets `<html lang dir>` and the document title from the catalogue. */
export function applyDocumentLanguage(doc: Document, i18n: I18n): void {
  doc.documentElement.lang = i18n.lang;
  doc.documentElement.dir = i18n.dir;
  doc.title = i18n.t('app.title');
}
