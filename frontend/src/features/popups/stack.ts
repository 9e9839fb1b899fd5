import L from 'leaflet';
import { isAbort } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { messagePopup } from '../layers/popup';
import { createPager } from './pager';

/**
 * One popup among those a click found: its content, built at once or
 * fetched (the signal aborts when the popup moves on or closes).
 */
export type PopupEntry = (signal: AbortSignal) => HTMLElement | Promise<HTMLElement>;

/** How a popup is opened. */
export interface OpenOptions {
  /**
   * Gives the focus back when the popup closes while the focus is in it (or
   * nowhere): by default to the element that had it when the popup opened.
   */
  returnFocus?: () => void;
  /** Moves the focus into the popup (when it was opened from the keyboard). */
  focus?: boolean;
  /** Runs when the popup closes. */
  onClose?: () => void;
}

/** Widest and narrowest popup, and the room kept around it when the map pans to it. */
const POPUP_OPTIONS: L.PopupOptions = { maxWidth: 360, minWidth: 220, autoPanPadding: [24, 24] };

/**
 * The room the map keeps above a popup when it pans to it: below the
 * controls at the top of the map (search, legend), at most a third of the
 * map's height so that a long legend never pushes a popup out of view.
 */
export function topPadding(map: L.Map): number {
  const container = map.getContainer();
  const top = container.getBoundingClientRect().top;
  let bottom = 0;
  for (const corner of container.querySelectorAll<HTMLElement>('.leaflet-top')) {
    for (const control of corner.children) bottom = Math.max(bottom, control.getBoundingClientRect().bottom - top);
  }
  return Math.round(Math.max(24, Math.min(bottom + 8, map.getSize().y / 3)));
}

/**
 * Opens one popup at `at` holding `entries`, paged "1 of N" when there are
 * several. Escape closes it from anywhere inside (a button, a link, after
 * paging), and the focus then goes back to where it was. Returns the popup.
 */
export function openStack(map: L.Map, i18n: I18n, at: L.LatLngExpression, entries: readonly PopupEntry[], opts: OpenOptions = {}): L.Popup {
  const doc = map.getContainer().ownerDocument;
  const opener = doc.activeElement instanceof HTMLElement ? doc.activeElement : null;
  let controller: AbortController | null = null;
  const popup = L.popup({ ...POPUP_OPTIONS, autoPanPaddingTopLeft: [24, topPadding(map)] });

  // Re-lays the popup out after its page changed, keeping the focus where it was.
  const relayout = () => {
    const active = doc.activeElement;
    popup.update();
    if (active instanceof HTMLElement && active !== doc.activeElement && pager.element.contains(active)) active.focus({ preventScroll: true });
  };
  const pager = createPager(i18n, entries.length, (i, page) => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    const built = entries[i]!(c.signal);
    if (built instanceof HTMLElement) {
      page.replaceChildren(built);
      return;
    }
    page.replaceChildren(messagePopup(i18n.t('popup.loading')));
    built.then((content) => {
      if (c.signal.aborted) return;
      page.replaceChildren(content);
      relayout();
    }, (err) => {
      if (!isAbort(err)) console.error(err);
    });
  });
  pager.show(0);
  popup.setLatLng(at).setContent(pager.element).openOn(map);
  // Each later page changes the size: lay out again (the first one was laid out on open).
  pager.element.addEventListener('click', (ev) => {
    if ((ev.target as Element | null)?.closest?.('.popup-pager-button')) relayout();
  });
  // So does unfolding "More" (toggle does not bubble: caught on the way down); the map pans to keep it in view.
  pager.element.addEventListener('toggle', () => relayout(), true);

  const container = popup.getElement();
  const onKey = (ev: KeyboardEvent) => {
    if (ev.key !== 'Escape') return;
    ev.preventDefault();
    ev.stopPropagation();
    map.closePopup(popup);
  };
  container?.addEventListener('keydown', onKey);
  if (opts.focus) {
    const first = pager.element.querySelector<HTMLElement>('.popup-page > [tabindex="-1"]') ?? pager.element.querySelector<HTMLElement>('button');
    if (first) first.focus({ preventScroll: true });
    else {
      pager.element.tabIndex = -1;
      pager.element.focus({ preventScroll: true });
    }
  }
  popup.once('remove', () => {
    controller?.abort();
    container?.removeEventListener('keydown', onKey);
    const active = doc.activeElement;
    if (!active || active === doc.body || container?.contains(active)) {
      if (opts.returnFocus) opts.returnFocus();
      else if (opener?.isConnected) opener.focus({ preventScroll: true });
    }
    opts.onClose?.();
  });
  return popup;
}
