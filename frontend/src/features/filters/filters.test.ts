import { afterEach, describe, expect, it, vi } from 'vitest';
import { COARSE_PRECISION, DRAW_PRECISION, FINE_FROM_ZOOM, MEDIUM_FROM_ZOOM, MEDIUM_PRECISION, createFilterControls, datetimeParam, debounce, drawPrecision, featureParams, filterKey, followsZoom, mergeValues, normaliseDates } from './filters';
import { createI18n } from '../../shared/i18n';
import { emptyFilters, type Filters } from '../../shared/urlstate';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';

const all: Filters = {
  from: '2020-01-01',
  to: '2021-12-31',
  route: 'Central Mediterranean',
  cause: 'Drowning',
  category: 'health',
};

const schema = (...names: string[]) => names.map((name) => ({ name }));
const incidents = { kind: 'incident' as const, time_property: 'date', schema: schema('date', 'dead', 'missing', 'cause', 'cause_category', 'route', 'location') };
const routes = { kind: 'route' as const, schema: schema('name', 'mode', 'approximate', 'source') };
const services = { kind: 'service' as const, schema: schema('name', 'category', 'country') };
const events = { kind: 'event' as const, time_property: 'date', schema: schema('date', 'event_type', 'fatalities', 'actor1', 'notes') };

describe('feature query parameters', () => {
  it('sends incidents the date range, route and cause, and asks only for what is drawn', () => {
    const q = featureParams(incidents, all);
    expect(Object.fromEntries(q)).toEqual({
      datetime: '2020-01-01/2021-12-31',
      route: 'Central Mediterranean',
      cause: 'Drowning',
      properties: 'dead,missing',
      precision: '4',
      limit: '50000',
    });
  });

  it('sends routes only the route', () => {
    expect(Object.fromEntries(featureParams(routes, all))).toEqual({
      route: 'Central Mediterranean',
      properties: 'name,approximate',
      precision: '4',
      limit: '50000',
    });
  });

  it('sends services only the category', () => {
    const q = featureParams(services, all);
    expect(q.get('category')).toBe('health');
    expect(q.has('route') || q.has('cause') || q.has('datetime')).toBe(false);
  });

  it('sends context events only the date range, and asks only for their date', () => {
    expect(Object.fromEntries(featureParams(events, all))).toEqual({
      datetime: '2020-01-01/2021-12-31',
      properties: 'date',
      precision: '4',
      limit: '50000',
    });
    // Points of a public layer: fewer decimals at low zooms, as incidents and services.
    expect(drawPrecision(events, 2)).toBe(COARSE_PRECISION);
    expect(drawPrecision({ ...events, sensitivity: 'restricted' }, 2)).toBe(DRAW_PRECISION);
  });

  it('sends no filter when none is set', () => {
    const q = featureParams(incidents, emptyFilters());
    expect([...q.keys()]).toEqual(['properties', 'precision', 'limit']);
  });

  it('encodes values safely in the query string', () => {
    const q = featureParams(incidents, { ...emptyFilters(), route: 'a&b=c/d e' });
    expect(q.toString()).toContain('route=a%26b%3Dc%2Fd+e');
    expect(new URLSearchParams(q.toString()).get('route')).toBe('a&b=c/d e');
  });

  it('keys layers by the filters that apply to them', () => {
    expect(filterKey(services, all)).toBe(filterKey(services, { ...all, cause: '' }));
    expect(filterKey(incidents, all)).not.toBe(filterKey(incidents, { ...all, cause: '' }));
  });

  it('sends the whole map zoom to restricted layers only, and keys them without it', () => {
    const restricted = { ...incidents, sensitivity: 'restricted' };
    expect(featureParams(restricted, all, 6).get('zoom')).toBe('6');
    expect(featureParams(restricted, all, 5.7).get('zoom')).toBe('5');
    expect(featureParams(restricted, all).has('zoom')).toBe(false);
    expect(featureParams(restricted, all, NaN).has('zoom')).toBe(false);
    for (const layer of [incidents, { ...incidents, sensitivity: 'public' }, routes, services, { ...services, sensitivity: '' }]) {
      expect(featureParams(layer, all, 6).has('zoom')).toBe(false);
      expect(featureParams(layer, all, 6).has('resolution')).toBe(false);
    }
    expect(featureParams({ ...services, sensitivity: 'restricted' }, all, 9).get('zoom')).toBe('9');
    expect(filterKey(restricted, all)).not.toContain('zoom');
  });

  it('asks the points of public layers with fewer decimals at lower zooms, and keys layers without the precision', () => {
    const publicServices = { ...services, sensitivity: 'public' };
    expect(featureParams(publicServices, all, 2).get('precision')).toBe(String(COARSE_PRECISION));
    expect(featureParams(publicServices, all, MEDIUM_FROM_ZOOM - 0.5).get('precision')).toBe(String(COARSE_PRECISION));
    expect(featureParams(publicServices, all, MEDIUM_FROM_ZOOM).get('precision')).toBe(String(MEDIUM_PRECISION));
    expect(featureParams(publicServices, all, FINE_FROM_ZOOM - 0.5).get('precision')).toBe(String(MEDIUM_PRECISION));
    expect(featureParams(publicServices, all, FINE_FROM_ZOOM).get('precision')).toBe(String(DRAW_PRECISION));
    expect(featureParams(publicServices, all).get('precision')).toBe(String(DRAW_PRECISION));
    expect(featureParams(publicServices, all, NaN).get('precision')).toBe(String(DRAW_PRECISION));
    // Lines, areas and restricted layers keep every decimal at every zoom.
    for (const layer of [routes, { kind: 'area' as const, schema: [] }, { ...incidents, sensitivity: 'restricted' }, { ...services, sensitivity: 'restricted' }]) {
      expect(drawPrecision(layer, 2)).toBe(DRAW_PRECISION);
      expect(followsZoom(layer)).toBe(false);
    }
    expect(followsZoom(publicServices)).toBe(true);
    expect(filterKey(publicServices, all)).not.toContain('precision');
  });

  it('asks only for properties the layer has, and for a date range only when it has a time property', () => {
    const bare = { kind: 'incident' as const, schema: schema('missing', 'location') };
    const q = featureParams(bare, all);
    expect(q.get('properties')).toBe('missing');
    expect(q.has('datetime')).toBe(false);
    expect(q.get('cause')).toBe('Drowning');
    expect(featureParams({ kind: 'area', schema: [] }, all).has('properties')).toBe(false);
    expect(featureParams({ kind: 'route' }, all).has('properties')).toBe(false);
  });
});

