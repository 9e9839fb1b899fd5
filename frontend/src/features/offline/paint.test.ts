import { describe, expect, it } from 'vitest';
import { HOTSPOT_STYLE, RISK_FALLBACK_STYLE, RISK_STYLE, SERVICE_FALLBACK_SYMBOL, SERVICE_SYMBOLS } from '../../map/palette';
import { decodeTile } from './pack';
import {
  hotspotStyle, INCIDENT_DOT, labelStyle, labelText, MAX_LABEL_CHARS, paintTile, PACK_LAYER_IDS, placementFor,
  routeLineStyle, serviceStyle, type PackLayerId, type Paint2D,
} from './paint';
import { encodeTile, HOSTILE, type TileFeature } from './testdata/packfixture';

/** A canvas context that records what is painted: each fill/stroke/text with the style in force. */
class Recorder implements Paint2D {
  fillStyle: string | CanvasGradient | CanvasPattern = '#000';
  strokeStyle: string | CanvasGradient | CanvasPattern = '#000';
  lineWidth = 1;
  globalAlpha = 1;
  font = '10px sans-serif';
  textAlign: CanvasTextAlign = 'start';
  textBaseline: CanvasTextBaseline = 'alphabetic';
  lineJoin: CanvasLineJoin = 'miter';
  lineCap: CanvasLineCap = 'butt';
  ops: { op: string; style: string | number; width?: number; alpha?: number; text?: string; font?: string; x?: number; y?: number; align?: string; centre?: [number, number] }[] = [];
  points: [number, number][] = [];
  private stack: unknown[] = [];
  beginPath() {
    this.points = [];
  }
  moveTo(x: number, y: number) {
    this.points.push([x, y]);
  }
  lineTo(x: number, y: number) {
    this.points.push([x, y]);
  }
  closePath() {}
  arc() {}
  fill() {
    const xs = this.points.map((p) => p[0]);
    const ys = this.points.map((p) => p[1]);
    const centre: [number, number] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
    this.ops.push({ op: 'fill', style: String(this.fillStyle), alpha: this.globalAlpha, centre });
  }
  stroke() {
    this.ops.push({ op: 'stroke', style: String(this.strokeStyle), width: this.lineWidth, alpha: this.globalAlpha });
  }
  fillText(text: string, x: number, y: number) {
    this.ops.push({ op: 'text', style: String(this.fillStyle), text, font: this.font, x, y, align: this.textAlign });
  }
  strokeText(text: string) {
    this.ops.push({ op: 'halo', style: String(this.strokeStyle), width: this.lineWidth, text });
  }
  measureText(text: string) {
    return { width: text.length * 6 } as TextMetrics;
  }
  save() {
    this.stack.push([this.fillStyle, this.strokeStyle, this.lineWidth, this.globalAlpha, this.font]);
  }
  restore() {
    const s = this.stack.pop() as [string, string, number, number, string];
    [this.fillStyle, this.strokeStyle, this.lineWidth, this.globalAlpha, this.font] = s;
  }
}

const ALL = new Set<PackLayerId>(PACK_LAYER_IDS);
const whole = placementFor(7, 68, 50, 12).placement;

function tile(layers: Record<string, TileFeature[]>) {
  return decodeTile(encodeTile(layers));
}

