import type { Config, LayerMeta } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { LayerSummary } from './layers';
import { CELL_MIN_COUNT } from '../../map/palette';
import { safeHttpUrl } from './popup';
import type { Kind } from '../../shared/kinds';

/** Order of kinds in the layer list: lines, then points, then areas. */
export const KIND_ORDER: readonly Kind[] = ['route', 'incident', 'service', 'area'];

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
  doc: Document, i18n: I18n, metas: readonly LayerListItem[], visible: ReadonlySet<string>,
  onToggle: (id: string, on: boolean) => void,
): LayerList {
  const section = doc.createElement('section');
  section.className = 'panel-section layers';
  section.setAttribute('aria-labelledby', 'layers-heading');
  const h = doc.createElement('h2');
  h.id = 'layers-heading';
  h.textContent = i18n.t('layers.heading');
  section.append(h);

  const toggles = new Map<string, HTMLInputElement>();
  const counts = new Map<string, { count: HTMLElement; totals: HTMLElement; note: HTMLElement }>();
  if (metas.length === 0) {
    const p = doc.createElement('p');
    p.textContent = i18n.t('layers.none');
    section.append(p);
  }
  const ul = doc.createElement('ul');
  ul.className = 'layer-list';
  for (const m of metas) {
    const li = doc.createElement('li');
    li.className = `layer layer-kind-${m.kind}`;
    li.dataset.layer = m.id;
    const box = doc.createElement('input');
    box.type = 'checkbox';
    box.id = `layer-${m.id}`;
    box.name = 'layers';
    box.value = m.id;
    box.checked = visible.has(m.id);
    box.setAttribute('aria-describedby', `count-${m.id} totals-${m.id} note-${m.id}`);
    box.addEventListener('change', () => onToggle(m.id, box.checked));
    const label = doc.createElement('label');
    label.htmlFor = box.id;
    label.textContent = m.title;
    label.dir = 'auto';
    const count = doc.createElement('span');
    count.className = 'layer-count';
    count.id = `count-${m.id}`;
    const totals = doc.createElement('span');
    totals.className = 'layer-totals';
    totals.id = `totals-${m.id}`;
    const note = doc.createElement('span');
    note.className = 'layer-note';
    note.id = `note-${m.id}`;
    li.append(box, label, count, totals, note);
    if (m.sensitivity === 'restricted') {
      const r = doc.createElement('span');
      r.className = 'layer-restricted';
      r.textContent = i18n.t('layers.restricted');
      li.append(r);
    }
    ul.append(li);
    toggles.set(m.id, box);
    counts.set(m.id, { count, totals, note });
  }
  section.append(ul);

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
export function renderAbout(doc: Document, i18n: I18n, metas: readonly LayerMeta[], config: Config | null, tiles: boolean): HTMLElement {
  const { t } = i18n;
  const section = doc.createElement('section');
  section.className = 'panel-section about';
  section.setAttribute('aria-labelledby', 'about-heading');
  const h = doc.createElement('h2');
  h.id = 'about-heading';
  h.textContent = t('about.heading');
  section.append(h);

  for (const m of metas) {
    const art = doc.createElement('article');
    art.className = 'about-layer';
    art.dataset.layer = m.id;
    const h3 = doc.createElement('h3');
    h3.textContent = m.title;
    h3.dir = 'auto';
    art.append(h3);
    if (m.description) art.append(para(doc, m.description, 'about-description'));
    art.append(para(doc, t(m.sensitivity === 'restricted' ? 'about.sensitivity.restricted' : 'about.sensitivity.public')));
    art.append(para(doc, t('about.features', { count: m.feature_count })));
    if (m.updated_at) {
      art.append(para(doc, t('about.version', { version: m.version, date: m.updated_at.slice(0, 10), by: m.updated_by ?? '' })));
    }
    if (m.sources.length > 0) {
      const h4 = doc.createElement('h4');
      h4.textContent = t('about.sources');
      const ul = doc.createElement('ul');
      ul.className = 'about-sources';
      for (const s of m.sources) {
        const li = doc.createElement('li');
        const href = s.url ? safeHttpUrl(s.url) : null;
        const name = doc.createElement(href ? 'a' : 'span');
        name.className = 'source-name';
        name.textContent = s.name || s.attribution;
        if (href && name instanceof HTMLAnchorElement) {
          name.href = href;
          name.rel = 'noopener noreferrer';
          name.target = '_blank';
        }
        li.append(name);
        if (s.license) li.append(para(doc, t('about.license', { license: s.license }), 'source-license'));
        if (s.attribution && s.attribution !== s.name) {
          li.append(para(doc, t('about.attribution', { attribution: s.attribution }), 'source-attribution'));
        }
        ul.append(li);
      }
      art.append(h4, ul);
    }
    section.append(art);
  }

  const base = doc.createElement('article');
  base.className = 'about-basemap';
  const bh = doc.createElement('h3');
  bh.textContent = t('about.basemap');
  base.append(bh, para(doc, t('about.basemapText')));
  base.append(para(doc, tiles && config ? t('about.tiles', { attribution: config.tile_attribution }) : t('about.noTiles')));
  if (config?.version) base.append(para(doc, t('about.serverVersion', { version: config.version })));
  section.append(base);
  return section;
}

function para(doc: Document, text: string, className = ''): HTMLElement {
  const p = doc.createElement('p');
  if (className) p.className = className;
  p.textContent = text;
  return p;
}
