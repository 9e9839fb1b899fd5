import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import '../features/upload/upload.css';
import { confirmDialog } from '../shared/dialog';
import { applyDocumentLanguage, createI18n, pickCatalogue } from '../shared/i18n';
import { canEdit, createSession } from '../features/session/session';
import { createSignIn, roleLabel } from '../features/session/signin';
import { errorMessage } from '../shared/status';
import { createUploadPage } from '../features/upload/page';
import { createUploadApi } from '../features/upload/uploadapi';

/** Starts the upload page in its #upload-app element. */
function main(): void {
  const doc = document;
  const i18n = createI18n(pickCatalogue(['en']));
  applyDocumentLanguage(doc, i18n);
  doc.title = i18n.t('upload.docTitle');
  const session = createSession();
  const api = createUploadApi(session);
  const signIn = createSignIn(doc, i18n, session);
  const page = createUploadPage(doc, i18n, { api, confirm: confirmDialog(doc, i18n) });
  const { t } = i18n;

  const app = doc.getElementById('upload-app') ?? doc.body;
  const skip = doc.createElement('a');
  skip.className = 'skip-link';
  skip.href = '#upload-main';
  skip.textContent = t('upload.skip');
  const header = doc.createElement('header');
  header.className = 'upload-header';
  const titles = doc.createElement('div');
  const h1 = doc.createElement('h1');
  h1.textContent = t('upload.heading');
  const sub = doc.createElement('p');
  sub.className = 'subtitle';
  sub.textContent = t('upload.subtitle');
  titles.append(h1, sub);
  const back = doc.createElement('a');
  back.href = './';
  back.className = 'back-link';
  back.textContent = t('upload.backToMap');
  const account = doc.createElement('div');
  account.className = 'account';
  account.append(signIn.element);
  header.append(titles, back, account);

  const mainEl = doc.createElement('main');
  mainEl.id = 'upload-main';
  mainEl.tabIndex = -1;
  const gate = doc.createElement('p');
  gate.id = 'upload-gate';
  gate.className = 'gate';
  gate.setAttribute('role', 'status');
  gate.setAttribute('aria-live', 'polite');
  gate.textContent = t('upload.checkingSession');
  mainEl.append(gate, page.element);
  page.element.hidden = true;
  app.replaceChildren(skip, header, mainEl);

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

main();
