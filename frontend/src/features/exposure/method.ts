import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/**
 * The method panel: what the number the map calls "risk" is (the API keeps
 * the property name `risk`), what it is not, how well it foresaw later deaths
 * in the backtest, and where the full method and tables are.
 */

/** Where the method and the validation tables live in the repository. */
export const METHOD_DOC = 'docs/risk-validation.md';

/**
 * The backtest figures quoted, from METHOD_DOC at the 2022-01-01 split: the
 * share of later dead and missing held by the top tenth of stretches, for the
 * model and for ranking by the plain incident count.
 */
export const BACKTEST = { split: '2022-01-01', model: 0.601, naive: 0.476 } as const;

/** Builds the method panel, collapsed at first. */
export function createMethodPanel(i18n: I18n): HTMLElement {
  const { t } = i18n;
  const pct = (share: number) => new Intl.NumberFormat(i18n.lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
  return el('section', { class: 'panel-section measure', id: 'method', 'aria-labelledby': 'method-heading' }, [
    el('details', null, [
      el('summary', null, el('h2', { id: 'method-heading', class: 'inline-heading' }, t('measure.heading'))),
      el('p', null, el('strong', null, t('measure.name'))),
      el('p', null, t('measure.body')),
      el('p', { class: 'measure-backtest' }, t('measure.backtest', {
        split: i18n.formatDate(BACKTEST.split, 'long'), model: pct(BACKTEST.model), naive: pct(BACKTEST.naive),
      })),
      el('p', { class: 'measure-docs' }, docsLine(i18n)),
    ]),
  ]);
}

/** "Method and validation tables: <code>docs/risk-validation.md</code> in the RouteRisk repository." */
function docsLine(i18n: I18n): (string | HTMLElement)[] {
  const text = i18n.t('measure.docs', { path: '\u0000' });
  const [before, after] = text.split('\u0000');
  return [before ?? '', el('code', null, METHOD_DOC), after ?? ''];
}
