import {
  readCell, readSegment, RISK_SETTINGS, segmentCoverage, type Coverage, type HotspotClass, type RiskClass,
} from './analysis';
import type { Feature } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { riskStyle } from '../../map/palette';
import { riskClassTermLabel, serviceCategoryLabel, type Vocabulary } from '../../shared/vocabulary';

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
 * reasons of its rank (when `reasons` or the feature has them) and the
 * nearest current service per category.
 */
export function buildSegmentPopup(
  doc: Document, i18n: I18n, vocab: Vocabulary, feature: Feature, reasons?: readonly string[], reachKm: number = RISK_SETTINGS.reach_km,
  onDetails?: (id: string, button: HTMLButtonElement) => void,
): HTMLElement {
  const { t } = i18n;
  const s = readSegment(feature, vocab);
  const root = doc.createElement('article');
  root.className = 'popup popup-risk';
  root.dataset.segment = s.id;
  root.tabIndex = -1;

  const h = doc.createElement('h3');
  h.className = 'popup-title';
  h.dir = 'auto';
  h.textContent = s.route || t('riskPopup.title');
  root.append(h);

  root.append(para(doc, t('riskPopup.km', kmRange(i18n, s.startKm, s.endKm)), 'popup-layer'));

  const risk = doc.createElement('p');
  risk.className = 'popup-risk-class';
  if (s.cls) risk.dataset.class = s.cls;
  const sw = riskChip(doc, s.cls);
  const rt = doc.createElement('span');
  rt.textContent = t('riskPopup.risk', { class: riskClassLabel(i18n, s.cls, vocab), risk: s.risk !== null ? formatRisk(i18n, s.risk) : '–' });
  risk.append(sw, rt);
  root.append(risk);
  if (s.rank !== null) root.append(para(doc, t('riskPopup.rank', { rank: s.rank }), 'popup-rank'));

  const dl = doc.createElement('dl');
  const row = (label: string, value: string) => {
    const dt = doc.createElement('dt');
    dt.textContent = label;
    const dd = doc.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  };
  row(t('riskPopup.incidents'), i18n.formatNumber(s.incidents));
  row(t('prop.dead'), i18n.formatNumber(s.dead));
  row(t('prop.missing'), i18n.formatNumber(s.missing));
  row(t('riskPopup.lastIncident'), s.lastIncident || t('riskPopup.none'));
  if (s.incidentsPerYear !== null) row(t('riskPopup.perYear'), i18n.formatNumber(s.incidentsPerYear, 2));
  root.append(dl);

  const why = reasons ?? s.reasons;
  if (why.length > 0) {
    const h4 = doc.createElement('h4');
    h4.textContent = t('riskPopup.reasons');
    const ul = doc.createElement('ul');
    ul.className = 'popup-reasons';
    for (const r of why) {
      const li = doc.createElement('li');
      li.dir = 'auto';
      li.textContent = r;
      ul.append(li);
    }
    root.append(h4, ul);
  }

  const coverage = segmentCoverage(feature.properties, vocab);
  if (coverage.length > 0) {
    const h4 = doc.createElement('h4');
    h4.textContent = t('riskPopup.services');
    const cl = doc.createElement('dl');
    cl.className = 'popup-coverage';
    for (const c of coverage) {
      const dt = doc.createElement('dt');
      dt.dir = 'auto';
      dt.textContent = serviceCategoryLabel(i18n, c.category, vocab);
      const dd = doc.createElement('dd');
      dd.className = `coverage coverage-${c.status}`;
      dd.dataset.coverage = c.status;
      dd.textContent = coverageText(i18n, c, reachKm);
      cl.append(dt, dd);
    }
    root.append(h4, cl);
    if (coverage.some((c) => c.status === 'no_data')) root.append(para(doc, t('riskPopup.coverageNote'), 'popup-note'));
  }
  if (onDetails && s.id) {
    const b = doc.createElement('button');
    b.type = 'button';
    b.className = 'popup-details';
    b.textContent = t('riskPopup.details');
    b.setAttribute('aria-label', t('riskPopup.detailsLabel', { route: s.route || t('riskPopup.title'), ...kmRange(i18n, s.startKm, s.endKm) }));
    b.addEventListener('click', () => onDetails(s.id, b));
    root.append(b);
  }
  return root;
}

/** A small line in the colour and width of a risk class (decorative: the class is also written out). */
export function riskChip(doc: Document, cls: RiskClass | null): HTMLElement {
  const chip = doc.createElement('span');
  chip.className = 'risk-chip';
  chip.setAttribute('aria-hidden', 'true');
  if (cls) {
    chip.dataset.class = cls;
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

/** Builds the popup of a hotspot cell: class, incidents, dead, missing, z and p (FDR-corrected). */
export function buildHotspotPopup(doc: Document, i18n: I18n, feature: Feature): HTMLElement {
  const { t } = i18n;
  const c = readCell(feature);
  const root = doc.createElement('article');
  root.className = 'popup popup-hotspot';
  if (c.cls) root.dataset.class = c.cls;

  const h = doc.createElement('h3');
  h.className = 'popup-title';
  h.textContent = hotspotClassLabel(i18n, c.cls);
  root.append(h);
  root.append(para(doc, t('popup.layer', { title: t('analysis.hotspots') }), 'popup-layer'));

  const dl = doc.createElement('dl');
  const row = (label: string, value: string) => {
    const dt = doc.createElement('dt');
    dt.textContent = label;
    const dd = doc.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  };
  row(t('hotspotPopup.incidents'), i18n.formatNumber(c.incidents));
  row(t('prop.dead'), i18n.formatNumber(c.dead));
  row(t('prop.missing'), i18n.formatNumber(c.missing));
  if (c.z !== null) row(t('hotspotPopup.z'), i18n.formatNumber(c.z, 2));
  if (c.pFdr !== null) row(t('hotspotPopup.pFdr'), formatP(i18n, c.pFdr));
  if (c.p !== null) row(t('hotspotPopup.p'), formatP(i18n, c.p));
  root.append(dl);
  if (c.cell) {
    root.append(para(doc, t('hotspotPopup.cell', { cell: c.cell, resolution: c.resolution ?? '–' }), 'popup-cell'));
  }
  return root;
}

function para(doc: Document, text: string, className: string): HTMLElement {
  const p = doc.createElement('p');
  p.className = className;
  p.textContent = text;
  return p;
}
