import { ANALYSIS_IDS, HOTSPOT_CLASSES, RISK_SETTINGS } from '../risk/analysis';
import type { LayerMeta, PrivacyTier } from '../../shared/api';
import { isRestricted } from '../filters/filters';
import type { I18n } from '../../shared/i18n';
import {
  APPROXIMATE_DASH, AREA_STYLE, CELL_BREAKS, CELL_MIN_COUNT, CLUSTER_STYLE, EVENT_SYMBOL, HOTSPOT_STYLE, INCIDENT_STYLE, riskStyle, SERVICE_SYMBOL_RADIUS,
  VERIFICATION_STYLE, cellStyle, incidentRadius, serviceSymbol, type CellKind, type SymbolShape,
} from '../../map/palette';
import { svgPath, type Verification } from '../../map/symbols';
import { rgba } from '../../map/pointcanvas';
import type { Kind } from '../../shared/kinds';
import { riskClassTermLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';
import type { AppStore } from '../../shared/store';
import { el, svg } from '../../shared/dom';

/** One route as the legend shows it. */
export interface LegendRoute {
  name: string;
  colour: string;
  approximate: boolean;
}

/** One row of the legend. */
export type LegendEntry =
  | { swatch: 'line'; colour: string; dashed: boolean; label: string; width?: number; key?: string }
  | { swatch: 'circle'; fill: string; stroke: string; radius: number; label: string }
  | { swatch: 'area'; fill: string; stroke: string; label: string; key?: string }
  | { swatch: 'symbol'; shape: SymbolShape; colour: string; verification: Verification; label: string; key?: string }
  | { swatch: 'cluster'; fill: string; stroke: string; text: string; label: string; key?: string };

/** A titled group of legend rows. */
export interface LegendGroup {
  /** A layer kind, or an analysis: "risk", "hotspot". */
  kind: Kind | 'risk' | 'hotspot';
  title: string;
  entries: LegendEntry[];
  note?: string;
}

/** What the point layers drawn now show, beyond their kind: service symbols and clusters. */
export interface DrawnPoints {
  /** Categories of the services drawn as points, in the vocabulary's order ("" for one it does not know). */
  categories: readonly string[];
  /** Verification states among the services drawn. */
  verification: readonly Verification[];
  /** Kinds of layer drawn with clusters at the current zoom. */
  clustered: ReadonlySet<'incident' | 'service'>;
  /** The age past which a service is stale, years. */
  staleYears: number;
  /** For the categories' labels. */
  vocab?: Vocabulary | null;
}

/**
 * The legend rows of services drawn as points: one symbol per category
 * drawn, then how verification is drawn (only the states drawn, and only
 * when some service is not current), then the cluster marker.
 */
export function serviceEntries(i18n: I18n, points: DrawnPoints): LegendEntry[] {
  const { t } = i18n;
  const rows: LegendEntry[] = points.categories.map((c) => {
    const sym = serviceSymbol(c || null);
    return { swatch: 'symbol', shape: sym.shape, colour: sym.colour, verification: 'current', label: c ? serviceCategoryLabel(i18n, c, points.vocab ?? null) : t('legend.serviceOther'), key: `category-${c || 'other'}` };
  });
  if (points.verification.some((v) => v !== 'current')) {
    const shape = serviceSymbol(points.categories[0] || null);
    for (const v of ['current', 'stale', 'unverified'] as const) {
      if (!points.verification.includes(v)) continue;
      rows.push({ swatch: 'symbol', shape: shape.shape, colour: shape.colour, verification: v, label: t(`legend.verification.${v}`, { years: points.staleYears }), key: `verification-${v}` });
    }
  }
  if (points.clustered.has('service')) rows.push(clusterEntry(i18n, 'service'));
  return rows;
}

/** The data-class of the legend row of the cluster marker. */
export const CLUSTER_KEY = 'cluster';

/** The data-class of the legend row of context events. */
export const EVENT_KEY = 'event';

/** The legend row of the cluster marker of a kind. */
export function clusterEntry(i18n: I18n, kind: 'incident' | 'service'): LegendEntry {
  const s = CLUSTER_STYLE[kind];
  return { swatch: 'cluster', fill: s.fill, stroke: s.stroke, text: s.text, label: i18n.t(`legend.cluster.${kind}`), key: CLUSTER_KEY };
}

/** Sample counts for the incident size key. */
export const SIZE_SAMPLES = [1, 10, 100] as const;

/**
 * The legend rows of public cells of a kind: one area swatch per class,
 * light to dark, with the counts it stands for.
 */
export function cellEntries(i18n: I18n, kind: CellKind): LegendEntry[] {
  return CELL_BREAKS.map((from, i) => {
    const next = CELL_BREAKS[i + 1];
    const style = cellStyle(kind, i);
    const label = next !== undefined
      ? i18n.t(kind === 'incident' ? 'legend.cellRange.incident' : 'legend.cellRange.service', { from, to: next - 1 })
      : i18n.t(kind === 'incident' ? 'legend.cellFrom.incident' : 'legend.cellFrom.service', { from });
    return { swatch: 'area', fill: rgba(style.fillColor ?? style.color, style.fillOpacity ?? 1), stroke: style.color, label, key: `cell-${i}` };
  });
}

/**
 * Builds the legend for the kinds of layer on show. Routes get one row each
 * (approximate ones dashed and labelled so); incidents get a size key, or,
 * when they are counted in cells (`cells`: the public tier of a restricted
 * layer), a key of the cell classes and a note on what is hidden; so do
 * services. Context events get their grey diamond and a note that they are
 * not migrant deaths.
 */
export function legendGroups(
  i18n: I18n, kinds: ReadonlySet<Kind>, routes: readonly LegendRoute[], cells: ReadonlySet<CellKind> = new Set(), points: DrawnPoints | null = null,
): LegendGroup[] {
  const { t } = i18n;
  const groups: LegendGroup[] = [];
  if (kinds.has('route') && routes.length > 0) {
    const sorted = [...routes].sort((a, b) => a.name.localeCompare(b.name, i18n.lang));
    groups.push({
      kind: 'route',
      title: t('legend.routes'),
      entries: sorted.map((r) => ({
        swatch: 'line',
        colour: r.colour,
        dashed: r.approximate,
        label: r.approximate ? t('legend.approximateRoute', { name: r.name }) : r.name,
      })),
      note: routes.some((r) => r.approximate) ? t('legend.approximateNote') : undefined,
    });
  }
  if (kinds.has('incident') && cells.has('incident')) {
    groups.push({
      kind: 'incident',
      title: t('legend.incidents'),
      entries: cellEntries(i18n, 'incident'),
      note: t('legend.cellNote.incident', { count: CELL_MIN_COUNT }),
    });
  } else if (kinds.has('incident')) {
    groups.push({
      kind: 'incident',
      title: t('legend.incidents'),
      entries: SIZE_SAMPLES.map((n) => ({
        swatch: 'circle',
        fill: INCIDENT_STYLE.fillColor,
        stroke: INCIDENT_STYLE.color,
        radius: incidentRadius(n),
        label: t('legend.incidentSize', { count: n }),
      } as LegendEntry)).concat(points?.clustered.has('incident') ? [clusterEntry(i18n, 'incident')] : []),
    });
  }
  if (kinds.has('service') && cells.has('service')) {
    groups.push({
      kind: 'service',
      title: t('legend.services'),
      entries: cellEntries(i18n, 'service'),
      note: t('legend.cellNote.service', { count: CELL_MIN_COUNT }),
    });
  } else if (kinds.has('service')) {
    const entries = points && points.categories.length > 0 ? serviceEntries(i18n, points) : [];
    groups.push({
      kind: 'service',
      title: t('legend.services'),
      entries: entries.length > 0
        ? entries
        : [{ swatch: 'symbol', shape: serviceSymbol(null).shape, colour: serviceSymbol(null).colour, verification: 'current', label: t('legend.servicePoint') }],
      note: points && points.verification.includes('stale') ? t('legend.staleNote', { years: points.staleYears }) : undefined,
    });
  }
  if (kinds.has('area')) {
    groups.push({
      kind: 'area',
      title: t('legend.areas'),
      entries: [{ swatch: 'area', fill: AREA_STYLE.fillColor ?? AREA_STYLE.color, stroke: AREA_STYLE.color, label: t('legend.area') }],
    });
  }
  if (kinds.has('event')) {
    groups.push({
      kind: 'event',
      title: t('legend.events'),
      entries: [{ swatch: 'symbol', shape: EVENT_SYMBOL.shape, colour: EVENT_SYMBOL.colour, verification: 'current', label: t('legend.event'), key: EVENT_KEY }],
      note: t('legend.eventNote'),
    });
  }
  return groups;
}

/** Which analysis layers are on, for their legend groups. */
export interface AnalysisLegend {
  risk: boolean;
  hotspots: boolean;
  /** Whether the route layer is on too (route risk is drawn over it). */
  routes: boolean;
  /** The risk settings the legend quotes (the defaults when absent). */
  settings?: { radiusKm: number; halfLifeDays: number };
  /** The vocabulary: the risk classes and their breakpoints. */
  vocab: Vocabulary;
}

/**
 * The legend groups of the analysis layers that are on: the vocabulary's
 * risk classes with their ranges and what risk means, and the hotspot classes.
 */
export function analysisLegendGroups(i18n: I18n, on: AnalysisLegend): LegendGroup[] {
  const { t } = i18n;
  const groups: LegendGroup[] = [];
  if (on.risk) {
    const classes = on.vocab.riskClasses;
    const entries: LegendEntry[] = classes.map(({ cls, from: lower }, i) => {
      const label = riskClassTermLabel(i18n, cls, on.vocab);
      const next = classes[i + 1];
      const from = i18n.formatNumber(lower);
      const text = i === 0 && next
        ? t('legend.riskBelow', { label, to: i18n.formatNumber(next.from) })
        : next
          ? t('legend.riskRange', { label, from, to: i18n.formatNumber(next.from) })
          : t('legend.riskFrom', { label, from });
      const style = riskStyle(cls);
      return { swatch: 'line', colour: style.color, dashed: false, width: style.weight, label: text, key: cls };
    });
    const settings = on.settings ?? { radiusKm: RISK_SETTINGS.radius_km, halfLifeDays: RISK_SETTINGS.half_life_days };
    const note = t('legend.riskNote', { radius: settings.radiusKm, halfLife: settings.halfLifeDays });
    groups.push({
      kind: 'risk',
      title: t('legend.risk'),
      entries,
      note: on.routes ? `${note} ${t('legend.riskOverRoutes')}` : note,
    });
  }
  if (on.hotspots) {
    groups.push({
      kind: 'hotspot',
      title: t('legend.hotspots'),
      entries: HOTSPOT_CLASSES.map((cls) => {
        const style = HOTSPOT_STYLE[cls];
        return {
          swatch: 'area',
          fill: rgba(style.fillColor ?? style.color, style.fillOpacity ?? 0),
          stroke: style.color,
          label: t(`hotspot.class.${cls}`),
          key: cls,
        };
      }),
      note: t('legend.hotspotNote'),
    });
  }
  return groups;
}

/** What the legend needs to know of one API layer on the map (a MapLayer). */
export interface LegendLayer {
  readonly meta: Pick<LayerMeta, 'id' | 'kind' | 'sensitivity'>;
  /** Route names seen in the layer, with whether each is approximate. */
  readonly routeNames: ReadonlyMap<string, boolean>;
  /** The privacy tier of the layer's last answer (null before one). */
  readonly tier: PrivacyTier | null;
  /** Whether the last answer was public cells. */
  readonly isAggregated: boolean;
  /** Service layers: the categories and verification states of the points drawn. */
  readonly drawnSymbols?: { categories: readonly string[]; verification: readonly Verification[] };
  /** Whether some of its points are drawn as clusters at the current zoom. */
  readonly isClustered?: boolean;
}

/** The state of a map that its legend follows. */
export interface MapLegendState {
  /** The kinds of layer the legend covers. */
  kinds: ReadonlySet<Kind>;
  layers: readonly LegendLayer[];
  /** Every route name (from the route layers' values), or [] while unknown: the names drawn are used then. */
  routeNames: readonly string[];
  routeColour(name: string): string;
  /** Ids of the layers shown, analyses included. */
  visible: ReadonlySet<string>;
  /** The privacy tier of the latest answer of the API (null before one). */
  tier: PrivacyTier | null;
  /** The risk settings the risk legend quotes. */
  settings: { radiusKm: number; halfLifeDays: number };
  /** The vocabulary (risk classes and breakpoints). */
  vocab: Vocabulary;
}

/** Order of the legend groups, top to bottom. */
const GROUP_ORDER = ['route', 'risk', 'incident', 'hotspot', 'service', 'area', 'event'];

/**
 * The legend of a map, of the layers shown only: its routes (dashed when
 * approximate), incidents and services as points or, for a restricted layer answered as public cells (or,
 * before its first answer, at the public tier), as cell classes, and the
 * analyses shown.
 */
export function mapLegendGroups(i18n: I18n, state: MapLegendState): LegendGroup[] {
  const approx = new Map<string, boolean>();
  for (const l of state.layers) for (const [n, a] of l.routeNames) approx.set(n, a || (approx.get(n) ?? false));
  const names = state.routeNames.length > 0 ? state.routeNames : [...approx.keys()];
  const routes: LegendRoute[] = names.map((n) => ({ name: n, colour: state.routeColour(n), approximate: approx.get(n) ?? false }));
  const cells = new Set<CellKind>();
  for (const l of state.layers) {
    const kind = l.meta.kind;
    if (!isRestricted(l.meta) || (kind !== 'incident' && kind !== 'service')) continue;
    if (l.tier !== null ? l.isAggregated : state.tier === 'public') cells.add(kind);
  }
  // Only what is drawn now: the kinds of the layers shown.
  const shown = state.layers.filter((l) => state.visible.has(l.meta.id));
  const drawn = new Set([...state.kinds].filter((k) => shown.some((l) => l.meta.kind === k)));
  const categories = new Set<string>();
  const verification = new Set<Verification>();
  const clustered = new Set<'incident' | 'service'>();
  for (const l of shown) {
    for (const c of l.drawnSymbols?.categories ?? []) categories.add(c);
    for (const v of l.drawnSymbols?.verification ?? []) verification.add(v);
    if (l.isClustered && (l.meta.kind === 'incident' || l.meta.kind === 'service')) clustered.add(l.meta.kind);
  }
  const order = state.vocab.serviceCategories.map((c) => c.category);
  const rank = (c: string) => (c === '' ? Infinity : order.indexOf(c) < 0 ? order.length : order.indexOf(c));
  const points: DrawnPoints = {
    categories: [...categories].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b)),
    verification: [...verification], clustered, staleYears: state.vocab.staleYears, vocab: state.vocab,
  };
  const groups: LegendGroup[] = [
    ...legendGroups(i18n, drawn, routes, cells, points),
    ...analysisLegendGroups(i18n, {
      risk: state.visible.has(ANALYSIS_IDS.risk),
      hotspots: state.visible.has(ANALYSIS_IDS.hotspots),
      routes: state.layers.some((l) => l.meta.kind === 'route' && state.visible.has(l.meta.id)),
      settings: state.settings,
      vocab: state.vocab,
    }),
  ];
  return groups.sort((a, b) => GROUP_ORDER.indexOf(a.kind) - GROUP_ORDER.indexOf(b.kind));
}

