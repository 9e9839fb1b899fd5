import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api';
import { confirmDialog } from '../../shared/dialog';
import { createI18n } from '../../shared/i18n';
import type { Session, SessionInfo } from './session';
import { createSignIn } from './signin';

const i18n = createI18n();

/** A session whose sign-in accepts one token. */
function fakeSession(start: SessionInfo | null = null) {
  let info = start;
  const listeners = new Set<(i: SessionInfo | null) => void>();
  const set = (next: SessionInfo | null) => {
    info = next;
    for (const fn of listeners) fn(info);
  };
  const tokens: string[] = [];
  const session: Session = {
    get info() {
      return info;
    },
    load: async () => info,
    signIn: async (token) => {
      tokens.push(token);
      if (token !== 'good-token') throw new ApiError('<img src=x onerror=alert(1)> is not a token', 401, 'unauthorized', 'req-1');
      const next: SessionInfo = { name: 'e2e-editor', role: 'editor', expiresAt: '' };
      set(next);
      return next;
    },
    signOut: async () => set(null),
    request: async () => new Response(null, { status: 204 }),
    subscribe: (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  return { session, tokens };
}

const key = (el: Element, k: string, shiftKey = false) =>
  el.dispatchEvent(new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true }));

function setup(start: SessionInfo | null = null) {
  const { session, tokens } = fakeSession(start);
  const controls = createSignIn(i18n, session);
  document.body.replaceChildren(controls.element);
  const q = <T extends Element>(sel: string) => controls.element.querySelector<T>(sel)!;
  return {
    session, tokens, controls,
    open: q<HTMLButtonElement>('#signin-open'),
    out: q<HTMLButtonElement>('#signin-out'),
    state: q<HTMLElement>('#signin-state'),
    dialog: q<HTMLDialogElement>('#signin-dialog'),
    input: q<HTMLInputElement>('#signin-token'),
    form: q<HTMLFormElement>('#signin-dialog form'),
    message: q<HTMLElement>('#signin-message'),
    cancel: q<HTMLButtonElement>('.signin-cancel'),
    submit: q<HTMLButtonElement>('.signin-submit'),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('sign-in dialog', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
  });

  it('opens from "Sign in" with the focus on a labelled password field, and Escape closes it and returns the focus', () => {
    const ui = setup();
    expect(ui.open.hidden).toBe(false);
    expect(ui.out.hidden).toBe(true);
    expect(ui.open.getAttribute('aria-haspopup')).toBe('dialog');
    ui.open.focus();
    ui.open.click();
    expect(ui.dialog.hasAttribute('open')).toBe(true);
    expect(document.activeElement).toBe(ui.input);
    expect(ui.input.type).toBe('password');
    expect(ui.input.labels?.[0]?.textContent).toBe('Access token');
    expect(ui.dialog.getAttribute('aria-labelledby')).toBe('signin-title');
    // The field has no form name, so it can never be submitted into a URL.
    expect(ui.input.name).toBe('');
    expect(ui.input.autocomplete).toBe('off');

    ui.input.value = 'half-typed';
    key(ui.input, 'Escape');
    expect(ui.dialog.hasAttribute('open')).toBe(false);
    expect(document.activeElement).toBe(ui.open);
    expect(ui.input.value).toBe('');
  });

  it('keeps Tab and Shift+Tab inside the dialog', () => {
    const ui = setup();
    ui.open.click();
    ui.cancel.focus();
    key(ui.cancel, 'Tab');
    expect(document.activeElement).toBe(ui.input);
    key(ui.input, 'Tab', true);
    expect(document.activeElement).toBe(ui.cancel);
  });

  it('signs in: the header shows the name and role, "Sign out" takes the focus, and the field is emptied', async () => {
    const ui = setup();
    const url = location.href;
    ui.open.click();
    ui.input.value = 'good-token';
    ui.form.requestSubmit(ui.submit);
    await settle();
    expect(ui.tokens).toEqual(['good-token']);
    expect(ui.dialog.hasAttribute('open')).toBe(false);
    expect(ui.state.textContent).toBe('Signed in as e2e-editor (editor)');
    expect(ui.state.getAttribute('role')).toBe('status');
    expect(ui.open.hidden).toBe(true);
    expect(ui.out.hidden).toBe(false);
    expect(document.activeElement).toBe(ui.out);
    expect(ui.input.value).toBe('');
    expect(location.href).toBe(url);
    expect(localStorage.length + sessionStorage.length).toBe(0);
    expect(ui.controls.element.dataset.role).toBe('editor');
  });

  it('shows a failed sign-in in the alert region, as text', async () => {
    const ui = setup();
    ui.open.click();
    ui.form.requestSubmit(ui.submit);
    expect(ui.message.textContent).toBe('Enter your access token.');
    expect(ui.tokens).toEqual([]);

    ui.input.value = 'bad-token';
    ui.form.requestSubmit(ui.submit);
    await settle();
    expect(ui.dialog.hasAttribute('open')).toBe(true);
    expect(ui.message.getAttribute('role')).toBe('alert');
    expect(ui.message.textContent).toBe('Sign-in failed: <img src=x onerror=alert(1)> is not a token (request req-1)');
    expect(ui.message.querySelector('img')).toBeNull();
    expect(document.querySelector('img')).toBeNull();
    expect(ui.input.getAttribute('aria-invalid')).toBe('true');
    expect(document.activeElement).toBe(ui.input);
  });

  it('signs out and gives the focus back to "Sign in"', async () => {
    const ui = setup({ name: 'Amina', role: 'admin', expiresAt: '' });
    expect(ui.state.textContent).toBe('Signed in as Amina (administrator)');
    ui.out.click();
    await settle();
    expect(ui.state.textContent).toBe('');
    expect(ui.open.hidden).toBe(false);
    expect(document.activeElement).toBe(ui.open);
  });
});

describe('confirmation dialog', () => {
  it('answers true on the confirm button, false on Cancel or Escape, and returns the focus', async () => {
    const confirm = confirmDialog(document, i18n);
    const opener = document.createElement('button');
    document.body.replaceChildren(opener);
    opener.focus();

    let answer = confirm({ title: 'Restore?', message: 'Restore <b>v1</b>?', confirm: 'Restore' });
    let dialog = document.querySelector<HTMLDialogElement>('dialog')!;
    expect(dialog.getAttribute('role')).toBe('alertdialog');
    expect(dialog.querySelector('p')!.textContent).toBe('Restore <b>v1</b>?');
    expect(dialog.querySelector('b')).toBeNull();
    expect(document.activeElement!.textContent).toBe('Cancel');
    dialog.querySelector<HTMLButtonElement>('.confirm-ok')!.click();
    expect(await answer).toBe(true);
    expect(document.querySelector('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);

    answer = confirm({ title: 'Delete?', message: 'Delete?', confirm: 'Delete layer', danger: true });
    dialog = document.querySelector<HTMLDialogElement>('dialog')!;
    key(dialog.querySelector('.confirm-ok')!, 'Escape');
    expect(await answer).toBe(false);
    expect(document.activeElement).toBe(opener);
  });
});
