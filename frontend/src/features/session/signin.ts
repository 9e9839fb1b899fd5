import { Modal } from '../../shared/dialog';
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
export function createSignIn(doc: Document, i18n: I18n, session: Session): SignInControls {
  const { t } = i18n;
  const root = doc.createElement('div');
  root.className = 'signin';

  const state = doc.createElement('p');
  state.id = 'signin-state';
  state.className = 'signin-state';
  state.setAttribute('role', 'status');
  state.setAttribute('aria-live', 'polite');

  const openButton = doc.createElement('button');
  openButton.type = 'button';
  openButton.id = 'signin-open';
  openButton.className = 'signin-open';
  openButton.textContent = t('session.signIn');
  openButton.setAttribute('aria-haspopup', 'dialog');

  const outButton = doc.createElement('button');
  outButton.type = 'button';
  outButton.id = 'signin-out';
  outButton.className = 'signin-out';
  outButton.textContent = t('session.signOut');
  outButton.hidden = true;

  const outError = doc.createElement('p');
  outError.className = 'signin-error';
  outError.setAttribute('role', 'alert');

  // The dialog.
  const dialog = doc.createElement('dialog');
  dialog.id = 'signin-dialog';
  dialog.className = 'dialog signin-dialog';
  dialog.setAttribute('aria-labelledby', 'signin-title');
  dialog.setAttribute('aria-describedby', 'signin-intro');
  const form = doc.createElement('form');
  form.noValidate = true;
  const h = doc.createElement('h2');
  h.id = 'signin-title';
  h.textContent = t('session.dialogTitle');
  const intro = doc.createElement('p');
  intro.id = 'signin-intro';
  intro.className = 'dialog-intro';
  intro.textContent = t('session.dialogIntro');
  const field = doc.createElement('div');
  field.className = 'field';
  const label = doc.createElement('label');
  label.htmlFor = 'signin-token';
  label.textContent = t('session.token');
  const input = doc.createElement('input');
  input.id = 'signin-token';
  input.type = 'password';
  input.autocomplete = 'off';
  input.spellcheck = false;
  input.required = true;
  input.setAttribute('autocapitalize', 'off');
  input.setAttribute('aria-describedby', 'signin-message');
  field.append(label, input);
  const message = doc.createElement('p');
  message.id = 'signin-message';
  message.className = 'signin-message';
  message.setAttribute('role', 'alert');
  message.setAttribute('aria-live', 'assertive');
  const actions = doc.createElement('div');
  actions.className = 'dialog-actions';
  const submit = doc.createElement('button');
  submit.type = 'submit';
  submit.className = 'signin-submit';
  submit.textContent = t('session.submit');
  const cancel = doc.createElement('button');
  cancel.type = 'button';
  cancel.className = 'signin-cancel';
  cancel.textContent = t('dialog.cancel');
  actions.append(submit, cancel);
  form.append(h, intro, field, message, actions);
  dialog.append(form);

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
