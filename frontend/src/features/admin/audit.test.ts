import { describe, expect, it, vi } from 'vitest';
import { createI18n } from '../../shared/i18n';
import { fr } from '../../shared/i18n/fr';
import type { AuditEntry, AuditPage } from './adminapi';
import { auditQuery, createAuditLog, entryDetails, NO_FILTER, rangeReversed, utcDay } from './audit';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';

const entry = (time: string, actor: string, action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  time, actor, action, layer: '', version: 0, outcome: 'ok', requestId: '', format: '', bytes: 0, features: 0, rejected: 0,
  detail: '', before: '', after: '', source: '', count: 0, ...extra,
});

const LOG: AuditEntry[] = [
  entry('2026-03-05T23:30:00Z', 'Amina Editor', 'publish', { layer: 'incidents', version: 3 }),
  entry('2026-03-05T08:00:00Z', '', 'sign-in', { outcome: 'failed', source: '10.0.0.9', count: 4 }),
  entry('2026-03-04T12:00:00Z', 'root', 'embed-revoke', { detail: `embed ${HOSTILE}` }),
  entry('2026-03-01T00:00:00Z', 'amina editor', 'delete', { layer: 'routes' }),
  entry('not a time', 'ghost', 'publish'),
];

describe('auditQuery', () => {
  it.each([
    ['no filter', NO_FILTER, ''],
    ['who: the name, trimmed', { ...NO_FILTER, who: ' Amina Editor ' }, 'actor=Amina+Editor'],
    ['what: the action', { ...NO_FILTER, action: 'publish' }, 'action=publish'],
    ['from and to: days', { ...NO_FILTER, from: '2026-03-04', to: '2026-03-05' }, 'from=2026-03-04&to=2026-03-05'],
    ['all together', { who: 'root', action: 'delete', from: '2026-03-01', to: '' }, 'actor=root&action=delete&from=2026-03-01'],
    ['a date that is not YYYY-MM-DD is left out', { ...NO_FILTER, from: '5/3/2026' }, ''],
  ])('%s', (_name, f, want) => {
    expect(auditQuery(f).toString()).toBe(want);
  });

  it('spots dates the wrong way round', () => {
    expect(rangeReversed({ ...NO_FILTER, from: '2026-03-05', to: '2026-03-01' })).toBe(true);
    expect(rangeReversed({ ...NO_FILTER, from: '2026-03-01', to: '2026-03-01' })).toBe(false);
    expect(rangeReversed({ ...NO_FILTER, from: '2026-03-05' })).toBe(false);
    expect(utcDay('2026-03-05T23:30:00-02:00')).toBe('2026-03-06');
    expect(utcDay('garbage')).toBe('');
  });

  it('describes an entry in one line, hostile text as text', () => {
    expect(entryDetails(i18n, LOG[1]!)).toBe('attempts: 4 · from 10.0.0.9');
    expect(entryDetails(i18n, LOG[2]!)).toBe(`embed ${HOSTILE}`);
    expect(entryDetails(i18n, entry('', 'a', 'sensitivity-change', { version: 2, before: 'public', after: 'restricted' }))).toBe('version 2 · from “public” to “restricted”');
  });
});

/**
 * An audit API over `log`, `size` entries a page, that filters as the
 * server does (a part of the actor in any case, the action exactly, from
 * and to as UTC days) and
 * records the cursors and filters asked for.
 */
function pagedApi(log: AuditEntry[], size: number) {
  const asked: (string | null)[] = [];
  const queries: string[] = [];
  let fail = false;
  return {
    asked,
    queries,
    failNext: () => {
      fail = true;
    },
    api: {
      async auditPage(before: string | null, filters?: URLSearchParams): Promise<AuditPage> {
        asked.push(before);
        queries.push(filters?.toString() ?? '');
        if (fail) {
          fail = false;
          throw new Error('network down');
        }
        const f = filters ?? new URLSearchParams();
        const kept = log.filter((e) => {
          const day = utcDay(e.time);
          return (!f.get('actor') || e.actor.toLowerCase().includes(f.get('actor')!.toLowerCase())) && (!f.get('action') || e.action === f.get('action')) &&
            (!f.get('from') || (day !== '' && day >= f.get('from')!)) && (!f.get('to') || (day !== '' && day <= f.get('to')!));
        });
        const start = before === null ? 0 : Number(before);
        const end = start + size;
        return { entries: kept.slice(start, end), nextBefore: end < kept.length ? String(end) : null };
      },
    },
  };
}

