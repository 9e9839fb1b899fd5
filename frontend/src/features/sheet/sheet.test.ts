import { describe, expect, it } from 'vitest';
import { el } from '../../shared/dom';
import { createI18n } from '../../shared/i18n';
import { createSheet } from './sheet';

describe('bottom sheet', () => {
  const setup = (phone: boolean) => {
    const root = el('div');
    const panel = el('aside', { id: 'panel' }, el('button', { id: 'inside' }, 'x'));
    document.body.replaceChildren(root);
    const sheet = createSheet(createI18n(), root, panel, () => phone);
    root.append(panel, sheet.button);
    return { root, panel, sheet };
  };

  it('starts closed, and the button opens and closes it', () => {
    const { root, sheet } = setup(true);
    expect(root.dataset.sheet).toBe('closed');
    expect(sheet.button.getAttribute('aria-expanded')).toBe('false');
    expect(sheet.button.textContent).toBe('Layers, filters and priorities');
    sheet.button.click();
    expect(root.dataset.sheet).toBe('open');
    expect(sheet.button.getAttribute('aria-expanded')).toBe('true');
    expect(sheet.button.textContent).toBe('Show the map');
    sheet.button.click();
    expect(sheet.isOpen()).toBe(false);
  });

  it('closes on Escape on a phone, and focus goes back to the button', () => {
    const { panel, sheet } = setup(true);
    sheet.open();
    const inside = panel.querySelector<HTMLButtonElement>('#inside')!;
    inside.focus();
    inside.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(sheet.isOpen()).toBe(false);
    expect(document.activeElement).toBe(sheet.button);
  });

  it('ignores Escape on wide screens, where the panel is always shown', () => {
    const { panel, sheet } = setup(false);
    sheet.open();
    panel.querySelector('#inside')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(sheet.isOpen()).toBe(true);
  });
});
