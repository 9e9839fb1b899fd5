import type { HotspotClass, RiskClass } from '../features/risk/analysis';

/**
 * Colours and marker sizes. Point layers use the Okabe–Ito palette; route lines
 * use Paul Tol's "muted" qualitative scheme. Both are distinguishable with the
 * common forms of colour-vision deficiency.
 */

/** Okabe & Ito (2008), "Color Universal Design". */
export const OKABE_ITO = {
  black: '#000000',
  orange: '#E69F00',
  skyBlue: '#56B4E9',
  bluishGreen: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  reddishPurple: '#CC79A7',
} as const;

/** Paul Tol, "muted" qualitative scheme (9 colours). */
export const TOL_MUTED = [
  '#332288', // indigo
  '#117733', // green
  '#44AA99', // teal
  '#88CCEE', // cyan
  '#DDCC77', // sand
  '#CC6677', // rose
  '#AA4499', // purple
  '#882255', // wine
  '#999933', // olive
] as const;

/** Style of a point marker. */
export interface PointStyle {
  fillColor: string;
  fillOpacity: number;
  color: string;
  weight: number;
  opacity: number;
}

/** Style of a line or polygon outline. */
export interface LineStyle {
  color: string;
  weight: number;
  opacity: number;
  dashArray?: string;
  fillColor?: string;
  fillOpacity?: number;
}

/** Incidents: vermillion, translucent so that dense clusters stay readable. */
export const INCIDENT_STYLE: PointStyle = {
  fillColor: OKABE_ITO.vermillion,
  fillOpacity: 0.55,
  color: '#6B2F00',
  weight: 0.6,
  opacity: 0.8,
};

/** Services: blue with a white rim, a fixed size. */
export const SERVICE_STYLE: PointStyle = {
  fillColor: OKABE_ITO.blue,
  fillOpacity: 0.85,
  color: '#FFFFFF',
  weight: 0.8,
  opacity: 1,
};
/** Radius of a service marker in pixels. */
export const SERVICE_RADIUS = 3.5;

/** Areas: reddish purple outline over a light fill. */
export const AREA_STYLE: LineStyle = {
  color: OKABE_ITO.reddishPurple,
  weight: 1.5,
  opacity: 0.9,
  fillColor: OKABE_ITO.reddishPurple,
  fillOpacity: 0.15,
};

/** Points of a context (area) layer, such as ports and survey sites: in the area colour, so they are not read as services. */
export const CONTEXT_POINT_STYLE: PointStyle = {
  fillColor: OKABE_ITO.reddishPurple,
  fillOpacity: 0.85,
  color: '#FFFFFF',
  weight: 0.8,
  opacity: 1,
};

/** Dash pattern of approximate (schematic) routes. */
export const APPROXIMATE_DASH = '8 6';

/** Smallest and largest incident radius in pixels. */
export const INCIDENT_RADIUS = { min: 3, max: 22 } as const;

/**
 * Radius in pixels of an incident marker with `deadMissing` people dead or
 * missing: the circle's area grows linearly with the count, capped so that
 * the largest events do not hide their neighbours.
 */
export function incidentRadius(deadMissing: number): number {
  const n = deadMissing > 0 ? deadMissing : 0; // NaN and negatives count as 0
  return Math.min(INCIDENT_RADIUS.max, INCIDENT_RADIUS.min + 1.4 * Math.sqrt(n));
}

/**
 * Assigns each route name a colour: names sorted, then the palette in turn.
 * The same set of names always gives the same colours.
 */
export function routeColours(names: readonly string[]): Map<string, string> {
  const sorted = [...new Set(names)].sort();
  const out = new Map<string, string>();
  sorted.forEach((n, i) => out.set(n, TOL_MUTED[i % TOL_MUTED.length]!));
  return out;
}

/** The colour of a route not in the assigned set: a stable pick by name. */
export function fallbackRouteColour(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  return TOL_MUTED[h % TOL_MUTED.length]!;
}

/** Style of a route line. Approximate routes are dashed. */
export function routeStyle(colour: string, approximate: boolean): LineStyle {
  const s: LineStyle = { color: colour, weight: 3, opacity: 0.9 };
  if (approximate) s.dashArray = APPROXIMATE_DASH;
  return s;
}

/**
 * Route risk classes, low to critical: ColorBrewer YlOrRd (5 classes, the
 * palest left out so that low-risk stretches stay visible on the basemap),
 * a sequential scheme that stays ordered for the common colour-vision
 * deficiencies. Width grows with the class too, so the order does not rest
 * on colour alone.
 */
