import type { Config, LayerMeta } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import type { LayerSummary } from './layers';
import { CELL_MIN_COUNT } from '../../map/palette';
import { safeHttpUrl } from './popup';
import type { Kind } from '../../shared/kinds';

/** Order of kinds in the layer list: lines, then points, then areas, then tables, then context events. */
export const KIND_ORDER: readonly Kind[] = ['route', 'incident', 'service', 'area', 'exposure', 'event'];

/** Sorts layers by kind, then by title. */
export function sortLayers(metas: readonly LayerMeta[], lang: string): LayerMeta[] {
  const collator = new Intl.Collator(lang);
  return [...metas].sort(
    (a, b) => KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || collator.compare(a.title, b.title),
  );
}

/**
 * The count line and, for incidents, the dead/missing line of a layer, and
 * a note (a layer counted in cells says that small counts are hidden).
 */
export function summaryText(i18n: I18n, s: LayerSummary): { count: string; totals: string; note: string } {
  const { t } = i18n;
  switch (s.status) {
    case 'hidden':
      return { count: t('layers.hidden'), totals: '', note: '' };
    case 'loading':
      return { count: t('layers.loading'), totals: '', note: '' };
    case 'error':
      return { count: '', totals: '', note: '' };
    default: {
      const params = { count: s.shown };
      const incidents = s.aggregated?.unit === 'incidents';
      const count = s.aggregated
        ? t(incidents ? 'layers.countAggregatedIncidents' : 'layers.countAggregatedServices', { count: s.aggregated.total })
        : s.unit === 'segments' ? t('layers.countSegments', params)
          : s.unit === 'cells' ? t('layers.countCells', params)
            : t('layers.count', params);
      return {
        count,
        totals: s.totals ? t('layers.incidentTotals', { dead: s.totals.dead, missing: s.totals.missing }) : (s.detail ?? ''),
        note: s.aggregated ? t(incidents ? 'layers.cellNoteIncidents' : 'layers.cellNoteServices', { count: CELL_MIN_COUNT }) : '',
      };
    }
  }
}

/** The layer list: one labelled checkbox per layer with its counts. */
export interface LayerList {
  element: HTMLElement;
  toggles: Map<string, HTMLInputElement>;
  /** Shows a layer's counts. */
  setSummary(id: string, s: LayerSummary): void;
}

/** What the layer list needs of a layer: API layers and the dashboard's analysis layers alike. */
export interface LayerListItem {
  id: string;
  /** A layer kind, or "analysis". */
  kind: string;
  title: string;
  sensitivity?: string;
}

/** Builds the layer list. `onToggle` runs when a checkbox changes. */
export function createLayerList(
  i18n: I18n, metas: readonly LayerListItem[], visible: ReadonlySet<string>,
  onToggle: (id: string, on: boolean) => void,
): LayerList {
  const toggles = new Map<string, HTMLInputElement>();
  const counts = new Map<string, { count: HTMLElement; totals: HTMLElement; note: HTMLElement }>();
  const items = metas.map((m) => {
    const box: HTMLInputElement = el('input', {
      type: 'checkbox', id: `layer-${m.id}`, name: 'layers', value: m.id, checked: visible.has(m.id),
      'aria-describedby': `count-${m.id} totals-${m.id} note-${m.id}`, onchange: () => onToggle(m.id, box.checked),
    });
    const c = {
      count: el('span', { class: 'layer-count', id: `count-${m.id}` }),
      totals: el('span', { class: 'layer-totals', id: `totals-${m.id}` }),
      note: el('span', { class: 'layer-note', id: `note-${m.id}` }),
    };
    toggles.set(m.id, box);
    counts.set(m.id, c);
    return el('li', { class: `layer layer-kind-${m.kind}`, 'data-layer': m.id }, [
      box, el('label', { for: box.id, dir: 'auto' }, m.title), c.count, c.totals, c.note,
      m.sensitivity === 'restricted' && el('span', { class: 'layer-restricted' }, i18n.t('layers.restricted')),
    ]);
  });
  const section = el('section', { class: 'panel-section layers', 'aria-labelledby': 'layers-heading' }, [
    el('h2', { id: 'layers-heading' }, i18n.t('layers.heading')),
    metas.length === 0 && el('p', null, i18n.t('layers.none')),
    el('ul', { class: 'layer-list' }, items),
  ]);

  return {
    element: section,
    toggles,
    setSummary(id, s) {
      const c = counts.get(id);
      if (!c) return;
      const text = summaryText(i18n, s);
      c.count.textContent = text.count;
      c.count.dataset.status = s.status;
      if (s.status === 'ready') c.count.dataset.count = String(s.shown);
      else delete c.count.dataset.count;
      c.totals.textContent = text.totals;
      c.note.textContent = text.note;
      // Counted in cells: data-count stays the cells drawn, data-cell-total is what they count.
      if (s.status === 'ready' && s.aggregated) {
        c.count.dataset.aggregated = 'true';
        c.count.dataset.cellTotal = String(s.aggregated.total);
      } else {
        delete c.count.dataset.aggregated;
        delete c.count.dataset.cellTotal;
      }
      if (s.totals) {
        c.totals.dataset.dead = String(s.totals.dead);
        c.totals.dataset.missing = String(s.totals.missing);
      } else {
        delete c.totals.dataset.dead;
        delete c.totals.dataset.missing;
      }
    },
  };
}

/** Builds the "About the data" section: every layer's sources with licences, the basemap and tiles. */
export function renderAbout(i18n: I18n, metas: readonly LayerMeta[], config: Config | null, tiles: boolean): HTMLElement {
  const { t } = i18n;
  const layers = metas.map((m) => el('article', { class: 'about-layer', 'data-layer': m.id }, [
    el('h3', { dir: 'auto' }, m.title),
    m.description && para(m.description, 'about-description'),
    para(t(m.sensitivity === 'restricted' ? 'about.sensitivity.restricted' : 'about.sensitivity.public')),
    para(t('about.features', { count: m.feature_count })),
    m.updated_at && para(t('about.version', { version: m.version, date: m.updated_at.slice(0, 10), by: m.updated_by ?? '' })),
    ...(m.sources.length === 0 ? [] : [
      el('h4', null, t('about.sources')),
      el('ul', { class: 'about-sources' }, m.sources.map((s) => {
        const href = s.url ? safeHttpUrl(s.url) : null;
        const name = s.name || s.attribution;
        return el('li', null, [
          href
            ? el('a', { class: 'source-name', href, rel: 'noopener noreferrer', target: '_blank' }, name)
            : el('span', { class: 'source-name' }, name),
          s.license && para(t('about.license', { license: s.license }), 'source-license'),
          s.attribution && s.attribution !== s.name && para(t('about.attribution', { attribution: s.attribution }), 'source-attribution'),
        ]);
      })),
    ]),
  ]));
  return el('section', { class: 'panel-section about', 'aria-labelledby': 'about-heading' }, [
    el('h2', { id: 'about-heading' }, t('about.heading')),
    el('article', { class: 'about-purpose', id: 'about-purpose' }, [
      el('h3', null, t('about.purpose')),
      para(t('about.purposeText')),
    ]),
    ...layers,
    el('article', { class: 'about-basemap' }, [
      el('h3', null, t('about.basemap')),
      para(t('about.basemapText')),
      para(tiles && config ? t('about.tiles', { attribution: config.tile_attribution }) : t('about.noTiles')),
      config?.version && para(t('about.serverVersion', { version: config.version })),
    ]),
  ]);
}

function para(text: string, className = ''): HTMLElement {
  return el('p', { class: className || null }, text);
}
