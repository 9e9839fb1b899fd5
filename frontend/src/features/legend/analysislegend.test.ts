import { describe, expect, it } from 'vitest';
import { HOTSPOT_CLASSES } from '../risk/analysis';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { parseVocabulary, riskClassNames } from '../../shared/vocabulary';
import { VOCABULARY_JSON } from '../../shared/testdata/vocabulary';
import { createI18n } from '../../shared/i18n';
import { analysisLegendGroups, mapLegendGroups, renderLegend, type LegendLayer } from './legend';
import { HOTSPOT_STYLE, RISK_STYLE, riskStyle, routeStyle } from '../../map/palette';

const RISK_CLASSES = riskClassNames(vocab);

const i18n = createI18n();

/** Relative luminance (WCAG) of a #RRGGBB colour. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

describe('analysis legend', () => {
  it('shows the four risk classes with their ranges and what risk means', () => {
    const [g] = analysisLegendGroups(i18n, { risk: true, hotspots: false, routes: false, vocab });
    expect(g!.kind).toBe('risk');
    expect(g!.title).toBe('Recorded deaths and disappearances per 100 km (weighted)');
    expect(g!.entries.map((e) => e.label)).toEqual([
      'Low: under 1 per 100 km',
      'Medium: 1 to 10 per 100 km',
      'High: 10 to 50 per 100 km',
      'Critical: 50 or more per 100 km',
    ]);
    expect(g!.note).toMatch(/^Risk = weighted dead and missing per 100 km of route\. Incidents within 25 km/);
    expect(g!.note).toMatch(/recent and near ones count more/);
    expect(g!.note).not.toMatch(/drawn over the route lines/);
    const withRoutes = analysisLegendGroups(i18n, { risk: true, hotspots: false, routes: true, vocab })[0]!;
    expect(withRoutes.note).toMatch(/drawn over the route lines/);
  });

  it('orders risk colours from light to dark and lines from thin to thick, wider than plain routes', () => {
    const styles = RISK_CLASSES.map((c) => riskStyle(c));
    for (let i = 1; i < styles.length; i++) {
      expect(luminance(styles[i]!.color)).toBeLessThan(luminance(styles[i - 1]!.color));
      expect(styles[i]!.weight).toBeGreaterThan(styles[i - 1]!.weight);
    }
    expect(styles[0]!.weight).toBeGreaterThan(routeStyle('#000', false).weight);
  });

  it('shows the seven hotspot classes, hot in reds and cold in blues', () => {
    const [g] = analysisLegendGroups(i18n, { risk: false, hotspots: true, routes: true, vocab });
    expect(g!.kind).toBe('hotspot');
    expect(g!.entries.map((e) => e.label)).toEqual([
      'Hot spot, 99 % confidence', 'Hot spot, 95 % confidence', 'Hot spot, 90 % confidence', 'Not significant',
      'Cold spot, 90 % confidence', 'Cold spot, 95 % confidence', 'Cold spot, 99 % confidence',
    ]);
    expect(g!.note).toMatch(/route filter does not apply/);
    const red = (hex: string) => parseInt(hex.slice(1, 3), 16) > parseInt(hex.slice(5, 7), 16);
    for (const c of HOTSPOT_CLASSES) {
      const fill = HOTSPOT_STYLE[c].fillColor!;
      if (c.startsWith('hot')) expect(red(fill), c).toBe(true);
      if (c.startsWith('cold')) expect(red(fill), c).toBe(false);
    }
    expect(HOTSPOT_STYLE.not_significant.fillOpacity).toBe(0);
  });

  it('leaves out the analyses that are off', () => {
    expect(analysisLegendGroups(i18n, { risk: false, hotspots: false, routes: true, vocab })).toEqual([]);
    expect(analysisLegendGroups(i18n, { risk: true, hotspots: true, routes: true, vocab }).map((g) => g.kind)).toEqual(['risk', 'hotspot']);
  });

  it('renders one row per class, marked with its class', () => {
    const host = document.createElement('div');
    host.append(renderLegend(analysisLegendGroups(i18n, { risk: true, hotspots: true, routes: false, vocab })));
    expect([...host.querySelectorAll<HTMLElement>('.legend-risk li')].map((li) => li.dataset.class)).toEqual([...RISK_CLASSES]);
    expect([...host.querySelectorAll<HTMLElement>('.legend-hotspot li')].map((li) => li.dataset.class)).toEqual([...HOTSPOT_CLASSES]);
    const critical = host.querySelector<HTMLElement>('.legend-risk li[data-class="critical"] .swatch')!;
    expect(critical.style.borderBlockStartWidth).toBe(`${RISK_STYLE.critical.weight}px`);
    expect(host.querySelectorAll('.legend-note')).toHaveLength(2);
  });
});

describe('risk classes from the vocabulary', () => {
  it('follows the classes and breakpoints the server serves', () => {
    const json = VOCABULARY_JSON as { risk_classes: unknown[] };
    const other = parseVocabulary({ ...json, risk_classes: [{ class: 'low', from: 0, label: 'Low' }, { class: 'high', from: 20, label: 'High' }] });
    const [g] = analysisLegendGroups(i18n, { risk: true, hotspots: false, routes: false, vocab: other });
    expect(g!.entries.map((e) => e.label)).toEqual(['Low: under 20 per 100 km', 'High: 20 or more per 100 km']);
  });
});

describe('legend of the risk settings', () => {
  it('quotes the radius and half-life given', () => {
    const [g] = analysisLegendGroups(createI18n(), { risk: true, hotspots: false, routes: false, vocab, settings: { radiusKm: 40, halfLifeDays: 730 } });
    expect(g!.note).toContain('within 40 km');
    expect(g!.note).toContain('730 days old');
  });
});

describe('legend of a map', () => {
  const layer = (id: string, kind: LegendLayer['meta']['kind'], over: Partial<LegendLayer> = {}, sensitivity = 'public'): LegendLayer => ({
    meta: { id, kind, sensitivity }, routeNames: new Map(), tier: null, isAggregated: false, ...over,
  });
  const base = {
    routeNames: [] as string[], routeColour: () => '#332288', settings: { radiusKm: 25, halfLifeDays: 365 }, vocab,
  };

  it('orders the groups routes, risk, incidents, services, and marks approximate routes', () => {
    const layers = [
      layer('routes', 'route', { routeNames: new Map([['B', true], ['A', false]]) }),
      layer('incidents', 'incident', {}, 'restricted'),
      layer('services', 'service'),
    ];
    const groups = mapLegendGroups(i18n, {
      ...base, kinds: new Set(['route', 'incident', 'service']), layers, visible: new Set(['routes', 'incidents', 'services', 'risk']), tier: 'public',
    });
    expect(groups.map((g) => g.kind)).toEqual(['route', 'risk', 'incident', 'service']);
    expect(groups[0]!.entries.map((e) => e.label)).toEqual(['A', 'B (approximate)']);
    // Restricted incidents before any answer, at the public tier: cells.
    expect(groups[2]!.entries.every((e) => e.swatch === 'area')).toBe(true);
    expect(groups[1]!.note).toContain('drawn over the route lines');
  });

  it('draws restricted points as points once their layer answered with points', () => {
    const layers = [layer('incidents', 'incident', { tier: 'partner', isAggregated: false }, 'restricted')];
    const [g] = mapLegendGroups(i18n, { ...base, kinds: new Set(['incident']), layers, visible: new Set(['incidents']), tier: 'public' });
    expect(g!.entries.every((e) => e.swatch === 'circle')).toBe(true);
  });

  it('shows only the layers drawn now', () => {
    const layers = [layer('routes', 'route'), layer('incidents', 'incident', {}, 'restricted'), layer('services', 'service')];
    const groups = mapLegendGroups(i18n, {
      ...base, routeNames: ['A'], kinds: new Set(['route', 'incident', 'service']), layers, visible: new Set(['services', 'hotspots']), tier: 'public',
    });
    expect(groups.map((g) => g.kind)).toEqual(['hotspot', 'service']);
  });

  it('uses every known route name when given', () => {
    const [g] = mapLegendGroups(i18n, {
      ...base, routeNames: ['Z', 'Y'], kinds: new Set(['route']), layers: [layer('routes', 'route')], visible: new Set(['routes']), tier: null,
    });
    expect(g!.entries.map((e) => e.label)).toEqual(['Y', 'Z']);
  });
});
