// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createI18n } from './i18n';
import { ar } from './i18n/ar';
import { en } from './i18n/en';
import { fr } from './i18n/fr';
import { zh } from './i18n/zh';
import { el } from './dom';
import { localDate } from './datefield';

describe('localDate', () => {
  it.each([
    [en, 'March 5, 2024'],
    [fr, '5 mars 2024'],
    [zh, '2024年3月5日'],
    [ar, new Intl.DateTimeFormat('ar', { dateStyle: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 2, 5))],
  ])('writes the date out in the page language (%#)', (catalogue, want) => {
    const i18n = createI18n(catalogue);
    const input = el('input', { type: 'date', id: 'd', 'aria-describedby': 'hint' });
    const local = localDate(i18n, input);
    expect(input.lang).toBe(i18n.lang);
    expect(input.getAttribute('aria-describedby')).toBe('hint d-shown');
    expect(local.shown.textContent).toBe('');
    input.value = '2024-03-05';
    input.dispatchEvent(new Event('change'));
    expect(local.shown.textContent).toBe(want);
    input.value = '';
    local.refresh();
    expect(local.shown.textContent).toBe('');
  });
});
