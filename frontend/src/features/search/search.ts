import L from 'leaflet';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/** One place of the gazetteer, as GET /api/v1/places answers it. */
export interface Place {
  name: string;
  country: string;
  country_name: string;
  lon: number;
  lat: number;
  /** "place", "port" or "sea". */
  kind: string;
}

/** Most suggestions the search box lists. */
export const SUGGESTIONS = 8;
/** Wait after the last key before suggestions are asked for, in ms. */
export const SUGGEST_DELAY_MS = 200;

/** The zoom a picked place is shown at: a sea wide, a port close. */
export function zoomFor(kind: string): number {
  if (kind === 'sea') return 6;
  if (kind === 'port') return 11;
  return 10;
}

/** Reads the places of an answer of GET /api/v1/places; anything malformed is left out. */
export function parsePlaces(body: unknown): Place[] {
  const list = (body as { places?: unknown } | null)?.places;
  if (!Array.isArray(list)) return [];
  const out: Place[] = [];
  for (const p of list) {
    if (!p || typeof p !== 'object') continue;
    const r = p as Record<string, unknown>;
    const lon = Number(r.lon);
    const lat = Number(r.lat);
    if (typeof r.name !== 'string' || !Number.isFinite(lon) || !Number.isFinite(lat) || Math.abs(lat) > 90 || Math.abs(lon) > 180) continue;
    out.push({
      name: r.name,
      country: typeof r.country === 'string' ? r.country : '',
      country_name: typeof r.country_name === 'string' ? r.country_name : '',
      lon, lat,
      kind: typeof r.kind === 'string' ? r.kind : 'place',
    });
  }
  return out;
}

/** The query path of a name search. */
export function searchPath(text: string, limit = SUGGESTIONS): string {
  return `/places?${new URLSearchParams({ q: text, limit: String(limit) }).toString()}`;
}

/** The index an arrow key moves the active suggestion to (-1: none, back in the box). */
export function moveActive(current: number, count: number, key: string): number {
  if (count === 0) return -1;
  if (key === 'ArrowDown') return current + 1 >= count ? 0 : current + 1;
  if (key === 'ArrowUp') return current <= 0 ? count - 1 : current - 1;
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  return current;
}

/** What the search box needs. */
export interface SearchOptions {
  /** Answers a GET of the API (path after /api/v1). */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>;
  /** Shows a place picked (moves the map). */
  go(place: Place): void;
  /** Delay before suggestions, in ms. */
  delayMs?: number;
}

/** The place search box. */
export interface PlaceSearch {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  /** Resolves once no suggestion or search is pending. */
  idle(): Promise<void>;
}

let counter = 0;

/**
 * A combobox of the gazetteer's names: `<input type="search">` with a
 * labelled list of suggestions asked of `?q=` as the user types. Arrow keys,
 * Home and End move through the list, Enter picks the active suggestion (or
 * the best match of what is typed), Escape closes the list.
 */
