import type { RiskSettings } from '../features/risk/risksettings';
import type { Role } from '../features/session/session';
import type { PrivacyTier } from './api';
import type { Filters } from './urlstate';

/**
 * One observable store of a page's state, in slices. Components subscribe
 * to the slices they need and react when one of them changes; a control
 * changes the state with one `set`, and never calls the components that
 * depend on it. A slice counts as changed only when its new value differs
 * from the old one (compared as plain data), and every subscriber runs at
 * most once per `set` or `batch`, in the order it subscribed.
 */

/** Called with the state and the slices that changed since the subscriber last ran. */
export type Listener<S, K extends keyof S> = (state: Readonly<S>, changed: ReadonlySet<K>) => void;

/** An observable store of state `S`. */
export interface Store<S extends object> {
  /** The state now (do not mutate it: `set` a new value instead). */
  get(): Readonly<S>;
  /** Replaces the given slices; subscribers of those that changed run (after the batch, inside one). */
  set(patch: Partial<S>): void;
  /** Replaces one slice with `fn` of its value now. */
  update<K extends keyof S>(key: K, fn: (value: S[K]) => S[K]): void;
  /**
   * Calls `fn` whenever one of `keys` changes; with `immediate`, once now as
   * well (with every key as changed). Returns the unsubscribe.
   */
  subscribe<K extends keyof S>(keys: readonly K[], fn: Listener<S, K>, opts?: { immediate?: boolean }): () => void;
  /** Runs `fn` and notifies once, after it, for everything it changed. */
  batch(fn: () => void): void;
}

/** Reports whether two plain values (primitives, arrays, plain objects, Sets) are equal. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set && b instanceof Set) || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => sameValue(v, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Creates a store holding `initial`. */
export function createStore<S extends object>(initial: S): Store<S> {
  let state: S = { ...initial };
  interface Sub {
    keys: ReadonlySet<keyof S>;
    fn: Listener<S, keyof S>;
    /** Slices changed since it last ran. */
    pending: Set<keyof S>;
  }
  const subs: Sub[] = [];
  let depth = 0;
  let flushing = false;

  const flush = () => {
    if (depth > 0 || flushing) return;
    flushing = true;
    try {
      // A subscriber that sets the state marks others pending again: loop until quiet.
      for (let rounds = 0; ; rounds++) {
        const due = subs.find((s) => s.pending.size > 0);
        if (!due) break;
        if (rounds > 1000) throw new Error('store: subscribers keep changing the state');
        const changed = new Set(due.pending);
        due.pending.clear();
        due.fn(state, changed);
      }
    } finally {
      flushing = false;
    }
  };

  const store: Store<S> = {
    get: () => state,
    set(patch) {
      const changed: (keyof S)[] = [];
      const next = { ...state };
      for (const k of Object.keys(patch) as (keyof S)[]) {
        if (!sameValue(state[k], patch[k])) {
          next[k] = patch[k] as S[keyof S];
          changed.push(k);
        }
      }
      if (changed.length === 0) return;
      state = next;
      for (const s of subs) for (const k of changed) if (s.keys.has(k)) s.pending.add(k);
      flush();
    },
    update(key, fn) {
      store.set({ [key]: fn(state[key]) } as unknown as Partial<S>);
    },
    subscribe(keys, fn, opts = {}) {
      const sub: Sub = { keys: new Set(keys), fn: fn as Listener<S, keyof S>, pending: new Set() };
      subs.push(sub);
      if (opts.immediate) fn(state, new Set(keys));
      return () => {
        const i = subs.indexOf(sub);
        if (i >= 0) subs.splice(i, 1);
      };
    },
    batch(fn) {
      depth++;
      try {
        fn();
      } finally {
        depth--;
      }
      flush();
    },
  };
  return store;
}

/** The map view: a centre and a zoom, or (embeds) a box fitted into the frame. */
export type ViewState =
  | { z: number; lat: number; lon: number }
  | { bbox: [minLon: number, minLat: number, maxLon: number, maxLat: number] };

/** Who reads the page: the privacy tier the server last stated, and the signed-in role. */
export interface SessionState {
  /** The privacy tier of the latest answer that stated one (null before any). */
  tier: PrivacyTier | null;
  /** The signed-in user's role, null when signed out (or not known yet). */
  role: Role | null;
  /** Whether the first answer about the session has come (sign-ins after it reload what depends on the tier). */
  known: boolean;
}

/** The state a map page (the dashboard, an embed) shares between its components. */
export interface AppState {
  /** Null until the map has a view. */
  view: ViewState | null;
  filters: Filters;
  /** Ids of the layers shown (API layers and the analyses `risk`, `hotspots`). */
  layers: readonly string[];
  risk: RiskSettings;
  session: SessionState;
}

/** The store of a map page. */
export type AppStore = Store<AppState>;

/** A subscription that waits for a burst of changes to settle (see settle). */
export interface Settled {
  /** Whether a run is waiting. */
  pending(): boolean;
  /** Stops listening (a waiting run is dropped). */
  stop(): void;
}

/**
 * Subscribes `fn` to `keys`, run `ms` after the last change of a burst
 * (filters typed in, a slider dragged). `onPending` runs when a run starts
 * waiting and just before it runs, so that a busy marker can follow.
 */
export function settle<S extends object, K extends keyof S>(
  store: Store<S>, keys: readonly K[], ms: number, fn: (state: Readonly<S>) => void, onPending?: () => void,
): Settled {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const off = store.subscribe(keys, () => {
    const first = timer === undefined;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onPending?.();
      fn(store.get());
    }, ms);
    if (first) onPending?.();
  });
  return {
    pending: () => timer !== undefined,
    stop() {
      off();
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
