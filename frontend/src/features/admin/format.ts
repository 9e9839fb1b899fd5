import type { I18n } from '../../shared/i18n';

/**
 * Formats an RFC 3339 time as a date and time in the page's language, in
 * UTC (the audit log's clock); text that is not a time is returned as it is.
 */
export function formatTime(i18n: I18n, iso: string): string {
  const d = new Date(iso);
  if (iso === '' || Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(d);
}

/** The label of a value built from data (an action, an outcome, a tier): its key when the catalogue has one, else the value. */
export function labelOf(i18n: I18n, prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return i18n.has(key) ? i18n.t(key) : value;
}
