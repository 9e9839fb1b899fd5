import { el, options } from '../../shared/dom';
import { localDate } from '../../shared/datefield';
import type { I18n } from '../../shared/i18n';
import { errorMessage } from '../../shared/status';
import type { AdminApi, AuditEntry } from './adminapi';
import { formatTime, labelOf } from './format';

/** What the audit log is filtered by; '' leaves a filter out. */
export interface AuditFilter {
  /** A part of the actor's name (a user's or a token's), any case. */
  who: string;
  /** The action, exactly. */
  action: string;
  /** The first day shown, YYYY-MM-DD (UTC). */
  from: string;
  /** The last day shown, YYYY-MM-DD (UTC). */
  to: string;
}

/** No filter. */
export const NO_FILTER: AuditFilter = { who: '', action: '', from: '', to: '' };

/** The actions the server writes, offered in the "what" menu before any entry is loaded. */
export const KNOWN_ACTIONS: readonly string[] = [
  'publish', 'restore', 'delete', 'purge', 'sensitivity-change', 'upload-rejected', 'sign-in', 'sign-out',
  'embed-create', 'embed-revoke', 'read', 'download', 'store-import',
];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Reports whether a filter's dates are the wrong way round. */
export function rangeReversed(f: AuditFilter): boolean {
  return DAY.test(f.from) && DAY.test(f.to) && f.from > f.to;
}

/**
 * The query of a filter for GET /audit, which filters the whole log on the
 * server: a part of the actor's name in any case, the action exactly,
 * from and to as days (UTC, both included). A date that is not YYYY-MM-DD is left out.
 */
export function auditQuery(f: AuditFilter): URLSearchParams {
  const q = new URLSearchParams();
  if (f.who.trim() !== '') q.set('actor', f.who.trim());
  if (f.action !== '') q.set('action', f.action);
  if (DAY.test(f.from)) q.set('from', f.from);
  if (DAY.test(f.to)) q.set('to', f.to);
  return q;
}

/** The UTC day (YYYY-MM-DD) of an RFC 3339 time, or ''. */
export function utcDay(iso: string): string {
  const d = new Date(iso);
  return iso === '' || Number.isNaN(d.getTime()) ? '' : d.toISOString().slice(0, 10);
}


/** The details of an entry as one line of text. */
export function entryDetails(i18n: I18n, e: AuditEntry): string {
  const { t } = i18n;
  const parts: string[] = [];
  if (e.version > 0) parts.push(t('admin.audit.version', { version: e.version }));
  if (e.before !== '' || e.after !== '') parts.push(t('admin.audit.change', { before: e.before, after: e.after }));
  if (e.format !== '') parts.push(t('admin.audit.format', { format: e.format }));
  if (e.features > 0 || e.rejected > 0) parts.push(t('admin.audit.features', { features: e.features, rejected: e.rejected }));
  if (e.count > 1) parts.push(t('admin.audit.times', { times: e.count }));
  if (e.source !== '') parts.push(t('admin.audit.source', { source: e.source }));
  if (e.detail !== '') parts.push(e.detail);
  return parts.join(' · ');
}

/** The audit log section of the admin page. */
export interface AuditLog {
  element: HTMLElement;
  /** Loads the newest page again, dropping what was loaded. */
  load(): Promise<void>;
  /** Loads the next older page, when there is one. */
  older(): Promise<void>;
  /** The entries loaded so far, newest first. */
  readonly loaded: readonly AuditEntry[];
  /** The entries shown (those loaded: the server filtered them). */
  readonly shown: readonly AuditEntry[];
  /** Sets the filter (and its fields) and loads the newest entries it keeps. */
  setFilter(f: Partial<AuditFilter>): Promise<void>;
}

/** Wait after the last keystroke in "who" before asking the server, ms. */
export const WHO_DELAY_MS = 300;

/**
 * The audit log: a filter form (who, what, from, to), a table of the
 * entries, and "Older", which loads the next page with the cursor of the
 * last one. The server filters the whole log (GET /audit with actor,
 * action, from, to): a change of the filter loads the newest page of what
 * it keeps; the status line says how many are shown, and "Older" stays
 * while there are more.
 */
