import { describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { buildExposureChart, buildExposureTable, createExposurePanel, exposureYears, readExposure } from './exposure';
import { BACKTEST_PATH, BACKTEST_URL, backtestFigures, createMethodPanel, METHOD_DOC } from './method';
import routes2023 from './testdata/routes-2023.json';

const i18n = createI18n();

describe('reading /risk/routes', () => {
  it('reads the served 2023 answer: the Central Mediterranean rate, its series, cross-checks and months', () => {
    const a = readExposure(routes2023);
    expect(a.year).toBe(2023);
    const cm = a.routes.find((r) => r.route === 'Central Mediterranean')!;
    expect(cm.dead! + cm.missing!).toBe(2530);
    expect(cm.crossings).toBe(158026);
    expect(cm.per1000).toBeCloseTo(16.0, 1);
    expect(cm.source!.name).toBe('Frontex detections of illegal border crossings');
    expect(cm.source!.counts).toMatch(/not people/);
    expect(cm.crossChecks[0]!.label).toBe('arrivals in Italy and Malta');
    expect(cm.months).toHaveLength(12);
    const afg = a.routes.find((r) => r.route === 'Afghanistan to Iran')!;
    expect(afg.per1000).toBeNull();
    expect(afg.source).toBeNull();
    expect(afg.reason).toBe('no public count of crossings for this route is bundled or uploaded');
    expect(a.caveats.some((c) => c.includes('not people'))).toBe(true);
  });

  it.each([
    ['not an object', 'x', { year: null, routes: [], caveats: [] }],
    ['routes not a list', { year: 2023, routes: {}, caveats: 'no' }, { year: 2023, routes: [], caveats: [] }],
    ['a route without a name, negative and text counts, a bad month', {
      year: 2023.5,
      routes: [{ route: '' }, { route: 'R', dead: -1, missing: '3', crossings: 10, per_1000: Infinity, months: [{ month: '2023-13' }, { month: '2023-02', dead: 1 }] }],
    }, {
      year: null,
      routes: [{
        route: 'R', dead: null, missing: null, crossings: 10, source: null, per1000: null, reason: '', crossChecks: [],
        months: [{ month: '2023-02', dead: 1, missing: null, crossings: null, per1000: null }],
      }],
      caveats: [],
    }],
  ])('survives %s', (_name, json, want) => {
    expect(readExposure(json)).toEqual(want);
  });
});

describe('an uploaded exposure series', () => {
  const uploaded = {
    year: 2023,
    routes: [{
      route: 'Central Mediterranean', dead: 2527, missing: 0, crossings: 120000, per_1000: 21.06,
      crossings_source: { id: 'crossings-cm', name: 'Central Med detections', counts: 'detections', source: 'Test agency <b>', license: 'CC BY 4.0' },
      crossings_layer: { id: 'crossings-cm', version: 3 }, months: [],
    }, {
      route: 'Darien', dead: 10, missing: 0, crossings: 5000, per_1000: 2,
      crossings_source: { name: 'Bundled' }, crossings_layer: { id: '', version: 'x' }, months: [],
    }],
    caveats: [],
  };

  it('reads crossings_layer and the source, and ignores a malformed layer', () => {
    const a = readExposure(uploaded);
    expect(a.routes[0]!.source).toMatchObject({ name: 'Central Med detections', origin: 'Test agency <b>', layer: { id: 'crossings-cm', version: 3 } });
    expect(a.routes[1]!.source!.layer).toBeNull();
  });

  it('names the uploaded layer, its version and source under the route, as text', () => {
    const table = buildExposureTable(i18n, readExposure(uploaded).routes, 5);
    const cm = table.querySelector('tbody[data-route="Central Mediterranean"] tr.exposure-denominator')!;
    expect(cm.querySelector('.exposure-source')!.textContent).toBe('Denominator: Central Med detections');
    expect(cm.querySelector('.exposure-layer')!.textContent).toBe('Uploaded series: layer crossings-cm, version 3');
    expect(cm.querySelector('.exposure-origin')!.textContent).toBe('Source: Test agency <b>');
    expect(cm.querySelector('b')).toBeNull();
    expect(table.querySelector('tbody[data-route="Darien"] .exposure-layer')).toBeNull();
  });
});

describe('the exposure table and chart', () => {
  const a = readExposure(routes2023);

  it('lists routes with a rate first, with the denominator; a route without one gives the API reason', () => {
    const table = buildExposureTable(i18n, a.routes, 5);
    const groups = [...table.querySelectorAll('tbody')];
    const rows = groups.map((g) => [...g.querySelector('tr.exposure-figures')!.children].map((c) => c.textContent));
    const below = groups.map((g) => g.querySelector('tr.exposure-denominator')!.textContent);
    expect(rows.map((r) => r[0])).toEqual(['Central Mediterranean', 'Belarus-EU border', 'Darien', 'Afghanistan to Iran']);
    expect(groups.map((g) => g.dataset.route)).toEqual(rows.map((r) => r[0]));
    expect(rows[0]!.slice(1)).toEqual(['2,530', '158,026', '16']);
    expect(below[0]).toContain('Denominator: Frontex detections of illegal border crossings');
    expect(below[0]).toContain('Cross-check, arrivals in Italy and Malta: 16 per 1,000');
    // Belarus: missing suppressed at the public tier, so no sum that would read as a count.
    expect(rows[1]![1]).toBe('40 + fewer than 5');
    expect(rows[2]![3]).toBe('0.1');
    expect(rows[3]!.slice(2)).toEqual(['–', 'no rate']);
    expect(below[3]).toBe('no public count of crossings for this route is bundled or uploaded');
    expect(groups[0]!.querySelector<HTMLTableCellElement>('tr.exposure-denominator td')!.colSpan).toBe(4);
  });

  it('draws one bar per month with a rate, a grey tick where there is none, and the same numbers in a table', () => {
    const cm = a.routes.find((r) => r.route === 'Central Mediterranean')!;
    const fig = buildExposureChart(i18n, cm, 5);
    expect(fig.querySelector('figcaption')!.textContent).toBe('Per 1,000 crossings, month by month: Central Mediterranean');
    const bars = [...fig.querySelectorAll('rect.bar')];
    expect(bars).toHaveLength(cm.months.filter((m) => m.per1000 !== null).length);
    const feb = fig.querySelector('rect[data-month="2023-02"]')!;
    expect(feb.querySelector('title')!.textContent).toBe('Feb 2023: 23.8 per 1,000 (225 dead and missing, 9,466 crossings)');
    const heights = bars.map((b) => Number(b.getAttribute('height')));
    expect(Math.max(...heights)).toBe(90);
    expect(fig.querySelectorAll('table tbody tr')).toHaveLength(12);
    const darien = buildExposureChart(i18n, a.routes.find((r) => r.route === 'Darien')!, 5);
    expect(darien.querySelector('rect.bar-none[data-month="2023-01"]')).not.toBeNull();
  });

  it('shows hostile text as text', () => {
    const hostile = readExposure({
      routes: [{ route: '<img src=x onerror=alert(1)>', reason: '<script>alert(1)</script>', months: [{ month: '2023-01', per_1000: 1 }] }],
    });
    document.body.replaceChildren(buildExposureTable(i18n, hostile.routes), buildExposureChart(i18n, hostile.routes[0]!));
    expect(document.querySelector('img, script')).toBeNull();
    expect(document.body.textContent).toContain('<script>alert(1)</script>');
  });
});

describe('the exposure panel', () => {
  it('loads the year when first opened, says detections are not people, shows the caveats, and follows the year', async () => {
    const asked: string[] = [];
    const panel = createExposurePanel(i18n, {
      getJson: async (path) => {
        asked.push(path);
        return path.endsWith('2023') ? routes2023 : { year: 2013, routes: [{ route: 'Afghanistan to Iran', per_1000: null, reason: 'none bundled' }], caveats: [] };
      },
      years: [2013, 2023], year: 2023, minCount: 5, onError: () => {},
    });
    document.body.replaceChildren(panel.element);
    expect(asked).toEqual([]);
    const details = panel.element.querySelector('details')!;
    details.open = true;
    details.dispatchEvent(new Event('toggle'));
    await new Promise((r) => setTimeout(r, 0));
    expect(asked).toEqual(['risk/routes?year=2023']);
    expect(panel.element.dataset.status).toBe('ready');
    expect(panel.element.querySelector('.exposure-note')!.textContent).toMatch(/^Detections are not people/);
    expect(panel.element.querySelectorAll('.caveat-list li').length).toBe(5);
    // The chart shows the route with the most crossings counted.
    expect(panel.element.querySelector<HTMLElement>('figure.exposure-chart')!.dataset.route).toBe('Darien');
    const route = panel.element.querySelector<HTMLSelectElement>('#exposure-route')!;
    route.value = 'Central Mediterranean';
    route.dispatchEvent(new Event('change'));
    expect(panel.element.querySelector<HTMLElement>('figure.exposure-chart')!.dataset.route).toBe('Central Mediterranean');

    await panel.show(2013);
    expect(asked.at(-1)).toBe('risk/routes?year=2013');
    expect(panel.element.querySelector('.exposure-message')!.textContent).toBe('No route has a count of crossings for this year.');
    expect(panel.element.querySelector('figure.exposure-chart')).toBeNull();
    expect(panel.element.querySelector('.exposure-reason')!.textContent).toBe('none bundled');
  });

  it('reports a failed load in its message and the status region', async () => {
    const errors: (string | null)[] = [];
    const panel = createExposurePanel(i18n, {
      getJson: async () => { throw new Error('boom'); }, years: [2023], year: 2023, onError: (m) => errors.push(m),
    });
    await panel.show(2023);
    expect(panel.element.dataset.status).toBe('error');
    expect(panel.element.querySelector('.exposure-message')!.textContent).toBe('The figures per route could not be loaded.');
    expect(errors[0]).toMatch(/dead and missing per 1,000 crossings/);
  });

  it.each([
    ['data through September: the year before is the last full one', '2025-09-08', 2024, 2025],
    ['data through December (public tier month)', '2024-12', 2024, 2024],
    ['no date: the fallback year', '', 2025, 2026],
  ])('offers years: %s', (_name, through, year, last) => {
    const r = exposureYears(through, 2026);
    expect(r.year).toBe(year);
    expect(r.years[0]).toBe(2014);
    expect(r.years.at(-1)).toBe(last);
  });

  it('moves the selected year to the data before the first load', () => {
    const panel = createExposurePanel(i18n, { getJson: async () => ({}), ...exposureYears('', 2026), onError: () => {} });
    panel.setDataThrough('2025-09');
    expect(panel.element.querySelector<HTMLSelectElement>('#exposure-year')!.value).toBe('2024');
  });
});

describe('the method panel', () => {
  const answer = {
    split: '2022-01-01', top_decile_share: 0.6012, spearman: 0.57,
    baselines: [
      { name: 'incident_count', top_decile_share: 0.4761 },
      { name: 'previous_model', top_decile_share: 0.602 },
    ],
  };
  // Opening the <details> fires its toggle event, as a click on the summary does.
  const open = async (p: HTMLElement) => {
    const d = p.querySelector('details')!;
    d.open = false;
    d.open = true;
    await new Promise((resolve) => d.addEventListener('toggle', resolve, { once: true }));
  };
  const settled = async (p: HTMLElement) => {
    await vi.waitFor(() => expect(p.querySelector<HTMLElement>('.measure-backtest')!.dataset.status).toMatch(/^(ready|error)$/));
  };

  it('names the measure honestly, asks the API for the backtest only when opened, and points to the method', async () => {
    const asked: string[] = [];
    const p = createMethodPanel(i18n, { getJson: async (path) => { asked.push(path); return answer; } });
    expect(p.querySelector('strong')!.textContent).toBe('Recorded deaths and disappearances per 100 km (weighted)');
    expect(asked).toEqual([]);
    await open(p);
    await settled(p);
    expect(asked).toEqual([BACKTEST_PATH]);
    expect(p.querySelector('.measure-backtest')!.textContent).toBe(
      'Tested on the past: computed only from records before January 1, 2022, the tenth of stretches it ranks highest held 60% of the dead and missing recorded from then on; ranking by the plain number of incidents held 48%.',
    );
    await open(p); // a second opening does not ask again
    expect(asked).toHaveLength(1);
    expect(p.querySelector('.measure-docs code')!.textContent).toBe(METHOD_DOC);
    expect(p.querySelector('.measure-docs')!.textContent).toBe(`Method and validation tables: ${METHOD_DOC} in the RouteRisk repository. Backtest figures from the API`);
    expect(p.querySelector<HTMLAnchorElement>('.measure-api')!.getAttribute('href')).toBe(BACKTEST_URL);
    expect(BACKTEST_URL).toBe('/api/v1/risk/backtest');
  });

  it('says when the backtest cannot be loaded, and tries again on the next opening', async () => {
    let calls = 0;
    const p = createMethodPanel(i18n, { getJson: async () => { calls++; if (calls === 1) throw new Error('503'); return answer; } });
    await open(p);
    await settled(p);
    const line = p.querySelector<HTMLElement>('.measure-backtest')!;
    expect(line.dataset.status).toBe('error');
    expect(line.textContent).toBe('The backtest could not be loaded; its tables are in the method document.');
    await open(p);
    await settled(p);
    expect(line.dataset.status).toBe('ready');
    expect(calls).toBe(2);
  });

  it.each([
    ['null', null],
    ['no split', { ...answer, split: undefined }],
    ['a share above 1', { ...answer, top_decile_share: 1.5 }],
    ['a share that is text', { ...answer, top_decile_share: '0.6' }],
    ['no incident-count baseline', { ...answer, baselines: [{ name: 'previous_model', top_decile_share: 0.6 }] }],
    ['markup in the split', { ...answer, split: '<img src=x onerror=alert(1)>' }],
  ])('reads no figures from an answer with %s', (_, body) => {
    expect(backtestFigures(body)).toBeNull();
  });

  it('reads the model and the incident-count baseline', () => {
    expect(backtestFigures(answer)).toEqual({ split: '2022-01-01', model: 0.6012, naive: 0.4761 });
  });
});

describe('refreshing the exposure panel', () => {
  it('asks again for the shown year once loaded, and not before', async () => {
    const asked: string[] = [];
    const panel = createExposurePanel(i18n, {
      getJson: async (path) => { asked.push(path); return routes2023; }, years: [2022, 2023], year: 2023, onError: () => {},
    });
    await panel.refresh();
    expect(asked).toEqual([]);
    await panel.show(2022);
    await panel.refresh();
    expect(asked).toEqual(['risk/routes?year=2022', 'risk/routes?year=2022']);
  });
});
