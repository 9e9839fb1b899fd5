import { describe, expect, it, vi } from 'vitest';
import { el, isSafeUrlAttribute, options, svg } from './dom';

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=1</script>',
  '</p><a href="javascript:alert(1)">x</a>',
  '&lt;b&gt;&amp;',
];

describe('el', () => {
  it('builds an element with attributes, children and text', () => {
    const b = el('button', { class: 'x y', type: 'button', 'aria-label': 'Close', 'data-id': 7 }, 'Close it');
    expect(b.tagName).toBe('BUTTON');
    expect(b.className).toBe('x y');
    expect(b.getAttribute('type')).toBe('button');
    expect(b.getAttribute('aria-label')).toBe('Close');
    expect(b.dataset.id).toBe('7');
    expect(b.textContent).toBe('Close it');
    const p = el('p', null, ['a', el('strong', null, 'b'), 3, null, undefined, false, 'c']);
    expect(p.textContent).toBe('ab3c');
    expect(p.querySelector('strong')?.textContent).toBe('b');
  });

  it('writes true as an empty attribute and leaves out false, null and undefined', () => {
    const i = el('input', { required: true, disabled: false, placeholder: null, title: undefined });
    expect(i.getAttribute('required')).toBe('');
    expect(i.hasAttribute('disabled')).toBe(false);
    expect(i.hasAttribute('placeholder')).toBe(false);
    expect(i.hasAttribute('title')).toBe(false);
  });

  it('adds on<event> handlers with addEventListener and refuses handler strings', () => {
    const fn = vi.fn();
    const b = el('button', { onclick: fn });
    expect(b.hasAttribute('onclick')).toBe(false);
    b.click();
    expect(fn).toHaveBeenCalledTimes(1);
    expect(() => el('button', { onclick: 'alert(1)' })).toThrow(TypeError);
  });

  it('sets value and checked as properties, after the options', () => {
    const s = el('select', { value: 'b' }, options([{ value: 'a', label: 'A' }, { value: 'b', label: 'B' }]));
    expect(s.value).toBe('b');
    const c = el('input', { type: 'checkbox', checked: true });
    expect(c.checked).toBe(true);
    const t = el('input', { value: HOSTILE[0] });
    expect(t.value).toBe(HOSTILE[0]);
  });

  it.each(HOSTILE)('keeps a hostile string as text: %s', (s) => {
    const host = el('div', null, [el('p', { title: s, 'data-x': s }, s), s]);
    document.body.append(host);
    expect(host.querySelectorAll('img, script, a').length).toBe(0);
    expect(host.querySelector('p')!.textContent).toBe(s);
    expect(host.querySelector('p')!.getAttribute('title')).toBe(s);
    expect(host.textContent).toBe(s + s);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    const o = options([{ value: s, label: s }])[0]!;
    expect(o.value).toBe(s);
    expect(o.textContent).toBe(s);
    expect(o.children.length).toBe(0);
    host.remove();
  });

  it('refuses script URLs in href and src', () => {
    expect(el('a', { href: 'javascript:alert(1)' }).hasAttribute('href')).toBe(false);
    expect(el('a', { href: ' JaVa\tScRiPt:alert(1)' }).hasAttribute('href')).toBe(false);
    expect(el('img', { src: 'vbscript:x' }).hasAttribute('src')).toBe(false);
    expect(el('a', { href: 'https://example.org/?q=<b>' }).getAttribute('href')).toBe('https://example.org/?q=<b>');
    expect(el('a', { href: './upload.html' }).getAttribute('href')).toBe('./upload.html');
    expect(isSafeUrlAttribute('/api/v1/render.png')).toBe(true);
  });
});

describe('svg', () => {
  it('builds SVG elements in the SVG namespace, text as text', () => {
    const s = svg('svg', { viewBox: '0 0 10 10', role: 'img' }, [svg('rect', { x: 1, y: 2, width: 3, height: 4 }), svg('text', null, HOSTILE[1])]);
    expect(s.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(s.getAttribute('viewBox')).toBe('0 0 10 10');
    expect(s.querySelector('rect')!.getAttribute('height')).toBe('4');
    expect(s.querySelector('text')!.textContent).toBe(HOSTILE[1]);
    expect(s.querySelector('script')).toBeNull();
  });
});
