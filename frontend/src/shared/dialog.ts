import { el } from './dom';
import type { I18n } from './i18n';

/** What can take the focus inside a dialog. */
const FOCUSABLE = [
  'a[href]', 'button:not([disabled])', 'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])', 'textarea:not([disabled])', '[tabindex]:not([tabindex="-1"])',
].join(',');

/** The elements of `root` that Tab reaches, in document order. */
export function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]'));
}

/**
 * A modal dialog around a `<dialog>` element: opened with showModal() where
 * the browser has it (the rest of the page is then inert), the focus moves
 * into it, Tab and Shift+Tab stay inside, Escape closes it, and on closing
 * the focus goes back to the control that opened it (or to another one the
 * caller names).
 */
export class Modal {
  private opener: HTMLElement | null = null;
  private closing = false;

  constructor(
    readonly dialog: HTMLDialogElement,
    private readonly onClose?: () => void,
  ) {
    dialog.addEventListener('keydown', (e) => this.onKey(e));
    // Escape in browsers with showModal(): close our way, with the focus handled.
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      this.close();
    });
  }

  /** Whether the dialog is open. */
  get isOpen(): boolean {
    return this.dialog.hasAttribute('open');
  }

  /** Opens the dialog and focuses `initial` (by default its first control). */
  open(initial?: HTMLElement): void {
    if (this.isOpen) return;
    const doc = this.dialog.ownerDocument;
    const active = doc.activeElement;
    this.opener = active instanceof HTMLElement && active !== doc.body ? active : null;
    if (typeof this.dialog.showModal === 'function') {
      this.dialog.showModal();
    } else {
      this.dialog.setAttribute('open', '');
    }
    (initial ?? focusables(this.dialog)[0] ?? this.dialog).focus();
  }

  /** Closes the dialog; the focus goes to `returnTo`, else back to the opener. */
  close(returnTo?: HTMLElement | null): void {
    if (!this.isOpen || this.closing) return;
    this.closing = true;
    try {
      if (typeof this.dialog.close === 'function') this.dialog.close();
      this.dialog.removeAttribute('open');
      this.onClose?.();
      const target = [returnTo, this.opener].find((el) => el && el.isConnected && !el.closest('[hidden]') && !(el as HTMLButtonElement).disabled);
      target?.focus();
      this.opener = null;
    } finally {
      this.closing = false;
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(this.dialog);
    if (items.length === 0) {
      e.preventDefault();
      return;
    }
    const first = items[0]!;
    const last = items[items.length - 1]!;
    const active = this.dialog.ownerDocument.activeElement;
    if (e.shiftKey && (active === first || !this.dialog.contains(active))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (active === last || !this.dialog.contains(active))) {
      e.preventDefault();
      first.focus();
    }
  }
}

/** What a confirmation asks. */
export interface ConfirmOptions {
  title: string;
  message: string;
  /** The label of the button that goes ahead ("Restore", "Delete layer"). */
  confirm: string;
  /** Whether going ahead destroys something (the button is styled as such). */
  danger?: boolean;
}

/** Asks the user to confirm an action; resolves true when they do. */
export type ConfirmFn = (options: ConfirmOptions) => Promise<boolean>;

/**
 * A confirmation as a modal dialog: the title, the message, and two buttons;
 * "Cancel" has the focus first, Escape is "Cancel". The dialog is removed
 * once answered.
 */
export function confirmDialog(doc: Document, i18n: I18n): ConfirmFn {
  let n = 0;
  return (options) =>
    new Promise<boolean>((resolve) => {
      n++;
      let answer = false;
      const ok = el('button', { type: 'button', class: options.danger ? 'confirm-ok danger' : 'confirm-ok', onclick: () => {
        answer = true;
        modal.close();
      } }, options.confirm);
      const cancel = el('button', { type: 'button', class: 'confirm-cancel', onclick: () => modal.close() }, i18n.t('dialog.cancel'));
      const dialog = el('dialog', {
        class: 'dialog confirm-dialog', role: 'alertdialog', 'aria-modal': 'true',
        'aria-labelledby': `confirm-title-${n}`, 'aria-describedby': `confirm-message-${n}`,
      }, [
        el('h2', { id: `confirm-title-${n}` }, options.title),
        el('p', { id: `confirm-message-${n}` }, options.message),
        el('div', { class: 'dialog-actions' }, [ok, cancel]),
      ]);
      const modal = new Modal(dialog, () => {
        dialog.remove();
        resolve(answer);
      });
      doc.body.append(dialog);
      modal.open(cancel);
    });
}
