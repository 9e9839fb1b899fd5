import { el } from '../../shared/dom';
import { LANGUAGE_STORAGE_KEY, LANGUAGES, languageStorage, type I18n } from '../../shared/i18n';

/** What the language menu changes: the saved choice and the page (the browser's by default). */
export interface LanguageTarget {
  storage: Pick<Storage, 'setItem'> | null;
  location: Pick<Location, 'href'>;
  /** Loads the page again at `url`. */
  go(url: string): void;
}

/**
 * The URL of the page `href` shown in `lang`: a `lang` parameter already in
 * the URL is replaced (it would win over the saved choice), otherwise the
 * URL is left as it is and the saved choice applies.
 */
export function languageUrl(href: string, lang: string): string {
  const u = new URL(href);
  if (u.searchParams.has('lang')) u.searchParams.set('lang', lang);
  return u.href;
}

/**
 * The language menu: a labelled select listing the six languages, each
 * named in itself (and marked with its own `lang`). A choice is saved and
 * the page loads again in that language.
 */
export function createLanguageMenu(i18n: I18n, target: LanguageTarget = browserTarget()): HTMLElement {
  const id = 'language-menu';
  const select = el('select', {
    id, name: 'lang', class: 'language-select',
    onchange: () => {
      const lang = select.value;
      try {
        target.storage?.setItem(LANGUAGE_STORAGE_KEY, lang);
      } catch {
        // storage refused (private mode): the URL still carries the choice
      }
      const url = new URL(languageUrl(target.location.href, lang));
      if (!target.storage) url.searchParams.set('lang', lang);
      target.go(url.href);
    },
  }, LANGUAGES.map((l) => el('option', { value: l.code, lang: l.code, dir: l.dir }, l.name)));
  select.value = i18n.lang;
  return el('div', { class: 'language' }, [el('label', { for: id }, i18n.t('app.language')), select]);
}

function browserTarget(): LanguageTarget {
  return { storage: languageStorage(window), location: window.location, go: (url) => window.location.assign(url) };
}
