import { el } from './dom';
import type { I18n } from './i18n';

/**
 * A date input that shows its date in the page's language. A native
 * `<input type="date">` draws its date in the browser's locale (Chromium's
 * user-interface language), not the page's `lang`: a French page in an
 * English browser shows mm/dd/yyyy. So the input gets the page's `lang`
 * (browsers that follow it do), and beside it the chosen date is written
 * out with Intl in the page's language ("5 mars 2024", "٥ مارس ٢٠٢٤"),
 * which the input names as its description.
 */
export interface LocalDate {
  /** The date written out; empty when the input has no valid date. */
  readonly shown: HTMLElement;
  /** Writes the input's date out again (after setting its value in code). */
  refresh(): void;
}

/** Adds the written-out date to `input` (which must have an id); put `shown` after it. */
export function localDate(i18n: I18n, input: HTMLInputElement): LocalDate {
  input.lang = i18n.lang;
  const shown = el('span', { id: `${input.id}-shown`, class: 'date-shown', lang: i18n.lang, dir: 'auto' });
  const described = input.getAttribute('aria-describedby');
  input.setAttribute('aria-describedby', described ? `${described} ${shown.id}` : shown.id);
  const refresh = () => {
    const v = input.value;
    shown.textContent = /^\d{4}-\d{2}-\d{2}$/.test(v) ? i18n.formatDate(v, 'long') : '';
  };
  input.addEventListener('input', refresh);
  input.addEventListener('change', refresh);
  refresh();
  return { shown, refresh };
}
