import { isAbort, type Api } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { AppStore } from '../../shared/store';
import { describeError, type StatusRegion } from '../../shared/status';
import type { Session } from './session';

/** The session as the store sees it. */
export interface SessionFollower {
  /** Whether the tier after a sign-in or sign-out is being asked. */
  busy(): boolean;
}

/** What the session slice is fed from, and who reacts to a sign-in or sign-out. */
export interface SessionOptions {
  store: AppStore;
  api: Api;
  session: Session;
  i18n: I18n;
  status: StatusRegion;
  /**
   * Runs after a sign-in or sign-out (after the first answer about the
   * session), once the layer list, asked again, stated the new tier (or
   * could not): whatever was answered at another tier loads again.
   */
  onTierChange(): void;
  /** Runs when it starts or stops asking the tier. */
  onBusy(): void;
}

/**
 * Feeds the store's session slice: the privacy tier every answer of the API
 * states, the signed-in role, and whether the first answer about the
 * session has come. A sign-in or sign-out after that asks the layer list
 * again (whose answer states the new tier) and then calls `onTierChange`.
 */
export function followSession(o: SessionOptions): SessionFollower {
  const { store, api, session } = o;
  api.onTier((tier) => store.update('session', (s) => ({ ...s, tier })));
  let check: AbortController | null = null;
  const tierChanged = async () => {
    check?.abort();
    const c = new AbortController();
    check = c;
    o.onBusy();
    try {
      await api.layers(c.signal);
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      // The tier stays unknown: reload restricted layers anyway, their answers say it.
    } finally {
      if (check === c) {
        check = null;
        o.onBusy();
      }
    }
    o.onTierChange();
  };
  session.subscribe((info) => {
    const known = store.get().session.known;
    store.update('session', (s) => ({ ...s, role: info?.role ?? null }));
    if (known) void tierChanged();
  });
  void session.load().catch((err) => {
    o.status.set('session', describeError(o.i18n, o.i18n.t('status.what.session'), err), true);
  }).finally(() => {
    store.update('session', (s) => ({ ...s, known: true }));
  });
  return { busy: () => check !== null };
}
