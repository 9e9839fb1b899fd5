import { describe, expect, it } from 'vitest';
import { ar } from '../../shared/i18n/ar';
import { ru } from '../../shared/i18n/ru';
import { createI18n } from '../../shared/i18n';
import { el } from '../../shared/dom';
import { createPager } from './pager';

const i18n = createI18n();

function pagerOf(count: number, lang = i18n) {
  const shown: number[] = [];
  const p = createPager(lang, count, (i, page) => {
    shown.push(i);
    page.replaceChildren(el('article', { class: 'popup' }, `feature ${i + 1}`));
  });
  document.body.replaceChildren(p.element);
  p.show(0);
  return { p, shown };
}

describe('popup pager', () => {
  it('reads "1 of 3" with labelled previous and next buttons, and pages both ways, wrapping around', () => {
    const { p, shown } = pagerOf(3);
    const status = p.element.querySelector('.popup-pager-status')!;
    const prev = p.element.querySelector<HTMLButtonElement>('.popup-pager-previous')!;
    const next = p.element.querySelector<HTMLButtonElement>('.popup-pager-next')!;
    expect(status.textContent).toBe('1 of 3');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(p.element.querySelector('.popup-pager')!.getAttribute('aria-label')).toBe('3 features here');
    expect(prev.getAttribute('aria-label')).toBe('Previous feature');
    expect(next.getAttribute('aria-label')).toBe('Next feature');
    expect(prev.type).toBe('button');

    next.focus();
    next.click();
    expect(status.textContent).toBe('2 of 3');
    expect(p.page.textContent).toBe('feature 2');
    // The pressed button keeps the focus: only the page is replaced.
    expect(document.activeElement).toBe(next);
    next.click();
    next.click();
    expect(status.textContent).toBe('1 of 3');
    prev.click();
    expect(p.index()).toBe(2);
    expect(shown).toEqual([0, 1, 2, 0, 2]);
  });

  it('has no buttons for one feature', () => {
    const { p } = pagerOf(1);
    expect(p.element.querySelector('button')).toBeNull();
    expect(p.page.textContent).toBe('feature 1');
  });

  it('words the count with the language\'s plural rules and points the arrows the reading way', () => {
    const russian = pagerOf(5, createI18n(ru)).p;
    expect(russian.element.querySelector('.popup-pager')!.getAttribute('aria-label')).toBe('5 объектов здесь');
    expect(russian.element.querySelector('.popup-pager-status')!.textContent).toBe('1 из 5');
    const arabic = pagerOf(2, createI18n(ar)).p;
    expect(arabic.element.querySelector('.popup-pager')!.getAttribute('aria-label')).toBe('عنصران هنا');
    expect(arabic.element.querySelector('.popup-pager-previous')!.textContent).toBe('›');
    expect(pagerOf(2).p.element.querySelector('.popup-pager-previous')!.textContent).toBe('‹');
  });
});
