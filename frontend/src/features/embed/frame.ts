import type { PrivacyTier } from '../../shared/api';
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
export function createEmbedFrame(doc: Document, i18n: I18n, o: FrameOptions): EmbedFrame {
  const { t } = i18n;
  const root = doc.createElement('div');
  root.className = 'embed';
  const parts: HTMLElement[] = [];

  if (o.title) {
    const header = doc.createElement('header');
    header.className = 'embed-header';
    const h1 = doc.createElement('h1');
    h1.id = 'embed-title';
    h1.className = 'embed-title';
    h1.textContent = o.title;
    header.append(h1);
    parts.push(header);
  }

  const main = doc.createElement('main');
  main.className = 'embed-main';
  const map = doc.createElement('div');
  map.id = 'map';
  map.className = 'embed-map';
  main.append(map);
  let legendBody: HTMLElement | null = null;
  if (o.legend) {
    const details = doc.createElement('details');
    details.id = 'embed-legend';
    details.className = 'embed-legend legend';
    details.open = true;
    const summary = doc.createElement('summary');
    summary.textContent = t('embed.legend');
    legendBody = doc.createElement('div');
    legendBody.className = 'embed-legend-body';
    details.append(summary, legendBody);
    main.append(details);
  }
  parts.push(main);

  const footer = doc.createElement('footer');
  footer.className = 'embed-footer';
  const asof = doc.createElement('p');
  asof.id = 'embed-asof';
  asof.className = 'embed-asof';
  const time = doc.createElement('time');
  time.dateTime = o.asof;
  time.textContent = formatAsOf(i18n, o.asof);
  // "As of {date}", with the date as a <time> element.
  const [before, after] = t('embed.asOf').split('{date}');
  asof.append(before ?? '', time, after ?? '');
  const tier = doc.createElement('p');
  tier.id = 'embed-tier';
  tier.className = 'embed-tier tier-badge';
  tier.hidden = true;
  const status = doc.createElement('p');
  status.id = 'embed-status';
  status.className = 'embed-status';
  status.setAttribute('role', 'status');
  status.setAttribute('aria-live', 'polite');
  const links = doc.createElement('p');
  links.className = 'embed-links';
  const download = doc.createElement('a');
  download.id = 'embed-download';
  download.className = 'embed-download';
  download.textContent = t('embed.download');
  download.setAttribute('aria-label', t('embed.downloadLabel'));
  download.setAttribute('download', '');
  download.hidden = true;
  const open = doc.createElement('a');
  open.id = 'embed-open';
  open.className = 'embed-open';
  open.textContent = t('embed.open');
  open.setAttribute('aria-label', t('embed.openLabel'));
  open.target = '_blank';
  open.rel = 'noopener';
  open.hidden = true;
  links.append(download, open);
  footer.append(asof, tier, status, links);
  parts.push(footer);
  root.append(...parts);

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
export function createEmbedError(doc: Document, i18n: I18n, message: string): HTMLElement {
  const root = doc.createElement('div');
  root.id = 'embed-error';
  root.className = 'embed-error';
  root.setAttribute('role', 'alert');
  const h1 = doc.createElement('h1');
  h1.textContent = i18n.t('embed.errorTitle');
  const p = doc.createElement('p');
  p.className = 'embed-error-message';
  p.textContent = message;
  root.append(h1, p);
  return root;
}

/** The loading state shown before the map's claims and layers are known. */
export function createEmbedLoading(doc: Document, i18n: I18n): HTMLElement {
  const p = doc.createElement('p');
  p.id = 'embed-loading';
  p.className = 'embed-loading';
  p.setAttribute('role', 'status');
  p.textContent = i18n.t('embed.loading');
  return p;
}
