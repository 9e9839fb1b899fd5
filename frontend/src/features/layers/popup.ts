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

/**
 * The facts a popup shows first, in this order, per kind: the few a
 * coordinator needs at a glance. Every other property (and those of the
 * kind's PROPERTY_ORDER not listed here) goes behind "More".
 */
export const SUMMARY_FIELDS: Record<Kind, readonly string[]> = {
  incident: ['date', 'dead', 'missing', 'cause_category', 'route', 'location'],
  service: ['category', 'subtype', 'type', 'organization', 'phone', 'hours'],
  // That a route is approximate is said in a note of its own; its value goes under "More".
  route: ['branch', 'mode', 'region'],
  area: ['zone', 'srr', 'country', 'country_iso3', 'adm1', 'respondents', 'last_survey'],
  exposure: ['route', 'month', 'count'],
  event: ['date', 'event_type', 'sub_event_type', 'fatalities', 'actor1', 'actor2', 'location'],
};

/** Properties listed first under "More", in this order, per kind; the rest follow sorted by label. */
export const PROPERTY_ORDER: Record<Kind, readonly string[]> = {
  incident: [
    'survivors', 'cause', 'country', 'region', 'geo_precision', 'source', 'source_quality', 'source_url', 'mmp_id',
  ],
  service: [
    'languages', 'referral_required', 'eligibility', 'city', 'country', 'last_verified', 'source', 'url', 'source_url',
  ],
  route: ['approximate', 'waypoints', 'source', 'source_url'],
  area: ['source', 'source_url'],
  exposure: ['key', 'note'],
  event: ['country', 'geo_precision', 'notes', 'source', 'event_id'],
};

/**
 * Properties never shown in a popup: a cell's H3 index and resolution (no H3
 * id reaches a public popup), the server's own markers, and drawing hints of
 * the context layers (Natural Earth's scale ranks) that say nothing to a
 * reader. Other record ids (osm_id, mmp_id) are shown under "More".
 */
export const HIDDEN_FIELDS: ReadonlySet<string> = new Set([
  'id', 'aggregated', 'cell', 'h3', 'h3_index', 'h3_cell', 'resolution', 'osm_type',
  'scalerank', 'natlscale', 'min_label', 'max_label', 'featurecla', 'changed',
]);

/** Values of these properties are codes (health_post), shown humanised (Health post). */
export const CODE_FIELDS: ReadonlySet<string> = new Set(['subtype', 'type', 'ownership', 'emergency']);

/** Properties whose values are one or more URLs. */
export const LINK_PROPERTIES: ReadonlySet<string> = new Set(['source_url', 'url', 'website']);

/** Properties whose values are calendar dates, shown in the locale's way. */
export const DATE_PROPERTIES: ReadonlySet<string> = new Set(['date', 'last_verified', 'first_survey', 'last_survey', 'valid_from', 'valid_to']);

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
  const k = titleField(kind, props);
  return k ? clip(String(props[k]).trim()) : i18n.t(`popup.title.${kind}`);
}

/** The property a feature's popup takes its title from (null: the kind names it). */
export function titleField(kind: Kind, props: Record<string, unknown>): string | null {
  const candidates = kind === 'incident' || kind === 'event' ? ['location', 'name'] : ['name', 'location'];
  for (const k of candidates) {
    const v = props[k];
    if (typeof v === 'string' && v.trim() !== '') return k;
  }
  return null;
}

/**
 * Builds the details popup of one feature: its title, its layer, the few
 * facts of SUMMARY_FIELDS and, behind a "More" disclosure, every other
 * property, each under a human label (the catalogue's, else the field name
 * humanised). `vocab` labels cause and service categories.
 */
export function buildPopup(i18n: I18n, kind: Kind, layerTitle: string, feature: Feature, vocab: Vocabulary | null = null): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
  const { summary, more } = popupFields(i18n, kind, props);
  const row = (key: string): HTMLElement[] => {
    const value = props[key];
    let dd: HTMLElement;
    if (LINK_PROPERTIES.has(key)) dd = el('dd', { dir: 'auto' }, links(linkParts(value)));
    else dd = el('dd', { dir: 'auto' }, formatValue(i18n, kind, key, value, vocab));
    return [el('dt', { 'data-field': key }, fieldLabel(i18n, key)), dd];
  };
  const approximate = kind === 'route' && (props.approximate === true || props.approximate === 'true');
  return el('article', { class: `popup popup-${kind}`, tabindex: -1 }, [
    el('h3', { class: 'popup-title', dir: 'auto' }, popupTitle(i18n, kind, props)),
    el('p', { class: 'popup-layer' }, t('popup.layer', { title: layerTitle })),
    approximate && el('p', { class: 'popup-note' }, t('popup.approximate')),
    summary.length > 0 && el('dl', { class: 'popup-summary' }, summary.flatMap(row)),
    more.length > 0 && morePart(i18n, el('dl', null, more.flatMap(row))),
  ]);
}

