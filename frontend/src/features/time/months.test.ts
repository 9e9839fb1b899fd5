import { describe, expect, it } from 'vitest';
import { emptyFilters } from '../../shared/urlstate';
import {
  chartBars, filtersAtIndex, mergeSeries, monthOfFilters, monthRange, monthSelected, monthsParams, nextIndex, parseMonths,
  sliderIndex, valuesParams,
} from './months';

const MONTHS = ['2023-01', '2023-02', '2023-03'];

describe('reading a monthly series', () => {
  it('keeps months and counts, withheld counts as null, sorted', () => {
    const s = parseMonths({
      layer: 'incidents',
      months: [
        { month: '2023-02', incidents: null, dead: null, missing: 0 },
        { month: '2023-01', incidents: 5, dead: 10, missing: 5 },
        { month: '2023-13', incidents: 5, dead: 1, missing: 1 },
        { month: 'soon', incidents: 5 },
        'x',
      ],
      data_through: '2023-02',
      caveats: ['minimum estimates', 3],
    });
    expect(s.months).toEqual([
      { month: '2023-01', incidents: 5, dead: 10, missing: 5 },
      { month: '2023-02', incidents: null, dead: null, missing: 0 },
    ]);
    expect(s.dataThrough).toBe('2023-02');
    expect(s.caveats).toEqual(['minimum estimates']);
  });

  it.each([['text', 'x'], ['null', null], ['months not a list', { months: {} }]])('reads %s as an empty series', (_, body) => {
    expect(parseMonths(body)).toEqual({ months: [], dataThrough: '', caveats: [] });
  });

  it('merges layers month by month; a withheld count withholds the sum', () => {
    const a = parseMonths({ months: [{ month: '2023-01', incidents: 5, dead: 5, missing: 0 }, { month: '2023-02', incidents: 10, dead: 10, missing: 0 }], data_through: '2023-02-03', caveats: ['c'] });
    const b = parseMonths({ months: [{ month: '2023-02', incidents: null, dead: null, missing: 0 }, { month: '2023-03', incidents: 5, dead: 0, missing: 5 }], data_through: '2023-03-31', caveats: ['c', 'd'] });
    expect(mergeSeries([a, b])).toEqual({
      months: [
        { month: '2023-01', incidents: 5, dead: 5, missing: 0 },
        { month: '2023-02', incidents: null, dead: null, missing: 0 },
        { month: '2023-03', incidents: 5, dead: 0, missing: 5 },
      ],
      dataThrough: '2023-03-31',
      caveats: ['c', 'd'],
    });
  });
});

describe('the slider over the months', () => {
  it.each([
    ['2023-02', '2023-02-01', '2023-02-28'],
    ['2024-02', '2024-02-01', '2024-02-29'],
    ['2023-12', '2023-12-01', '2023-12-31'],
  ])('month %s runs from %s to %s', (month, from, to) => {
    expect(monthRange(month)).toEqual({ from, to });
  });

  it.each([
    ['a whole month', '2023-02-01', '2023-02-28', '2023-02'],
    ['a month short of its last day', '2023-02-01', '2023-02-27', null],
    ['two months', '2023-01-01', '2023-02-28', null],
    ['an open range', '2023-02-01', '', null],
    ['no dates', '', '', null],
  ])('%s is %s', (_, from, to, want) => {
    expect(monthOfFilters({ from, to })).toBe(want);
  });

  it.each([
    ['no date filter', '', '', 0],
    ['the second month', '2023-02-01', '2023-02-28', 2],
    ['a month outside the span', '2022-02-01', '2022-02-28', 0],
    ['a range that is not one month', '2023-01-01', '2023-02-28', 0],
  ])('position for %s is %i', (_, from, to, want) => {
    expect(sliderIndex(MONTHS, { from, to })).toBe(want);
  });

  it('a position is the date filter of its month, and 0 none; other filters stay', () => {
    const f = { ...emptyFilters(), route: 'Central Mediterranean', from: '2020-01-01' };
    expect(filtersAtIndex(MONTHS, 3, f)).toEqual({ ...f, from: '2023-03-01', to: '2023-03-31' });
    expect(filtersAtIndex(MONTHS, 0, f)).toEqual({ ...f, from: '', to: '' });
    expect(filtersAtIndex(MONTHS, 99, f)).toEqual({ ...f, from: '2023-03-01', to: '2023-03-31' });
    for (let i = 0; i <= MONTHS.length; i++) expect(sliderIndex(MONTHS, filtersAtIndex(MONTHS, i, f))).toBe(i);
  });

  it.each([[0, 1], [1, 2], [2, 3], [3, null], [-1, 1]])('playing from %i goes to %s', (from, want) => {
    expect(nextIndex(from, MONTHS.length)).toBe(want);
  });

  it.each([
    ['no date filter', '', '', false],
    ['the month itself', '2023-02-01', '2023-02-28', true],
    ['a range ending in it', '2022-12-01', '2023-02-03', true],
    ['a range from after it', '2023-03-01', '', false],
    ['a range up to before it', '', '2023-01-31', false],
  ])('February 2023 is marked for %s: %s', (_, from, to, want) => {
    expect(monthSelected('2023-02', { from, to })).toBe(want);
  });
});

describe('queries', () => {
  const f = { ...emptyFilters(), from: '2023-02-01', to: '2023-02-28', route: 'Central Mediterranean', cause: 'Drowning', category: 'health' };

  it('the series follows route and cause, not the dates (the chart marks them)', () => {
    expect(monthsParams(f).toString()).toBe('route=Central+Mediterranean&cause=Drowning');
    expect(monthsParams(emptyFilters()).toString()).toBe('');
  });

  it('a menu counts under every filter but its own', () => {
    expect(valuesParams(f, 'route', true).toString()).toBe('datetime=2023-02-01%2F2023-02-28&cause=Drowning');
    expect(valuesParams(f, 'cause', true).toString()).toBe('datetime=2023-02-01%2F2023-02-28&route=Central+Mediterranean');
    expect(valuesParams(f, 'cause', false).toString()).toBe('route=Central+Mediterranean');
  });
});

describe('the chart', () => {
  it('scales dead under missing to the tallest month, withheld months marked', () => {
    const bars = chartBars([
      { month: '2023-01', incidents: 10, dead: 30, missing: 10 },
      { month: '2023-02', incidents: 5, dead: 10, missing: 0 },
      { month: '2023-03', incidents: null, dead: null, missing: 0 },
      { month: '2023-04', incidents: 0, dead: 0, missing: 0 },
    ], 60);
    expect(bars).toEqual([
      { month: '2023-01', dead: 45, missing: 15, withheld: false },
      { month: '2023-02', dead: 15, missing: 0, withheld: false },
      { month: '2023-03', dead: 0, missing: 0, withheld: true },
      { month: '2023-04', dead: 0, missing: 0, withheld: false },
    ]);
  });

  it('draws nothing tall when every month is zero', () => {
    expect(chartBars([{ month: '2023-01', incidents: 0, dead: 0, missing: 0 }], 60)).toEqual([{ month: '2023-01', dead: 0, missing: 0, withheld: false }]);
  });
});
