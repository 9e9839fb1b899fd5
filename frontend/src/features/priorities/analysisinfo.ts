import type { Properties } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/**
 * What an analysis answer says about itself at its top level: the last date
 * of its data and the plain sentences that limit what it shows. Read from
 * untrusted JSON; anything malformed is left out.
 */
export interface AnalysisInfo {
  /** The last incident date of the data: YYYY-MM-DD, or YYYY-MM at the public tier; '' when not said. */
  dataThrough: string;
  /** Sentences, as the API words them. */
  caveats: string[];
}

/** Reads `data_through` and `caveats` of an answer's top-level members. */
export function readAnalysisInfo(members: Properties | undefined | null): AnalysisInfo {
  const m = members ?? {};
  const through = typeof m.data_through === 'string' && /^\d{4}-\d{2}(-\d{2})?$/.test(m.data_through) ? m.data_through : '';
  const caveats = Array.isArray(m.caveats)
    ? m.caveats.filter((c): c is string => typeof c === 'string' && c.trim() !== '').map((c) => c.trim())
    : [];
  return { dataThrough: through, caveats };
}

/** A day ("2025-09-08") or a month ("2025-09") in the page language; other text as it is. */
export function formatThrough(i18n: I18n, through: string): string {
  return /^\d{4}-\d{2}$/.test(through) ? i18n.formatMonth(through) : i18n.formatDate(through, 'long');
}

/** The "Data through …" line and the caveats as a collapsible list (closed at first). */
export interface InfoBlock {
  element: HTMLElement;
  set(info: AnalysisInfo): void;
}

/** Builds an empty block; `set` fills it. Parts with nothing to say are hidden. */
export function createInfoBlock(i18n: I18n, className: string): InfoBlock {
  const { t } = i18n;
  const through = el('p', { class: 'data-through', hidden: true });
  const list = el('ul', { class: 'caveat-list' });
  const caveats = el('details', { class: 'caveats', hidden: true }, [el('summary', null, t('analysisInfo.caveats')), list]);
  const element = el('div', { class: `analysis-info ${className}` }, [through, caveats]);
  return {
    element,
    set(info) {
      through.hidden = info.dataThrough === '';
      through.textContent = info.dataThrough ? t('analysisInfo.dataThrough', { date: formatThrough(i18n, info.dataThrough) }) : '';
      if (info.dataThrough) through.dataset.through = info.dataThrough;
      else delete through.dataset.through;
      caveats.hidden = info.caveats.length === 0;
      list.replaceChildren(...info.caveats.map((c) => el('li', { dir: 'auto' }, c)));
    },
  };
}
