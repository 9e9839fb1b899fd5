import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/** Pages through several popups shown in one place ("2 of 5"). */
export interface Pager {
  /** The pager's root: the previous and next buttons and the position, then the page. */
  readonly element: HTMLElement;
  /** Where the page on show goes. */
  readonly page: HTMLElement;
  /** The index of the page on show, from 0. */
  index(): number;
  /** Shows page `i` (wrapping around at both ends). */
  show(i: number): void;
}

/**
 * Builds a pager over `count` pages. `render(i, page)` fills `page` with the
 * i-th one. With one page there are no buttons. The buttons are labelled
 * ("Previous feature"), their arrows follow the reading direction, the
 * position ("1 of 3") is announced politely, and paging wraps around so that
 * a pressed button never disables itself under the focus.
 */
export function createPager(i18n: I18n, count: number, render: (i: number, page: HTMLElement) => void): Pager {
  const { t } = i18n;
  const page = el('div', { class: 'popup-page' });
  let at = 0;
  const status = el('span', { class: 'popup-pager-status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  const rtl = i18n.dir === 'rtl';
  const button = (cls: string, label: string, arrow: string, step: number) => el('button', {
    type: 'button', class: `popup-pager-button ${cls}`, 'aria-label': label, title: label,
    onclick: () => pager.show(at + step),
  }, el('span', { 'aria-hidden': 'true' }, arrow));
  const nav = count > 1 ? el('div', { class: 'popup-pager', role: 'group', 'aria-label': t('popup.pagerLabel', { count }) }, [
    button('popup-pager-previous', t('popup.previous'), rtl ? '›' : '‹', -1),
    status,
    button('popup-pager-next', t('popup.next'), rtl ? '‹' : '›', 1),
  ]) : null;
  const element = el('div', { class: 'popup-stack', 'data-count': count }, [nav, page]);

  const pager: Pager = {
    element,
    page,
    index: () => at,
    show(i) {
      at = ((i % count) + count) % count;
      element.dataset.index = String(at);
      status.textContent = t('popup.pager', { index: at + 1, count });
      render(at, page);
    },
  };
  return pager;
}
