import type { Source } from '../shared/api';
import { safeHttpUrl } from '../features/layers/popup';

/**
 * Attribution strings for Leaflet's attribution control. That control inserts
 * its strings as markup, so every piece of data that goes into one is escaped
 * here first; nothing else in the dashboard builds markup from strings.
 */

/** Escapes the five characters that are special in HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The attribution of one source as safe markup: its attribution text (or its
 * name), linked to its URL when that is an http(s) URL.
 */
export function sourceAttribution(s: Source): string {
  const text = (s.attribution || s.name).trim();
  if (text === '') return '';
  const href = s.url ? safeHttpUrl(s.url) : null;
  const label = escapeHtml(text);
  return href ? `<a href="${escapeHtml(href)}" rel="noopener noreferrer" target="_blank">${label}</a>` : label;
}

/** The attribution of the offline basemap. */
export const BASEMAP_ATTRIBUTION = 'Natural Earth; world-atlas';
