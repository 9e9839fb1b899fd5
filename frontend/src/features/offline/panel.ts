import { el } from '../../shared/dom';
import type { I18n, MessageKey } from '../../shared/i18n';
import { safeHttpUrl } from '../layers/popup';
import type { PackLayerInfo, PackManifest, PackSource } from './manifest';
import { PACK_LAYER_IDS, type Counts, type PackLayerId } from './paint';

/**
 * The panel beside the offline map: what the pack is (area, tier, dates),
 * a switch per vector layer with the number of features drawn, the
 * pack's layers with their versions, sources and licences, its caveats
 * and its attribution. Every value of the manifest is text (textContent);
 * only http(s) source URLs become links.
 */

/** The panel of an open pack. */
export interface PackPanel {
  element: HTMLElement;
  /** Shows the number of features drawn per layer. */
  setCounts(counts: Counts): void;
}

const LAYER_KEYS: Record<PackLayerId, MessageKey> = {
  routes: 'offline.layer.routes',
  services: 'offline.layer.services',
  incidents: 'offline.layer.incidents',
  hotspots: 'offline.layer.hotspots',
  labels: 'offline.layer.labels',
};

function row(term: string, value: string | Node, id: string): HTMLElement[] {
  return [el('dt', null, term), el('dd', { id }, value)];
}

/** A coordinate as the panel writes it: up to 4 decimals, in the locale. */
function coord(i18n: I18n, n: number): string {
  return i18n.formatNumber(n, 4);
}

/** data_through in the locale: a day, a month (partner packs), or that the pack does not say. */
function dataThrough(i18n: I18n, d: string | null): string {
  if (d === null) return i18n.t('offline.dataThroughUnknown');
  return d.length === 7 ? i18n.formatMonth(d) : i18n.formatDate(d, 'long');
}

function sourceItem(i18n: I18n, s: PackSource): HTMLElement {
  const { t } = i18n;
  const href = s.url ? safeHttpUrl(s.url) : null;
  const name = s.name.trim() || s.url;
  return el('li', { class: 'pack-source' }, [
    href ? el('a', { href, rel: 'noopener noreferrer', target: '_blank' }, name) : el('span', null, name),
    s.license.trim() ? el('span', { class: 'pack-license' }, t('offline.license', { license: s.license })) : null,
    s.attribution.trim() ? el('span', { class: 'pack-credit' }, t('offline.credit', { attribution: s.attribution })) : null,
  ]);
}

function layerItem(i18n: I18n, l: PackLayerInfo): HTMLElement {
  const { t } = i18n;
  const facts: string[] = [];
  if (l.version !== '') facts.push(t('offline.version', { version: l.version }));
  if (l.updated_at !== '') facts.push(t('offline.updated', { date: i18n.formatDate(l.updated_at) }));
  if (l.features !== null) facts.push(t('offline.features', { count: l.features }));
  return el('li', { class: 'pack-layer', 'data-layer': l.id }, [
    el('h4', null, l.title.trim() || l.id),
    facts.length > 0 ? el('p', { class: 'pack-layer-facts' }, facts.join(' · ')) : null,
    l.sources.length > 0
      ? el('ul', { class: 'pack-sources', 'aria-label': t('offline.sourcesOf', { title: l.title.trim() || l.id }) }, l.sources.map((s) => sourceItem(i18n, s)))
      : null,
  ]);
}

/**
 * Builds the panel of `manifest`. `shown` are the vector layers on at
 * first; `onToggle` is called when the user switches one.
 */
