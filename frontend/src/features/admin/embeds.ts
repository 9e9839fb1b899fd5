import type { ConfirmFn } from '../../shared/dialog';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { errorMessage } from '../../shared/status';
import type { AdminApi, EmbedRecord } from './adminapi';
import { formatTime, labelOf } from './format';

/** Where an embed stands. */
export type EmbedState = 'active' | 'withdrawn' | 'expired';

/** Where an embed stands at `now`. */
export function embedState(r: EmbedRecord, now: Date = new Date()): EmbedState {
  if (r.revokedAt !== null) return 'withdrawn';
  const end = new Date(r.expiresAt);
  return !Number.isNaN(end.getTime()) && end.getTime() <= now.getTime() ? 'expired' : 'active';
}

/**
 * The filters of an embed as text: "route: Central Mediterranean; from:
 * 2024-01-01". The values are the embed maker's and stay text.
 */
export function filtersText(i18n: I18n, params: string): string {
  const parts: string[] = [];
  for (const [k, v] of new URLSearchParams(params)) parts.push(`${k}: ${v}`);
  return parts.length === 0 ? i18n.t('admin.embeds.noFilters') : parts.join('; ');
}

/** The embeds section of the admin page. */
export interface EmbedList {
  element: HTMLElement;
  /** Loads the list again. */
  load(): Promise<void>;
  /** The embeds listed. */
  readonly embeds: readonly EmbedRecord[];
  /** Asks to confirm, then withdraws the embed and lists the embeds again; resolves whether it was withdrawn. */
  withdraw(id: string): Promise<boolean>;
}

/**
 * The signed embeds: who made each, when, its tier, layers, filters and
 * expiry, and whether it is withdrawn, with a "Withdraw" button that asks
 * for confirmation first. After a withdrawal the list is read again from
 * the server, so it shows what the server now refuses.
 */
export function createEmbedList(i18n: I18n, api: Pick<AdminApi, 'embeds' | 'withdraw'>, confirm: ConfirmFn, now: () => Date = () => new Date()): EmbedList {
  const { t } = i18n;
  let list: EmbedRecord[] = [];
  let loaded = false;
  const status = el('p', { id: 'embeds-status', class: 'admin-status', role: 'status', 'aria-live': 'polite' });
  const error = el('p', { id: 'embeds-error', class: 'admin-error', role: 'alert' });
  const body = el('tbody', { id: 'embeds-rows' });
  const table = el('table', { id: 'embeds-table', class: 'admin-table', tabindex: -1 }, [
    el('caption', { class: 'visually-hidden' }, t('admin.embeds.heading')),
    el('thead', null, el('tr', null, [
      el('th', { scope: 'col' }, t('admin.embeds.colName')),
      el('th', { scope: 'col' }, t('admin.embeds.colBy')),
      el('th', { scope: 'col' }, t('admin.embeds.colCreated')),
      el('th', { scope: 'col' }, t('admin.embeds.colTier')),
      el('th', { scope: 'col' }, t('admin.embeds.colLayers')),
      el('th', { scope: 'col' }, t('admin.embeds.colFilters')),
      el('th', { scope: 'col' }, t('admin.embeds.colExpires')),
      el('th', { scope: 'col' }, t('admin.embeds.colStatus')),
      el('th', { scope: 'col' }, t('admin.embeds.colAction')),
    ])),
    body,
  ]);
  const element = el('section', { id: 'embeds', class: 'admin-section', 'aria-labelledby': 'embeds-heading' }, [
    el('h2', { id: 'embeds-heading' }, t('admin.embeds.heading')),
    el('p', { class: 'admin-intro' }, t('admin.embeds.intro')),
    status, el('div', { class: 'table-scroll' }, table), error,
  ]);

  const nameOf = (r: EmbedRecord) => (r.name !== '' ? r.name : t('admin.embeds.unnamed'));

  const row = (r: EmbedRecord) => {
    const state = embedState(r, now());
    const stateText = state === 'withdrawn' ? t('admin.embeds.withdrawnOn', { date: formatTime(i18n, r.revokedAt ?? '') })
      : state === 'expired' ? t('admin.embeds.expired') : t('admin.embeds.active');
    const action = state === 'active'
      ? el('button', {
        type: 'button', class: 'danger embed-withdraw', 'data-embed': r.id,
        'aria-label': t('admin.embeds.withdrawLabel', { name: nameOf(r) }),
        onclick: () => void withdraw(r.id),
      }, t('admin.embeds.withdraw'))
      : null;
    return el('tr', { 'data-embed': r.id, 'data-state': state }, [
      el('td', { dir: 'auto' }, nameOf(r)),
      el('td', { dir: 'auto' }, r.createdBy),
      el('td', null, el('time', { datetime: r.createdAt }, formatTime(i18n, r.createdAt))),
      el('td', null, labelOf(i18n, 'admin.embeds.tier', r.tier)),
      el('td', { dir: 'auto' }, r.layers.join(', ')),
      el('td', { dir: 'auto', class: 'embed-filters' }, filtersText(i18n, r.params)),
      el('td', null, el('time', { datetime: r.expiresAt }, formatTime(i18n, r.expiresAt))),
      el('td', { class: `embed-state state-${state}` }, stateText),
      el('td', null, action),
    ]);
  };

  const render = () => {
    // Newest first.
    const sorted = [...list].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    body.replaceChildren(...sorted.map(row));
    if (loaded && list.length === 0) body.append(el('tr', null, el('td', { colspan: 9, class: 'empty' }, t('admin.embeds.none'))));
  };

  const load = async () => {
    element.setAttribute('aria-busy', 'true');
    error.textContent = '';
    if (!loaded) status.textContent = t('admin.embeds.loading');
    try {
      list = await api.embeds();
      if (!loaded) status.textContent = '';
      loaded = true;
      render();
    } catch (err) {
      if (!loaded) status.textContent = '';
      error.textContent = t('admin.embeds.loadFailed', { message: errorMessage(i18n, err) });
    } finally {
      element.removeAttribute('aria-busy');
    }
  };

  const withdraw = async (id: string): Promise<boolean> => {
    const r = list.find((e) => e.id === id);
    if (!r) return false;
    const name = nameOf(r);
    const ok = await confirm({
      title: t('admin.embeds.confirmTitle'),
      message: t('admin.embeds.confirmMessage', { name, by: r.createdBy }),
      confirm: t('admin.embeds.withdraw'),
      danger: true,
    });
    if (!ok) return false;
    status.textContent = t('admin.embeds.withdrawing', { name });
    error.textContent = '';
    try {
      await api.withdraw(id);
    } catch (err) {
      status.textContent = '';
      error.textContent = t('admin.embeds.withdrawFailed', { name, message: errorMessage(i18n, err) });
      return false;
    }
    // Shown withdrawn at once; the list read again says when.
    list = list.map((e) => (e.id === id ? { ...e, revokedAt: now().toISOString() } : e));
    render();
    await load();
    status.textContent = t('admin.embeds.withdrawn', { name });
    table.focus();
    return true;
  };

  render();
  return {
    element,
    load,
    get embeds() {
      return list;
    },
    withdraw,
  };
}
