import { clamp, RENDER_LIMITS } from './state';

/**
 * The HTML snippet that embeds a map in a report or web page: an `<iframe>`
 * whose every attribute value is escaped here, since the title is the
 * user's text and the URL carries it too. The snippet is shown as text
 * (in a textarea) and copied; the dashboard never parses it as markup.
 */

/**
 * Escapes a string for a double- or single-quoted HTML attribute value:
 * `& " ' < >` become character references, tab, line feed and carriage
 * return become numeric references (the snippet stays on one line), other
 * control characters are dropped and lone surrogates become U+FFFD.
 */
export function escapeAttribute(s: string): string {
  return s
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

/** What the snippet says. */
export interface SnippetOptions {
  /** The embed's URL (absolute). */
  src: string;
  /** Size of the frame in CSS pixels (clamped into 200–4000). */
  width: number;
  height: number;
  /** The frame's accessible name. */
  title: string;
}

/** Default size of an embedded map. */
export const DEFAULT_FRAME = { width: 800, height: 500 } as const;

/**
 * The `<iframe>` element as HTML text: borderless, loaded lazily, sending
 * only the origin as referrer to other sites.
 */
export function iframeSnippet(o: SnippetOptions): string {
  const w = clamp(o.width, RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.width);
  const h = clamp(o.height, RENDER_LIMITS.minSize, RENDER_LIMITS.maxSize, DEFAULT_FRAME.height);
  return `<iframe src="${escapeAttribute(o.src)}" width="${w}" height="${h}" style="border:0" loading="lazy" title="${escapeAttribute(o.title)}" referrerpolicy="strict-origin-when-cross-origin"></iframe>`;
}