export const RISK_STYLE: Readonly<Record<'low' | 'medium' | 'high' | 'critical', LineStyle>> = {
  low: { color: '#FECC5C', weight: 4, opacity: 0.95 },
  medium: { color: '#FD8D3C', weight: 5, opacity: 0.95 },
  high: { color: '#F03B20', weight: 6.5, opacity: 0.95 },
  critical: { color: '#BD0026', weight: 8, opacity: 0.95 },
};

/** A stretch without a class the palette knows: neutral grey. */
export const RISK_FALLBACK_STYLE: LineStyle = { color: '#8C8C8C', weight: 3, opacity: 0.9 };

/** The style of a risk class (one of the vocabulary's); a class the palette has no colour for is grey. */
export function riskStyle(cls: RiskClass): LineStyle {
  return Object.prototype.hasOwnProperty.call(RISK_STYLE, cls) ? RISK_STYLE[cls as keyof typeof RISK_STYLE] : RISK_FALLBACK_STYLE;
}

/** Outline of the outreach priority the user picked from the list. */
export const PRIORITY_HIGHLIGHT: LineStyle = { color: '#000000', weight: 16, opacity: 0.35 };

/**
 * Hotspot classes: ColorBrewer RdBu (7 classes), hot spots in reds and cold
 * spots in blues, darker with more confidence. Cells that are not
 * significant get a light grey outline and no fill, so the incidents below
 * stay readable.
 */
export const HOTSPOT_STYLE: Record<HotspotClass, LineStyle> = {
  hot_99: { color: '#B2182B', weight: 1, opacity: 0.9, fillColor: '#B2182B', fillOpacity: 0.55 },
  hot_95: { color: '#EF8A62', weight: 1, opacity: 0.9, fillColor: '#EF8A62', fillOpacity: 0.55 },
  hot_90: { color: '#E7A98E', weight: 1, opacity: 0.9, fillColor: '#FDDBC7', fillOpacity: 0.6 },
  not_significant: { color: '#8C8C8C', weight: 0.7, opacity: 0.7, fillColor: '#8C8C8C', fillOpacity: 0 },
  cold_90: { color: '#9CC3DC', weight: 1, opacity: 0.9, fillColor: '#D1E5F0', fillOpacity: 0.6 },
  cold_95: { color: '#67A9CF', weight: 1, opacity: 0.9, fillColor: '#67A9CF', fillOpacity: 0.55 },
  cold_99: { color: '#2166AC', weight: 1, opacity: 0.9, fillColor: '#2166AC', fillOpacity: 0.55 },
};

/**
 * Lower bounds of the classes of the cells a restricted layer is counted in
 * at the public tier, by the number of incidents (or services) in a cell.
 * The server leaves out cells that count fewer than the first bound.
 */
export const CELL_BREAKS = [5, 10, 25, 100, 250] as const;

/** Fewest incidents (or services) a public cell counts: the server leaves out cells with fewer. */
export const CELL_MIN_COUNT = CELL_BREAKS[0];

/** The kinds of layer that are counted in cells at the public tier. */
export type CellKind = 'incident' | 'service';

/**
 * Fills of the cell classes, light to dark: ColorBrewer Purples (5 classes)
 * for incidents, so that they never read as the red hotspots or the
 * yellow-to-red route risk drawn over them, and Blues for services, whose
 * points are blue. Both are sequential single-hue schemes that stay ordered
 * for the common colour-vision deficiencies; the outline keeps the palest
 * cells visible on the basemap.
 */
export const CELL_FILLS: Record<CellKind, readonly string[]> = {
  incident: ['#F2F0F7', '#CBC9E2', '#9E9AC8', '#756BB1', '#54278F'],
  service: ['#EFF3FF', '#BDD7E7', '#6BAED6', '#3182BD', '#08519C'],
};

/** Outline of the cells of each kind. */
export const CELL_OUTLINE: Record<CellKind, string> = { incident: '#3F007D', service: '#08306B' };

/** The class of a cell that counts `count` (0 for the lowest, also below it). */
export function cellClass(count: number): number {
  let cls = 0;
  CELL_BREAKS.forEach((b, i) => {
    if (count >= b) cls = i;
  });
  return cls;
}