/** Renders the legend groups as DOM (headings, lists, swatches drawn with CSS). */
export function renderLegend(groups: readonly LegendGroup[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const g of groups) {
    const ul = el('ul', { class: `legend-list legend-${g.kind}` });
    for (const e of g.entries) {
      const sw = el('span', { class: `swatch swatch-${e.swatch}`, 'aria-hidden': 'true' });
      if (e.swatch === 'line') {
        sw.style.borderBlockStartColor = e.colour;
        sw.style.borderBlockStartStyle = e.dashed ? 'dashed' : 'solid';
        sw.dataset.dash = e.dashed ? APPROXIMATE_DASH : '';
        if (e.width) sw.style.borderBlockStartWidth = `${e.width}px`;
      } else if (e.swatch === 'symbol') {
        sw.replaceChildren(symbolSwatch(e.shape, e.colour, e.verification));
        sw.dataset.shape = e.shape;
        sw.dataset.verification = e.verification;
      } else if (e.swatch === 'cluster') {
        sw.style.backgroundColor = e.fill;
        sw.style.borderColor = e.stroke;
        sw.style.color = e.text;
      } else if (e.swatch === 'circle') {
        const d = `${Math.round(e.radius * 2)}px`;
        sw.style.inlineSize = d;
        sw.style.blockSize = d;
        sw.style.backgroundColor = e.fill;
        sw.style.borderColor = e.stroke;
      } else {
        sw.style.backgroundColor = e.fill;
        sw.style.borderColor = e.stroke;
      }
      ul.append(el('li', { 'data-class': 'key' in e && e.key ? e.key : null }, [sw, el('span', { class: 'legend-label' }, e.label)]));
    }
    frag.append(el('h3', null, g.title), ul);
    if (g.note) frag.append(el('p', { class: 'legend-note' }, g.note));
  }
  return frag;
}

