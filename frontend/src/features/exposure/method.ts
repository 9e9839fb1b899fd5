import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/**
 * The method panel: what the number the map calls "risk" is (the API keeps
 * the property name `risk`), what it is not, how well it foresaw later deaths
 * in the backtest the API runs, and where the full method and tables are.
 */

/** Where the method and the validation tables live in the repository. */
export const METHOD_DOC = 'docs/risk-validation.md';

/** The backtest the panel quotes: the API's, at its default split (a path under /api/v1). */
export const BACKTEST_PATH = 'risk/backtest';

/** The backtest's address, which the panel links to. */
export const BACKTEST_URL = `/api/v1/${BACKTEST_PATH}`;

/** The figures of a backtest the panel quotes. */
export interface BacktestFigures {
  /** The split date, YYYY-MM-DD. */
  split: string;
  /** The model's top_decile_share. */
  model: number;
  /** The top_decile_share of ranking by the plain incident count. */
  naive: number;
}

/**
 * Reads the figures the panel quotes from a backtest answer, or null when
 * the answer is not one (a share outside 0–1, no split, no incident-count
 * baseline). The answer is untrusted like any other.
 */
export function backtestFigures(body: unknown): BacktestFigures | null {
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const share = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 1 ? v : null);
  const model = share(b.top_decile_share);
  const split = typeof b.split === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(b.split) ? b.split : null;
  const count = Array.isArray(b.baselines)
    ? b.baselines.find((x): x is Record<string, unknown> => typeof x === 'object' && x !== null && (x as Record<string, unknown>).name === 'incident_count')
    : undefined;
  const naive = count ? share(count.top_decile_share) : null;
  if (model === null || split === null || naive === null) return null;
  return { split, model, naive };
}

/** What the panel needs of the API. */
export interface MethodPanelDeps {
  /** GETs a path under /api/v1 and answers its JSON. */
  getJson(path: string, signal?: AbortSignal): Promise<unknown>;
}

/**
 * Builds the method panel, collapsed at first. The backtest is asked of the
 * API the first time the panel is opened (it is computed on request, and
 * the first map should not wait for it); the paragraph says while it loads
 * and if it fails.
 */
export function createMethodPanel(i18n: I18n, deps: MethodPanelDeps): HTMLElement {
  const { t } = i18n;
  const pct = (share: number) => new Intl.NumberFormat(i18n.lang, { style: 'percent', maximumFractionDigits: 0 }).format(share);
  const backtest = el('p', { class: 'measure-backtest', 'aria-live': 'polite', 'data-status': 'idle' });
  const details = el('details', null, [
    el('summary', null, el('h2', { id: 'method-heading', class: 'inline-heading' }, t('measure.heading'))),
    el('p', null, el('strong', null, t('measure.name'))),
    el('p', null, t('measure.body')),
    backtest,
    el('p', { class: 'measure-docs' }, docsLine(i18n)),
  ]);
  let asked = false;
  const load = async () => {
    backtest.dataset.status = 'loading';
    backtest.textContent = t('measure.backtestLoading');
    try {
      const figures = backtestFigures(await deps.getJson(BACKTEST_PATH));
      if (!figures) throw new Error('not a backtest');
      backtest.textContent = t('measure.backtest', {
        split: i18n.formatDate(figures.split, 'long'), model: pct(figures.model), naive: pct(figures.naive),
      });
      backtest.dataset.status = 'ready';
    } catch {
      backtest.textContent = t('measure.backtestFailed');
      backtest.dataset.status = 'error';
      asked = false; // opening the panel again tries again
    }
  };
  details.addEventListener('toggle', () => {
    if (!details.open || asked) return;
    asked = true;
    void load();
  });
  return el('section', { class: 'panel-section measure', id: 'method', 'aria-labelledby': 'method-heading' }, [details]);
}

/**
 * "Method and validation tables: <code>docs/risk-validation.md</code> in the
 * RouteRisk repository; the figures: <a>/api/v1/risk/backtest</a>."
 */
function docsLine(i18n: I18n): (string | HTMLElement)[] {
  const text = i18n.t('measure.docs', { path: '\u0000' });
  const [before, after] = text.split('\u0000');
  return [
    before ?? '', el('code', null, METHOD_DOC), after ?? '', ' ',
    el('a', { class: 'measure-api', href: BACKTEST_URL, target: '_blank', rel: 'noopener' }, i18n.t('measure.backtestApi')),
  ];
}