/** Style of a cell of class `cls` of a layer of `kind`. */
export function cellStyle(kind: CellKind, cls: number): LineStyle {
  const fills = CELL_FILLS[kind];
  const fill = fills[Math.max(0, Math.min(fills.length - 1, cls))]!;
  return { color: CELL_OUTLINE[kind], weight: 0.8, opacity: 0.8, fillColor: fill, fillOpacity: 0.65 };
}

/** The shapes of service symbols (see map/symbols for their outlines). */
export type SymbolShape =
  | 'cross' | 'square' | 'circle' | 'pentagon' | 'triangle' | 'diamond' | 'drop' | 'hexagon' | 'star' | 'ring';

/** The symbol of a service category: a shape and a colour. */
export interface ServiceSymbol {
  shape: SymbolShape;
  colour: string;
}

/**
 * One symbol per service category of the vocabulary: each its own shape, so
 * that categories never rest on colour alone, and its own colour, chosen
 * (from ColorBrewer Dark2 and Set2, Okabe–Ito and a few darks) to stay at
 * least 60 RGB units from every risk class, hotspot fill, incident cell and
 * incident colour, so that no symbol reads as one of those; the test in
 * symbols.test.ts keeps it so.
 */
export const SERVICE_SYMBOLS: Readonly<Record<string, ServiceSymbol>> = {
  health: { shape: 'cross', colour: '#0B3C5D' }, // navy
  legal: { shape: 'square', colour: '#3B5B2B' }, // dark olive green
  psychosocial: { shape: 'circle', colour: '#A6D854' }, // Set2 light green
  protection: { shape: 'pentagon', colour: OKABE_ITO.bluishGreen },
  shelter: { shape: 'triangle', colour: '#A6761D' }, // Dark2 brown
  food: { shape: 'diamond', colour: '#66A61E' }, // Dark2 green
  wash: { shape: 'drop', colour: '#17BECF' }, // cyan
  information: { shape: 'hexagon', colour: OKABE_ITO.black },
  cash: { shape: 'star', colour: '#E6AB02' }, // Dark2 gold
  rescue: { shape: 'ring', colour: '#666666' }, // grey
};

/** A service whose category the vocabulary does not know: a small blue circle, as services were drawn before. */
export const SERVICE_FALLBACK_SYMBOL: ServiceSymbol = { shape: 'circle', colour: SERVICE_STYLE.fillColor };

/** The symbol of a service category. */
export function serviceSymbol(category: unknown): ServiceSymbol {
  return typeof category === 'string' && Object.prototype.hasOwnProperty.call(SERVICE_SYMBOLS, category)
    ? SERVICE_SYMBOLS[category]!
    : SERVICE_FALLBACK_SYMBOL;
}

/** Radius (half the width) of a service symbol in pixels: larger than the old dot, so the shape reads. */
export const SERVICE_SYMBOL_RADIUS = 5.5;

/**
 * Context events (conflict and unrest, such as ACLED's): a small grey
 * diamond with a white rim, neutral so that it is never read as an
 * incident (vermillion circles) or a service (coloured symbols).
 */
export const EVENT_SYMBOL: ServiceSymbol = { shape: 'diamond', colour: '#6B6B6B' };

/** Radius of an event's diamond in pixels: smaller than a service symbol. */
export const EVENT_SYMBOL_RADIUS = 4;

/**
 * How a service's verification is drawn: `current` filled; `stale` (last
 * verified longer ago than stale_years) hollow, a white fill inside the
 * coloured outline; `unverified` (no readable last_verified) hollow and
 * faded with a dashed outline.
 */
export const VERIFICATION_STYLE = {
  current: { fillOpacity: 0.9, strokeOpacity: 1, hollow: false, dashed: false },
  stale: { fillOpacity: 0.9, strokeOpacity: 1, hollow: true, dashed: false },
  unverified: { fillOpacity: 0.5, strokeOpacity: 0.6, hollow: true, dashed: true },
} as const;

/** Cluster markers of point layers: a colour per kind, a white rim and a label. */
export const CLUSTER_STYLE: Record<'incident' | 'service', { fill: string; stroke: string; text: string }> = {
  incident: { fill: '#6B2F00', stroke: '#FFFFFF', text: '#FFFFFF' },
  service: { fill: '#333333', stroke: '#FFFFFF', text: '#FFFFFF' },
};

/** Radius in pixels of a cluster of `count` points: grows with the digits. */
export function clusterRadius(count: number): number {
  const n = count > 1 ? count : 1;
  return Math.min(30, 12 + 4 * Math.log10(n));
}
