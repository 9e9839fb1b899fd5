import { describe, expect, it } from 'vitest';
import { createI18n, LANGUAGE_STORAGE_KEY } from '../../shared/i18n';
import { fr } from '../../shared/i18n/fr';
import { createLanguageMenu, languageUrl } from './menu';

describe('language menu', () => {
  it('lists the six languages named in themselves, the page language chosen', () => {
    const menu = createLanguageMenu(createI18n(fr), { storage: null, location: { href: 'http://x/' }, go: () => {} });
    const select = menu.querySelector('select')!;
    expect(menu.querySelector('label')!.textContent).toBe('Langue');
    expect([...select.options].map((o) => o.textContent)).toEqual(['العربية', 'English', 'Español', 'Français', 'Русский', '中文']);
    expect([...select.options].map((o) => o.lang)).toEqual(['ar', 'en', 'es', 'fr', 'ru', 'zh']);
    expect(select.value).toBe('fr');
  });

  it('saves the choice and reloads, replacing a lang parameter of the URL', () => {
    const saved = new Map<string, string>();
    const visits: string[] = [];
    const menu = createLanguageMenu(createI18n(fr), {
      storage: { setItem: (k, v) => void saved.set(k, v) },
      location: { href: 'http://x/?lang=fr&z=3' },
      go: (u) => visits.push(u),
    });
    const select = menu.querySelector('select')!;
    select.value = 'ar';
    select.dispatchEvent(new Event('change'));
    expect(saved.get(LANGUAGE_STORAGE_KEY)).toBe('ar');
    expect(visits).toEqual(['http://x/?lang=ar&z=3']);
  });

  it('puts the choice in the URL when nothing can be saved', () => {
    const visits: string[] = [];
    const menu = createLanguageMenu(createI18n(fr), { storage: null, location: { href: 'http://x/?z=3' }, go: (u) => visits.push(u) });
    const select = menu.querySelector('select')!;
    select.value = 'ru';
    select.dispatchEvent(new Event('change'));
    expect(visits).toEqual(['http://x/?z=3&lang=ru']);
    expect(languageUrl('http://x/?z=3', 'ru')).toBe('http://x/?z=3');
  });
});
