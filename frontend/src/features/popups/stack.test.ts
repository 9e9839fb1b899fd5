import L from 'leaflet';
import { describe, expect, it } from 'vitest';
import { el } from '../../shared/dom';
import { createI18n } from '../../shared/i18n';
import { openStack } from './stack';

const i18n = createI18n();

function setup() {
  const opener = el('button', { type: 'button', id: 'opener' }, 'Open');
  const container = el('div', { style: 'width: 600px; height: 400px' });
  document.body.replaceChildren(opener, container);
  const map = L.map(container, { center: [35, 14], zoom: 5 });
  opener.focus();
  return { map, opener };
}

const page = (text: string) => () => el('article', { class: 'popup', tabindex: -1 }, [el('h3', { class: 'popup-title' }, text), el('a', { href: 'https://example.org/' }, 'link')]);

function press(target: Element, key: string) {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
}

describe('popup stack', () => {
  it('pages through the features under a click and closes on Escape from a button inside, giving the focus back', () => {
    const { map, opener } = setup();
    const popup = openStack(map, i18n, [35, 14], [page('A'), page('B'), page('C')], { focus: true });
    const root = popup.getElement()!;
    expect(root.querySelector('.popup-pager-status')!.textContent).toBe('1 of 3');
    expect(document.activeElement).toBe(root.querySelector('.popup-title')!.parentElement);

    const next = root.querySelector<HTMLButtonElement>('.popup-pager-next')!;
    next.focus();
    next.click();
    expect(root.querySelector('.popup-pager-status')!.textContent).toBe('2 of 3');
    expect(root.querySelector('.popup-title')!.textContent).toBe('B');
    expect(document.activeElement).toBe(next);

    press(next, 'Escape');
    expect(map.hasLayer(popup)).toBe(false);
    expect(document.activeElement).toBe(opener);
  });

  it('closes on Escape from a link of the page, and gives the focus to returnFocus when given', () => {
    const { map } = setup();
    const other = el('button', { type: 'button' }, 'Row');
    document.body.append(other);
    const popup = openStack(map, i18n, [35, 14], [page('A')], { focus: true, returnFocus: () => other.focus() });
    const link = popup.getElement()!.querySelector('a')!;
    link.focus();
    press(link, 'Escape');
    expect(map.hasLayer(popup)).toBe(false);
    expect(document.activeElement).toBe(other);
  });

  it('shows a fetched page when it arrives, and not one that came after the popup moved on', async () => {
    const { map } = setup();
    let resolveFirst!: (e: HTMLElement) => void;
    const slow = () => new Promise<HTMLElement>((r) => { resolveFirst = r; });
    const popup = openStack(map, i18n, [35, 14], [slow, page('B')]);
    const root = popup.getElement()!;
    expect(root.querySelector('.popup-message')!.textContent).toBe('Loading details…');
    root.querySelector<HTMLButtonElement>('.popup-pager-next')!.click();
    resolveFirst(el('article', { class: 'popup' }, el('h3', { class: 'popup-title' }, 'late')));
    await Promise.resolve();
    await Promise.resolve();
    expect(root.querySelector('.popup-title')!.textContent).toBe('B');
  });
});
