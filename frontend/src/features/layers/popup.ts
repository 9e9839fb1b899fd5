import type { Feature } from '../../shared/api';
import { el } from '../../shared/dom';
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
  exposure: ['route', 'month', 'count', 'key', 'note'],
};

/** Properties whose values are one or more URLs. */
export const LINK_PROPERTIES: ReadonlySet<string> = new Set(['source_url', 'url', 'website']);

/** Properties whose values are calendar dates, shown in the locale's way. */
export const DATE_PROPERTIES: ReadonlySet<string> = new Set(['date', 'last_verified']);

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
export function messagePopup(text: string): HTMLElement {
  return el('div', { class: 'popup popup-message', role: 'status' }, text);
}

/** The title of a feature's popup: its name, or its location, or the kind. */
export function popupTitle(i18n: I18n, kind: Kind, props: Record<string, unknown>): string {
  if (kind === 'exposure') {
    const { route, month, count } = props;
    if (typeof route === 'string' && typeof month === 'string' && (typeof count === 'number' || typeof count === 'string')) {
      const n = typeof count === 'number' ? i18n.formatNumber(count) : count;
      return clip(i18n.t('popup.exposureRow', { route: route.trim(), month: month.trim(), count: n }));
    }
  }
  const candidates = kind === 'incident' ? ['location', 'name'] : ['name', 'location'];
  for (const k of candidates) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return clip(v.trim());
  }
  return i18n.t(`popup.title.${kind}`);
}

/** Builds the details popup of one feature; `vocab` labels cause and service categories. */
export function buildPopup(i18n: I18n, kind: Kind, layerTitle: string, feature: Feature, vocab: Vocabulary | null = null): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};

  const dl = el('dl');
  for (const key of orderedKeys(kind, props)) {
    const value = props[key];
    if (value === null || value === undefined || value === '') continue;
    let dd: HTMLElement;
    if (LINK_PROPERTIES.has(key)) {
      const parts = linkParts(value);
      if (parts.length === 0) continue;
      dd = el('dd', { dir: 'auto' }, links(parts));
    } else {
      dd = el('dd', { dir: 'auto' }, formatValue(i18n, kind, key, value, vocab));
    }
    dl.append(el('dt', null, propertyLabel(i18n, key)), dd);
  }
  const approximate = kind === 'route' && (props.approximate === true || props.approximate === 'true');
  return el('article', { class: `popup popup-${kind}` }, [
    el('h3', { class: 'popup-title', dir: 'auto' }, popupTitle(i18n, kind, props)),
    el('p', { class: 'popup-layer' }, t('popup.layer', { title: layerTitle })),
    approximate && el('p', { class: 'popup-note' }, t('popup.approximate')),
    dl,
  ]);
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
export function buildCellPopup(i18n: I18n, kind: Kind, layerTitle: string, feature: Feature): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
  const incidents = kind === 'incident';

  const root = el('article', { class: `popup popup-cell-counts popup-cell-counts-${incidents ? 'incident' : 'service'}` }, [
    el('h3', { class: 'popup-title' }, t(incidents ? 'cellPopup.title.incident' : 'cellPopup.title.service')),
    el('p', { class: 'popup-layer', dir: 'auto' }, t('popup.layer', { title: clip(layerTitle) })),
  ]);

  const count = cellCount(props);
  const parts = [t(incidents ? 'cellPopup.incidents' : 'cellPopup.services', { count })];
  if (incidents) {
    parts.push(t('cellPopup.dead', { count: Math.max(0, num(props.dead)) }));
    parts.push(t('cellPopup.missing', { count: Math.max(0, num(props.missing)) }));
  }
  const from = typeof props.first_month === 'string' && MONTH.test(props.first_month) ? props.first_month : '';
  const to = typeof props.last_month === 'string' && MONTH.test(props.last_month) ? props.last_month : '';
  if (from && to) parts.push(from === to ? i18n.formatMonth(from) : t('cellPopup.months', { from: i18n.formatMonth(from), to: i18n.formatMonth(to) }));
  else if (from || to) parts.push(i18n.formatMonth(from || to));
  root.append(
    el('p', { class: 'popup-cell-summary', 'data-count': count }, parts.join(t('cellPopup.separator'))),
    el('p', { class: 'popup-note' }, t('cellPopup.exact')),
  );

  const cell = typeof props.cell === 'string' && H3_INDEX.test(props.cell) ? props.cell : '';
  const resolution = num(props.resolution);
  if (cell) {
    root.append(el('p', { class: 'popup-cell' }, t('hotspotPopup.cell', { cell, resolution: Number.isInteger(resolution) && resolution > 0 ? String(resolution) : '–' })));
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
  if (DATE_PROPERTIES.has(key) && typeof value === 'string') return i18n.formatDate(clip(value.trim()));
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

/** The list of a property's URLs: http(s) ones as links, the others as text. */
function links(parts: { text: string; href?: string }[]): HTMLElement {
  return el('ul', { class: 'popup-links' }, parts.map((p) => el('li', null, p.href
    ? el('a', { href: p.href, rel: 'noopener noreferrer', target: '_blank' }, clip(p.text))
    : clip(p.text))));
}

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}…` : s;
}
