import { describe, expect, it } from 'vitest';
import { TEST_VOCABULARY as vocab } from '../shared/testdata/vocabulary';
import {
  CELL_FILLS, CLUSTER_STYLE, HOTSPOT_STYLE, INCIDENT_STYLE, RISK_STYLE, SERVICE_SYMBOLS, serviceSymbol, SERVICE_FALLBACK_SYMBOL,
} from './palette';
import { outline, svgPath, tracePath, verificationOf } from './symbols';

/** Distance between two #RRGGBB colours in RGB space (0–441). */
function distance(a: string, b: string): number {
  const c = (h: string) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
  const [x, y] = [c(a), c(b)];
  return Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!, x[2]! - y[2]!);
}

describe('service symbols', () => {
  it('give every category of the vocabulary its own shape and its own colour', () => {
    const categories = vocab.serviceCategories.map((c) => c.category);
    expect(categories).toHaveLength(10);
    const symbols = categories.map((c) => serviceSymbol(c));
    expect(symbols).not.toContain(SERVICE_FALLBACK_SYMBOL);
    expect(new Set(symbols.map((s) => s.shape)).size).toBe(categories.length);
    expect(new Set(symbols.map((s) => s.colour)).size).toBe(categories.length);
    expect(Object.keys(SERVICE_SYMBOLS).sort()).toEqual([...categories].sort());
  });

  it('keep their colours apart from risk classes, incident cells, hotspots and incidents', () => {
    const others = [
      ...Object.values(RISK_STYLE).map((s) => s.color),
      ...CELL_FILLS.incident,
      ...Object.values(HOTSPOT_STYLE).filter((s) => s.fillOpacity! > 0).map((s) => s.fillColor!),
      INCIDENT_STYLE.fillColor,
      CLUSTER_STYLE.incident.fill,
    ];
    // Service clusters are large labelled discs, told apart by their size and number rather than by colour.
    expect(CLUSTER_STYLE.service.fill).not.toBe(CLUSTER_STYLE.incident.fill);
    for (const [category, s] of Object.entries(SERVICE_SYMBOLS)) {
      for (const o of others) expect(distance(s.colour, o), `${category} ${s.colour} vs ${o}`).toBeGreaterThan(60);
    }
  });

  it('differ from one another by colour too', () => {
    const colours = Object.values(SERVICE_SYMBOLS).map((s) => s.colour);
    for (let i = 0; i < colours.length; i++) {
      for (let j = i + 1; j < colours.length; j++) expect(distance(colours[i]!, colours[j]!)).toBeGreaterThan(60);
    }
  });

  it('fall back to a plain circle for a category the vocabulary does not know', () => {
    expect(serviceSymbol('dentistry')).toBe(SERVICE_FALLBACK_SYMBOL);
    expect(serviceSymbol(undefined)).toBe(SERVICE_FALLBACK_SYMBOL);
    expect(serviceSymbol('__proto__')).toBe(SERVICE_FALLBACK_SYMBOL);
  });

  it.each(Object.values(SERVICE_SYMBOLS).map((s) => [s.shape]))('draws %s within its radius, the same on canvas and in SVG', (shape) => {
    const o = outline(shape);
    if (o.type === 'polygon') {
      for (const ring of o.rings) {
        expect(ring.length).toBeGreaterThanOrEqual(3);
        for (const [x, y] of ring) expect(Math.hypot(x, y)).toBeLessThanOrEqual(1.25);
      }
    }
    const calls: string[] = [];
    const ctx = {
      moveTo: (x: number, y: number) => calls.push(`M${x.toFixed(1)} ${y.toFixed(1)}`),
      lineTo: (x: number, y: number) => calls.push(`L${x.toFixed(1)} ${y.toFixed(1)}`),
      arc: () => calls.push('A'),
      closePath: () => calls.push('Z'),
    };
    tracePath(ctx, shape, 10, 10, 5);
    const d = svgPath(shape, 10, 10, 5);
    expect(d.startsWith('M')).toBe(true);
    expect(d.endsWith('Z')).toBe(true);
    // As many closed outlines in the SVG path as on the canvas.
    expect(d.split('Z').length - 1).toBe(calls.filter((c) => c === 'Z').length);
  });
});

describe('verificationOf', () => {
  const ref = new Date(Date.UTC(2025, 8, 8)); // 2025-09-08
  it.each([
    ['2019-04-13', 'current'],
    ['2015-09-08', 'current'],
    ['2015-09-07', 'stale'],
    ['2009-01-01', 'stale'],
    ['2015', 'current'], // a year counts as its December
    ['2014', 'stale'],
    ['2015-08', 'stale'],
    ['2015-09', 'current'],
    ['2030-01-01', 'current'],
    ['', 'unverified'],
    ['unknown', 'unverified'],
    ['2019-13-01', 'unverified'],
    [null, 'unverified'],
    [20190413, 'unverified'],
  ])('%s is %s at ten years', (value, want) => {
    expect(verificationOf(value, 10, ref)).toBe(want);
  });
  it('follows stale_years', () => {
    expect(verificationOf('2023-01-01', 1, ref)).toBe('stale');
    expect(verificationOf('2023-01-01', 3, ref)).toBe('current');
  });
});