const rows = (root: HTMLElement) => [...root.querySelectorAll('#audit-rows tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));

describe('createAuditLog', () => {
  it('pages with "Older" until the oldest entry, with the cursor of the page before', async () => {
    const p = pagedApi(LOG, 2);
    const log = createAuditLog(i18n, p.api);
    document.body.replaceChildren(log.element);
    await log.load();
    const older = log.element.querySelector<HTMLButtonElement>('#audit-older')!;
    expect(log.loaded).toHaveLength(2);
    expect(older.hidden).toBe(false);
    expect(log.element.querySelector('#audit-status')!.textContent).toBe('Entries shown: 2.');
    await log.older();
    await log.older();
    expect(p.asked).toEqual([null, '2', '4']);
    expect(log.loaded).toHaveLength(5);
    expect(older.hidden).toBe(true);
    expect(log.element.querySelector('#audit-status')!.textContent).toContain('The oldest entry kept is loaded.');
    await log.older();
    expect(p.asked).toHaveLength(3);
    // load() starts again from the newest page.
    await log.load();
    expect(p.asked.at(-1)).toBeNull();
    expect(log.loaded).toHaveLength(2);
  });

  it('asks the server for what the form filters, from the newest entry, and offers every action', async () => {
    const p = pagedApi(LOG, 10);
    const log = createAuditLog(i18n, p.api, 0);
    document.body.replaceChildren(log.element);
    await log.load();
    const action = log.element.querySelector<HTMLSelectElement>('#audit-action')!;
    const values = [...action.options].map((o) => o.value);
    expect(values[0]).toBe('');
    for (const a of ['delete', 'embed-revoke', 'publish', 'sign-in', 'purge', 'embed-create']) expect(values).toContain(a);
    expect([...action.options].map((o) => o.textContent)).toContain('Embed withdrawn');
    action.value = 'sign-in';
    action.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect(rows(log.element)).toEqual([[expect.any(String), '', 'Sign-in', '', 'Failed', 'attempts: 4 · from 10.0.0.9']]));
    expect(p.queries.at(-1)).toBe('action=sign-in');
    expect(p.asked.at(-1)).toBeNull();
    const who = log.element.querySelector<HTMLInputElement>('#audit-who')!;
    action.value = '';
    action.dispatchEvent(new Event('change'));
    who.value = 'AMINA';
    who.dispatchEvent(new Event('input'));
    await vi.waitFor(() => expect(p.queries.at(-1)).toBe('actor=AMINA'));
    await vi.waitFor(() => expect(log.shown).toHaveLength(2));
    const from = log.element.querySelector<HTMLInputElement>('#audit-from')!;
    who.value = '';
    from.value = '2026-03-05';
    from.dispatchEvent(new Event('change'));
    await vi.waitFor(() => expect(log.shown.map((e) => e.action)).toEqual(['publish', 'sign-in']));
    expect(p.queries.at(-1)).toBe('from=2026-03-05');
    // Dates the wrong way round: said so, nothing shown, the server not asked.
    const asked = p.queries.length;
    await log.setFilter({ to: '2026-03-01' });
    expect(log.shown).toEqual([]);
    expect(p.queries).toHaveLength(asked);
    expect(log.element.querySelector('#audit-range')!.textContent).toContain('after');
    log.element.querySelector<HTMLButtonElement>('#audit-clear')!.click();
    await vi.waitFor(() => expect(log.shown).toHaveLength(5));
    expect(p.queries.at(-1)).toBe('');
    expect(who.value).toBe('');
  });

  it('pages on with the filter', async () => {
    const p = pagedApi(LOG, 1);
    const log = createAuditLog(i18n, p.api, 0);
    await log.setFilter({ action: 'publish' });
    await log.older();
    expect(p.asked).toEqual([null, '1']);
    expect(p.queries).toEqual(['action=publish', 'action=publish']);
    expect(log.shown.map((e) => e.actor)).toEqual(['Amina Editor', 'ghost']);
  });

  it('says when no entry matches', async () => {
    const log = createAuditLog(i18n, pagedApi(LOG, 10).api, 0);
    await log.load();
    await log.setFilter({ who: 'nobody' });
    expect(rows(log.element)).toEqual([['No entry matches these filters.']]);
  });

  it('writes hostile strings as text', async () => {
    const log = createAuditLog(i18n, pagedApi([entry('2026-03-01T00:00:00Z', HOSTILE, HOSTILE, { detail: HOSTILE, layer: HOSTILE })], 10).api);
    await log.load();
    expect(log.element.querySelector('img')).toBeNull();
    expect(log.element.querySelector('#audit-rows')!.textContent).toContain(HOSTILE);
  });

  it('reports a failed page and keeps what was loaded', async () => {
    const p = pagedApi(LOG, 2);
    const log = createAuditLog(i18n, p.api);
    await log.load();
    p.failNext();
    await log.older();
    expect(log.loaded).toHaveLength(2);
    expect(log.element.querySelector('#audit-error')!.textContent).toContain('The audit log could not be loaded');
    expect(log.element.querySelector<HTMLButtonElement>('#audit-older')!.hidden).toBe(false);
    await log.older();
    expect(log.loaded).toHaveLength(4);
    expect(log.element.querySelector('#audit-error')!.textContent).toBe('');
  });

  it('shows labels and times in the page language', async () => {
    const french = createI18n(fr);
    const log = createAuditLog(french, pagedApi(LOG.slice(0, 1), 10).api);
    await log.load();
    const [time, , action] = rows(log.element)[0]!;
    expect(action).toBe('Publication');
    expect(time).toBe(new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(Date.UTC(2026, 2, 5, 23, 30)));
    expect(time).toContain('mars');
  });
});
