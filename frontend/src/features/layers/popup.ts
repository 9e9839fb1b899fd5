import type { Feature } from '../../shared/api';
import { cellCount, num } from '../../map/geometry';
import type { I18n } from '../../shared/i18n';
import type { Kind } from '../../shared/kinds';
import { causeLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';

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

/** Builds the details popup of one feature; `vocab` labels cause and service categories. */
export function buildPopup(doc: Document, i18n: I18n, kind: Kind, layerTitle: string, feature: Feature, vocab: Vocabulary | null = null): HTMLElement {
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
      dd.textContent = formatValue(i18n, kind, key, value, vocab);
    }
    const dt = doc.createElement('dt');
    dt.textContent = propertyLabel(i18n, key);
    dl.append(dt, dd);
  }
  root.append(dl);
  return root;
}

/** A month as the public cells give it (YYYY-MM); anything else is not shown. */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** An H3 cell index as the public cells give it (hexadecimal); anything else is not shown. */
const H3_INDEX = /^[0-9a-f]{15,16}$/i;

/**
 * Builds the popup of a public cell of a restricted layer: how many
 * incidents (or services) it counts, with dead, missing and the months
 * they span, e.g. "23 incidents in this area · 40 dead · 12 missing ·
 * 2019-03 – 2024-07", and that exact locations need a sign-in. It needs no
 * request: the cell holds all there is to show.
 */
export function buildCellPopup(doc: Document, i18n: I18n, kind: Kind, layerTitle: string, feature: Feature): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
  const incidents = kind === 'incident';

  const root = doc.createElement('article');
  root.className = `popup popup-cell-counts popup-cell-counts-${incidents ? 'incident' : 'service'}`;
  const h = doc.createElement('h3');
  h.className = 'popup-title';
  h.textContent = t(incidents ? 'cellPopup.title.incident' : 'cellPopup.title.service');
  const layer = doc.createElement('p');
  layer.className = 'popup-layer';
  layer.dir = 'auto';
  layer.textContent = t('popup.layer', { title: clip(layerTitle) });
  root.append(h, layer);

  const count = cellCount(props);
  const parts = [t(incidents ? 'cellPopup.incidents' : 'cellPopup.services', { count })];
  if (incidents) {
    parts.push(t('cellPopup.dead', { count: Math.max(0, num(props.dead)) }));
    parts.push(t('cellPopup.missing', { count: Math.max(0, num(props.missing)) }));
  }
  const from = typeof props.first_month === 'string' && MONTH.test(props.first_month) ? props.first_month : '';
  const to = typeof props.last_month === 'string' && MONTH.test(props.last_month) ? props.last_month : '';
  if (from && to) parts.push(from === to ? from : t('cellPopup.months', { from, to }));
  else if (from || to) parts.push(from || to);
  const summary = doc.createElement('p');
  summary.className = 'popup-cell-summary';
  summary.textContent = parts.join(t('cellPopup.separator'));
  summary.dataset.count = String(count);
  root.append(summary);

  const note = doc.createElement('p');
  note.className = 'popup-note';
  note.textContent = t('cellPopup.exact');
  root.append(note);

  const cell = typeof props.cell === 'string' && H3_INDEX.test(props.cell) ? props.cell : '';
  const resolution = num(props.resolution);
  if (cell) {
    const p = doc.createElement('p');
    p.className = 'popup-cell';
    p.textContent = t('hotspotPopup.cell', { cell, resolution: Number.isInteger(resolution) && resolution > 0 ? String(resolution) : '–' });
    root.append(p);
  }
  return root;
}

/** The label of a property: from the catalogue when known, else its own name. */
export function propertyLabel(i18n: I18n, key: string): string {
  const k = `prop.${key}`;
  return i18n.has(k) ? i18n.t(k) : key;
}

/** Formats one property value as text for the popup (cause and service categories labelled with `vocab`). */
export function formatValue(i18n: I18n, kind: Kind, key: string, value: unknown, vocab: Vocabulary | null = null): string {
  if (key === 'cause_category' && typeof value === 'string') return causeLabel(i18n, value, vocab);
  if (key === 'category' && kind === 'service' && typeof value === 'string') return serviceCategoryLabel(i18n, value, vocab);
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
