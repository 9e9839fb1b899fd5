// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { fr } from '../../shared/i18n/fr';
import { TEST_VOCABULARY as vocab } from '../../shared/testdata/vocabulary';
import { EVENT_SYMBOL, SERVICE_SYMBOLS } from '../../map/palette';
import { CLUSTER_KEY, mapLegendGroups, renderLegend, type LegendLayer } from './legend';

const i18n = createI18n();

const layer = (id: string, kind: LegendLayer['meta']['kind'], over: Partial<LegendLayer> = {}): LegendLayer => ({
  meta: { id, kind, sensitivity: 'public' }, routeNames: new Map(), tier: 'staff', isAggregated: false, ...over,
});
const base = { routeNames: [] as string[], routeColour: () => '#332288', settings: { radiusKm: 25, halfLifeDays: 365 }, vocab, tier: 'staff' as const };

describe('legend of service symbols and clusters', () => {
  it('keys only the categories drawn, in the vocabulary order, each with its own shape', () => {
    const layers = [
      layer('a', 'service', { drawnSymbols: { categories: ['shelter', 'health'], verification: ['current'] } }),
      layer('b', 'service', { drawnSymbols: { categories: ['legal', 'health', ''], verification: ['current'] } }),
    ];
    const [g] = mapLegendGroups(i18n, { ...base, kinds: new Set(['service']), layers, visible: new Set(['a', 'b']) });
    expect(g!.entries.map((e) => ('key' in e ? e.key : ''))).toEqual(['category-health', 'category-legal', 'category-shelter', 'category-other']);
    expect(g!.entries.map((e) => e.label)).toEqual(['Health', 'Legal aid and documentation', 'Shelter', 'Other service']);
    expect(g!.entries.map((e) => (e.swatch === 'symbol' ? e.shape : ''))).toEqual([
      SERVICE_SYMBOLS.health!.shape, SERVICE_SYMBOLS.legal!.shape, SERVICE_SYMBOLS.shelter!.shape, 'circle',
    ]);
    expect(g!.note).toBeUndefined();
  });

  it('leaves out a hidden layer’s categories', () => {
    const layers = [
      layer('a', 'service', { drawnSymbols: { categories: ['health'], verification: ['current'] } }),
      layer('b', 'service', { drawnSymbols: { categories: ['food'], verification: ['current'] } }),
    ];
    const [g] = mapLegendGroups(i18n, { ...base, kinds: new Set(['service']), layers, visible: new Set(['b']) });
    expect(g!.entries.map((e) => e.label)).toEqual(['Food and non-food items']);
  });

  it('says how stale and never-verified services are drawn, only when some are, with stale_years', () => {
    const layers = [layer('a', 'service', { drawnSymbols: { categories: ['health'], verification: ['unverified', 'current', 'stale'] } })];
    const [g] = mapLegendGroups(i18n, { ...base, kinds: new Set(['service']), layers, visible: new Set(['a']) });
    const rows = g!.entries.filter((e) => e.swatch === 'symbol' && e.verification !== 'current' || ('key' in e && e.key?.startsWith('verification')));
    expect(rows.map((e) => e.label)).toEqual([
      'Filled: verified in the last 10 years', 'Hollow: last verified more than 10 years ago', 'Faded and dashed: never verified',
    ]);
    expect(g!.note).toBe('Stale services (not verified for more than 10 years) do not count as coverage.');
    const frGroups = mapLegendGroups(createI18n(fr), { ...base, kinds: new Set(['service']), layers, visible: new Set(['a']) });
    expect(frGroups[0]!.entries.map((e) => e.label)).toContain('Creux : dernière vérification il y a plus de 10 ans');
    // Drawn as SVG, the hollow one white inside its coloured outline, the unverified one dashed.
    const dom = renderLegend(g ? [g] : []);
    const stale = dom.querySelector('li[data-class="verification-stale"] path')!;
    expect(stale.getAttribute('fill')).toBe('#FFFFFF');
    expect(stale.getAttribute('stroke')).toBe(SERVICE_SYMBOLS.health!.colour);
    expect(dom.querySelector('li[data-class="verification-unverified"] path')!.getAttribute('stroke-dasharray')).toBeTruthy();
    expect(dom.querySelector('li[data-class="verification-current"] path')!.getAttribute('stroke-dasharray')).toBeNull();
  });

  it('keys the cluster marker only while a layer of that kind is clustered', () => {
    const incidents = (clustered: boolean) => [layer('i', 'incident', { isClustered: clustered })];
    const keys = (clustered: boolean) => mapLegendGroups(i18n, { ...base, kinds: new Set(['incident']), layers: incidents(clustered), visible: new Set(['i']) })[0]!
      .entries.map((e) => ('key' in e ? e.key : undefined));
    expect(keys(true)).toContain(CLUSTER_KEY);
    expect(keys(false)).not.toContain(CLUSTER_KEY);
    const [s] = mapLegendGroups(i18n, {
      ...base, kinds: new Set(['service']), visible: new Set(['s']),
      layers: [layer('s', 'service', { isClustered: true, drawnSymbols: { categories: ['health'], verification: ['current'] } })],
    });
    expect(s!.entries.at(-1)!.label).toBe('Cluster: number of services; click to zoom in');
  });

  it('keys context events as a grey diamond of their own, with a note that they are not migrant deaths', () => {
    const layers = [layer('i', 'incident'), layer('e', 'event')];
    const groups = mapLegendGroups(i18n, { ...base, kinds: new Set(['incident', 'event']), layers, visible: new Set(['i', 'e']) });
    expect(groups.map((g) => g.kind)).toEqual(['incident', 'event']);
    const g = groups[1]!;
    expect(g.title).toBe('Context events');
    expect(g.entries).toEqual([{ swatch: 'symbol', shape: 'diamond', colour: EVENT_SYMBOL.colour, verification: 'current', label: 'Conflict or unrest event', key: 'event' }]);
    expect(g.note).toContain('not migrant deaths');
    expect(Object.values(SERVICE_SYMBOLS).some((s) => s.colour === EVENT_SYMBOL.colour)).toBe(false);
    const dom = renderLegend([g]);
    expect(dom.querySelector('li[data-class="event"] path')!.getAttribute('fill')).toBe(EVENT_SYMBOL.colour);
    // Hidden: no key.
    expect(mapLegendGroups(i18n, { ...base, kinds: new Set(['event']), layers, visible: new Set(['i']) })).toEqual([]);
  });
});
