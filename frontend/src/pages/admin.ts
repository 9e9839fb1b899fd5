// The pages import the same stylesheets in the same order, so that the
// shared styles, which override Leaflet's, come after them in every build.
import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import '../features/admin/admin.css';
import { confirmDialog } from '../shared/dialog';
import { el } from '../shared/dom';
import { startI18n } from '../shared/i18n';
import { createLanguageMenu } from '../features/language/menu';
import { createSession } from '../features/session/session';
import { createSignIn, roleLabel } from '../features/session/signin';
import { errorMessage } from '../shared/status';
import { createAdminApi } from '../features/admin/adminapi';
import { createAuditLog } from '../features/admin/audit';
import { createEmbedList } from '../features/admin/embeds';

/** Starts the admin page (audit log and signed embeds) in its #admin-app element. */
async function main(): Promise<void> {
  const doc = document;
  const i18n = await startI18n();
  const { t } = i18n;
  doc.title = t('admin.docTitle');
  const session = createSession();
  const api = createAdminApi(session);
  const signIn = createSignIn(i18n, session);
  const audit = createAuditLog(i18n, api);
  const embeds = createEmbedList(i18n, api, confirmDialog(doc, i18n));

  const gate = el('p', { id: 'admin-gate', class: 'gate', role: 'status', 'aria-live': 'polite' }, t('admin.checkingSession'));
  const content = el('div', { id: 'admin-content', hidden: true }, [audit.element, embeds.element]);
  (doc.getElementById('admin-app') ?? doc.body).replaceChildren(
    el('a', { class: 'skip-link', href: '#admin-main' }, t('admin.skip')),
    el('header', { class: 'admin-header' }, [
      el('div', null, [el('h1', null, t('admin.heading')), el('p', { class: 'subtitle' }, t('admin.subtitle'))]),
      el('a', { href: './', class: 'back-link' }, t('admin.backToMap')),
      el('div', { class: 'account' }, [signIn.element, createLanguageMenu(i18n)]),
    ]),
    el('main', { id: 'admin-main', tabindex: -1 }, [gate, content]),
  );

  let shownFor: string | null = null;
  const render = () => {
    const info = session.info;
    const admin = info?.role === 'admin';
    content.hidden = !admin;
    gate.hidden = admin;
    gate.classList.toggle('gate-denied', info !== null && !admin);
    if (!info) gate.textContent = t('admin.needSignIn');
    else if (!admin) gate.textContent = t('admin.notAllowed', { name: info.name, role: roleLabel(i18n, info.role) });
    else gate.textContent = '';
    doc.documentElement.dataset.signedIn = info ? info.role : 'none';
    // Load once per admin who signs in.
    const who = admin ? info.name : null;
    if (who !== null && who !== shownFor) {
      void audit.load();
      void embeds.load();
    }
    shownFor = who;
  };
  session.subscribe(render);
  session.load().then(render, (err) => {
    gate.textContent = t('admin.sessionFailed', { message: errorMessage(i18n, err) });
    gate.classList.add('gate-denied');
  });
}

void main();
