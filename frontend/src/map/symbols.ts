import type { SymbolShape } from './palette';

/**
 * The outlines of point symbols, one geometry for both the canvas that
 * draws the map and the SVG swatches of the legend, so that the legend
 * shows exactly what the map draws. Outlines are given for a radius of 1
 * around (0, 0), y pointing down (screen pixels), and scaled by the caller.
 */

/** A closed outline, as [x, y] vertices; a circle is given by its radius instead. */
export type Outline = { type: 'polygon'; rings: [number, number][][] } | { type: 'circle'; radii: number[] };

function regular(n: number, rotation = -Math.PI / 2, r = 1): [number, number][] {
  return Array.from({ length: n }, (_, i) => {
    const a = rotation + (2 * Math.PI * i) / n;
    return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
  });
}

function star(points: number, inner: number): [number, number][] {
  return Array.from({ length: points * 2 }, (_, i) => {
    const a = -Math.PI / 2 + (Math.PI * i) / points;
    const r = i % 2 === 0 ? 1 : inner;
    return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
  });
}

/** The unit outline of a shape. A ring is two circles (drawn even-odd: a hole in the middle). */
export function outline(shape: SymbolShape): Outline {
  const t = 0.36; // half the width of a cross's arm
  switch (shape) {
    case 'circle':
      return { type: 'circle', radii: [0.9] };
    case 'ring':
      return { type: 'circle', radii: [1, 0.5] };
    case 'square':
      return { type: 'polygon', rings: [[[-0.82, -0.82], [0.82, -0.82], [0.82, 0.82], [-0.82, 0.82]]] };
    case 'cross':
      return {
        type: 'polygon',
        rings: [[[-t, -1], [t, -1], [t, -t], [1, -t], [1, t], [t, t], [t, 1], [-t, 1], [-t, t], [-1, t], [-1, -t], [-t, -t]]],
      };
    case 'pentagon':
      return { type: 'polygon', rings: [regular(5)] };
    case 'hexagon':
      return { type: 'polygon', rings: [regular(6, 0)] };
    case 'triangle':
      return { type: 'polygon', rings: [[[0, -1.05], [0.95, 0.75], [-0.95, 0.75]]] };
    case 'diamond':
      return { type: 'polygon', rings: [[[0, -1.1], [0.85, 0], [0, 1.1], [-0.85, 0]]] };
    case 'drop':
      // A water drop: a point at the top, a round belly (as a polygon, so it strokes like the others).
      return {
        type: 'polygon',
        rings: [[[0, -1.15], ...Array.from({ length: 13 }, (_, i) => {
          const a = -Math.PI / 6 + (i * (4 * Math.PI / 3)) / 12;
          return [0.75 * Math.cos(a), 0.3 + 0.75 * Math.sin(a)] as [number, number];
        })]],
      };
    case 'star':
      return { type: 'polygon', rings: [star(5, 0.45).map(([x, y]) => [x * 1.1, y * 1.1 + 0.08] as [number, number])] };
  }
}

/** Adds the outline of `shape` at (x, y) with radius `r` to the canvas path (call beginPath before, fill('evenodd') after). */
export function tracePath(ctx: Pick<CanvasRenderingContext2D, 'moveTo' | 'lineTo' | 'closePath' | 'arc'>, shape: SymbolShape, x: number, y: number, r: number): void {
  const o = outline(shape);
  if (o.type === 'circle') {
    for (const k of o.radii) {
      ctx.moveTo(x + k * r, y);
      ctx.arc(x, y, k * r, 0, Math.PI * 2);
      ctx.closePath();
    }
    return;
  }
  for (const ring of o.rings) {
    ring.forEach(([u, v], i) => (i === 0 ? ctx.moveTo(x + u * r, y + v * r) : ctx.lineTo(x + u * r, y + v * r)));
    ctx.closePath();
  }
}

/** The SVG path data of `shape` at (x, y) with radius `r` (draw with fill-rule="evenodd"). */
export function svgPath(shape: SymbolShape, x: number, y: number, r: number): string {
  const o = outline(shape);
  const f = (n: number) => String(Math.round(n * 100) / 100);
  if (o.type === 'circle') {
    return o.radii.map((k) => {
      const rr = k * r;
      return `M${f(x - rr)} ${f(y)}a${f(rr)} ${f(rr)} 0 1 0 ${f(2 * rr)} 0a${f(rr)} ${f(rr)} 0 1 0 ${f(-2 * rr)} 0Z`;
    }).join('');
  }
  return o.rings.map((ring) => ring.map(([u, v], i) => `${i === 0 ? 'M' : 'L'}${f(x + u * r)} ${f(y + v * r)}`).join('') + 'Z').join('');
}

/** How recently a service was checked. */
export type Verification = 'current' | 'stale' | 'unverified';

const ISO_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/**
 * Whether a service is current: its `last_verified` (an ISO 8601 date, a
 * year-month or a year) is no more than `staleYears` before `reference`
 * (the analysis's rule, geodata/risk "Coverage"); `stale` when it is older;
 * `unverified` when it has none or it cannot be read. A date after the
 * reference counts as current.
 */
export function verificationOf(lastVerified: unknown, staleYears: number, reference: Date): Verification {
  if (typeof lastVerified !== 'string') return 'unverified';
  const m = ISO_DATE.exec(lastVerified.trim());
  if (!m) return 'unverified';
  const year = Number(m[1]);
  const month = m[2] ? Number(m[2]) : 12;
  if (month < 1 || month > 12) return 'unverified';
  // A partial date is read at its latest (a year as its 31 December, a month as its last day), so a service is not called stale too early.
  const day = m[3] ? Number(m[3]) : new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day < 1 || day > 31) return 'unverified';
  const checked = Date.UTC(year, month - 1, day);
  const cutoff = Date.UTC(reference.getUTCFullYear() - staleYears, reference.getUTCMonth(), reference.getUTCDate());
  return checked < cutoff ? 'stale' : 'current';
}