/** An SVG swatch of a point symbol, drawn as the map's canvas draws it (same outline, same verification style). */
export function symbolSwatch(shape: SymbolShape, colour: string, verification: Verification): SVGSVGElement {
  const size = Math.ceil(SERVICE_SYMBOL_RADIUS * 2 + 6);
  const c = size / 2;
  const v = VERIFICATION_STYLE[verification];
  const path = svg('path', {
    d: svgPath(shape, c, c, SERVICE_SYMBOL_RADIUS + 1), 'fill-rule': 'evenodd',
    fill: v.hollow ? '#FFFFFF' : colour, 'fill-opacity': v.fillOpacity,
    stroke: v.hollow ? colour : '#FFFFFF', 'stroke-opacity': v.strokeOpacity, 'stroke-width': v.hollow ? 1.6 : 0.8,
    'stroke-dasharray': v.dashed ? '2 1.5' : null,
  });
  return svg('svg', { width: size, height: size, viewBox: `0 0 ${size} ${size}`, focusable: 'false', 'aria-hidden': 'true' }, path);
}

/** The parts of a map's legend that the store does not hold. */
export interface LegendSource {
  /** The kinds of layer the legend covers. */
  kinds: ReadonlySet<Kind>;
  layers(): readonly LegendLayer[];
  routeNames(): readonly string[];
  routeColour(name: string): string;
  vocab: Vocabulary;
}

/**
 * Keeps `body` showing the legend of a map: drawn again whenever the
 * layers shown, the risk settings or the privacy tier change in the store.
 * Returns a redraw for what the store does not hold (route names, the
 * answers of restricted layers).
 */
export function followLegend(store: AppStore, body: HTMLElement, i18n: I18n, src: LegendSource): () => void {
  const draw = () => {
    const s = store.get();
    body.replaceChildren(renderLegend(mapLegendGroups(i18n, {
      kinds: src.kinds, layers: src.layers(), routeNames: src.routeNames(), routeColour: src.routeColour,
      visible: new Set(s.layers), tier: s.session.tier, settings: s.risk, vocab: src.vocab,
    })));
  };
  store.subscribe(['layers', 'risk', 'session'], draw, { immediate: true });
  return draw;
}
