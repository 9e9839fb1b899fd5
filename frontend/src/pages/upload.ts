import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import '../features/upload/upload.css';
import '../features/popups/popups.css';
import { confirmDialog } from '../shared/dialog';
import { el } from '../shared/dom';
import { startI18n } from '../shared/i18n';
import { createLanguageMenu } from '../features/language/menu';
import { canEdit, createSession } from '../features/session/session';
import { createSignIn, roleLabel } from '../features/session/signin';
import { errorMessage } from '../shared/status';
import { createUploadPage } from '../features/upload/page';
import { createUploadApi } from '../features/upload/uploadapi';

/** Starts the upload page in its #upload-app element. */
async function main(): Promise<void> {
  const doc = document;
  const i18n = await startI18n();
  doc.title = i18n.t('upload.docTitle');
  const session = createSession();
  const api = createUploadApi(session);
  const signIn = createSignIn(i18n, session);
  const page = createUploadPage(i18n, { api, confirm: confirmDialog(doc, i18n) });
  const { t } = i18n;

  const gate = el('p', { id: 'upload-gate', class: 'gate', role: 'status', 'aria-live': 'polite' }, t('upload.checkingSession'));
  page.element.hidden = true;
  (doc.getElementById('upload-app') ?? doc.body).replaceChildren(
    el('a', { class: 'skip-link', href: '#upload-main' }, t('upload.skip')),
    el('header', { class: 'upload-header' }, [
      el('div', null, [el('h1', null, t('upload.heading')), el('p', { class: 'subtitle' }, t('upload.subtitle'))]),
      el('a', { href: './', class: 'back-link' }, t('upload.backToMap')),
      el('div', { class: 'account' }, [signIn.element, createLanguageMenu(i18n)]),
    ]),
    el('main', { id: 'upload-main', tabindex: -1 }, [gate, page.element]),
  );

  const render = () => {
    const info = session.info;
    const editor = canEdit(info?.role);
    page.element.hidden = !editor;
    gate.hidden = editor;
    gate.classList.toggle('gate-denied', info !== null && !editor);
    if (!info) gate.textContent = t('upload.needSignIn');
    else if (!editor) gate.textContent = t('upload.notAllowed', { name: info.name, role: roleLabel(i18n, info.role) });
    else gate.textContent = '';
    doc.documentElement.dataset.signedIn = info ? info.role : 'none';
    if (editor) void page.refreshLayers();
  };
  session.subscribe(render);
  session.load().then(render, (err) => {
    gate.textContent = t('upload.sessionFailed', { message: errorMessage(i18n, err) });
    gate.classList.add('gate-denied');
  });
}

void main();
