import type { PrivacyTier } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { tierText } from '../session/tier';

/**
 * The frame of an embedded map, without the dashboard's panel: a header with
 * the title (when there is one), the map with the legend over it, and a
 * footer with the date, the privacy tier (for a partner view), "Download
 * image" and "Open in RouteRisk". Every value in it is text.
 */

/** What the frame shows around the map. */
export interface FrameOptions {
  /** '' for no header. */
  title: string;
  /** YYYY-MM-DD. */
  asof: string;
  /** Whether the legend is shown. */
  legend: boolean;
}

/** The parts of the frame the page fills in. */
export interface EmbedFrame {
  /** The whole frame (replaces the page's content). */
  element: HTMLElement;
  /** The element the Leaflet map goes into. */
  map: HTMLElement;
  /** The legend's body, null when the legend is off. */
  legendBody: HTMLElement | null;
  /** Shows the privacy tier: only a partner view is named. */
  setTier(tier: PrivacyTier | null): void;
  /** Points "Download image" at a render URL. */
  setDownload(href: string): void;
  /** Points "Open in RouteRisk" at the dashboard. */
  setOpen(href: string): void;
  /** A short message under the map ('' clears it). */
  setStatus(text: string, error?: boolean): void;
}

/** The date of the "As of" line in words, in the catalogue's language ("November 27, 2026"). */
export function formatAsOf(i18n: I18n, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  try {
    return new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'long', timeZone: 'UTC' }).format(d);
  } catch {
    return iso;
  }
}

/** Builds the frame of an embedded map. */
export function createEmbedFrame(i18n: I18n, o: FrameOptions): EmbedFrame {
  const { t } = i18n;
  const map = el('div', { id: 'map', class: 'embed-map' });
  const legendBody = o.legend ? el('div', { class: 'embed-legend-body' }) : null;
  const tier = el('p', { id: 'embed-tier', class: 'embed-tier tier-badge', hidden: true });
  const status = el('p', { id: 'embed-status', class: 'embed-status', role: 'status', 'aria-live': 'polite' });
  const download = el('a', { id: 'embed-download', class: 'embed-download', title: t('embed.downloadLabel'), download: '', hidden: true }, t('embed.download'));
  const open = el('a', { id: 'embed-open', class: 'embed-open', title: t('embed.openLabel'), target: '_blank', rel: 'noopener', hidden: true }, t('embed.open'));
  // "As of {date}", with the date as a <time> element.
  const [before, after] = t('embed.asOf').split('{date}');
  const root = el('div', { class: 'embed' }, [
    o.title && el('header', { class: 'embed-header' }, el('h1', { id: 'embed-title', class: 'embed-title' }, o.title)),
    el('main', { class: 'embed-main' }, [
      map,
      legendBody && el('details', { id: 'embed-legend', class: 'embed-legend legend', open: true }, [el('summary', null, t('embed.legend')), legendBody]),
    ]),
    el('footer', { class: 'embed-footer' }, [
      el('p', { id: 'embed-asof', class: 'embed-asof' }, [before ?? '', el('time', { datetime: o.asof }, formatAsOf(i18n, o.asof)), after ?? '']),
      tier,
      status,
      el('p', { class: 'embed-links' }, [download, open]),
    ]),
  ]);

  return {
    element: root,
    map,
    legendBody,
    setTier(v) {
      tier.hidden = v !== 'partner';
      if (v) tier.dataset.tier = v;
      else delete tier.dataset.tier;
      tier.textContent = v === 'partner' ? tierText(i18n, v) : '';
    },
    setDownload(href) {
      download.href = href;
      download.hidden = false;
    },
    setOpen(href) {
      open.href = href;
      open.hidden = false;
    },
    setStatus(text, error = false) {
      status.textContent = text;
      status.classList.toggle('status-error', error && text !== '');
    },
  };
}

/**
 * The full-frame error of an embed that cannot be shown (its token was
 * revoked, the server refused it): a heading and the server's message, and
 * nothing else of the map.
 */
export function createEmbedError(i18n: I18n, message: string): HTMLElement {
  return el('div', { id: 'embed-error', class: 'embed-error', role: 'alert' }, [
    el('h1', null, i18n.t('embed.errorTitle')),
    el('p', { class: 'embed-error-message' }, message),
  ]);
}

/** The loading state shown before the map's claims and layers are known. */
export function createEmbedLoading(i18n: I18n): HTMLElement {
  return el('p', { id: 'embed-loading', class: 'embed-loading', role: 'status' }, i18n.t('embed.loading'));
}
