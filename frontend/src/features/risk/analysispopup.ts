import {
  readCell, readSegment, RISK_SETTINGS, segmentCoverage, type Coverage, type HotspotClass, type RiskClass,
} from './analysis';
import type { Feature } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { riskStyle } from '../../map/palette';
import { riskClassTermLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';


/**
 * A count for a popup or a table. A count the server suppressed (null) reads
 * "fewer than {min}" when the vocabulary's threshold is known, "not shown"
 * otherwise; it never reads as 0.
 */
export function formatCount(i18n: I18n, n: number | null, min?: number): string {
  if (n !== null) return i18n.formatNumber(n);
  return min ? i18n.t('count.suppressed', { k: min }) : i18n.t('count.notShown');
}

/**
 * Popups of the analysis layers: a stretch of route (its risk, what counted
 * and what help is near) and a hotspot cell. Like every popup they are built
 * from DOM nodes, with text through textContent only.
 */

/** The label of a risk class ("Critical"), or "Unclassified". */
export function riskClassLabel(i18n: I18n, cls: RiskClass | null, vocab: Vocabulary | null = null): string {
  return cls ? riskClassTermLabel(i18n, cls, vocab) : i18n.t('risk.classUnknown');
}

/** The label of a hotspot class ("Hot spot, 99 % confidence"). */
export function hotspotClassLabel(i18n: I18n, cls: HotspotClass | null): string {
  return cls ? i18n.t(`hotspot.class.${cls}`) : i18n.t('hotspot.classUnknown');
}

/**
 * A km range along a route as two numbers: whole kilometres for segments
 * of 5 km or more, one decimal for shorter ones.
 */
export function kmRange(i18n: I18n, from: number | null, to: number | null): { from: string; to: string } {
  const a = from ?? 0;
  const b = to ?? a;
  const digits = b - a >= 5 ? 0 : 1;
  return { from: i18n.formatNumber(a, digits), to: i18n.formatNumber(b, digits) };
}

/** A risk value with two significant decimals below 10, one below 100, none above. */
export function formatRisk(i18n: I18n, risk: number): string {
  return i18n.formatNumber(risk, risk < 10 ? 2 : risk < 100 ? 1 : 0);
}

/** What the popup says about one category's coverage. Gap, no data and a distance read differently. */
export function coverageText(i18n: I18n, c: Coverage, reachKm: number = RISK_SETTINGS.reach_km): string {
  const reach = i18n.formatNumber(reachKm);
  switch (c.status) {
    case 'ok':
      return c.nearestKm !== null ? i18n.t('coverage.ok', { km: i18n.formatNumber(c.nearestKm, 1) }) : i18n.t('coverage.okNear', { reach });
    case 'gap':
      return c.nearestKm !== null
        ? i18n.t('coverage.gapNearest', { reach, km: i18n.formatNumber(c.nearestKm, 0) })
        : i18n.t('coverage.gap', { reach });
    default:
      return i18n.t('coverage.noData');
  }
}

/**
 * Builds the popup of a route segment: route, km range, class and risk,
 * rank, incidents, dead, missing, last incident, incidents per year, the
 * "Details" button, the reasons of its rank (when `reasons` or the feature
 * has them) and the nearest current service per category.
 */
export function buildSegmentPopup(
  i18n: I18n, vocab: Vocabulary, feature: Feature, reasons?: readonly string[], reachKm: number = RISK_SETTINGS.reach_km,
  onDetails?: (id: string, button: HTMLButtonElement) => void,
): HTMLElement {
  const { t } = i18n;
  const s = readSegment(feature, vocab);
  const root = el('article', { class: 'popup popup-risk', 'data-segment': s.id, tabindex: -1 }, [
    el('h3', { class: 'popup-title', dir: 'auto' }, s.route || t('riskPopup.title')),
    para(t('riskPopup.km', kmRange(i18n, s.startKm, s.endKm)), 'popup-layer'),
    el('p', { class: 'popup-risk-class', 'data-class': s.cls }, [
      riskChip(s.cls),
      el('span', null, t('riskPopup.risk', { class: riskClassLabel(i18n, s.cls, vocab), risk: s.risk !== null ? formatRisk(i18n, s.risk) : '–' })),
    ]),
    s.rank !== null && para(t('riskPopup.rank', { rank: s.rank }), 'popup-rank'),
  ]);

  // A stretch of the overview zooms has no counts of its own: its details have them.
  const rows: [string, string][] = s.counted ? [
    [t('riskPopup.incidents'), formatCount(i18n, s.incidents, vocab.minPublicCount)],
    [t('prop.dead'), formatCount(i18n, s.dead, vocab.minPublicCount)],
    [t('prop.missing'), formatCount(i18n, s.missing, vocab.minPublicCount)],
    [t('riskPopup.lastIncident'), s.lastIncident ? i18n.formatDate(s.lastIncident) : t('riskPopup.none')],
  ] : [];
  if (s.incidentsPerYear !== null) rows.push([t('riskPopup.perYear'), i18n.formatNumber(s.incidentsPerYear, 2)]);
  if (rows.length > 0) root.append(terms(rows));
  // "Details" comes right after the figures, before the longer lists.
  if (onDetails && s.id) {
    const b: HTMLButtonElement = el('button', {
      type: 'button', class: 'popup-details', onclick: () => onDetails(s.id, b),
      'aria-label': t('riskPopup.detailsLabel', { route: s.route || t('riskPopup.title'), ...kmRange(i18n, s.startKm, s.endKm) }),
    }, t('riskPopup.details'));
    root.append(el('p', { class: 'popup-actions' }, b));
  }

  const why = reasons ?? s.reasons;
  if (why.length > 0) {
    root.append(el('h4', null, t('riskPopup.reasons')), el('ul', { class: 'popup-reasons' }, why.map((r) => el('li', { dir: 'auto' }, r))));
  }

  const coverage = segmentCoverage(feature.properties, vocab);
  if (coverage.length > 0) {
    root.append(el('h4', null, t('riskPopup.services')), el('dl', { class: 'popup-coverage' }, coverage.flatMap((c) => [
      el('dt', { dir: 'auto' }, serviceCategoryLabel(i18n, c.category, vocab)),
      el('dd', { class: `coverage coverage-${c.status}`, 'data-coverage': c.status }, coverageText(i18n, c, reachKm)),
    ])));
    if (coverage.some((c) => c.status === 'no_data')) root.append(para(t('riskPopup.coverageNote'), 'popup-note'));
  }
  return root;
}

/** A small line in the colour and width of a risk class (decorative: the class is also written out). */
export function riskChip(cls: RiskClass | null): HTMLElement {
  const chip = el('span', { class: 'risk-chip', 'aria-hidden': 'true', 'data-class': cls });
  if (cls) {
    const style = riskStyle(cls);
    chip.style.borderBlockStartColor = style.color;
    chip.style.borderBlockStartWidth = `${style.weight}px`;
  }
  return chip;
}

/** A p-value as text: three decimals, four below 0.01, and "below 0.0001" for the smallest. */
export function formatP(i18n: I18n, p: number): string {
  if (p < 0.0001) return i18n.t('hotspotPopup.pBelow', { value: i18n.formatNumber(0.0001, 4) });
  return i18n.formatNumber(p, p < 0.01 ? 4 : 3);
}

/**
 * Builds the popup of a hotspot cell: class, incidents, dead and missing,
 * and behind "More" z and p (FDR-corrected and not) and, when `showCell`
 * (signed-in tiers only: public popups name no H3 cell), the H3 cell.
 */
export function buildHotspotPopup(i18n: I18n, feature: Feature, showCell = false): HTMLElement {
  const { t } = i18n;
  const c = readCell(feature);
  const rows: [string, string][] = [
    [t('hotspotPopup.incidents'), formatCount(i18n, c.incidents)],
    [t('prop.dead'), formatCount(i18n, c.dead)],
    [t('prop.missing'), formatCount(i18n, c.missing)],
  ];
  const stats: [string, string][] = [];
  if (c.z !== null) stats.push([t('hotspotPopup.z'), i18n.formatNumber(c.z, 2)]);
  if (c.pFdr !== null) stats.push([t('hotspotPopup.pFdr'), formatP(i18n, c.pFdr)]);
  if (c.p !== null) stats.push([t('hotspotPopup.p'), formatP(i18n, c.p)]);
  const cell = showCell && c.cell ? para(t('hotspotPopup.cell', { cell: c.cell, resolution: c.resolution ?? '–' }), 'popup-cell') : null;
  return el('article', { class: 'popup popup-hotspot', 'data-class': c.cls, tabindex: -1 }, [
    el('h3', { class: 'popup-title' }, hotspotClassLabel(i18n, c.cls)),
    para(t('popup.layer', { title: t('analysis.hotspots') }), 'popup-layer'),
    terms(rows),
    (stats.length > 0 || cell) && el('details', { class: 'popup-more' }, [el('summary', null, t('popup.more')), stats.length > 0 && terms(stats), cell]),
  ]);
}

/** A description list of label and value pairs. */
function terms(rows: readonly [string, string][]): HTMLElement {
  return el('dl', null, rows.flatMap(([label, value]) => [el('dt', null, label), el('dd', null, value)]));
}

function para(text: string, className: string): HTMLElement {
  return el('p', { class: className }, text);
}
