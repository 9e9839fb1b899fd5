import { readSegment, RISK_SETTINGS } from '../risk/analysis';
import { formatRisk, kmRange, riskChip, riskClassLabel } from '../risk/analysispopup';
import type { Feature, Properties } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import type { Vocabulary } from '../../shared/vocabulary';
import { createInfoBlock, type AnalysisInfo } from './analysisinfo';

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
  /** Shows the date the data runs to and the caveats of the answer. */
  setInfo(info: AnalysisInfo): void;
}

/** Builds the section. `onSelect` runs when a priority's button is pressed. */
export function createPriorities(i18n: I18n, vocab: Vocabulary, onSelect: (feature: Feature, button: HTMLButtonElement) => void): PrioritiesPanel {
  const { t } = i18n;
  const note = el('p', { class: 'priorities-note' }, t('priorities.note', { reach: RISK_SETTINGS.reach_km }));
  const message = el('p', { class: 'priorities-message', role: 'status' });
  const list = el('ol', { class: 'priority-list', 'aria-labelledby': 'priorities-heading' });
  const csv = el('a', { id: 'priorities-csv', class: 'export-link', download: 'outreach-priorities.csv' }, t('priorities.downloadCsv'));
  const geojson = el('a', { id: 'priorities-geojson', class: 'export-link', download: 'outreach-priorities.geojson' }, t('priorities.downloadGeojson'));
  const info = createInfoBlock(i18n, 'priorities-info');
  const section = el('section', { class: 'panel-section priorities', id: 'priorities', 'aria-labelledby': 'priorities-heading' }, [
    el('h2', { id: 'priorities-heading' }, t('priorities.heading')),
    info.element,
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
    setInfo: (i) => info.set(i),
  };
}

/** Where a priority lies, as the API words it: untrusted text, '' when absent. */
export interface PriorityWhere {
  /** The route's name, or its descriptive label where the name is missing or just "Other". */
  route: string;
  /** The descriptive label of the line when it says more than the route's name. */
  label: string;
  /** The nearest named place, worded by the API ("Mediterranean Sea, off Lampedusa", "near Zinjibār, Yemen"). */
  place: string;
  /** The country or area of an answer without `place`. */
  location: string;
  setting: 'sea' | 'land' | '';
  srr: string;
  landing: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/** Reads the place, route label, setting, search-and-rescue region and landing place of a priority. */
export function readWhere(p: Properties | null): PriorityWhere {
  const props = p ?? {};
  const name = str(props.route);
  const label = str(props.label);
  const bare = name === '' || name.toLowerCase() === 'other';
  const setting = props.setting === 'sea' || props.setting === 'land' ? props.setting : '';
  return {
    route: bare && label ? label : name,
    label: !bare && label && label !== name ? label : '',
    place: str(props.place),
    location: str(props.place) ? '' : str(props.location),
    setting,
    srr: setting === 'sea' ? str(props.srr) : '',
    landing: setting === 'sea' ? str(props.landing) : '',
  };
}

/** One list item: the button (rank, route, place, km range, setting, measure) and the reasons below it. */
export function priorityItem(
  i18n: I18n, vocab: Vocabulary, feature: Feature, index: number,
  onSelect: (feature: Feature, button: HTMLButtonElement) => void,
): HTMLLIElement {
  const { t } = i18n;
  const s = readSegment(feature, vocab);
  const where = readWhere(feature.properties);
  const km = kmRange(i18n, s.startKm, s.endKm);
  const cls = riskClassLabel(i18n, s.cls, vocab);
  const rank = s.rank ?? index + 1;
  const reasonsId = `priority-reasons-${index}`;
  const sea = where.setting === 'sea';
  const button: HTMLButtonElement = el('button', {
    type: 'button', class: 'priority-button', onclick: () => onSelect(feature, button),
    // Named by what it shows (rank, route, km, risk), so that speech input finds it by its text.
    'aria-describedby': s.reasons.length > 0 ? reasonsId : null,
  }, [
    el('span', { class: 'priority-rank' }, t('priorities.rank', { rank })),
    el('span', { class: 'priority-route', dir: 'auto' }, where.route),
    (where.place || where.location) && el('span', { class: 'priority-location', dir: 'auto' },
      where.place || t('priorities.location', { location: where.location })),
    where.label && el('span', { class: 'priority-label', dir: 'auto' }, where.label),
    el('span', { class: 'priority-km' }, t('priorities.km', km)),
    where.setting && el('span', { class: 'priority-setting', 'data-setting': where.setting }, t(sea ? 'priorities.sea' : 'priorities.land')),
    sea && el('span', { class: 'priority-srr', dir: 'auto' }, where.srr ? t('priorities.srr', { srr: where.srr }) : t('priorities.noSrr')),
    where.landing && el('span', { class: 'priority-landing', dir: 'auto' }, t('priorities.landing', { landing: where.landing })),
    el('span', { class: 'priority-class', 'data-class': s.cls }, [riskChip(s.cls), el('span', null, t('priorities.class', { class: cls }))]),
    s.risk !== null && el('span', { class: 'priority-measure' }, t('priorities.measureValue', { risk: formatRisk(i18n, s.risk) })),
  ]);
  return el('li', { class: 'priority', 'data-id': s.id, 'data-rank': rank, 'data-setting': where.setting || null }, [
    button,
    s.reasons.length > 0 && el('ul', { class: 'priority-reasons', id: reasonsId }, s.reasons.map((r) => el('li', { dir: 'auto' }, r))),
  ]);
}
