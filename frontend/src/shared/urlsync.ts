import type { AppStore } from './store';
import { encodeState } from './urlstate';

/** Parameters of the URL that the store does not hold, kept as they are (the page's language). */
const KEPT_PARAMS = ['lang'] as const;

/**
 * Keeps the page's URL true to the store: the view, the layers shown, the
 * filters and the risk settings (defaults left out), written with
 * history.replaceState whenever one of them changes; `lang` stays. Returns
 * the unsubscribe.
 */
export function syncUrl(store: AppStore, win: Window = window): () => void {
  return store.subscribe(['view', 'layers', 'filters', 'risk'], (s) => {
    const view = s.view && 'z' in s.view ? s.view : undefined;
    const q = new URLSearchParams(encodeState({ view, layers: [...s.layers], filters: s.filters, risk: s.risk }));
    const before = new URLSearchParams(win.location.search);
    for (const name of KEPT_PARAMS) {
      const v = before.get(name);
      if (v !== null) q.set(name, v);
    }
    const text = q.toString();
    const search = text ? `?${text}` : '';
    const { pathname, hash } = win.location;
    win.history.replaceState(win.history.state, '', `${pathname}${search}${hash}`);
  }, { immediate: true });
}
