import {
  ANALYSIS_IDS, countClasses, HOTSPOT_DRAW_ORDER, hotspotClassOf, hotspotParams, riskClassOf, riskParams, routeHasLine,
  type AnalysisId, type HotspotClass,
} from './analysis';
import type { AnalysisSpec } from './analysislayers';
import type { LayerMeta } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { HOTSPOT_STYLE, RISK_FALLBACK_STYLE, riskStyle } from '../../map/palette';
import { riskClassNames, type Vocabulary } from '../../shared/vocabulary';
import type { RiskSettings } from './risksettings';

/**
 * The analysis layers a map can show (route risk, incident hotspots), shared
 * by the dashboard and the embedded map: which of them the layers on the
 * server allow, which are on by default, which are shown at first, and how
 * each one asks and draws.
 */

/** An analysis layer the server's layers allow, and whether it is on when the URL names no layers. */
export interface AvailableAnalysis {
  id: AnalysisId;
  on: boolean;
}

/**
 * The analyses the layers allow: route risk needs routes and incidents (on
 * by default), hotspots need incidents (off by default).
 */
export function availableAnalyses(metas: readonly Pick<LayerMeta, 'kind'>[]): AvailableAnalysis[] {
  const kinds = new Set(metas.map((m) => m.kind));
  const out: AvailableAnalysis[] = [];
  if (kinds.has('route') && kinds.has('incident')) out.push({ id: ANALYSIS_IDS.risk, on: true });
  if (kinds.has('incident')) out.push({ id: ANALYSIS_IDS.hotspots, on: false });
  return out;
}

/**
 * The ids shown at first: those of `requested` (the URL's `layers`) that
 * exist, or, when it names none, every API layer but the context (area)
 * layers — sea names, ports, search-and-rescue regions, survey sites, which
 * load only when switched on, so the first view does not wait for them —
 * and the analyses that are on by default.
 */
export function initialVisible(
  requested: readonly string[] | undefined, metas: readonly Pick<LayerMeta, 'id' | 'kind'>[], analyses: readonly AvailableAnalysis[],
): Set<string> {
  if (requested) {
    const known = new Set([...metas.map((m) => m.id), ...analyses.map((a) => a.id)]);
    return new Set(requested.filter((id) => known.has(id)));
  }
  return new Set([...metas.filter((m) => m.kind !== 'area').map((m) => m.id), ...analyses.filter((a) => a.on).map((a) => a.id)]);
}

/**
 * The two analysis layers, their classes and zoom steps from `vocab`. `knownRoutes` gives the route names of the route
 * layers (null while unknown): route risk asks nothing for a route filter
 * that names no route line. `settings` gives the risk settings to ask with.
 */
export function analysisSpecs(
  i18n: I18n, vocab: Vocabulary, knownRoutes: () => ReadonlySet<string> | null, settings: () => RiskSettings,
): Record<AnalysisId, AnalysisSpec> {
  const { t } = i18n;
  return {
    risk: {
      id: ANALYSIS_IDS.risk,
      title: t('analysis.risk'),
      pane: 'risk',
      unit: 'segments',
      request: (filters) => (routeHasLine(filters.route, knownRoutes()) ? { path: 'risk/segments', params: riskParams(filters, settings()) } : null),
      classes: riskClassNames(vocab),
      classOf: (p) => riskClassOf(p, vocab),
      style: riskStyle,
      fallbackStyle: RISK_FALLBACK_STYLE,
      detail: (features) => {
        const n = countClasses(features, (p) => riskClassOf(p, vocab));
        return t('layers.riskDetail', { critical: n.get('critical') ?? 0, high: n.get('high') ?? 0 });
      },
    },
    hotspots: {
      id: ANALYSIS_IDS.hotspots,
      title: t('analysis.hotspots'),
      pane: 'hotspot',
      unit: 'cells',
      request: (filters, zoom) => ({ path: 'hotspots', params: hotspotParams(filters, zoom, vocab) }),
      classes: HOTSPOT_DRAW_ORDER,
      classOf: hotspotClassOf,
      style: (cls) => HOTSPOT_STYLE[cls as HotspotClass],
      fallbackStyle: HOTSPOT_STYLE.not_significant,
      detail: (features) => {
        const n = countClasses(features, hotspotClassOf);
        const sum = (cs: HotspotClass[]) => cs.reduce((acc, c) => acc + (n.get(c) ?? 0), 0);
        return t('layers.hotspotDetail', { hot: sum(['hot_99', 'hot_95', 'hot_90']), cold: sum(['cold_99', 'cold_95', 'cold_90']) });
      },
    },
  };
}
