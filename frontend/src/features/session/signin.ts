import { Modal } from '../../shared/dialog';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import type { Role, Session, SessionInfo } from './session';
import { errorMessage } from '../../shared/status';

/** The label of a role in the current language. */
export function roleLabel(i18n: I18n, role: Role): string {
  return i18n.t(`role.${role}`);
}

/** The sign-in controls of a page header. */
export interface SignInControls {
  element: HTMLElement;
  /** Opens the sign-in dialog. */
  open(): void;
}

/**
 * "Sign in" and "Sign out" for the page header, with the sign-in dialog:
 * a password-type token field that is emptied once used and never given a
 * form name, so that it cannot end up in a URL.
 */
export function createSignIn(i18n: I18n, session: Session): SignInControls {
  const { t } = i18n;
  const root = el('div', { class: 'signin' });
  const state = el('p', { id: 'signin-state', class: 'signin-state', role: 'status', 'aria-live': 'polite' });
  const openButton = el('button', { type: 'button', id: 'signin-open', class: 'signin-open', 'aria-haspopup': 'dialog' }, t('session.signIn'));
  const outButton = el('button', { type: 'button', id: 'signin-out', class: 'signin-out', hidden: true }, t('session.signOut'));
  const outError = el('p', { class: 'signin-error', role: 'alert' });

  // The dialog.
  const input = el('input', {
    id: 'signin-token', type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, autocapitalize: 'off',
    'aria-describedby': 'signin-message',
  });
  const message = el('p', { id: 'signin-message', class: 'signin-message', role: 'alert', 'aria-live': 'assertive' });
  const submit = el('button', { type: 'submit', class: 'signin-submit' }, t('session.submit'));
  const cancel = el('button', { type: 'button', class: 'signin-cancel' }, t('dialog.cancel'));
  const form = el('form', { novalidate: true }, [
    el('h2', { id: 'signin-title' }, t('session.dialogTitle')),
    el('p', { id: 'signin-intro', class: 'dialog-intro' }, t('session.dialogIntro')),
    el('div', { class: 'field' }, [el('label', { for: 'signin-token' }, t('session.token')), input]),
    message,
    el('div', { class: 'dialog-actions' }, [submit, cancel]),
  ]);
  const dialog = el('dialog', {
    id: 'signin-dialog', class: 'dialog signin-dialog', 'aria-labelledby': 'signin-title', 'aria-describedby': 'signin-intro',
  }, form);

  const modal = new Modal(dialog, () => {
    input.value = '';
    message.textContent = '';
    input.removeAttribute('aria-invalid');
  });

  const render = (info: SessionInfo | null) => {
    state.textContent = info ? t('session.signedInAs', { name: info.name, role: roleLabel(i18n, info.role) }) : '';
    openButton.hidden = info !== null;
    outButton.hidden = info === null;
    root.dataset.signedIn = info ? 'true' : 'false';
    if (info) root.dataset.role = info.role;
    else delete root.dataset.role;
  };
  render(session.info);
  session.subscribe(render);

  let busy = false;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    if (input.value.trim() === '') {
      message.textContent = t('session.emptyToken');
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    dialog.setAttribute('aria-busy', 'true');
    message.textContent = t('session.checking');
    input.removeAttribute('aria-invalid');
    session.signIn(input.value.trim()).then(
      () => {
        input.value = '';
        outError.textContent = '';
        modal.close(outButton);
      },
      (err) => {
        message.textContent = t('session.failed', { message: errorMessage(i18n, err) });
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        input.select();
      },
    ).finally(() => {
      busy = false;
      submit.disabled = false;
      dialog.removeAttribute('aria-busy');
    });
  });
  cancel.addEventListener('click', () => modal.close(openButton));
  openButton.addEventListener('click', () => {
    outError.textContent = '';
    modal.open(input);
  });
  outButton.addEventListener('click', () => {
    outButton.disabled = true;
    outError.textContent = '';
    session.signOut().then(
      () => openButton.focus(),
      (err) => {
        outError.textContent = t('session.signOutFailed', { message: errorMessage(i18n, err) });
      },
    ).finally(() => {
      outButton.disabled = false;
    });
  });

  root.append(state, openButton, outButton, outError, dialog);
  return { element: root, open: () => modal.open(input) };
}
