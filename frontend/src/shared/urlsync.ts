import type { AppStore } from './store';
import { encodeState } from './urlstate';

/**
 * Keeps the page's URL true to the store: the view, the layers shown, the
 * filters and the risk settings (defaults left out), written with
 * history.replaceState whenever one of them changes. Returns the unsubscribe.
 */
export function syncUrl(store: AppStore, win: Window = window): () => void {
  return store.subscribe(['view', 'layers', 'filters', 'risk'], (s) => {
    const view = s.view && 'z' in s.view ? s.view : undefined;
    const search = encodeState({ view, layers: [...s.layers], filters: s.filters, risk: s.risk });
    const { pathname, hash } = win.location;
    win.history.replaceState(win.history.state, '', `${pathname}${search}${hash}`);
  }, { immediate: true });
}
