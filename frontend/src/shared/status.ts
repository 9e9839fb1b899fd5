import { ApiError } from './api';
import { el } from './dom';
import type { I18n } from './i18n';

/** The message for a failed request, naming what failed and the request id if the server gave one. */
export function describeError(i18n: I18n, what: string, err: unknown): string {
  if (err instanceof ApiError) {
    const message = err.status === 0 ? i18n.t('status.network') : err.message;
    return err.requestId
      ? i18n.t('status.errorWithId', { what, message, id: err.requestId })
      : i18n.t('status.error', { what, message });
  }
  const message = err instanceof Error ? err.message : String(err);
  return i18n.t('status.error', { what, message });
}

/**
 * The text of a failed request for the user: the server's message (with the
 * request id when there is one), or that the server could not be reached.
 */
export function errorMessage(i18n: I18n, err: unknown): string {
  if (err instanceof ApiError) {
    const message = err.status === 0 ? i18n.t('status.network') : err.message;
    return err.requestId ? i18n.t('error.withId', { message, id: err.requestId }) : message;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * The live region that tells the user what is loading and what went wrong.
 * Messages are keyed by their subject, so a later success can clear them.
 */
export class StatusRegion {
  readonly element: HTMLElement;
  private readonly messages = new Map<string, { text: string; error: boolean }>();

  constructor() {
    this.element = el('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' });
  }

  /** Sets the message about `key`. */
  set(key: string, text: string, error = false): void {
    this.messages.set(key, { text, error });
    this.render();
  }

  /** Clears the message about `key`. */
  clear(key: string): void {
    if (this.messages.delete(key)) this.render();
  }

  /** The messages shown now. */
  texts(): string[] {
    return [...this.messages.values()].map((m) => m.text);
  }

  private render(): void {
    this.element.replaceChildren(...[...this.messages.values()].map((m) => el('p', { class: m.error ? 'status-error' : 'status-info' }, m.text)));
  }
}
