import { readSegment, RISK_SETTINGS } from '../risk/analysis';
import { kmRange, riskChip, riskClassLabel } from '../risk/analysispopup';
import type { Feature } from '../../shared/api';
import { el } from '../../shared/dom';
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
export function createPriorities(i18n: I18n, vocab: Vocabulary, onSelect: (feature: Feature, button: HTMLButtonElement) => void): PrioritiesPanel {
  const { t } = i18n;
  const note = el('p', { class: 'priorities-note' }, t('priorities.note', { reach: RISK_SETTINGS.reach_km }));
  const message = el('p', { class: 'priorities-message', role: 'status' });
  const list = el('ol', { class: 'priority-list', 'aria-labelledby': 'priorities-heading' });
  const csv = el('a', { id: 'priorities-csv', class: 'export-link', download: 'outreach-priorities.csv' }, t('priorities.downloadCsv'));
  const geojson = el('a', { id: 'priorities-geojson', class: 'export-link', download: 'outreach-priorities.geojson' }, t('priorities.downloadGeojson'));
  const section = el('section', { class: 'panel-section priorities', id: 'priorities', 'aria-labelledby': 'priorities-heading' }, [
    el('h2', { id: 'priorities-heading' }, t('priorities.heading')),
    note,
    el('p', { class: 'priorities-export' }, [csv, geojson]),
    message,
    list,
  ]);

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
      list.replaceChildren(...features.map((f, i) => priorityItem(i18n, vocab, f, i, onSelect)));
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
  i18n: I18n, vocab: Vocabulary, feature: Feature, index: number,
  onSelect: (feature: Feature, button: HTMLButtonElement) => void,
): HTMLLIElement {
  const { t } = i18n;
  const s = readSegment(feature, vocab);
  const km = kmRange(i18n, s.startKm, s.endKm);
  const cls = riskClassLabel(i18n, s.cls, vocab);
  const rank = s.rank ?? index + 1;
  const reasonsId = `priority-reasons-${index}`;
  const location = feature.properties?.location;
  const place = typeof location === 'string' && location.trim() !== '' ? location.trim() : '';
  const button: HTMLButtonElement = el('button', {
    type: 'button', class: 'priority-button', onclick: () => onSelect(feature, button),
    // Named by what it shows (rank, route, km, risk), so that speech input finds it by its text.
    'aria-describedby': s.reasons.length > 0 ? reasonsId : null,
  }, [
    el('span', { class: 'priority-rank' }, t('priorities.rank', { rank })),
    el('span', { class: 'priority-route', dir: 'auto' }, s.route),
    el('span', { class: 'priority-km' }, t('priorities.km', km)),
    place && el('span', { class: 'priority-location', dir: 'auto' }, t('priorities.location', { location: place })),
    el('span', { class: 'priority-class', 'data-class': s.cls }, [riskChip(s.cls), el('span', null, t('priorities.class', { class: cls }))]),
  ]);
  return el('li', { class: 'priority', 'data-id': s.id, 'data-rank': rank }, [
    button,
    s.reasons.length > 0 && el('ul', { class: 'priority-reasons', id: reasonsId }, s.reasons.map((r) => el('li', { dir: 'auto' }, r))),
  ]);
}
