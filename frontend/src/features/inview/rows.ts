import type { Feature } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { Kind } from '../../shared/kinds';
import type { Vocabulary } from '../../shared/vocabulary';
import { cellCount, deadMissing, isAggregated, num } from '../../map/geometry';
import { fieldLabel, formatValue, popupFields, popupTitle } from '../layers/popup';
import { readCell, readSegment } from '../risk/analysis';
import { formatCount, formatRisk, hotspotClassLabel, kmRange, riskClassLabel } from '../risk/analysispopup';

/** What drew a feature: an API layer of a kind, or an analysis. */
export type RowSource = { kind: Kind } | { analysis: 'risk' | 'hotspots' };

/** One row of the "In view" list: what the feature is called, a line of its main facts, and how much it weighs. */
export interface Row {
  title: string;
  facts: string;
  /** Rows are listed heaviest first (dead and missing, a cell's count, a stretch's risk); 0 keeps the layer's order. */
  weight: number;
}

/** Facts a row shows, at most. */
const MAX_FACTS = 3;

/**
 * Describes one feature as a row, with the same words its popup uses: the
 * popup's title and the first of its summary facts ("Date: 31 Dec 2020 ·
 * Dead: 3 · Missing: 1"). A public cell reads as its counts and never names
 * its H3 cell; a stretch of route as its km and risk; a hotspot as its class.
 */
export function describeRow(i18n: I18n, vocab: Vocabulary, source: RowSource, feature: Feature): Row {
  return { ...rowHead(i18n, vocab, source, feature), facts: rowFacts(i18n, vocab, source, feature) };
}

/** A row's title and weight: all the list needs to order every feature in view (the facts are read for the rows shown). */
export function rowHead(i18n: I18n, vocab: Vocabulary, source: RowSource, feature: Feature): Omit<Row, 'facts'> {
  const { t } = i18n;
  const props = propsOf(feature);
  if ('analysis' in source) {
    if (source.analysis === 'risk') {
      const s = readSegment(feature, vocab);
      return { title: s.route || t('riskPopup.title'), weight: s.risk ?? 0 };
    }
    const c = readCell(feature);
    return { title: hotspotClassLabel(i18n, c.cls), weight: c.incidents ?? 0 };
  }
  const { kind } = source;
  if (isAggregated(props)) {
    return { title: t(kind === 'incident' ? 'cellPopup.title.incident' : 'cellPopup.title.service'), weight: cellCount(props) };
  }
  return { title: popupTitle(i18n, kind, props), weight: kind === 'incident' ? deadMissing(props) : 0 };
}

/** A row's line of facts. */
export function rowFacts(i18n: I18n, vocab: Vocabulary, source: RowSource, feature: Feature): string {
  const { t } = i18n;
  const sep = t('cellPopup.separator');
  const props = propsOf(feature);
  if ('analysis' in source) {
    if (source.analysis === 'risk') {
      const s = readSegment(feature, vocab);
      return [
        t('riskPopup.km', kmRange(i18n, s.startKm, s.endKm)),
        t('riskPopup.risk', { class: riskClassLabel(i18n, s.cls, vocab), risk: s.risk !== null ? formatRisk(i18n, s.risk) : '–' }),
      ].join(sep);
    }
    const c = readCell(feature);
    return [
      `${t('hotspotPopup.incidents')}: ${formatCount(i18n, c.incidents)}`,
      `${t('prop.dead')}: ${formatCount(i18n, c.dead)}`,
      `${t('prop.missing')}: ${formatCount(i18n, c.missing)}`,
    ].join(sep);
  }
  const { kind } = source;
  if (isAggregated(props)) {
    const incidents = kind === 'incident';
    const parts = [t(incidents ? 'cellPopup.incidents' : 'cellPopup.services', { count: cellCount(props) })];
    if (incidents) {
      parts.push(t('cellPopup.dead', { count: Math.max(0, num(props.dead)) }), t('cellPopup.missing', { count: Math.max(0, num(props.missing)) }));
    }
    return parts.join(sep);
  }
  return popupFields(i18n, kind, props).summary.slice(0, MAX_FACTS)
    .map((k) => `${fieldLabel(i18n, k)}: ${formatValue(i18n, kind, k, props[k], vocab)}`)
    .join(sep);
}

function propsOf(feature: Feature): Record<string, unknown> {
  return feature.properties && typeof feature.properties === 'object' ? feature.properties : {};
}

/** The order rows are listed in: heaviest first, then by title, then as the layer drew them. */
export function rowOrder(i18n: I18n): (a: Omit<Row, 'facts'> & { at: number }, b: Omit<Row, 'facts'> & { at: number }) => number {
  const collator = new Intl.Collator(i18n.lang);
  return (a, b) => b.weight - a.weight || collator.compare(a.title, b.title) || a.at - b.at;
}
