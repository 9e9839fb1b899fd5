// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { en } from '../../shared/i18n/en';
import { createLegendControl } from './control';

const i18n = createI18n(en);

describe('createLegendControl', () => {
  it.each([[true], [false]])('starts open=%s and folds with its button', (open) => {
    const c = createLegendControl(i18n, open);
    const button = c.element.querySelector('button')!;
    expect(button.textContent).toBe('Legend');
    expect(button.getAttribute('aria-expanded')).toBe(String(open));
    expect(c.body.hidden).toBe(!open);
    button.click();
    expect(c.isOpen()).toBe(!open);
    expect(c.body.hidden).toBe(open);
  });
  it('closes with Escape and gives focus back to its button', () => {
    const c = createLegendControl(i18n, true);
    document.body.replaceChildren(c.element);
    c.body.append(document.createElement('a'));
    c.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
    expect(c.isOpen()).toBe(false);
    expect(document.activeElement).toBe(c.element.querySelector('button'));
  });
});