export function createPackPanel(
  i18n: I18n, manifest: PackManifest, shown: ReadonlySet<PackLayerId>, onToggle: (id: PackLayerId, on: boolean) => void,
): PackPanel {
  const { t } = i18n;
  const [w, s, e, n] = manifest.bbox;
  const drawn = new Map<PackLayerId, HTMLElement>();
  const toggles = PACK_LAYER_IDS.map((id) => {
    const inputId = `pack-toggle-${id}`;
    const count = el('span', { class: 'pack-drawn', id: `pack-drawn-${id}`, 'data-count': 0 }, t('offline.drawn', { count: 0 }));
    drawn.set(id, count);
    return el('li', null, [
      el('input', {
        type: 'checkbox', id: inputId, checked: shown.has(id),
        onchange: (ev) => onToggle(id, (ev.currentTarget as HTMLInputElement).checked),
      }),
      el('label', { for: inputId }, t(LAYER_KEYS[id])),
      ' ',
      count,
    ]);
  });
  const tierKey: MessageKey = manifest.tier === 'staff' ? 'offline.tier.staff' : 'offline.tier.partner';
  const element = el('div', { id: 'pack-panel', class: 'pack-panel' }, [
    el('section', { class: 'pack-section', 'aria-labelledby': 'pack-layers-heading' }, [
      el('h2', { id: 'pack-layers-heading' }, t('offline.layersHeading')),
      el('ul', { class: 'pack-toggles' }, toggles),
    ]),
    el('section', { class: 'pack-section', 'aria-labelledby': 'pack-about-heading' }, [
      el('h2', { id: 'pack-about-heading' }, t('offline.about')),
      el('dl', { class: 'pack-facts' }, [
        ...row(t('offline.area'), t('offline.areaValue', { west: coord(i18n, w), south: coord(i18n, s), east: coord(i18n, e), north: coord(i18n, n) }), 'pack-bbox'),
        ...row(t('offline.tier'), t(tierKey), 'pack-tier'),
        ...row(t('offline.created'), i18n.formatDate(manifest.created, 'long'), 'pack-created'),
        ...row(t('offline.dataThrough'), dataThrough(i18n, manifest.data_through), 'pack-data-through'),
      ]),
    ]),
    el('section', { class: 'pack-section', 'aria-labelledby': 'pack-caveats-heading' }, [
      el('h2', { id: 'pack-caveats-heading' }, t('offline.caveats')),
      manifest.caveats.length > 0
        ? el('ul', { id: 'pack-caveats', class: 'pack-caveats' }, manifest.caveats.map((c) => el('li', null, c)))
        : el('p', { id: 'pack-caveats', class: 'pack-caveats' }, t('offline.noCaveats')),
    ]),
    el('section', { class: 'pack-section', 'aria-labelledby': 'pack-sources-heading' }, [
      el('h2', { id: 'pack-sources-heading' }, t('offline.sourcesHeading')),
      el('ul', { id: 'pack-layers', class: 'pack-layers' }, manifest.layers.map((l) => layerItem(i18n, l))),
    ]),
    manifest.attribution.trim()
      ? el('section', { class: 'pack-section', 'aria-labelledby': 'pack-attribution-heading' }, [
        el('h2', { id: 'pack-attribution-heading' }, t('offline.attribution')),
        el('p', { id: 'pack-attribution' }, manifest.attribution),
      ])
      : null,
  ]);
  return {
    element,
    setCounts(counts) {
      for (const [id, node] of drawn) {
        node.textContent = t('offline.drawn', { count: counts[id] });
        node.dataset.count = String(counts[id]);
      }
    },
  };
}

/** The message the page shows for a pack that cannot be opened. */
export function packErrorKey(reason: string): MessageKey {
  switch (reason) {
    case 'notZip':
      return 'offline.error.notZip';
    case 'noManifest':
      return 'offline.error.noManifest';
    case 'badManifest':
      return 'offline.error.badManifest';
    case 'wrongFormat':
      return 'offline.error.wrongFormat';
    case 'wrongVersion':
      return 'offline.error.wrongVersion';
    case 'noTiles':
      return 'offline.error.noTiles';
    case 'badTiles':
      return 'offline.error.badTiles';
    case 'tooLarge':
      return 'offline.error.tooLarge';
    default:
      return 'offline.error.unreadable';
  }
}
