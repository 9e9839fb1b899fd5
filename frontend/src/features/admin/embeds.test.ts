import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import type { ConfirmOptions } from '../../shared/dialog';
import { createI18n } from '../../shared/i18n';
import type { EmbedRecord } from './adminapi';
import { createEmbedList, embedState, filtersText } from './embeds';

const i18n = createI18n();
const HOSTILE = '<img src=x onerror=alert(1)>';
const NOW = new Date('2026-03-10T12:00:00Z');

const record = (id: string, extra: Partial<EmbedRecord> = {}): EmbedRecord => ({
  id, name: `Embed ${id}`, tier: 'public', layers: ['incidents', 'routes'], params: '', createdBy: 'e2e-staff',
  createdAt: '2026-03-01T09:00:00Z', expiresAt: '2026-06-01T09:00:00Z', revokedAt: null, ...extra,
});

/** An embeds API over a list kept like the server keeps it. */
function fakeApi(list: EmbedRecord[]) {
  const withdrawn: string[] = [];
  let refuse: ApiError | null = null;
  return {
    withdrawn,
    refuseNext: (err: ApiError) => {
      refuse = err;
    },
    api: {
      embeds: async () => list.map((r) => ({ ...r })),
      withdraw: async (id: string) => {
        if (refuse) {
          const err = refuse;
          refuse = null;
          throw err;
        }
        withdrawn.push(id);
        const r = list.find((e) => e.id === id)!;
        r.revokedAt = '2026-03-10T12:00:00Z';
      },
    },
  };
}

/** A confirmation that answers `answer` and records what it was asked. */
function confirmer(answer: boolean) {
  const asked: ConfirmOptions[] = [];
  return { asked, confirm: async (o: ConfirmOptions) => (asked.push(o), answer) };
}

const stateOf = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`tr[data-embed="${id}"]`)!.dataset.state;

describe('embeds', () => {
  it('tells active, expired and withdrawn apart', () => {
    expect(embedState(record('a'), NOW)).toBe('active');
    expect(embedState(record('b', { expiresAt: '2026-03-01T00:00:00Z' }), NOW)).toBe('expired');
    expect(embedState(record('c', { revokedAt: '2026-03-02T00:00:00Z' }), NOW)).toBe('withdrawn');
  });

  it('writes filters as text', () => {
    expect(filtersText(i18n, '')).toBe('None');
    expect(filtersText(i18n, 'route=Central+Mediterranean&from=2024-01-01')).toBe('route: Central Mediterranean; from: 2024-01-01');
  });

  it('lists who made each embed, when, its tier, layers, expiry and state, newest first', async () => {
    const { api } = fakeApi([
      record('old', { createdAt: '2026-01-01T00:00:00Z', tier: 'partner', revokedAt: '2026-02-01T00:00:00Z' }),
      record('new', { name: HOSTILE, params: `cause=${encodeURIComponent(HOSTILE)}` }),
    ]);
    const list = createEmbedList(i18n, api, confirmer(true).confirm, () => NOW);
    document.body.replaceChildren(list.element);
    await list.load();
    const cells = [...list.element.querySelectorAll('#embeds-rows tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    expect(cells.map((c) => c[0])).toEqual([HOSTILE, 'Embed old']);
    expect(cells[0]!.slice(1)).toEqual(['e2e-staff', expect.stringContaining('2026'), 'Public', 'incidents, routes', `cause: ${HOSTILE}`, expect.stringContaining('2026'), 'Active', 'Withdraw']);
    expect(cells[1]![3]).toBe('Partner');
    expect(cells[1]![7]).toMatch(/^Withdrawn on /);
    expect(cells[1]![8]).toBe('');
    expect(list.element.querySelector('img')).toBeNull();
    expect(list.element.querySelector('.embed-withdraw')!.getAttribute('aria-label')).toBe(`Withdraw “${HOSTILE}”`);
  });

  it('withdraws only once confirmed, then shows the embed withdrawn', async () => {
    const fake = fakeApi([record('a'), record('b')]);
    const no = confirmer(false);
    const list = createEmbedList(i18n, fake.api, no.confirm, () => NOW);
    document.body.replaceChildren(list.element);
    await list.load();
    expect(await list.withdraw('a')).toBe(false);
    expect(no.asked[0]).toMatchObject({ title: 'Withdraw this embed?', confirm: 'Withdraw', danger: true });
    expect(no.asked[0]!.message).toContain('“Embed a” made by e2e-staff');
    expect(fake.withdrawn).toEqual([]);
    expect(stateOf(list.element, 'a')).toBe('active');

    const yes = confirmer(true);
    const list2 = createEmbedList(i18n, fake.api, yes.confirm, () => NOW);
    document.body.replaceChildren(list2.element);
    await list2.load();
    list2.element.querySelector<HTMLButtonElement>('tr[data-embed="a"] .embed-withdraw')!.click();
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(fake.withdrawn).toEqual(['a']);
    expect(stateOf(list2.element, 'a')).toBe('withdrawn');
    expect(list2.element.querySelector('tr[data-embed="a"] .embed-withdraw')).toBeNull();
    expect(stateOf(list2.element, 'b')).toBe('active');
    expect(list2.element.querySelector('#embeds-status')!.textContent).toBe('The embed “Embed a” is withdrawn.');
  });

  it('says why a withdrawal failed and leaves the embed active', async () => {
    const fake = fakeApi([record('a')]);
    const list = createEmbedList(i18n, fake.api, confirmer(true).confirm, () => NOW);
    await list.load();
    fake.refuseNext(new ApiError('no active embed with id a', 404, 'not_found'));
    expect(await list.withdraw('a')).toBe(false);
    expect(list.element.querySelector('#embeds-error')!.textContent).toContain('The embed “Embed a” could not be withdrawn');
    expect(stateOf(list.element, 'a')).toBe('active');
  });

  it('says when there is no embed, once loaded', async () => {
    const list = createEmbedList(i18n, fakeApi([]).api, confirmer(true).confirm, () => NOW);
    expect(list.element.querySelector('#embeds-rows')!.textContent).toBe('');
    await list.load();
    expect(list.element.querySelector('#embeds-rows')!.textContent).toBe('No signed embed has been made yet.');
  });
});
