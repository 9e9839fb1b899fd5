import { el, options } from '../../shared/dom';
import { localDate } from '../../shared/datefield';
import type { I18n } from '../../shared/i18n';
import type { ValueCount } from '../../shared/api';
import { appendFilters, emptyFilters, isIsoDate, type Filters } from '../../shared/urlstate';
import type { Kind } from '../../shared/kinds';
import { causeLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';

/**
 * Properties requested per kind: only what the map draws and counts (marker
 * size and totals, route colour and dash). Filtering happens on the server,
 * and a popup fetches its feature in full.
 */
export const SLIM_PROPERTIES: Record<Kind, readonly string[]> = {
  incident: ['dead', 'missing'],
  service: ['category', 'last_verified'],
  route: ['name', 'approximate'],
  area: ['name'],
  exposure: ['route', 'month', 'count'],
  event: ['date'],
};

/** Coordinate decimals requested for drawing (about 11 m). */
export const DRAW_PRECISION = 4;
/**
 * Coordinate decimals of the points of a public layer by zoom: one (about
 * 11 km, under a pixel) below MEDIUM_FROM_ZOOM, two (about 1 km, under two
 * pixels at zoom 6) below FINE_FROM_ZOOM, DRAW_PRECISION from there. The
 * world view of 18,000 services is a sixth lighter; zooming in asks again.
 */
export const COARSE_PRECISION = 1;
/** Coordinate decimals between MEDIUM_FROM_ZOOM and FINE_FROM_ZOOM. */
export const MEDIUM_PRECISION = 2;
/** The zoom from which points are asked at MEDIUM_PRECISION. */
export const MEDIUM_FROM_ZOOM = 5;
/** The zoom from which points are asked at DRAW_PRECISION. */
export const FINE_FROM_ZOOM = 7;
/** Largest page the API serves. */
export const PAGE_LIMIT = 50000;

/**
 * Returns the `datetime` parameter for a date range: a closed interval, an
 * open one ("../to", "from/..") or '' when neither end is a valid date.
 */
export function datetimeParam(from: string, to: string): string {
  const f = isIsoDate(from) ? from : '';
  const t = isIsoDate(to) ? to : '';
  if (f && t) return `${f}/${t}`;
  if (f) return `${f}/..`;
  if (t) return `../${t}`;
  return '';
}

/** Returns the filters with from/to swapped when from is after to, and whether it swapped. */
export function normaliseDates(f: Filters): { filters: Filters; swapped: boolean } {
  if (isIsoDate(f.from) && isIsoDate(f.to) && f.from > f.to) {
    return { filters: { ...f, from: f.to, to: f.from }, swapped: true };
  }
  return { filters: f, swapped: false };
}

/** What the query builder needs to know about a layer (a subset of its metadata). */
export interface LayerInfo {
  kind: Kind;
  schema?: readonly { name: string }[];
  time_property?: string;
  /** "restricted" for a layer shown at the precision the caller's privacy tier allows. */
  sensitivity?: string;
}

/** Reports whether a layer is restricted (its answers depend on the caller's privacy tier). */
export function isRestricted(layer: Pick<LayerInfo, 'sensitivity'>): boolean {
  return layer.sensitivity === 'restricted';
}

/**
 * The properties to request for drawing: the slim list of the layer's kind,
 * restricted to those its schema has (the API rejects unknown names). Null
 * when none is left, and the parameter is then left out.
 */
export function slimProperties(layer: LayerInfo): string[] | null {
  const names = new Set((layer.schema ?? []).map((f) => f.name));
  const props = SLIM_PROPERTIES[layer.kind].filter((p) => names.has(p));
  return props.length > 0 ? props : null;
}

/**
 * Builds the query parameters of a features request for a layer under
 * `filters`. Each kind gets only the filters that apply to it: incidents the
 * date range (when the layer has a time property), route and cause; context
 * events the date range; routes
 * the route; services the category. A restricted layer also gets the map
 * zoom (whole), from which the server picks the size of the cells it counts
 * in at the public tier; other layers never do (they refuse unknown
 * parameters).
 */
export function featureParams(layer: LayerInfo, filters: Filters, zoom?: number): URLSearchParams {
  const q = new URLSearchParams();
  const kind = layer.kind;
  if (kind === 'incident') {
    const dt = layer.time_property ? datetimeParam(filters.from, filters.to) : '';
    if (dt) q.set('datetime', dt);
    appendFilters(q, filters, ['route', 'cause']);
  } else if (kind === 'event') {
    const dt = layer.time_property ? datetimeParam(filters.from, filters.to) : '';
    if (dt) q.set('datetime', dt);
  } else if (kind === 'route') {
    appendFilters(q, filters, ['route']);
  } else if (kind === 'service') {
    appendFilters(q, filters, ['category']);
  }
  const props = slimProperties(layer);
  if (props) q.set('properties', props.join(','));
  q.set('precision', String(drawPrecision(layer, zoom)));
  q.set('limit', String(PAGE_LIMIT));
  if (zoom !== undefined && Number.isFinite(zoom) && isRestricted(layer)) q.set('zoom', String(Math.max(0, Math.floor(zoom))));
  return q;
}

/**
 * The coordinate decimals to ask a layer's features with at `zoom`: fewer
 * for the points of a public layer below FINE_FROM_ZOOM (see
 * COARSE_PRECISION), DRAW_PRECISION otherwise (and when no zoom is given). Restricted layers keep
 * DRAW_PRECISION: what their tier allows is the server's to coarsen.
 */
export function drawPrecision(layer: Pick<LayerInfo, 'kind' | 'sensitivity'>, zoom?: number): number {
  const points = layer.kind === 'incident' || layer.kind === 'service' || layer.kind === 'event';
  if (!points || isRestricted(layer) || zoom === undefined || !Number.isFinite(zoom)) return DRAW_PRECISION;
  if (zoom < MEDIUM_FROM_ZOOM) return COARSE_PRECISION;
  return zoom < FINE_FROM_ZOOM ? MEDIUM_PRECISION : DRAW_PRECISION;
}

/** Whether the features a layer is asked for change with the zoom (see drawPrecision). */
export function followsZoom(layer: Pick<LayerInfo, 'kind' | 'sensitivity'>): boolean {
  return drawPrecision(layer, 0) !== drawPrecision(layer, FINE_FROM_ZOOM);
}

/**
 * The part of `filters` that changes what a layer shows, as a comparable
 * key. The zoom is left out: whether it matters depends on the answer (see
 * MapLayer).
 */
export function filterKey(layer: LayerInfo, filters: Filters): string {
  const q = featureParams(layer, filters);
  q.delete('properties');
  q.delete('precision');
  return q.toString();
}

/** Merges value lists (same value: counts added), sorted by label in the locale's order. */
export function mergeValues(lists: readonly ValueCount[][], lang: string): ValueCount[] {
  const counts = new Map<string, number>();
  for (const list of lists) {
    for (const v of list) {
      if (v.value === '') continue;
      counts.set(v.value, (counts.get(v.value) ?? 0) + v.count);
    }
  }
  const collator = new Intl.Collator(lang);
  return [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => collator.compare(a.value, b.value));
}

/** Returns a function that runs fn `ms` after the last of a burst of calls. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): (...args: A) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn(...args);
    }, ms);
  };
}

/** The filter form in the panel. */
export interface FilterControls {
  /** The fieldset to place in the panel. */
  element: HTMLElement;
  /** Shows filters in the controls (no change event is fired). */
  set(filters: Filters): void;
  /** Reads the filters from the controls. */
  get(): Filters;
  /** Fills the route dropdown. */
  setRoutes(values: ValueCount[]): void;
  /** Fills the service-category dropdown. */
  setCategories(values: ValueCount[]): void;
  /** Shows counts beside the causes (a cause left out of `values` shows none); null removes them. */
  setCauses(values: ValueCount[] | null): void;
}

/**
 * Builds the filter form. The cause menu lists the vocabulary's causes in
 * its order. `onChange` runs on every user edit, `onReset` when "Reset
 * filters" is pressed.
 */
export function createFilterControls(
  i18n: I18n, vocab: Vocabulary, onChange: (f: Filters) => void, onReset: () => void, onZoom?: () => void,
): FilterControls {
  const { t } = i18n;
  const from = dateInput(i18n, 'filter-from', t('filters.from'));
  const to = dateInput(i18n, 'filter-to', t('filters.to'));
  const route = selectInput('filter-route', t('filters.route'));
  const cause = selectInput('filter-cause', t('filters.cause'));
  const category = selectInput('filter-category', t('filters.category'));
  const reset = el('button', { type: 'button', id: 'filter-reset', onclick: onReset }, t('filters.reset'));
  const zoom = onZoom ? el('button', { type: 'button', id: 'filter-zoom', onclick: () => onZoom() }, t('filters.zoom')) : null;
  const fs = el('section', { class: 'panel-section filters', 'aria-labelledby': 'filters-heading' }, [
    el('h2', { id: 'filters-heading' }, t('filters.heading')),
    el('fieldset', { class: 'dates' }, [el('legend', null, t('filters.dates')), from.wrap, to.wrap]),
    route.wrap, cause.wrap, category.wrap, el('div', { class: 'filter-actions' }, [zoom, reset]),
  ]);

  const fillCauses = (counts: ReadonlyMap<string, number> | null) => {
    const keep = cause.select.value;
    fillSelect(cause.select, t('filters.causeAll'), vocab.causes.map((c) => {
      const label = causeLabel(i18n, c.category, vocab);
      const n = counts?.get(c.category);
      return { value: c.category, label: n === undefined ? label : t('filters.optionCount', { label, count: n }) };
    }));
    cause.select.value = keep;
    titleFromChoice(cause.select);
  };
  fillCauses(null);
  fillSelect(route.select, t('filters.routeAll'), []);
  fillSelect(category.select, t('filters.categoryAll'), []);

  let current = emptyFilters();
  const get = (): Filters => ({
    from: from.input.value,
    to: to.input.value,
    route: route.select.value,
    cause: cause.select.value,
    category: category.select.value,
  });
  const changed = () => {
    const next = get();
    if (JSON.stringify(next) === JSON.stringify(current)) return;
    current = next;
    onChange(next);
  };
  for (const el of [from.input, to.input]) {
    el.addEventListener('change', changed);
    el.addEventListener('input', changed);
  }
  for (const el of [route.select, cause.select, category.select]) el.addEventListener('change', changed);

  const set = (f: Filters) => {
    from.input.value = f.from;
    to.input.value = f.to;
    from.local.refresh();
    to.local.refresh();
    ensureOption(route.select, f.route);
    route.select.value = f.route;
    cause.select.value = f.cause;
    ensureOption(category.select, f.category);
    category.select.value = f.category;
    for (const sel of [route.select, cause.select, category.select]) titleFromChoice(sel);
    current = get();
  };

  return {
    element: fs,
    set,
    get,
    setRoutes(values) {
      const keep = route.select.value;
      fillSelect(route.select, t('filters.routeAll'), values.map((v) => ({
        value: v.value,
        label: v.count > 0 ? t('filters.optionCount', { label: v.value, count: v.count }) : v.value,
      })));
      ensureOption(route.select, keep);
      route.select.value = keep;
      titleFromChoice(route.select);
    },
    setCauses(values) {
      fillCauses(values === null ? null : new Map(values.map((v) => [v.value, v.count])));
    },
    setCategories(values) {
      const keep = category.select.value;
      fillSelect(category.select, t('filters.categoryAll'), values.map((v) => ({
        value: v.value,
        label: t('filters.optionCount', { label: serviceCategoryLabel(i18n, v.value, vocab), count: v.count }),
      })));
      ensureOption(category.select, keep);
      category.select.value = keep;
      titleFromChoice(category.select);
    },
  };
}

/** A date field: its label, the input, and the date written out in the page's language (see shared/datefield). */
function dateInput(i18n: I18n, id: string, label: string) {
  const input = el('input', { type: 'date', id, name: id, min: '2014-01-01' });
  const local = localDate(i18n, input);
  return { wrap: el('div', { class: 'field field-date' }, [el('label', { for: id }, label), input, local.shown]), input, local };
}

function selectInput(id: string, label: string) {
  const select = el('select', { id, name: id });
  return { wrap: el('div', { class: 'field' }, [el('label', { for: id }, label), select]), select };
}

/**
 * Fills a menu. Each option carries its full label as its title, and the
 * menu the label of the option chosen, so that a label cut short on a narrow
 * screen can still be read whole.
 */
function fillSelect(select: HTMLSelectElement, allLabel: string, list: { value: string; label: string }[]): void {
  const opts = options([{ value: '', label: allLabel }, ...list]);
  for (const o of opts) o.title = o.textContent ?? '';
  select.replaceChildren(...opts);
  titleFromChoice(select);
  if (!select.dataset.titled) {
    select.dataset.titled = 'true';
    select.addEventListener('change', () => titleFromChoice(select));
  }
}

function titleFromChoice(select: HTMLSelectElement): void {
  select.title = select.selectedOptions[0]?.textContent ?? '';
}

/** Adds an option for a value the list does not have yet (e.g. from a shared URL). */
function ensureOption(select: HTMLSelectElement, value: string): void {
  if (value === '' || [...select.options].some((o) => o.value === value)) return;
  select.append(...options([{ value, label: value }]));
}
