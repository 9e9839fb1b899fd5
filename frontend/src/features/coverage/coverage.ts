import L from 'leaflet';
import type { Api, LayerMeta } from '../../shared/api';
import { el } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';

/** The pane of the coverage outlines: above areas, under hotspots and points. */
export const COVERAGE_PANE = 'coverage';
const COVERAGE_PANE_Z = 385;

/** The outline's look: a dashed line, no fill, so that nothing under it is hidden. */
export const OUTLINE_STYLE: L.PathOptions = {
  color: '#5e3c99', weight: 2, opacity: 0.9, dashArray: '6 4', fill: false, className: 'coverage-outline',
};

/** The API path of a layer's coverage outline (GET /layers/{id}/coverage). */
export function coveragePath(id: string): string {
  return `layers/${encodeURIComponent(id)}/coverage`;
}

/** The layers that have a coverage: the service layers. */
export function coverageLayers(metas: readonly LayerMeta[]): LayerMeta[] {
  return metas.filter((m) => m.kind === 'service');
}

/** One outline of a coverage answer. */
export interface Outline {
  geometry: GeoJSON.Geometry;
  label: string;
}

/**
 * Reads a coverage answer (a FeatureCollection) into outlines with their
 * labels; features without a polygon geometry are left out.
 */
export function readOutlines(i18n: I18n, meta: LayerMeta, body: unknown): Outline[] {
  const feats = (body as { features?: unknown })?.features;
  if (!Array.isArray(feats)) return [];
  const out: Outline[] = [];
  for (const f of feats as { geometry?: { type?: unknown }; properties?: Record<string, unknown> | null }[]) {
    const g = f?.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    const p = f.properties ?? {};
    const label = p.coverage_source === 'declared'
      ? i18n.t('coverage.declared', { layer: meta.title })
      : i18n.t('coverage.computed', { layer: meta.title, category: typeof p.category === 'string' ? p.category : '' });
    out.push({ geometry: g as GeoJSON.Geometry, label });
  }
  return out;
}

/**
 * The switch that draws where service data exists: off at first, it loads
 * the outlines (one request per service layer) the first time it is
 * switched on, and keeps them for later. Returns null when no service
 * layer is loaded.
 */
export function createCoverageToggle(map: L.Map, api: Api, i18n: I18n, metas: readonly LayerMeta[]): HTMLElement | null {
  const layers = coverageLayers(metas);
  if (layers.length === 0) return null;
  const { t } = i18n;
  if (!map.getPane(COVERAGE_PANE)) {
    const pane = map.createPane(COVERAGE_PANE);
    pane.style.zIndex = String(COVERAGE_PANE_Z);
    pane.style.pointerEvents = 'none';
  }
  const status = el('span', { class: 'layer-count', id: 'coverage-status', role: 'status' });
  const box = el('input', { type: 'checkbox', id: 'coverage-outline', 'aria-describedby': 'coverage-hint coverage-status' });
  let group: L.LayerGroup | null = null;
  let loading: Promise<void> | null = null;
  const load = async (): Promise<void> => {
    status.textContent = t('coverage.loading');
    status.dataset.status = 'loading';
    try {
      const answers = await Promise.all(layers.map(async (m) => readOutlines(i18n, m, await api.getJson(coveragePath(m.id)))));
      const outlines = answers.flat();
      const renderer = L.svg({ pane: COVERAGE_PANE });
      group = L.layerGroup(outlines.map((o) => L.geoJSON(o.geometry as GeoJSON.GeoJsonObject, {
        style: () => ({ ...OUTLINE_STYLE, renderer, pane: COVERAGE_PANE }), interactive: false,
      }).bindTooltip(o.label)));
      status.textContent = t('coverage.shown', { count: outlines.length });
      status.dataset.status = 'ready';
      status.dataset.count = String(outlines.length);
    } catch {
      status.textContent = t('coverage.error');
      status.dataset.status = 'error';
      loading = null;
    }
  };
  box.addEventListener('change', () => {
    if (!box.checked) {
      group?.remove();
      return;
    }
    loading ??= load();
    void loading.then(() => {
      if (box.checked) group?.addTo(map);
    });
  });
  return el('div', { class: 'coverage-toggle layer' }, [
    box, el('label', { for: box.id }, t('coverage.toggle')), status,
    el('span', { class: 'layer-note', id: 'coverage-hint' }, t('coverage.hint')),
  ]);
}
