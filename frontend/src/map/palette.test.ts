import { describe, expect, it } from 'vitest';
import { createI18n } from '../shared/i18n';
import { legendGroups, renderLegend } from '../features/legend/legend';
import {
  APPROXIMATE_DASH, INCIDENT_RADIUS, INCIDENT_STYLE, OKABE_ITO, SERVICE_STYLE, TOL_MUTED,
  fallbackRouteColour, incidentRadius, routeColours, routeStyle,
} from './palette';

const i18n = createI18n();

describe('palette', () => {
  it('draws points in Okabe–Ito colours and routes in Tol muted colours', () => {
    const okabe = Object.values(OKABE_ITO);
    expect(okabe).toContain(INCIDENT_STYLE.fillColor);
    expect(okabe).toContain(SERVICE_STYLE.fillColor);
    expect(INCIDENT_STYLE.fillColor).not.toBe(SERVICE_STYLE.fillColor);
    const colours = routeColours(['b', 'a', 'c', 'a']);
    expect([...colours.keys()]).toEqual(['a', 'b', 'c']);
    expect(colours.get('a')).toBe(TOL_MUTED[0]);
    expect(colours.get('c')).toBe(TOL_MUTED[2]);
  });

  it('gives the same colours for the same names in any order, and cycles past nine', () => {
    const names = Array.from({ length: 12 }, (_, i) => `route ${String(i).padStart(2, '0')}`);
    expect(routeColours(names)).toEqual(routeColours([...names].reverse()));
    expect(routeColours(names).get('route 09')).toBe(TOL_MUTED[0]);
    expect(fallbackRouteColour('x')).toBe(fallbackRouteColour('x'));
    expect(TOL_MUTED).toContain(fallbackRouteColour('Darien'));
  });

  it('dashes approximate routes only', () => {
    expect(routeStyle('#000', true).dashArray).toBe(APPROXIMATE_DASH);
    expect(routeStyle('#000', false).dashArray).toBeUndefined();
  });

  it('grows incident markers with dead + missing, by area, within bounds', () => {
    expect(incidentRadius(0)).toBe(INCIDENT_RADIUS.min);
    expect(incidentRadius(-5)).toBe(INCIDENT_RADIUS.min);
    expect(incidentRadius(NaN)).toBe(INCIDENT_RADIUS.min);
    expect(incidentRadius(10)).toBeGreaterThan(incidentRadius(1));
    expect(incidentRadius(100)).toBeGreaterThan(incidentRadius(10));
    expect(incidentRadius(1e6)).toBe(INCIDENT_RADIUS.max);
    expect(incidentRadius(Infinity)).toBe(INCIDENT_RADIUS.max);
    // area ∝ count: (r(100) - min)² / (r(25) - min)² = 4
    const g = (n: number) => incidentRadius(n) - INCIDENT_RADIUS.min;
    expect((g(100) / g(25)) ** 2).toBeCloseTo(4);
  });
});

describe('legend', () => {
  it('has a group per kind on show, routes sorted, approximate ones dashed and named so', () => {
    const groups = legendGroups(i18n, new Set(['route', 'incident', 'service']), [
      { name: 'Darien', colour: '#111', approximate: true },
      { name: 'Central Mediterranean', colour: '#222', approximate: false },
    ]);
    expect(groups.map((g) => g.kind)).toEqual(['route', 'incident', 'service']);
    const routes = groups[0]!;
    expect(routes.entries).toEqual([
      { swatch: 'line', colour: '#222', dashed: false, label: 'Central Mediterranean' },
      { swatch: 'line', colour: '#111', dashed: true, label: 'Darien (approximate)' },
    ]);
    expect(routes.note).toMatch(/approximate/);
    expect(groups[1]!.entries.map((e) => e.label)).toEqual(['1 dead or missing', '10 dead or missing', '100 dead or missing']);
  });

  it('leaves out kinds that are not on the map and the note when nothing is approximate', () => {
    expect(legendGroups(i18n, new Set(['service']), []).map((g) => g.kind)).toEqual(['service']);
    const g = legendGroups(i18n, new Set(['route']), [{ name: 'A', colour: '#000', approximate: false }]);
    expect(g[0]!.note).toBeUndefined();
    expect(legendGroups(i18n, new Set(['area']), []).map((x) => x.kind)).toEqual(['area']);
  });

  it('renders route names (data) as text', () => {
    const groups = legendGroups(i18n, new Set(['route']), [{ name: '<img src=x onerror=alert(1)>', colour: '#000', approximate: true }]);
    const host = document.createElement('div');
    host.append(renderLegend(groups));
    expect(host.querySelector('img')).toBeNull();
    expect(host.querySelector('.legend-label')!.textContent).toBe('<img src=x onerror=alert(1)> (approximate)');
    expect(host.querySelector<HTMLElement>('.swatch-line')!.dataset.dash).toBe(APPROXIMATE_DASH);
    expect(host.querySelector('.swatch')!.getAttribute('aria-hidden')).toBe('true');
  });
});
