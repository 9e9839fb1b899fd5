import { readSegment, RISK_SETTINGS } from '../risk/analysis';
import { kmRange, riskChip, riskClassLabel } from '../risk/analysispopup';
import type { Feature } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { Vocabulary } from '../../shared/vocabulary';

/**
 * The "Outreach priorities" section of the panel: the top-ranked stretches
 * of route in rank order, each a button that shows the stretch on the map,
 * with the reasons of its rank as text.
 */

/** The priorities section. */
export interface PrioritiesPanel {
  element: HTMLElement;
  /** Shows that a new list is loading (the old one stays, marked busy). */
  setLoading(): void;
  /** Shows the list, in the order given (the API's rank order). */
  setItems(features: readonly Feature[]): void;
  /** Replaces the list with a message (no route line, failed load). */
  setMessage(text: string): void;
  /** The features listed now. */
  items(): readonly Feature[];
  /** Quotes the reach of the current settings in the note. */
  setReach(km: number): void;
  /** Points the download links at these URLs. */
  setExport(csv: string, geojson: string): void;
}

/** Builds the section. `onSelect` runs when a priority's button is pressed. */
export function createPriorities(doc: Document, i18n: I18n, vocab: Vocabulary, onSelect: (feature: Feature, button: HTMLButtonElement) => void): PrioritiesPanel {
  const { t } = i18n;
  const section = doc.createElement('section');
  section.className = 'panel-section priorities';
  section.id = 'priorities';
  section.setAttribute('aria-labelledby', 'priorities-heading');
  const h = doc.createElement('h2');
  h.id = 'priorities-heading';
  h.textContent = t('priorities.heading');
  const note = doc.createElement('p');
  note.className = 'priorities-note';
  note.textContent = t('priorities.note', { reach: RISK_SETTINGS.reach_km });
  const message = doc.createElement('p');
  message.className = 'priorities-message';
  message.setAttribute('role', 'status');
  const list = doc.createElement('ol');
  list.className = 'priority-list';
  list.setAttribute('aria-labelledby', 'priorities-heading');
  const exports = doc.createElement('p');
  exports.className = 'priorities-export';
  const link = (id: string, text: string, file: string) => {
    const a = doc.createElement('a');
    a.id = id;
    a.className = 'export-link';
    a.textContent = text;
    a.download = file;
    exports.append(a);
    return a;
  };
  const csv = link('priorities-csv', t('priorities.downloadCsv'), 'outreach-priorities.csv');
  const geojson = link('priorities-geojson', t('priorities.downloadGeojson'), 'outreach-priorities.geojson');
  section.append(h, note, exports, message, list);

  let current: readonly Feature[] = [];

  const setBusy = (busy: boolean) => {
    if (busy) section.setAttribute('aria-busy', 'true');
    else section.removeAttribute('aria-busy');
    section.dataset.status = busy ? 'loading' : 'ready';
  };

  return {
    element: section,
    setLoading() {
      setBusy(true);
      if (current.length === 0) message.textContent = t('priorities.loading');
    },
    setItems(features) {
      current = features;
      setBusy(false);
      message.textContent = features.length === 0 ? t('priorities.empty') : '';
      list.replaceChildren(...features.map((f, i) => priorityItem(doc, i18n, vocab, f, i, onSelect)));
    },
    setMessage(text) {
      current = [];
      setBusy(false);
      message.textContent = text;
      list.replaceChildren();
    },
    items: () => current,
    setReach(km) {
      note.textContent = t('priorities.note', { reach: km });
    },
    setExport(csvUrl, geojsonUrl) {
      csv.href = csvUrl;
      geojson.href = geojsonUrl;
    },
  };
}

/** One list item: the button (rank, route, km range, class) and the reasons below it. */
export function priorityItem(
  doc: Document, i18n: I18n, vocab: Vocabulary, feature: Feature, index: number,
  onSelect: (feature: Feature, button: HTMLButtonElement) => void,
): HTMLLIElement {
  const { t } = i18n;
  const s = readSegment(feature, vocab);
  const km = kmRange(i18n, s.startKm, s.endKm);
  const cls = riskClassLabel(i18n, s.cls, vocab);
  const rank = s.rank ?? index + 1;

  const li = doc.createElement('li');
  li.className = 'priority';
  li.dataset.id = s.id;
  li.dataset.rank = String(rank);

  const button = doc.createElement('button');
  button.type = 'button';
  button.className = 'priority-button';
  button.setAttribute('aria-label', t('priorities.itemLabel', { rank, route: s.route, from: km.from, to: km.to, class: cls }));
  const reasonsId = `priority-reasons-${index}`;

  const r = doc.createElement('span');
  r.className = 'priority-rank';
  r.textContent = t('priorities.rank', { rank });
  const route = doc.createElement('span');
  route.className = 'priority-route';
  route.dir = 'auto';
  route.textContent = s.route;
  const where = doc.createElement('span');
  where.className = 'priority-km';
  where.textContent = t('priorities.km', km);
  const location = feature.properties?.location;
  const place = doc.createElement('span');
  if (typeof location === 'string' && location.trim() !== '') {
    place.className = 'priority-location';
    place.dir = 'auto';
    place.textContent = t('priorities.location', { location: location.trim() });
  }
  const c = doc.createElement('span');
  c.className = 'priority-class';
  if (s.cls) c.dataset.class = s.cls;
  const chip = riskChip(doc, s.cls);
  const ct = doc.createElement('span');
  ct.textContent = t('priorities.class', { class: cls });
  c.append(chip, ct);
  button.append(r, route, where);
  if (place.textContent) button.append(place);
  button.append(c);
  button.addEventListener('click', () => onSelect(feature, button));
  li.append(button);

  if (s.reasons.length > 0) {
    const ul = doc.createElement('ul');
    ul.className = 'priority-reasons';
    ul.id = reasonsId;
    for (const reason of s.reasons) {
      const item = doc.createElement('li');
      item.dir = 'auto';
      item.textContent = reason;
      ul.append(item);
    }
    button.setAttribute('aria-describedby', reasonsId);
    li.append(ul);
  }
  return li;
}
