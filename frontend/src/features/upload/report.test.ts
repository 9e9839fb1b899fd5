import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { renderReport } from './report';
import { parseReport, type Issue, type Report } from './uploadapi';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

const issue = (n: number, extra: Partial<Issue> = {}): Issue => ({
  feature: n, id: `row-${n}`, field: 'geometry', code: 'coordinates_out_of_range', message: `latitude out of range in row ${n}`, action: 'rejected', ...extra,
});

describe('report', () => {
  it('shows the counts, the issues per code and every issue as text, hostile strings included', () => {
    const report: Report = {
      read: 10, accepted: 9, repaired: 1, rejected: 1,
      counts: { coordinates_out_of_range: 1, [HOSTILE]: 2 },
      issues: [
        issue(4, { message: `bad value ${HOSTILE}`, id: '<script>alert(1)</script>' }),
        issue(7, { field: HOSTILE, code: '"><svg onload=alert(2)>', action: 'repaired', message: 'trimmed' }),
        issue(9, { action: HOSTILE }),
      ],
    };
    document.body.replaceChildren(renderReport(i18n, report));
    const root = document.querySelector<HTMLElement>('.report')!;
    expect(root.dataset.rejected).toBe('1');
    const counts = [...root.querySelectorAll('.report-count')].map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent]);
    expect(counts).toEqual([['Read', '10'], ['Accepted', '9'], ['Repaired', '1'], ['Rejected', '1']]);

    const codes = [...root.querySelectorAll('.report-codes tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    expect(codes).toEqual([[HOSTILE, '2'], ['coordinates_out_of_range', '1']]);

    const head = [...root.querySelectorAll('.report-issues thead th')].map((th) => th.textContent);
    expect(head).toEqual(['Feature', 'Id', 'Field', 'Code', 'Message', 'Action']);
    const rows = [...root.querySelectorAll<HTMLTableRowElement>('.report-issues tbody tr')].map((tr) => [...tr.cells].map((c) => c.textContent));
    expect(rows).toEqual([
      ['4', '<script>alert(1)</script>', 'geometry', 'coordinates_out_of_range', `bad value ${HOSTILE}`, 'Rejected'],
      ['7', 'row-7', HOSTILE, '"><svg onload=alert(2)>', 'trimmed', 'Repaired'],
      ['9', 'row-9', 'geometry', 'coordinates_out_of_range', 'latitude out of range in row 9', HOSTILE],
    ]);
    // Nothing was parsed as markup.
    expect(document.querySelector('img, script, svg')).toBeNull();
    expect(root.querySelector('tr.issue-other')).not.toBeNull();
    expect(root.querySelector('.pager-note')!.textContent).toBe('3 issues.');
    expect(root.querySelector('.pager-prev')).toBeNull();
  });

  it('pages long lists of issues, saying which are shown', () => {
    const issues = Array.from({ length: 120 }, (_, i) => issue(i + 1));
    document.body.replaceChildren(renderReport(i18n, { read: 120, accepted: 0, repaired: 0, rejected: 120, counts: {}, issues }));
    const note = document.querySelector('.pager-note')!;
    const prev = document.querySelector<HTMLButtonElement>('.pager-prev')!;
    const next = document.querySelector<HTMLButtonElement>('.pager-next')!;
    const firstCell = () => [...document.querySelectorAll('.report-issues tbody tr')].map((tr) => tr.firstElementChild!.textContent);
    expect(note.textContent).toBe('Showing issues 1–50 of 120.');
    expect(firstCell()).toHaveLength(50);
    expect(prev.disabled).toBe(true);
    next.click();
    expect(note.textContent).toBe('Showing issues 51–100 of 120.');
    expect(firstCell()[0]).toBe('51');
    next.click();
    expect(note.textContent).toBe('Showing issues 101–120 of 120.');
    expect(firstCell()).toHaveLength(20);
    expect(next.disabled).toBe(true);
    prev.click();
    expect(firstCell()[0]).toBe('51');
    expect(document.querySelector('.report')!.querySelector('.report-none')).toBeNull();
  });

  it('says when there are no issues', () => {
    document.body.replaceChildren(renderReport(i18n, parseReport({ read: 2, accepted: 2 })));
    expect(document.querySelector('.report-none')!.textContent).toBe('No issues.');
    expect(document.querySelector('.report-issues')).toBeNull();
  });

  it('never says "No issues." beside issues counted by code', () => {
    document.body.replaceChildren(renderReport(i18n, parseReport({ read: 5, accepted: 2, rejected: 3, counts: { missing_id: 3 } })));
    const text = document.querySelector('.report')!.textContent ?? '';
    expect(text).toContain('missing_id');
    expect(text).not.toContain('No issues.');
    expect(document.querySelector('.report-none')).toBeNull();
    expect(document.querySelector('.report-unlisted')!.textContent).toBe('3 issues are counted by code above; the server did not list them one by one.');
  });
});
