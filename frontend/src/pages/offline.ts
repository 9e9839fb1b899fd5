// The pages import the same stylesheets in the same order, so that the
// shared styles, which override Leaflet's, come after them in every build.
import 'leaflet/dist/leaflet.css';
import '../shared/styles.css';
import '../features/offline/offline.css';
import { el } from '../shared/dom';
import { startI18n } from '../shared/i18n';
import { createLanguageMenu } from '../features/language/menu';
import { createOfflineViewer } from '../features/offline/viewer';

/**
 * Starts the offline pack viewer (offline.html, served at /offline) in its
 * #offline-app element. It reads a pack chosen from disk and asks nothing
 * of the server.
 */
async function main(): Promise<void> {
  const doc = document;
  const i18n = await startI18n();
  const { t } = i18n;
  doc.title = t('offline.docTitle');
  const viewer = createOfflineViewer(i18n);
  (doc.getElementById('offline-app') ?? doc.body).replaceChildren(
    el('a', { class: 'skip-link', href: '#offline-map' }, t('offline.skip')),
    el('aside', { id: 'offline-panel', 'aria-label': t('offline.panel') }, [
      el('header', { class: 'offline-header' }, [
        el('h1', null, t('offline.heading')),
        el('p', { class: 'subtitle' }, t('offline.subtitle')),
        el('div', { class: 'offline-nav' }, [el('a', { href: './', class: 'back-link' }, t('offline.backToMap')), createLanguageMenu(i18n)]),
      ]),
      viewer.controls,
    ]),
    el('main', { class: 'offline-map-wrap' }, viewer.mapElement),
  );
  viewer.start();
}

void main();
