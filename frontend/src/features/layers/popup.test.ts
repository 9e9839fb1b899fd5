import { describe, expect, it } from 'vitest';
import type { Feature } from '../../shared/api';
import { createI18n } from '../../shared/i18n';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { buildPopup, fieldLabel, humanise, linkParts, messagePopup, safeHttpUrl } from './popup';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

function feature(properties: Record<string, unknown>): Feature {
  return { type: 'Feature', id: 'f1', geometry: { type: 'Point', coordinates: [0, 0] }, properties };
}

/** The label and value pairs of a description list. */
function rows(dl: Element | null): [string, string][] {
  expect(dl).not.toBeNull();
  return [...dl!.querySelectorAll(':scope > dt')].map((dt) => [dt.textContent!, dt.nextElementSibling!.textContent!]);
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
    expect([...tags(el)].every((t) => ['article', 'h3', 'p', 'dl', 'dt', 'dd', 'details', 'summary'].includes(t))).toBe(true);
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

  it('shows the main incident facts first and the rest under "More", each with a human label', () => {
    const el = buildPopup(i18n, 'incident', 'Incidents', feature({
      mmp_id: '2020.MMP01388',
      cause: 'Presumed drowning',
      cause_category: 'Drowning',
      dead: 3,
      missing: 1200,
      date: '2020-12-31',
      route: 'Sea crossings to Mayotte',
      location: 'Unspecified location between Comoros and Mayotte\n',
      source_quality: 4,
      geo_precision: 'approximate',
      unsd_grouping: 'Eastern Africa',
      boat_type: 'rubber',
    }), vocab);
    expect(rows(el.querySelector('dl.popup-summary'))).toEqual([
      ['Date', 'Dec 31, 2020'],
      ['Dead', '3'],
      ['Missing', '1,200'],
      ['Cause category', 'Drowning'],
      ['Route', 'Sea crossings to Mayotte'],
    ]);
    const more = el.querySelector('details.popup-more')!;
    expect(more.hasAttribute('open')).toBe(false);
    expect(more.querySelector('summary')!.textContent).toBe('More');
    expect(rows(more.querySelector('dl'))).toEqual([
      ['Cause as reported', 'Presumed drowning'],
      ['Location precision', 'approximate'],
      ['Source quality', '4 of 5'],
      ['Missing Migrants Project id', '2020.MMP01388'],
      // Not in the kind's order: by label. A field the catalogue does not know is humanised.
      ['Boat type', 'rubber'],
      ['UN statistical region', 'Eastern Africa'],
    ]);
    // The location is the title, and is not repeated.
    expect(el.querySelector('.popup-title')!.textContent).toBe('Unspecified location between Comoros and Mayotte');
    expect(el.querySelectorAll('dt[data-field="location"]')).toHaveLength(0);
  });

  it('shows a service\'s name, category, type, organisation, phone and hours first, and hides internal ids', () => {
    const el = buildPopup(i18n, 'service', 'Health facilities', feature({
      name: 'Clinique du Port', category: 'health', subtype: 'health_post', type: 'health_post', organization: 'MSF',
      phone: '+33 1 23 45 67 89', hours: 'Mo-Fr 08:00-18:00', osm_id: 123456, osm_type: 'node', unsd_grouping: 'Western Europe',
      cell: '851e8053fffffff', id: 'x1', beds: 12,
    }), vocab);
    expect(el.querySelector('.popup-title')!.textContent).toBe('Clinique du Port');
    expect(rows(el.querySelector('dl.popup-summary'))).toEqual([
      ['Category', 'Health'],
      ['Type of service', 'Health post'],
      ['Organisation', 'MSF'],
      ['Phone', '+33 1 23 45 67 89'],
      ['Opening hours', 'Mo-Fr 08:00-18:00'],
    ]);
    const more = rows(el.querySelector('details.popup-more dl'));
    expect(more).toEqual([['Beds', '12'], ['OpenStreetMap id', '123,456'], ['UN statistical region', 'Western Europe']]);
    const text = el.textContent!;
    for (const raw of ['osm_id', 'osm_type', 'unsd_grouping', 'subtype', '851e8053fffffff', 'x1']) expect(text).not.toContain(raw);
  });

  it.each([
    ['boat_type', 'Boat type'],
    ['top_next_country', 'Most named next country'],
    ['adm1', 'Province or state'],
    ['someField', 'Some field'],
    ['persons-in_groups', 'Persons in groups'],
    ['X', 'X'],
  ])('labels the field %s as "%s"', (key, label) => {
    expect(fieldLabel(i18n, key)).toBe(label);
    expect(humanise('health_post')).toBe('Health post');
  });

  it('lists no summary without facts and no "More" without other fields', () => {
    const el = buildPopup(i18n, 'area', 'Ports', feature({ name: 'Lampedusa', scalerank: 8, featurecla: 'Port' }));
    expect(el.querySelector('dl')).toBeNull();
    expect(el.querySelector('details')).toBeNull();
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
