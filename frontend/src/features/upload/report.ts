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
export function renderReport(doc: Document, i18n: I18n, report: Report, pageSize = ISSUE_PAGE_SIZE): HTMLElement {
  const { t } = i18n;
  const n = ++reports;
  const root = doc.createElement('section');
  root.className = 'report';
  root.setAttribute('aria-labelledby', `report-heading-${n}`);
  root.dataset.read = String(report.read);
  root.dataset.accepted = String(report.accepted);
  root.dataset.repaired = String(report.repaired);
  root.dataset.rejected = String(report.rejected);

  const h = doc.createElement('h3');
  h.id = `report-heading-${n}`;
  h.textContent = t('report.heading');
  root.append(h);

  // The four counts.
  const dl = doc.createElement('dl');
  dl.className = 'report-counts';
  for (const [key, value, cls] of [
    ['report.read', report.read, 'read'],
    ['report.accepted', report.accepted, 'accepted'],
    ['report.repaired', report.repaired, 'repaired'],
    ['report.rejected', report.rejected, 'rejected'],
  ] as const) {
    const div = doc.createElement('div');
    div.className = `report-count report-${cls}`;
    const dt = doc.createElement('dt');
    dt.textContent = t(key);
    const dd = doc.createElement('dd');
    dd.textContent = i18n.formatNumber(value);
    div.append(dt, dd);
    dl.append(div);
  }
  root.append(dl);

  // Issues per code, most frequent first.
  const codes = Object.entries(report.counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (codes.length > 0) {
    const table = doc.createElement('table');
    table.className = 'data-table report-codes';
    const caption = doc.createElement('caption');
    caption.textContent = t('report.byCode');
    const head = doc.createElement('thead');
    head.append(row(doc, 'th', [t('report.code'), t('report.count')], 'col'));
    const body = doc.createElement('tbody');
    for (const [code, count] of codes) body.append(row(doc, 'td', [code, i18n.formatNumber(count)]));
    table.append(caption, head, body);
    root.append(table);
  }

  // The issues, a page at a time.
  if (report.issues.length === 0) {
    const p = doc.createElement('p');
    p.className = 'report-none';
    p.textContent = t('report.noIssues');
    root.append(p);
    return root;
  }
  const table = doc.createElement('table');
  table.className = 'data-table report-issues';
  const caption = doc.createElement('caption');
  caption.textContent = t('report.issues');
  const head = doc.createElement('thead');
  head.append(row(doc, 'th', [
    t('report.feature'), t('report.id'), t('report.field'), t('report.code'), t('report.message'), t('report.action'),
  ], 'col'));
  const body = doc.createElement('tbody');
  table.append(caption, head, body);
  const wrap = doc.createElement('div');
  wrap.className = 'table-wrap';
  wrap.append(table);

  const pager = doc.createElement('div');
  pager.className = 'pager';
  const note = doc.createElement('p');
  note.className = 'pager-note';
  note.id = `report-page-${n}`;
  note.setAttribute('aria-live', 'polite');
  const prev = doc.createElement('button');
  prev.type = 'button';
  prev.className = 'pager-prev';
  prev.textContent = t('report.previous');
  const next = doc.createElement('button');
  next.type = 'button';
  next.className = 'pager-next';
  next.textContent = t('report.next');
  table.setAttribute('aria-describedby', note.id);

  const total = report.issues.length;
  const pages = Math.ceil(total / pageSize);
  let page = 0;
  const show = () => {
    const from = page * pageSize;
    const slice = report.issues.slice(from, from + pageSize);
    body.replaceChildren(...slice.map((issue) => issueRow(doc, i18n, issue)));
    note.textContent = pages > 1
      ? t('report.showing', { from: from + 1, to: from + slice.length, total })
      : t('report.all', { count: total });
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
    root.dataset.page = String(page + 1);
  };
  prev.addEventListener('click', () => {
    if (page > 0) page--;
    show();
    if (prev.disabled) next.focus();
  });
  next.addEventListener('click', () => {
    if (page < pages - 1) page++;
    show();
    if (next.disabled) prev.focus();
  });
  pager.append(note);
  if (pages > 1) pager.append(prev, next);
  show();
  root.append(wrap, pager);
  return root;
}

/** One row of the issues table. */
function issueRow(doc: Document, i18n: I18n, issue: Issue): HTMLTableRowElement {
  const tr = row(doc, 'td', [
    issue.feature > 0 ? i18n.formatNumber(issue.feature) : '',
    issue.id, issue.field, issue.code, issue.message, actionLabel(i18n, issue.action),
  ]);
  tr.className = `issue issue-${/^[a-z]+$/.test(issue.action) ? issue.action : 'other'}`;
  tr.dataset.action = issue.action;
  for (const td of tr.cells) td.dir = 'auto';
  return tr;
}

/** A table row of text cells. */
export function row(doc: Document, cell: 'td' | 'th', texts: readonly string[], scope?: 'col' | 'row'): HTMLTableRowElement {
  const tr = doc.createElement('tr');
  for (const text of texts) {
    const c = doc.createElement(cell);
    if (scope) c.setAttribute('scope', scope);
    c.textContent = text;
    tr.append(c);
  }
  return tr;
}

/** A one-line summary of a report: counts of accepted, repaired and rejected features. */
export function reportSummary(i18n: I18n, report: Report): string {
  return i18n.t('report.summary', { read: report.read, accepted: report.accepted, repaired: report.repaired, rejected: report.rejected });
}
