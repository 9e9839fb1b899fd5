import { describe, expect, it } from 'vitest';
import { escapeAttribute, iframeSnippet } from './snippet';

/** Parses a snippet as a browser would and returns its elements. */
function parse(html: string): Element[] {
  const doc = new DOMParser().parseFromString(`<!doctype html><body>${html}</body>`, 'text/html');
  return [...doc.body.querySelectorAll('*')];
}

const HOSTILE = [
  '"><script>alert(1)</script>',
  "' onload='alert(1)",
  '" onload="alert(1)" x="',
  '</iframe><img src=x onerror=alert(1)>',
  '&quot;&amp;lt; already escaped',
  'tab\tnew\nline\rreturn',
  'nul\u0000 and bell\u0007',
  'lone \uD800 surrogate',
  'emoji 🗺️ and Ünïcödé',
];

describe('attribute escaping', () => {
  it('escapes the characters that end or open markup', () => {
    expect(escapeAttribute(`a&b"c'd<e>f`)).toBe('a&amp;b&quot;c&#39;d&lt;e&gt;f');
    expect(escapeAttribute('"><script>')).toBe('&quot;&gt;&lt;script&gt;');
    expect(escapeAttribute('&amp;')).toBe('&amp;amp;');
  });

  it('keeps the snippet on one line and drops control characters', () => {
    expect(escapeAttribute('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
    expect(escapeAttribute('a\u0000b\u0007c\u007f')).toBe('abc');
    expect(escapeAttribute('x\uD800y')).toBe('x\uFFFDy');
    expect(escapeAttribute('🗺️')).toBe('🗺️');
  });
});

describe('iframe snippet', () => {
  it('writes the iframe with its fixed attributes', () => {
    expect(iframeSnippet({ src: 'https://rr.example.org/embed?bbox=1,2,3,4&layers=routes', width: 800, height: 500, title: 'Routes' })).toBe(
      '<iframe src="https://rr.example.org/embed?bbox=1,2,3,4&amp;layers=routes" width="800" height="500" style="border:0" loading="lazy" '
      + 'title="Routes" referrerpolicy="strict-origin-when-cross-origin"></iframe>',
    );
  });

  it('clamps the size into 200–4000 pixels', () => {
    const html = iframeSnippet({ src: 'https://x/embed', width: 12, height: 99999.7, title: 't' });
    expect(html).toContain('width="200" height="4000"');
    expect(iframeSnippet({ src: 'https://x/embed', width: NaN, height: NaN, title: 't' })).toContain('width="800" height="500"');
  });

  it.each(HOSTILE)('parses back to one iframe holding the hostile title %j as its value', (title) => {
    const src = `https://rr.example.org/embed?${new URLSearchParams({ title }).toString()}&x="'<>`;
    const elements = parse(iframeSnippet({ src, width: 640, height: 480, title }));
    expect(elements.map((e) => e.tagName)).toEqual(['IFRAME']);
    const iframe = elements[0]!;
    expect(iframe.getAttributeNames().sort()).toEqual(['height', 'loading', 'referrerpolicy', 'src', 'style', 'title', 'width']);
    // What the browser reads is the text given, less dropped control characters.
    const expected = title.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '').replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/g, '\uFFFD');
    expect(iframe.getAttribute('title')).toBe(expected);
    expect(iframe.getAttribute('src')).toBe(src);
  });
});
