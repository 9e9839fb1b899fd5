// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { en } from '../../shared/i18n/en';
import { createPlaceSearch, moveActive, parsePlaces, searchPath, zoomFor, type Place } from './search';

const i18n = createI18n(en);
const LAMPEDUSA = { name: 'Lampedusa', country: 'IT', country_name: 'Italy', lon: 12.6, lat: 35.5, kind: 'place' };
const PORT = { name: 'Lampedusa port', country: 'IT', country_name: 'Italy', lon: 12.61, lat: 35.49, kind: 'port' };

describe('parsePlaces', () => {
  it.each([
    ['an answer', { places: [LAMPEDUSA] }, [LAMPEDUSA]],
    ['no places', {}, []],
    ['null', null, []],
    ['a place without coordinates', { places: [{ name: 'x' }] }, []],
    ['a latitude out of range', { places: [{ ...LAMPEDUSA, lat: 95 }] }, []],
    ['a name that is not text', { places: [{ ...LAMPEDUSA, name: 3 }] }, []],
    ['no kind', { places: [{ name: 'A', lon: 1, lat: 2 }] }, [{ name: 'A', country: '', country_name: '', lon: 1, lat: 2, kind: 'place' }]],
  ])('%s', (_, body, want) => {
    expect(parsePlaces(body)).toEqual(want);
  });
});

describe('search helpers', () => {
  it('asks for names with a limit', () => {
    expect(searchPath('Lampé dusa')).toBe('/places?q=Lamp%C3%A9+dusa&limit=8');
  });
  it.each([
    [-1, 3, 'ArrowDown', 0],
    [2, 3, 'ArrowDown', 0],
    [0, 3, 'ArrowUp', 2],
    [-1, 3, 'ArrowUp', 2],
    [1, 3, 'Home', 0],
    [1, 3, 'End', 2],
    [1, 0, 'ArrowDown', -1],
  ])('moves from %i of %i on %s to %i', (from, count, key, want) => {
    expect(moveActive(from, count, key)).toBe(want);
  });
  it('zooms seas wide and ports close', () => {
    expect(zoomFor('sea')).toBeLessThan(zoomFor('place'));
    expect(zoomFor('port')).toBeGreaterThan(zoomFor('place'));
  });
});

describe('createPlaceSearch', () => {
  function setup(answer: (path: string) => unknown = () => ({ places: [LAMPEDUSA, PORT] })) {
    const asked: string[] = [];
    const went: Place[] = [];
    const s = createPlaceSearch(i18n, {
      getJson: async (path) => {
        asked.push(path);
        return answer(path);
      },
      go: (p) => went.push(p),
      delayMs: 0,
    });
    document.body.replaceChildren(s.element);
    return { s, asked, went };
  }
  const type = (input: HTMLInputElement, text: string) => {
    input.focus();
    input.value = text;
    input.dispatchEvent(new Event('input'));
  };
  const key = (input: HTMLInputElement, k: string) => input.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, cancelable: true }));

  it('is a labelled search box', () => {
    const { s } = setup();
    expect(s.input.type).toBe('search');
    expect(s.element.querySelector(`label[for="${s.input.id}"]`)?.textContent).toBe('Search for a place');
    expect(s.input.getAttribute('role')).toBe('combobox');
  });

  it('lists suggestions, moves through them with the keyboard and picks with Enter', async () => {
    const { s, asked, went } = setup();
    type(s.input, 'Lamp');
    await s.idle();
    expect(asked).toEqual(['/places?q=Lamp&limit=8']);
    const options = [...s.element.querySelectorAll('[role="option"]')];
    expect(options.map((o) => o.querySelector('.place-name')?.textContent)).toEqual(['Lampedusa', 'Lampedusa port']);
    expect(s.input.getAttribute('aria-expanded')).toBe('true');
    key(s.input, 'ArrowDown');
    key(s.input, 'ArrowDown');
    expect(s.input.getAttribute('aria-activedescendant')).toBe(options[1]!.id);
    expect(options[1]!.getAttribute('aria-selected')).toBe('true');
    s.element.dispatchEvent(new Event('submit', { cancelable: true }));
    expect(went).toEqual([PORT]);
    expect(s.input.value).toBe('Lampedusa port');
    expect(s.input.getAttribute('aria-expanded')).toBe('false');
  });

  it('goes to the best match on Enter without waiting for suggestions', async () => {
    const { s, went } = setup();
    s.input.value = 'Lampedusa';
    s.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await s.idle();
    expect(went).toEqual([LAMPEDUSA]);
  });

  it('says so when nothing matches', async () => {
    const { s, went } = setup(() => ({ places: [] }));
    s.input.value = 'Xyzzy';
    s.element.dispatchEvent(new Event('submit', { cancelable: true }));
    await s.idle();
    expect(went).toEqual([]);
    expect(s.element.querySelector('[role="status"]')?.textContent).toBe('No place found for “Xyzzy”.');
  });

  it('keeps a hostile name as text', async () => {
    const { s } = setup(() => ({ places: [{ ...LAMPEDUSA, name: '<img src=x onerror=alert(1)>' }] }));
    type(s.input, 'x');
    await s.idle();
    expect(s.element.querySelector('img')).toBeNull();
    expect(s.element.querySelector('.place-name')?.textContent).toBe('<img src=x onerror=alert(1)>');
  });

  it('closes the list with Escape', async () => {
    const { s } = setup();
    type(s.input, 'Lamp');
    await s.idle();
    key(s.input, 'Escape');
    expect((s.element.querySelector('[role="listbox"]') as HTMLElement).hidden).toBe(true);
  });
});
