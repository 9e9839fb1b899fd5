import type { I18n } from './i18n';
import {
  APPROXIMATE_DASH, AREA_STYLE, INCIDENT_STYLE, SERVICE_RADIUS, SERVICE_STYLE, incidentRadius,
} from './palette';
import type { Kind } from './vocab';

/** One route as the legend shows it. */
export interface LegendRoute {
  name: string;
  colour: string;
  approximate: boolean;
}

/** One row of the legend. */
export type LegendEntry =
  | { swatch: 'line'; colour: string; dashed: boolean; label: string }
  | { swatch: 'circle'; fill: string; stroke: string; radius: number; label: string }
  | { swatch: 'area'; fill: string; stroke: string; label: string };

/** A titled group of legend rows. */
export interface LegendGroup {
  kind: Kind;
  title: string;
  entries: LegendEntry[];
  note?: string;
}

/** Sample counts for the incident size key. */
export const SIZE_SAMPLES = [1, 10, 100] as const;

/**
 * Builds the legend for the kinds of layer on show. Routes get one row each
 * (approximate ones dashed and labelled so); incidents get a size key.
 */
export function legendGroups(i18n: I18n, kinds: ReadonlySet<Kind>, routes: readonly LegendRoute[]): LegendGroup[] {
  const { t } = i18n;
  const groups: LegendGroup[] = [];
  if (kinds.has('route') && routes.length > 0) {
    const sorted = [...routes].sort((a, b) => a.name.localeCompare(b.name, i18n.lang));
    groups.push({
      kind: 'route',
      title: t('legend.routes'),
      entries: sorted.map((r) => ({
        swatch: 'line',
        colour: r.colour,
        dashed: r.approximate,
        label: r.approximate ? t('legend.approximateRoute', { name: r.name }) : r.name,
      })),
      note: routes.some((r) => r.approximate) ? t('legend.approximateNote') : undefined,
    });
  }
  if (kinds.has('incident')) {
    groups.push({
      kind: 'incident',
      title: t('legend.incidents'),
      entries: SIZE_SAMPLES.map((n) => ({
        swatch: 'circle',
        fill: INCIDENT_STYLE.fillColor,
        stroke: INCIDENT_STYLE.color,
        radius: incidentRadius(n),
        label: t('legend.incidentSize', { count: n }),
      })),
    });
  }
  if (kinds.has('service')) {
    groups.push({
      kind: 'service',
      title: t('legend.services'),
      entries: [{ swatch: 'circle', fill: SERVICE_STYLE.fillColor, stroke: SERVICE_STYLE.fillColor, radius: SERVICE_RADIUS, label: t('legend.servicePoint') }],
    });
  }
  if (kinds.has('area')) {
    groups.push({
      kind: 'area',
      title: t('legend.areas'),
      entries: [{ swatch: 'area', fill: AREA_STYLE.fillColor ?? AREA_STYLE.color, stroke: AREA_STYLE.color, label: t('legend.area') }],
    });
  }
  return groups;
}

/** Renders the legend groups as DOM (headings, lists, swatches drawn with CSS). */
export function renderLegend(doc: Document, groups: readonly LegendGroup[]): DocumentFragment {
  const frag = doc.createDocumentFragment();
  for (const g of groups) {
    const h = doc.createElement('h3');
    h.textContent = g.title;
    const ul = doc.createElement('ul');
    ul.className = `legend-list legend-${g.kind}`;
    for (const e of g.entries) {
      const li = doc.createElement('li');
      const sw = doc.createElement('span');
      sw.className = `swatch swatch-${e.swatch}`;
      sw.setAttribute('aria-hidden', 'true');
      if (e.swatch === 'line') {
        sw.style.borderBlockStartColor = e.colour;
        sw.style.borderBlockStartStyle = e.dashed ? 'dashed' : 'solid';
        sw.dataset.dash = e.dashed ? APPROXIMATE_DASH : '';
      } else if (e.swatch === 'circle') {
        const d = `${Math.round(e.radius * 2)}px`;
        sw.style.inlineSize = d;
        sw.style.blockSize = d;
        sw.style.backgroundColor = e.fill;
        sw.style.borderColor = e.stroke;
      } else {
        sw.style.backgroundColor = e.fill;
        sw.style.borderColor = e.stroke;
      }
      const label = doc.createElement('span');
      label.className = 'legend-label';
      label.textContent = e.label;
      li.append(sw, label);
      ul.append(li);
    }
    frag.append(h, ul);
    if (g.note) {
      const p = doc.createElement('p');
      p.className = 'legend-note';
      p.textContent = g.note;
      frag.append(p);
    }
  }
  return frag;
}