export function createAuditLog(i18n: I18n, api: Pick<AdminApi, 'auditPage'>, whoDelayMs = WHO_DELAY_MS): AuditLog {
  const { t } = i18n;
  let entries: AuditEntry[] = [];
  let next: string | null = null;
  let started = false;
  let filter: AuditFilter = { ...NO_FILTER };
  let generation = 0;

  const who = el('input', { id: 'audit-who', type: 'search', list: 'audit-actors', autocomplete: 'off' });
  const actors = el('datalist', { id: 'audit-actors' });
  const action = el('select', { id: 'audit-action' });
  const from = el('input', { id: 'audit-from', type: 'date' });
  const to = el('input', { id: 'audit-to', type: 'date' });
  const fromShown = localDate(i18n, from);
  const toShown = localDate(i18n, to);
  const clear = el('button', { type: 'button', id: 'audit-clear' }, t('admin.audit.clear'));
  const rangeError = el('p', { id: 'audit-range', class: 'field-error', role: 'alert' });
  const form = el('form', { class: 'audit-filters', role: 'search', 'aria-label': t('admin.audit.filters') }, [
    el('div', { class: 'field' }, [el('label', { for: 'audit-who' }, t('admin.audit.who')), who, actors]),
    el('div', { class: 'field' }, [el('label', { for: 'audit-action' }, t('admin.audit.action')), action]),
    el('div', { class: 'field field-date' }, [el('label', { for: 'audit-from' }, t('admin.audit.from')), from, fromShown.shown]),
    el('div', { class: 'field field-date' }, [el('label', { for: 'audit-to' }, t('admin.audit.to')), to, toShown.shown]),
    el('div', { class: 'field field-button' }, clear),
    rangeError,
  ]);
  const status = el('p', { id: 'audit-status', class: 'admin-status', role: 'status', 'aria-live': 'polite' });
  const body = el('tbody', { id: 'audit-rows' });
  const table = el('table', { id: 'audit-table', class: 'admin-table', tabindex: -1 }, [
    el('caption', { class: 'visually-hidden' }, t('admin.audit.heading')),
    el('thead', null, el('tr', null, [
      el('th', { scope: 'col' }, t('admin.audit.colTime')),
      el('th', { scope: 'col' }, t('admin.audit.colWho')),
      el('th', { scope: 'col' }, t('admin.audit.colAction')),
      el('th', { scope: 'col' }, t('admin.audit.colLayer')),
      el('th', { scope: 'col' }, t('admin.audit.colOutcome')),
      el('th', { scope: 'col' }, t('admin.audit.colDetail')),
    ])),
    body,
  ]);
  const olderButton = el('button', { type: 'button', id: 'audit-older', hidden: true }, t('admin.audit.older'));
  const error = el('p', { id: 'audit-error', class: 'admin-error', role: 'alert' });
  const element = el('section', { id: 'audit', class: 'admin-section', 'aria-labelledby': 'audit-heading' }, [
    el('h2', { id: 'audit-heading' }, t('admin.audit.heading')),
    el('p', { class: 'admin-intro' }, t('admin.audit.introServer')),
    form, status, el('div', { class: 'table-scroll' }, table), error, olderButton,
  ]);

  const row = (e: AuditEntry) => el('tr', { class: `outcome-${/^[a-z]+$/.test(e.outcome) ? e.outcome : 'other'}` }, [
    el('td', null, el('time', { datetime: e.time }, formatTime(i18n, e.time))),
    el('td', { dir: 'auto' }, e.actor),
    el('td', { 'data-action': e.action }, labelOf(i18n, 'admin.action', e.action)),
    el('td', { dir: 'auto' }, e.layer),
    el('td', null, labelOf(i18n, 'admin.outcome', e.outcome)),
    el('td', { dir: 'auto', class: 'audit-detail' }, entryDetails(i18n, e)),
  ]);

  const render = () => {
    const reversed = rangeReversed(filter);
    rangeError.textContent = reversed ? t('admin.audit.rangeReversed') : '';
    const rows = reversed ? [] : entries;
    body.replaceChildren(...rows.map(row));
    const filtered = auditQuery(filter).toString() !== '';
    if (rows.length === 0 && started) {
      body.append(el('tr', null, el('td', { colspan: 6, class: 'empty' }, filtered ? t('admin.audit.noMatch') : t('admin.audit.none'))));
    }
    status.textContent = started ? t('admin.audit.count', { count: rows.length }) + (next === null && rows.length > 0 ? ' ' + t('admin.audit.allLoaded') : '') : '';
    olderButton.hidden = next === null || reversed;
    // The choices of "what": the actions the server writes, those seen, and the one chosen.
    const actions = [...new Set([...KNOWN_ACTIONS, ...entries.map((e) => e.action).filter((a) => a !== ''), ...(filter.action ? [filter.action] : [])])]
      .sort((a, b) => labelOf(i18n, 'admin.action', a).localeCompare(labelOf(i18n, 'admin.action', b), i18n.lang));
    if (action.options.length !== actions.length + 1 || [...action.options].some((o, i) => i > 0 && o.value !== actions[i - 1])) {
      action.replaceChildren(...options([{ value: '', label: t('admin.audit.anyAction') }, ...actions.map((a) => ({ value: a, label: labelOf(i18n, 'admin.action', a) }))]));
    }
    action.value = filter.action;
    for (const e of entries) if (e.actor !== '') seenActors.add(e.actor);
    actors.replaceChildren(...[...seenActors].sort().map((a) => el('option', { value: a })));
  };
  const seenActors = new Set<string>();

  let whoTimer: ReturnType<typeof setTimeout> | null = null;
  const apply = (next: AuditFilter): Promise<void> => {
    if (whoTimer) clearTimeout(whoTimer);
    whoTimer = null;
    filter = next;
    if (rangeReversed(filter)) {
      // Nothing can match: said so, and the server is not asked.
      generation++;
      entries = [];
      started = true;
      render();
      return Promise.resolve();
    }
    return fetchPage(null, true);
  };
  const formFilter = (): AuditFilter => ({ who: who.value, action: action.value, from: from.value, to: to.value });
  who.addEventListener('input', () => {
    if (whoTimer) clearTimeout(whoTimer);
    whoTimer = setTimeout(() => void apply(formFilter()), whoDelayMs);
  });
  for (const input of [from, to]) input.addEventListener('change', () => void apply(formFilter()));
  action.addEventListener('change', () => void apply(formFilter()));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void apply(formFilter());
  });
  clear.addEventListener('click', () => {
    who.value = from.value = to.value = '';
    fromShown.refresh();
    toShown.refresh();
    void apply({ ...NO_FILTER });
    who.focus();
  });

  const fetchPage = async (before: string | null, reset: boolean) => {
    const mine = ++generation;
    olderButton.disabled = true;
    element.setAttribute('aria-busy', 'true');
    error.textContent = '';
    if (reset) status.textContent = t('admin.audit.loading');
    try {
      const page = await api.auditPage(before, auditQuery(filter));
      if (mine !== generation) return;
      entries = reset ? page.entries : [...entries, ...page.entries];
      next = page.nextBefore;
      started = true;
      render();
    } catch (err) {
      if (mine !== generation) return;
      error.textContent = t('admin.audit.loadFailed', { message: errorMessage(i18n, err) });
      if (reset) status.textContent = '';
    } finally {
      if (mine === generation) {
        olderButton.disabled = false;
        element.removeAttribute('aria-busy');
      }
    }
  };

  const older = () => (next === null ? Promise.resolve() : fetchPage(next, false));
  olderButton.addEventListener('click', () => {
    void older().then(() => {
      // The last page is in: the button is gone, the focus goes to the table.
      if (olderButton.hidden) table.focus();
    });
  });

  render();
  return {
    element,
    load: () => fetchPage(null, true),
    older,
    get loaded() {
      return entries;
    },
    get shown() {
      return rangeReversed(filter) ? [] : entries;
    },
    setFilter(f) {
      const nextFilter = { ...filter, ...f };
      who.value = nextFilter.who;
      from.value = nextFilter.from;
      to.value = nextFilter.to;
      fromShown.refresh();
      toShown.refresh();
      return apply(nextFilter);
    },
  };
}
