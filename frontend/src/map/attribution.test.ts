import { describe, expect, it } from 'vitest';
import { escapeHtml, sourceAttribution } from './attribution';

describe('attribution', () => {
  it('escapes markup characters', () => {
    expect(escapeHtml(`<img src=x onerror="alert('1')">&`)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;');
  });

  it('links http(s) sources and escapes the text and the URL', () => {
    const html = sourceAttribution({ name: 'n', url: 'https://example.org/?a=1&b="x"', license: 'CC BY 4.0', attribution: '© <IOM>' });
    expect(html).toBe('<a href="https://example.org/?a=1&amp;b=%22x%22" rel="noopener noreferrer" target="_blank">© &lt;IOM&gt;</a>');
  });

  it('never links other schemes, and parses to text only', () => {
    const html = sourceAttribution({ name: '<script>alert(1)</script>', url: 'javascript:alert(1)', license: '', attribution: '' });
    const host = document.createElement('div');
    // Leaflet's attribution control parses its strings as markup: prove what that parse yields.
    host.append(new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body.firstChild ?? '');
    expect(host.querySelector('script, a')).toBeNull();
    expect(host.textContent).toBe('<script>alert(1)</script>');
  });

  it('gives nothing for a source without a name', () => {
    expect(sourceAttribution({ name: ' ', license: 'x', attribution: '' })).toBe('');
  });
});