export function createPlaceSearch(i18n: I18n, opts: SearchOptions): PlaceSearch {
  const { t } = i18n;
  const n = ++counter;
  const listId = `place-search-list-${n}`;
  const inputId = n === 1 ? 'place-search' : `place-search-${n}`;
  const input = el('input', {
    type: 'search', id: inputId, class: 'place-search-input', autocomplete: 'off', spellcheck: 'false',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    placeholder: t('search.placeholder'), maxlength: 100,
  });
  const list = el('ul', { id: listId, class: 'place-search-list', role: 'listbox', 'aria-label': t('search.suggestions'), hidden: true });
  const hint = el('p', { class: 'place-search-status', role: 'status', 'aria-live': 'polite' });
  const form = el('form', { class: 'place-search', role: 'search', 'aria-label': t('search.label') }, [
    el('label', { for: inputId, class: 'visually-hidden' }, t('search.label')), input, list, hint,
  ]);
  let places: Place[] = [];
  let active = -1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ctl: AbortController | null = null;
  let pending: Promise<void> = Promise.resolve();
  let asked = '';

  const setActive = (i: number) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) {
      const li = list.children[i] as HTMLElement;
      input.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView?.({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    setActive(-1);
  };
  const describe = (p: Place) => [p.kind === 'sea' ? '' : p.country_name || p.country, t(p.kind === 'sea' ? 'search.kind.sea' : p.kind === 'port' ? 'search.kind.port' : 'search.kind.place')]
    .filter(Boolean).join(' · ');
  const show = (found: Place[]) => {
    places = found;
    list.replaceChildren(...found.map((p, i) => el('li', {
      id: `${listId}-${i}`, role: 'option', 'aria-selected': 'false', class: 'place-search-option',
      onmousedown: (ev: Event) => ev.preventDefault(),
      onclick: () => pick(i),
    }, [el('span', { class: 'place-name' }, p.name), el('span', { class: 'place-where' }, describe(p))])));
    active = -1;
    input.removeAttribute('aria-activedescendant');
    const open = found.length > 0 && document.activeElement === input;
    list.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    const text = input.value.trim();
    hint.textContent = text === '' ? '' : found.length === 0 ? t('search.none', { query: text }) : t('search.count', { count: found.length });
  };
  const ask = (text: string): Promise<Place[]> => {
    ctl?.abort();
    const c = new AbortController();
    ctl = c;
    asked = text;
    return opts.getJson(searchPath(text), c.signal).then(parsePlaces);
  };
  const pick = (i: number) => {
    const p = places[i];
    if (!p) return;
    input.value = p.name;
    close();
    hint.textContent = t('search.shown', { name: p.name });
    opts.go(p);
  };
  const suggest = () => {
    const text = input.value.trim();
    if (timer) clearTimeout(timer);
    if (text === '') {
      ctl?.abort();
      asked = '';
      show([]);
      return;
    }
    pending = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timer = null;
        ask(text).then((found) => {
          if (input.value.trim() === text) show(found);
        }, () => {}).finally(resolve);
      }, opts.delayMs ?? SUGGEST_DELAY_MS);
    });
  };

  input.addEventListener('input', suggest);
  input.addEventListener('blur', () => close());
  input.addEventListener('keydown', (ev) => {
    const key = ev.key;
    if (key === 'ArrowDown' || key === 'ArrowUp' || ((key === 'Home' || key === 'End') && active >= 0)) {
      if (list.hidden && places.length > 0) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      ev.preventDefault();
      setActive(moveActive(active, places.length, key));
    } else if (key === 'Escape' && !list.hidden) {
      ev.preventDefault();
      ev.stopPropagation();
      close();
    }
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (active >= 0) {
      pick(active);
      return;
    }
    const text = input.value.trim();
    if (text === '') return;
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    // The best match of what is typed: the suggestions when they are for it, else a fresh ask.
    pending = (asked === text && places.length > 0 ? Promise.resolve(places) : ask(text)).then((found) => {
      places = found;
      if (found.length === 0) {
        hint.textContent = t('search.none', { query: text });
        return;
      }
      pick(0);
    }, (err: unknown) => {
      hint.textContent = t('search.failed', { message: err instanceof Error ? err.message : String(err) });
    });
  });
  return { element: form, input, idle: () => pending };
}

/**
 * The place search as a Leaflet control at `position`: the map goes to a
 * picked place (its zoom by kind). Clicks and scrolls in it stay off the map.
 */
export function addPlaceSearch(map: L.Map, i18n: I18n, getJson: SearchOptions['getJson'], position: L.ControlPosition): PlaceSearch {
  const search = createPlaceSearch(i18n, {
    getJson,
    go: (p) => map.setView([p.lat, p.lon], zoomFor(p.kind)),
  });
  const Control = L.Control.extend({
    onAdd: () => {
      const box = el('div', { class: 'leaflet-control place-search-control' }, search.element);
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    },
  });
  const control = new Control({ position }).addTo(map);
  // First in its corner: above the zoom buttons.
  const box = control.getContainer();
  box?.parentElement?.prepend(box);
  return search;
}
