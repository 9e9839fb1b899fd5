import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/** Widest viewport, in CSS pixels, laid out as a phone: the map fills the screen, the panel is a bottom sheet. */
export const PHONE_MAX_WIDTH = 700;

/** The media query of the phone layout (styles.css uses the same width). */
export const PHONE_QUERY = `(max-width: ${PHONE_MAX_WIDTH - 0.02}px)`;

/** The panel as a bottom sheet on a phone. */
export interface Sheet {
  /** The button that opens and closes the sheet (shown on phones only). */
  readonly button: HTMLButtonElement;
  /** Whether the page is laid out as a phone now. */
  isPhone(): boolean;
  /** Whether the sheet is open. */
  isOpen(): boolean;
  /** Opens the sheet (a no-op on wider screens, where the panel is always shown). */
  open(): void;
  /** Closes the sheet, showing the whole map. */
  close(): void;
}

/**
 * Makes `panel` a bottom sheet on phones. `root` carries the state
 * (`data-sheet="open"|"closed"`), which styles.css reads below
 * PHONE_MAX_WIDTH; wider, the panel stays beside the map and the button is
 * hidden. Escape in the sheet closes it, and focus goes back to the button.
 */
export function createSheet(i18n: I18n, root: HTMLElement, panel: HTMLElement, matches: () => boolean = phoneMatcher()): Sheet {
  const { t } = i18n;
  if (!panel.id) panel.id = 'panel';
  const label = el('span', null, t('app.showPanel'));
  const button = el('button', {
    type: 'button', id: 'sheet-toggle', class: 'sheet-toggle', 'aria-controls': panel.id, 'aria-expanded': 'false',
    onclick: () => (sheet.isOpen() ? sheet.close() : sheet.open()),
  }, [el('span', { class: 'sheet-handle', 'aria-hidden': 'true' }), label]);

  const setState = (open: boolean) => {
    root.dataset.sheet = open ? 'open' : 'closed';
    button.setAttribute('aria-expanded', String(open));
    label.textContent = open ? t('app.showMap') : t('app.showPanel');
  };

  const sheet: Sheet = {
    button,
    isPhone: matches,
    isOpen: () => root.dataset.sheet === 'open',
    open() {
      setState(true);
    },
    close() {
      if (!sheet.isOpen()) return;
      setState(false);
      if (sheet.isPhone() && panel.contains(document.activeElement)) button.focus();
    },
  };
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && sheet.isPhone() && sheet.isOpen() && !ev.defaultPrevented) {
      // A dialog or popup inside the panel handles its own Escape first.
      if ((ev.target as Element | null)?.closest?.('dialog')) return;
      sheet.close();
    }
  });
  setState(false);
  return sheet;
}

function phoneMatcher(): () => boolean {
  const mq = typeof window.matchMedia === 'function' ? window.matchMedia(PHONE_QUERY) : null;
  return () => mq?.matches ?? false;
}
