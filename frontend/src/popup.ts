import type { Feature } from './api';
import type { I18n } from './i18n';
import { causeLabel, serviceCategoryLabel, type Kind } from './vocab';

/**
 * Details popups. Every property value is untrusted: the popup is built from
 * DOM nodes, text goes in through textContent only, and only http(s) URLs
 * become links.
 */

/** Properties shown first, in this order, per kind; the rest follow sorted by name. */
export const PROPERTY_ORDER: Record<Kind, readonly string[]> = {
  incident: [
    'date', 'dead', 'missing', 'survivors', 'cause_category', 'cause', 'route',
    'location', 'country', 'region', 'geo_precision', 'source', 'source_quality', 'source_url', 'mmp_id',
  ],
  service: [
    'name', 'category', 'type', 'organization', 'phone', 'hours', 'languages',
    'referral_required', 'eligibility', 'country', 'last_verified', 'source', 'source_url',
  ],
  route: ['name', 'mode', 'approximate', 'region', 'source', 'source_url'],
  area: ['name', 'source', 'source_url'],
};

/** Properties whose values are one or more URLs. */
export const LINK_PROPERTIES: ReadonlySet<string> = new Set(['source_url', 'url', 'website']);

/** Longest property value shown, in characters. */
export const MAX_TEXT = 2000;

/**
 * Splits a property value into its URL-like parts and reports which of them
 * are http(s) links (`href` set) and which stay plain text.
 */
export function linkParts(v: unknown): { text: string; href?: string }[] {
  if (typeof v !== 'string') return [];
  const out: { text: string; href?: string }[] = [];
  for (const part of v.split(/\s*,\s*|\s+/)) {
    if (part === '') continue;
    const href = safeHttpUrl(part);
    out.push(href ? { text: part, href } : { text: part });
  }
  return out;
}

/** Returns the normalised URL if s is an absolute http: or https: URL, else null. */
export function safeHttpUrl(s: string): string | null {
  if (!/^https?:\/\//i.test(s)) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

/** A short popup holding one message (loading, error). */
export function messagePopup(doc: Document, text: string): HTMLElement {
  const el = doc.createElement('div');
  el.className = 'popup popup-message';
  el.setAttribute('role', 'status');
  el.textContent = text;
  return el;
}

/** The title of a feature's popup: its name, or its location, or the kind. */
export function popupTitle(i18n: I18n, kind: Kind, props: Record<string, unknown>): string {
  const candidates = kind === 'incident' ? ['location', 'name'] : ['name', 'location'];
  for (const k of candidates) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return clip(v.trim());
  }
  return i18n.t(`popup.title.${kind}`);
}

/** Builds the details popup of one feature. */
export function buildPopup(doc: Document, i18n: I18n, kind: Kind, layerTitle: string, feature: Feature): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};

  const root = doc.createElement('article');
  root.className = `popup popup-${kind}`;

  const h = doc.createElement('h3');
  h.className = 'popup-title';
  h.dir = 'auto';
  h.textContent = popupTitle(i18n, kind, props);
  root.append(h);

  const layer = doc.createElement('p');
  layer.className = 'popup-layer';
  layer.textContent = t('popup.layer', { title: layerTitle });
  root.append(layer);

  if (kind === 'route' && (props.approximate === true || props.approximate === 'true')) {
    const note = doc.createElement('p');
    note.className = 'popup-note';
    note.textContent = t('popup.approximate');
    root.append(note);
  }

  const dl = doc.createElement('dl');
  for (const key of orderedKeys(kind, props)) {
    const value = props[key];
    if (value === null || value === undefined || value === '') continue;
    const dd = doc.createElement('dd');
    dd.dir = 'auto';
    if (LINK_PROPERTIES.has(key)) {
      const parts = linkParts(value);
      if (parts.length === 0) continue;
      appendLinks(doc, dd, parts);
    } else {
      dd.textContent = formatValue(i18n, kind, key, value);
    }
    const dt = doc.createElement('dt');
    dt.textContent = propertyLabel(i18n, key);
    dl.append(dt, dd);
  }
  root.append(dl);
  return root;
}

/** The label of a property: from the catalogue when known, else its own name. */
export function propertyLabel(i18n: I18n, key: string): string {
  const k = `prop.${key}`;
  return i18n.has(k) ? i18n.t(k) : key;
}

/** Formats one property value as text for the popup. */
export function formatValue(i18n: I18n, kind: Kind, key: string, value: unknown): string {
  if (key === 'cause_category' && typeof value === 'string') return causeLabel(i18n, value);
  if (key === 'category' && kind === 'service' && typeof value === 'string') return serviceCategoryLabel(i18n, value);
  if (key === 'source_quality' && (typeof value === 'number' || typeof value === 'string')) {
    return i18n.t('popup.sourceQuality', { value: typeof value === 'number' ? value : clip(value) });
  }
  if (typeof value === 'boolean') return value ? i18n.t('popup.yes') : i18n.t('popup.no');
  if (typeof value === 'number') return i18n.formatNumber(value);
  if (typeof value === 'string') return clip(value.trim());
  return clip(JSON.stringify(value) ?? '');
}

function orderedKeys(kind: Kind, props: Record<string, unknown>): string[] {
  const first = PROPERTY_ORDER[kind].filter((k) => Object.prototype.hasOwnProperty.call(props, k));
  const seen = new Set(first);
  const rest = Object.keys(props).filter((k) => !seen.has(k)).sort();
  return [...first, ...rest];
}

function appendLinks(doc: Document, dd: HTMLElement, parts: { text: string; href?: string }[]): void {
  const ul = doc.createElement('ul');
  ul.className = 'popup-links';
  for (const p of parts) {
    const li = doc.createElement('li');
    if (p.href) {
      const a = doc.createElement('a');
      a.href = p.href;
      a.rel = 'noopener noreferrer';
      a.target = '_blank';
      a.textContent = clip(p.text);
      li.append(a);
    } else {
      li.textContent = clip(p.text);
    }
    ul.append(li);
  }
  dd.append(ul);
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}
