import type { Feature } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import type { Vocabulary } from '../../shared/vocabulary';
import { rowFacts, rowHead, rowOrder, type Row, type RowSource } from './rows';

/** Rows of one layer's table shown at once. */
export const PAGE_SIZE = 50;

/** Wait after the last move of the map (or change of a layer) before the list follows, in ms. */
export const REFRESH_DELAY_MS = 300;

/** The features one layer has in view. */
export interface InViewGroup {
  /** The layer's id. */
  id: string;
  /** The layer's title, as the layer list names it. */
  title: string;
  source: RowSource;
  features: readonly Feature[];
}

/** What the list reads and does. */
export interface InViewOptions {
  /** The layers shown, with their features in view (only asked while the list is open). */
  groups(): InViewGroup[];
  /** Opens the popup of a feature; `key` finds its row again (see InViewPanel.focusRow). */
  open(layerId: string, feature: Feature, key: string): void;
  pageSize?: number;
}

/** The "In view" list. */
export interface InViewPanel {
  readonly element: HTMLElement;
  /** Builds the list again now (when open). */
  refresh(): void;
  /** Builds the list again a moment after the last call (for map moves and layer loads). */
  schedule(): void;
  /** Moves the focus to the row with `key`, or to the list's heading when it is gone. */
  focusRow(key: string): void;
}

/**
 * Builds the "In view" list: a table per layer of the features the map
 * shows in view, heaviest first, PAGE_SIZE rows at a time with previous and
 * next buttons. Each row's button opens the same popup a click on the map
 * does, so everything drawn on the canvas is reachable by keyboard and
 * screen reader. The list is folded by default and only built while open.
 */
export function createInViewPanel(i18n: I18n, vocab: Vocabulary, opts: InViewOptions): InViewPanel {
  const { t } = i18n;
  const size = opts.pageSize ?? PAGE_SIZE;
  const pages = new Map<string, number>();
  const body = el('div', { class: 'inview-body', id: 'inview-body' });
  const summary = el('summary', null, el('h2', { id: 'inview-heading', class: 'inline-heading' }, t('inview.title')));
  const details = el('details', { id: 'inview-details', ontoggle: () => panel.refresh() }, [
    summary, el('p', { class: 'inview-intro' }, t('inview.intro')), body,
  ]);
  const element = el('section', { class: 'panel-section inview', id: 'inview', 'aria-labelledby': 'inview-heading' }, details);
  let timer: ReturnType<typeof setTimeout> | null = null;

  const table = (g: InViewGroup): HTMLElement => {
    const order = rowOrder(i18n);
    const rows: (Omit<Row, 'facts'> & { at: number; feature: Feature })[] = g.features
      .map((f, at) => ({ ...rowHead(i18n, vocab, g.source, f), at, feature: f }))
      .sort(order);
    const count = rows.length;
    const last = Math.max(0, Math.ceil(count / size) - 1);
    const page = Math.min(pages.get(g.id) ?? 0, last);
    pages.set(g.id, page);
    const from = page * size;
    const shown = rows.slice(from, from + size);
    const captionId = `inview-caption-${g.id}`;
    const pager = count > size ? el('div', { class: 'inview-pages', role: 'group', 'aria-labelledby': captionId }, [
      el('button', {
        type: 'button', class: 'inview-previous', disabled: page === 0,
        onclick: () => turn(g.id, page - 1, 'inview-previous'),
      }, t('inview.previous')),
      el('span', { class: 'inview-range', 'aria-live': 'polite' }, t('inview.range', { from: from + 1, to: from + shown.length, count })),
      el('button', {
        type: 'button', class: 'inview-next', disabled: page === last,
        onclick: () => turn(g.id, page + 1, 'inview-next'),
      }, t('inview.next')),
    ]) : null;
    return el('div', { class: 'inview-layer', 'data-layer': g.id, 'data-count': count }, [
      el('table', { class: 'inview-table' }, [
        el('caption', { id: captionId, dir: 'auto' }, t('inview.caption', { title: g.title, count })),
        el('thead', null, el('tr', null, [
          el('th', { scope: 'col' }, t('inview.col.feature')),
          el('th', { scope: 'col' }, t('inview.col.facts')),
        ])),
        el('tbody', null, shown.map((r) => {
          const key = `${g.id}:${r.feature.id ?? `#${r.at}`}`;
          return el('tr', null, [
            el('th', { scope: 'row' }, el('button', {
              type: 'button', class: 'inview-open', dir: 'auto', 'data-key': key,
              onclick: () => opts.open(g.id, r.feature, key),
            }, r.title)),
            el('td', { dir: 'auto' }, rowFacts(i18n, vocab, g.source, r.feature)),
          ]);
        })),
      ]),
      pager,
    ]);
  };

  // Turns a table's page and keeps the focus on the button pressed (or on the other one at an end).
  const turn = (id: string, page: number, cls: string) => {
    pages.set(id, page);
    panel.refresh();
    const layer = [...body.querySelectorAll<HTMLElement>('.inview-layer')].find((l) => l.dataset.layer === id);
    const again = layer?.querySelector<HTMLButtonElement>(`.${cls}`);
    const other = layer?.querySelector<HTMLButtonElement>(cls === 'inview-next' ? '.inview-previous' : '.inview-next');
    (again && !again.disabled ? again : other)?.focus();
  };

  const panel: InViewPanel = {
    element,
    refresh() {
      if (timer) clearTimeout(timer);
      timer = null;
      if (!details.open) return;
      const focused = body.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.key : undefined;
      const groups = opts.groups().filter((g) => g.features.length > 0);
      body.replaceChildren(...(groups.length === 0 ? [el('p', { class: 'inview-empty' }, t('inview.empty'))] : groups.map(table)));
      element.dataset.rows = String(body.querySelectorAll('.inview-open').length);
      if (focused) panel.focusRow(focused);
    },
    schedule() {
      if (!details.open) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => panel.refresh(), REFRESH_DELAY_MS);
    },
    focusRow(key) {
      const row = [...body.querySelectorAll<HTMLButtonElement>('.inview-open')].find((b) => b.dataset.key === key);
      if (row) row.focus({ preventScroll: false });
      else summary.focus();
    },
  };
  return panel;
}