describe('datetime parameter', () => {
  it.each([
    ['2020-01-01', '2021-12-31', '2020-01-01/2021-12-31'],
    ['2020-01-01', '', '2020-01-01/..'],
    ['', '2021-12-31', '../2021-12-31'],
    ['', '', ''],
    ['2020-02-31', 'bad', ''],
  ])('%s – %s → %s', (from, to, want) => {
    expect(datetimeParam(from, to)).toBe(want);
  });

  it('swaps a reversed range', () => {
    const r = normaliseDates({ ...emptyFilters(), from: '2022-01-01', to: '2020-01-01' });
    expect(r.swapped).toBe(true);
    expect([r.filters.from, r.filters.to]).toEqual(['2020-01-01', '2022-01-01']);
    expect(normaliseDates(all).swapped).toBe(false);
  });
});

describe('mergeValues', () => {
  it('adds counts of the same value, drops empty values and sorts by name', () => {
    const merged = mergeValues(
      [
        [{ value: 'b', count: 2 }, { value: '', count: 9 }],
        [{ value: 'a', count: 1 }, { value: 'b', count: 3 }],
      ],
      'en',
    );
    expect(merged).toEqual([{ value: 'a', count: 1 }, { value: 'b', count: 5 }]);
  });
});

describe('debounce', () => {
  afterEach(() => vi.useRealTimers());
  it('runs once after a burst', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    const d = debounce(fn, 250);
    d(1);
    d(2);
    vi.advanceTimersByTime(200);
    d(3);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(250);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(fn).toHaveBeenCalledWith(3);
  });
});

describe('filter controls', () => {
  const i18n = createI18n();

  it('labels every control and reports edits', () => {
    const changes: Filters[] = [];
    const c = createFilterControls(i18n, vocab, (f) => changes.push(f), () => {});
    document.body.replaceChildren(c.element);
    for (const el of c.element.querySelectorAll('input, select')) {
      expect(document.querySelector(`label[for="${el.id}"]`)?.textContent).toBeTruthy();
    }
    const cause = c.element.querySelector<HTMLSelectElement>('#filter-cause')!;
    expect([...cause.options].map((o) => o.textContent)).toContain('Vehicle accident / death linked to hazardous transport');
    cause.value = 'Drowning';
    cause.dispatchEvent(new Event('change'));
    expect(changes).toEqual([{ ...emptyFilters(), cause: 'Drowning' }]);
  });

  it('shows filters from a URL, even a route the list does not have, as text', () => {
    const c = createFilterControls(i18n, vocab, () => {}, () => {});
    c.setRoutes([{ value: 'Central Mediterranean', count: 1659 }]);
    c.set({ ...emptyFilters(), route: '<img src=x onerror=alert(1)>' });
    expect(c.get().route).toBe('<img src=x onerror=alert(1)>');
    expect(c.element.querySelector('img')).toBeNull();
    const opts = [...c.element.querySelectorAll<HTMLOptionElement>('#filter-route option')].map((o) => o.textContent);
    expect(opts).toEqual(['All routes', 'Central Mediterranean (1,659)', '<img src=x onerror=alert(1)>']);
  });

  it('labels service categories from the catalogue', () => {
    const c = createFilterControls(i18n, vocab, () => {}, () => {});
    c.setCategories([{ value: 'wash', count: 3 }, { value: 'other-thing', count: 1 }]);
    const opts = [...c.element.querySelectorAll<HTMLOptionElement>('#filter-category option')].map((o) => o.textContent);
    expect(opts).toEqual(['All categories', 'Water, sanitation and hygiene (3)', 'other-thing (1)']);
  });
  it('counts the causes, keeping the choice; a cause without a count shows none', () => {
    const c = createFilterControls(i18n, vocab, () => {}, () => {});
    c.set({ ...emptyFilters(), cause: 'Violence' });
    c.setCauses([{ value: 'Drowning', count: 1200 }]);
    const cause = c.element.querySelector<HTMLSelectElement>('#filter-cause')!;
    expect(cause.value).toBe('Violence');
    const opts = [...cause.options].map((o) => o.textContent);
    expect(opts).toContain('Drowning (1,200)');
    expect(opts).toContain('Violence');
    c.setCauses(null);
    expect([...cause.options].map((o) => o.textContent)).toContain('Drowning');
  });

  it('offers "Zoom to results" when asked for', () => {
    let zoomed = 0;
    const without = createFilterControls(i18n, vocab, () => {}, () => {});
    expect(without.element.querySelector('#filter-zoom')).toBeNull();
    const c = createFilterControls(i18n, vocab, () => {}, () => {}, () => zoomed++);
    const button = c.element.querySelector<HTMLButtonElement>('#filter-zoom')!;
    expect(button.textContent).toBe('Zoom to results');
    button.click();
    expect(zoomed).toBe(1);
  });
});
