import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { buildPopup, linkParts, messagePopup, safeHttpUrl } from './popup';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

function feature(properties: Record<string, unknown>): Feature {
  return { type: 'Feature', id: 'f1', geometry: { type: 'Point', coordinates: [0, 0] }, properties };
}

/** Every element in the tree is one the popup builder makes itself. */
function tags(el: Element): Set<string> {
  return new Set([el, ...el.querySelectorAll('*')].map((e) => e.tagName.toLowerCase()));
}

describe('details popup', () => {
  it('shows hostile strings in every position as text nodes', () => {
    const el = buildPopup(i18n, 'service', HOSTILE, feature({
      name: HOSTILE,
      category: '<script>alert(1)</script>',
      [HOSTILE]: HOSTILE,
      source: '"><svg onload=alert(2)>',
      nested: { a: HOSTILE },
      list: [HOSTILE],
    }));
    document.body.replaceChildren(el);
    expect(el.querySelector('img, script, svg, iframe')).toBeNull();
    expect([...tags(el)].every((t) => ['article', 'h3', 'p', 'dl', 'dt', 'dd'].includes(t))).toBe(true);
    expect(el.querySelector('.popup-title')!.textContent).toBe(HOSTILE);
    expect(el.textContent).toContain('<script>alert(1)</script>');
    expect(el.textContent).toContain('"><svg onload=alert(2)>');
    const dts = [...el.querySelectorAll('dt')].map((d) => d.textContent);
    expect(dts).toContain(HOSTILE);
    for (const node of el.querySelectorAll('*')) {
      for (const attr of node.getAttributeNames()) expect(attr.startsWith('on')).toBe(false);
    }
  });

  it('links only http(s) URLs, with rel=noopener, and keeps the rest as text', () => {
    const el = buildPopup(i18n, 'incident', 'Incidents', feature({
      source_url: 'javascript:alert(1), https://example.org/a?x=1&y=<b>, http://example.com/b,data:text/html,<script>x</script> vbscript:msgbox',
    }));
    const links = [...el.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.org/a?x=1&y=%3Cb%3E', 'http://example.com/b']);
    for (const a of links) {
      expect(a.rel).toContain('noopener');
      expect(a.textContent).toMatch(/^https?:/);
    }
    expect(el.textContent).toContain('javascript:alert(1)');
    expect(el.querySelector('script')).toBeNull();
  });

  it('shows incident fields in order, with the category name and the original cause', () => {
    const el = buildPopup(i18n, 'incident', 'Incidents', feature({
      mmp_id: '2020.MMP01388',
      cause: 'Presumed drowning',
      cause_category: 'Drowning',
      dead: 3,
      missing: 1200,
      date: '2020-12-31',
      location: 'Unspecified location between Comoros and Mayotte\n',
      source_quality: 4,
      geo_precision: 'approximate',
    }));
    const rows = [...el.querySelectorAll('dt')].map((dt) => [dt.textContent, dt.nextElementSibling!.textContent]);
    expect(rows).toEqual([
      ['Date', 'Dec 31, 2020'],
      ['Dead', '3'],
      ['Missing', '1,200'],
      ['Cause category', 'Drowning'],
      ['Cause as reported', 'Presumed drowning'],
      ['Location', 'Unspecified location between Comoros and Mayotte'],
      ['Location precision', 'approximate'],
      ['Source quality', '4 of 5'],
      ['Missing Migrants Project id', '2020.MMP01388'],
    ]);
    expect(el.querySelector('.popup-title')!.textContent).toBe('Unspecified location between Comoros and Mayotte');
  });

  it('says that an approximate route is schematic', () => {
    const el = buildPopup(i18n, 'route', 'Routes', feature({ name: 'Darien', approximate: true, mode: 'jungle' }));
    expect(el.querySelector('.popup-note')!.textContent).toMatch(/Approximate/);
    expect(el.textContent).toContain('Yes');
  });

  it('falls back to the kind as title and skips empty values', () => {
    const el = buildPopup(i18n, 'incident', 'Incidents', { type: 'Feature', geometry: null, properties: null });
    expect(el.querySelector('.popup-title')!.textContent).toBe('Incident');
    expect(el.querySelectorAll('dt')).toHaveLength(0);
    const el2 = buildPopup(i18n, 'service', 'S', feature({ name: '', phone: null }));
    expect(el2.querySelectorAll('dt')).toHaveLength(0);
  });

  it('shows a message popup as text', () => {
    expect(messagePopup(HOSTILE).textContent).toBe(HOSTILE);
    expect(messagePopup(HOSTILE).children).toHaveLength(0);
  });
});

describe('URL checks', () => {
  it.each([
    ['https://example.org/x', 'https://example.org/x'],
    ['HTTP://EXAMPLE.ORG', 'http://example.org/'],
    ['javascript:alert(1)', null],
    [' https://example.org', null],
    ['//example.org/x', null],
    ['data:text/html,hi', null],
    ['https://', null],
    ['ftp://example.org', null],
  ])('%s → %s', (input, want) => {
    expect(safeHttpUrl(input)).toBe(want);
  });

  it('splits several URLs separated by commas or spaces', () => {
    expect(linkParts('https://a.org/1, https://b.org/2 javascript:x')).toEqual([
      { text: 'https://a.org/1', href: 'https://a.org/1' },
      { text: 'https://b.org/2', href: 'https://b.org/2' },
      { text: 'javascript:x' },
    ]);
    expect(linkParts(42)).toEqual([]);
  });
});
