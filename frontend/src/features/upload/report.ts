import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import type { Issue, Report } from './uploadapi';

/** Issues shown per page of the issues table. */
export const ISSUE_PAGE_SIZE = 50;

/** The label of an issue's action; an unknown action is shown as it is. */
export function actionLabel(i18n: I18n, action: string): string {
  const key = `report.action.${action}`;
  return i18n.has(key) ? i18n.t(key) : action;
}

let reports = 0;

/**
 * The report of a check or an import: the counts (read, accepted, repaired,
 * rejected), the issues per code, and the issues as a table, a page at a time
 * with "Previous" and "Next". Every value from the server goes in as text.
 */
export function renderReport(i18n: I18n, report: Report, pageSize = ISSUE_PAGE_SIZE): HTMLElement {
  const { t } = i18n;
  const n = ++reports;
  const counts = [
    ['report.read', report.read, 'read'],
    ['report.accepted', report.accepted, 'accepted'],
    ['report.repaired', report.repaired, 'repaired'],
    ['report.rejected', report.rejected, 'rejected'],
  ] as const;
  // Issues per code, most frequent first.
  const codes = Object.entries(report.counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const root = el('section', {
    class: 'report', 'aria-labelledby': `report-heading-${n}`,
    'data-read': report.read, 'data-accepted': report.accepted, 'data-repaired': report.repaired, 'data-rejected': report.rejected,
  }, [
    el('h3', { id: `report-heading-${n}` }, t('report.heading')),
    el('dl', { class: 'report-counts' }, counts.map(([key, value, cls]) => el('div', { class: `report-count report-${cls}` }, [
      el('dt', null, t(key)), el('dd', null, i18n.formatNumber(value)),
    ]))),
    codes.length > 0 && el('table', { class: 'data-table report-codes' }, [
      el('caption', null, t('report.byCode')),
      el('thead', null, row('th', [t('report.code'), t('report.count')], 'col')),
      el('tbody', null, codes.map(([code, count]) => row('td', [code, i18n.formatNumber(count)]))),
    ]),
  ]);

  // The issues, a page at a time. "No issues" only when none is counted either:
  // issues counted by code but not listed say so instead.
  if (report.issues.length === 0) {
    const counted = codes.reduce((sum, [, count]) => sum + count, 0);
    root.append(counted > 0
      ? el('p', { class: 'report-unlisted' }, t('report.notListed', { count: counted }))
      : el('p', { class: 'report-none' }, t('report.noIssues')));
    return root;
  }
  const body = el('tbody');
  const note = el('p', { class: 'pager-note', id: `report-page-${n}`, 'aria-live': 'polite' });
  const total = report.issues.length;
  const pages = Math.ceil(total / pageSize);
  let page = 0;
  const prev = el('button', { type: 'button', class: 'pager-prev', onclick: () => {
    if (page > 0) page--;
    show();
    if (prev.disabled) next.focus();
  } }, t('report.previous'));
  const next = el('button', { type: 'button', class: 'pager-next', onclick: () => {
    if (page < pages - 1) page++;
    show();
    if (next.disabled) prev.focus();
  } }, t('report.next'));
  const show = () => {
    const from = page * pageSize;
    const slice = report.issues.slice(from, from + pageSize);
    body.replaceChildren(...slice.map((issue) => issueRow(i18n, issue)));
    note.textContent = pages > 1
      ? t('report.showing', { from: from + 1, to: from + slice.length, total })
      : t('report.all', { count: total });
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    root.dataset.page = String(page + 1);
  };
  show();
  root.append(
    el('div', { class: 'table-wrap' }, el('table', { class: 'data-table report-issues', 'aria-describedby': note.id }, [
      el('caption', null, t('report.issues')),
      el('thead', null, row('th', [
        t('report.feature'), t('report.id'), t('report.field'), t('report.code'), t('report.message'), t('report.action'),
      ], 'col')),
      body,
    ])),
    el('div', { class: 'pager' }, pages > 1 ? [note, prev, next] : [note]),
  );
  return root;
}

/** One row of the issues table. */
function issueRow(i18n: I18n, issue: Issue): HTMLTableRowElement {
  const tr = row('td', [
    issue.feature > 0 ? i18n.formatNumber(issue.feature) : '',
    issue.id, issue.field, issue.code, issue.message, actionLabel(i18n, issue.action),
  ]);
  tr.className = `issue issue-${/^[a-z]+$/.test(issue.action) ? issue.action : 'other'}`;
  tr.dataset.action = issue.action;
  for (const td of tr.cells) td.dir = 'auto';
  return tr;
}

/** A table row of text cells. */
export function row(cell: 'td' | 'th', texts: readonly string[], scope?: 'col' | 'row'): HTMLTableRowElement {
  return el('tr', null, texts.map((text) => el(cell, { scope }, text)));
}

/** A one-line summary of a report: counts of accepted, repaired and rejected features. */
export function reportSummary(i18n: I18n, report: Report): string {
  return i18n.t('report.summary', { read: report.read, accepted: report.accepted, repaired: report.repaired, rejected: report.rejected });
}