describe('feature styles', () => {
  it('colours route stretches by risk class, wider as the class rises; grey when the class is unknown', () => {
    for (const c of ['low', 'medium', 'high', 'critical'] as const) expect(routeLineStyle({ class: c })).toEqual(RISK_STYLE[c]);
    expect(RISK_STYLE.critical.weight).toBeGreaterThan(RISK_STYLE.low.weight);
    expect(routeLineStyle({ class: 'extreme' })).toEqual(RISK_FALLBACK_STYLE);
    expect(routeLineStyle({ class: 3 })).toEqual(RISK_FALLBACK_STYLE);
    expect(routeLineStyle({ class: '__proto__' })).toEqual(RISK_FALLBACK_STYLE);
    expect(routeLineStyle({})).toEqual(RISK_FALLBACK_STYLE);
  });

  it('draws services with their category symbol, unknown categories with the fallback', () => {
    expect(serviceStyle({ category: 'health' })).toMatchObject(SERVICE_SYMBOLS.health!);
    expect(serviceStyle({ category: 'shelter' }).shape).toBe('triangle');
    expect(serviceStyle({ category: HOSTILE })).toMatchObject(SERVICE_FALLBACK_SYMBOL);
    expect(serviceStyle({ category: 'toString' })).toMatchObject(SERVICE_FALLBACK_SYMBOL);
  });

  it('fills hotspots by class, translucent; an unknown class in grey', () => {
    expect(hotspotStyle({ class: 'hot_99' })).toEqual(HOTSPOT_STYLE.hot_99);
    expect(hotspotStyle({ class: 'hot_99' }).fillOpacity).toBeLessThan(1);
    expect(hotspotStyle({ class: 'warm' }).fillColor).toBe('#8C8C8C');
    expect(hotspotStyle({ class: 'warm' }).fillOpacity).toBeGreaterThan(0);
  });

  it('writes seas in italic without a dot, places and ports beside a dot, with a white halo', () => {
    expect(labelStyle({ kind: 'sea' })).toMatchObject({ italic: true, dot: false, halo: '#FFFFFF' });
    expect(labelStyle({ kind: 'sea' }).font).toMatch(/^italic /);
    expect(labelStyle({ kind: 'port' })).toMatchObject({ italic: false, dot: true });
    expect(labelStyle({ kind: 'port' }).font).toMatch(/^600 /);
    expect(labelStyle({ kind: 'place' }).font).not.toMatch(/italic/);
    expect(labelStyle({ kind: HOSTILE })).toEqual(labelStyle({ kind: 'place' }));
  });

  it('cuts long names and drops empty ones', () => {
    expect(labelText('  Lampedusa \n island ')).toBe('Lampedusa island');
    expect(labelText('')).toBe('');
    expect(labelText(undefined)).toBe('');
    expect(labelText(true)).toBe('');
    const long = labelText('x'.repeat(500));
    expect([...long]).toHaveLength(MAX_LABEL_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('placementFor', () => {
  it('paints a tile within the archive from itself', () => {
    expect(placementFor(7, 68, 50, 12)).toEqual({ source: { z: 7, x: 68, y: 50 }, placement: { size: 256, dz: 0, subX: 0, subY: 0 } });
  });

  it('paints a tile beyond the deepest zoom from its ancestor, at its place in it', () => {
    expect(placementFor(14, 8763, 6451, 12)).toEqual({ source: { z: 12, x: 2190, y: 1612 }, placement: { size: 256, dz: 2, subX: 3, subY: 3 } });
  });
});

describe('paintTile', () => {
  const line = (cls: string, y: number): TileFeature => ({ type: 2, geometry: [[[100, y], [3000, y]]], properties: { class: cls, route: 'r', risk: 0.5 } });

  it('paints the layers bottom to top, routes by class with the higher classes on top, and counts them', () => {
    const t = tile({
      routes: [line('critical', 100), line('low', 200), line('high', 300)],
      hotspots: [{ type: 3, geometry: [[[0, 0], [1000, 0], [1000, 1000], [0, 1000], [0, 0]]], properties: { class: 'hot_95' } }],
      incidents: [{ type: 1, geometry: [[[500, 500]]], properties: { dead: 1 } }],
      services: [{ type: 1, geometry: [[[600, 600]]], properties: { category: 'legal' } }],
      labels: [{ type: 1, geometry: [[[2000, 2000]]], properties: { name: 'Lampedusa', kind: 'port', rank: 2 } }],
    });
    const ctx = new Recorder();
    const counts = paintTile(ctx, t, whole, ALL);
    expect(counts).toEqual({ routes: 3, services: 1, incidents: 1, hotspots: 1, labels: 1 });
    const styles = ctx.ops.map((o) => `${o.op}:${o.style}`);
    const at = (s: string) => styles.indexOf(s);
    // hotspots < incidents < services < routes < labels
    expect(at(`fill:${HOTSPOT_STYLE.hot_95.fillColor}`)).toBeLessThan(at(`fill:${INCIDENT_DOT.fill}`));
    expect(at(`fill:${INCIDENT_DOT.fill}`)).toBeLessThan(at(`fill:${SERVICE_SYMBOLS.legal!.colour}`));
    expect(at(`fill:${SERVICE_SYMBOLS.legal!.colour}`)).toBeLessThan(at(`stroke:${RISK_STYLE.low.color}`));
    const routeStrokes = ctx.ops.filter((o) => o.op === 'stroke' && [RISK_STYLE.low.color, RISK_STYLE.high.color, RISK_STYLE.critical.color].includes(o.style as string));
    expect(routeStrokes.map((o) => [o.style, o.width])).toEqual([
      [RISK_STYLE.low.color, RISK_STYLE.low.weight],
      [RISK_STYLE.high.color, RISK_STYLE.high.weight],
      [RISK_STYLE.critical.color, RISK_STYLE.critical.weight],
    ]);
    expect(ctx.ops.findIndex((o) => o.op === 'text')).toBeGreaterThan(styles.lastIndexOf(`stroke:${RISK_STYLE.critical.color}`));
  });

  it('leaves out hidden layers, and layers the tile does not have', () => {
    const t = tile({ routes: [line('low', 100)], services: [{ type: 1, geometry: [[[10, 10]]], properties: { category: 'health' } }] });
    const ctx = new Recorder();
    const counts = paintTile(ctx, t, whole, new Set<PackLayerId>(['services', 'labels', 'hotspots']));
    expect(counts).toEqual({ routes: 0, services: 1, incidents: 0, hotspots: 0, labels: 0 });
    expect(ctx.ops.some((o) => o.style === RISK_STYLE.low.color)).toBe(false);
  });

  it('skips features of the wrong geometry type', () => {
    const t = tile({
      routes: [{ type: 1, geometry: [[[10, 10]]], properties: { class: 'high' } }],
      services: [{ type: 2, geometry: [[[10, 10], [20, 20]]], properties: { category: 'health' } }],
      hotspots: [{ type: 1, geometry: [[[10, 10]]], properties: { class: 'hot_99' } }],
    });
    expect(paintTile(new Recorder(), t, whole, ALL)).toEqual({ routes: 0, services: 0, incidents: 0, hotspots: 0, labels: 0 });
  });

  it('paints points in the buffer (their edge shows) but counts only those inside the tile', () => {
    const t = tile({
      incidents: [
        { type: 1, geometry: [[[-20, 2000]]], properties: {} },
        { type: 1, geometry: [[[2000, 2000]]], properties: {} },
      ],
      labels: [{ type: 1, geometry: [[[-20, 2000]]], properties: { name: 'Neighbour', kind: 'place' } }],
    });
    const ctx = new Recorder();
    expect(paintTile(ctx, t, whole, ALL)).toMatchObject({ incidents: 1, labels: 0 });
    expect(ctx.ops.filter((o) => o.op === 'fill' && o.style === INCIDENT_DOT.fill)).toHaveLength(2);
    expect(ctx.ops.some((o) => o.op === 'text')).toBe(false);
  });

  it('scales an ancestor tile when overzooming and leaves out what falls outside the canvas', () => {
    // z13 tile (subX 1, subY 0) of a z12 tile: only the right half of the source tile shows.
    const p = placementFor(13, 2 * 2190 + 1, 2 * 1612, 12).placement;
    const t = tile({
      routes: [line('high', 100)], // from x 100 to 3000: reaches the right half
      services: [
        { type: 1, geometry: [[[500, 500]]], properties: { category: 'health' } }, // left half: outside
        { type: 1, geometry: [[[3000, 1000]]], properties: { category: 'health' } }, // right half: inside
      ],
    });
    const ctx = new Recorder();
    expect(paintTile(ctx, t, p, ALL)).toMatchObject({ routes: 1, services: 1 });
    // 3000 of 4096 at twice the scale, less the canvas's 256 px offset: 3000 / 4096 * 512 - 256 ≈ 119; 1000 / 4096 * 512 ≈ 125.
    const fills = ctx.ops.filter((o) => o.op === 'fill' && o.style === SERVICE_SYMBOLS.health!.colour);
    expect(fills).toHaveLength(1);
    expect(fills[0]!.centre![0]).toBeCloseTo(119, 0);
    expect(fills[0]!.centre![1]).toBeCloseTo(125, 0);
    const other = tile({ routes: [{ type: 2, geometry: [[[100, 100], [1000, 100]]], properties: { class: 'high' } }] });
    expect(paintTile(new Recorder(), other, p, ALL).routes).toBe(0);
  });

  it('writes names most important first with a halo, seas in italic, and leaves out one that would cover another', () => {
    const t = tile({
      labels: [
        { type: 1, geometry: [[[2048, 2048]]], properties: { name: 'Small place', kind: 'place', rank: 9 } },
        { type: 1, geometry: [[[2048, 2048]]], properties: { name: 'Mediterranean Sea', kind: 'sea', rank: 1 } },
        { type: 1, geometry: [[[400, 3600]]], properties: { name: HOSTILE, kind: 'port', rank: 2 } },
        { type: 1, geometry: [[[400, 400]]], properties: { name: '', kind: 'place', rank: 0 } },
      ],
    });
    const ctx = new Recorder();
    expect(paintTile(ctx, t, whole, ALL).labels).toBe(2);
    const texts = ctx.ops.filter((o) => o.op === 'text');
    expect(texts.map((o) => o.text)).toEqual(['Mediterranean Sea', HOSTILE]);
    expect(texts[0]!.font).toMatch(/^italic/);
    expect(texts[0]!.align).toBe('center');
    const halos = ctx.ops.filter((o) => o.op === 'halo');
    expect(halos.map((o) => [o.text, o.style])).toEqual([['Mediterranean Sea', '#FFFFFF'], [HOSTILE, '#FFFFFF']]);
  });

  it('keeps a name inside the tile: beside its dot on the other side near the end edge, shifted in for seas', () => {
    const t = tile({
      labels: [
        { type: 1, geometry: [[[4000, 1000]]], properties: { name: 'Edge port', kind: 'port', rank: 1 } },
        { type: 1, geometry: [[[50, 3000]]], properties: { name: 'Edge sea', kind: 'sea', rank: 2 } },
      ],
    });
    const ctx = new Recorder();
    paintTile(ctx, t, whole, ALL);
    const [port, sea] = ctx.ops.filter((o) => o.op === 'text');
    expect(port!.align).toBe('right');
    expect(port!.x).toBeLessThan(4000 / 16);
    expect(sea!.align).toBe('center');
    expect(sea!.x! - ('Edge sea'.length * 6) / 2).toBeGreaterThanOrEqual(0);
  });

  it('centres a name too long for either side of its dot under it, inside the tile', () => {
    const name = 'A name far too long for one side'; // 32 characters, 192 px here
    const t = tile({ labels: [{ type: 1, geometry: [[[1800, 1000]]], properties: { name, kind: 'place', rank: 1 } }] });
    const ctx = new Recorder();
    expect(paintTile(ctx, t, whole, ALL).labels).toBe(1);
    const text = ctx.ops.find((o) => o.op === 'text')!;
    expect(text.align).toBe('center');
    expect(text.x! - (name.length * 6) / 2).toBeGreaterThanOrEqual(0);
    expect(text.x! + (name.length * 6) / 2).toBeLessThanOrEqual(256);
    expect(text.y).toBeGreaterThan(1000 / 16);
  });
});