/**
 * The properties a feature's popup shows, split into the summary (in
 * SUMMARY_FIELDS order) and the rest behind "More" (PROPERTY_ORDER first,
 * then by label). Empty values, HIDDEN_FIELDS and the property used as the
 * title are left out.
 */
export function popupFields(i18n: I18n, kind: Kind, props: Record<string, unknown>): { summary: string[]; more: string[] } {
  const titleKey = titleField(kind, props);
  const shown = (k: string) => {
    if (HIDDEN_FIELDS.has(k) || k === titleKey) return false;
    const v = props[k];
    if (v === null || v === undefined || v === '') return false;
    return !LINK_PROPERTIES.has(k) || linkParts(v).length > 0;
  };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(props, k) && shown(k);
  // A service's subtype is its type in newer layers: when both say the same, one is enough.
  const sameType = has('subtype') && has('type') && String(props.subtype) === String(props.type);
  const summary = SUMMARY_FIELDS[kind].filter((k) => has(k) && !(sameType && k === 'type'));
  const taken = new Set(sameType ? [...summary, 'type'] : summary);
  const first = PROPERTY_ORDER[kind].filter((k) => has(k) && !taken.has(k));
  const seen = new Set([...taken, ...first]);
  const rest = Object.keys(props).filter((k) => !seen.has(k) && has(k))
    .sort((a, b) => fieldLabel(i18n, a).localeCompare(fieldLabel(i18n, b), i18n.lang));
  return { summary, more: [...first, ...rest] };
}

/** The "More" disclosure holding `body`. */
export function morePart(i18n: I18n, body: HTMLElement): HTMLElement {
  return el('details', { class: 'popup-more' }, [el('summary', null, i18n.t('popup.more')), body]);
}

/** A month as the public cells give it (YYYY-MM); anything else is not shown. */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Builds the popup of a public cell of a restricted layer: how many
 * incidents (or services) it counts, with dead, missing and the months
 * they span, e.g. "23 incidents in this area · 40 dead · 12 missing ·
 * 2019-03 – 2024-07", and that exact locations need a sign-in. It needs no
 * request: the cell holds all there is to show. The cell's H3 index, which
 * the API sends as its id, is never shown: public popups name no H3 cell.
 */
export function buildCellPopup(i18n: I18n, kind: Kind, layerTitle: string, feature: Feature): HTMLElement {
  const { t } = i18n;
  const props: Record<string, unknown> =
    feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
  const incidents = kind === 'incident';

  const root = el('article', { class: `popup popup-cell-counts popup-cell-counts-${incidents ? 'incident' : 'service'}`, tabindex: -1 }, [
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

  return root;
}

/** The label of a property: from the catalogue when known, else its own name. */
export function propertyLabel(i18n: I18n, key: string): string {
  const k = `prop.${key}`;
  return i18n.has(k) ? i18n.t(k) : key;
}

/**
 * The label of a property in a popup: the catalogue's (`prop.<key>`) when
 * known, else the field name humanised ("top_next_country" → "Top next
 * country").
 */
export function fieldLabel(i18n: I18n, key: string): string {
  const k = `prop.${key}`;
  return i18n.has(k) ? i18n.t(k) : humanise(key);
}

/** A code or field name as words: underscores, hyphens and camel case to spaces, the first letter capitalised. */
export function humanise(s: string): string {
  const words = s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_\-.]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (words === '') return s;
  return words.charAt(0).toLocaleUpperCase() + words.slice(1).toLowerCase();
}

/** Formats one property value as text for the popup (cause and service categories labelled with `vocab`). */
export function formatValue(i18n: I18n, kind: Kind, key: string, value: unknown, vocab: Vocabulary | null = null): string {
  if (key === 'cause_category' && typeof value === 'string') return causeLabel(i18n, value, vocab);
  if (key === 'category' && kind === 'service' && typeof value === 'string') return serviceCategoryLabel(i18n, value, vocab);
  if (key === 'source_quality' && (typeof value === 'number' || typeof value === 'string')) {
    return i18n.t('popup.sourceQuality', { value: typeof value === 'number' ? value : clip(value) });
  }
  if (DATE_PROPERTIES.has(key) && typeof value === 'string') return i18n.formatDate(clip(value.trim()));
  if (CODE_FIELDS.has(key) && typeof value === 'string' && /^[a-z0-9_]{1,60}$/.test(value)) return humanise(value);
  if (typeof value === 'boolean') return value ? i18n.t('popup.yes') : i18n.t('popup.no');
  if (typeof value === 'number') return i18n.formatNumber(value);
  if (typeof value === 'string') return clip(value.trim());
  return clip(JSON.stringify(value) ?? '');
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
