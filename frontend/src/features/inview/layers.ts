import type { I18n } from '../../shared/i18n';
import { MapLayer } from '../layers/layers';
import type { AnyLayer } from '../layers/layerset';
import { ANALYSIS_IDS } from '../risk/analysis';
import type { InViewGroup } from './panel';

/** A map view as [south, west, north, east]. */
export type View = [number, number, number, number];

/** The title of a layer as the layer list names it. */
export function layerTitle(i18n: I18n, layer: AnyLayer): string {
  if (layer instanceof MapLayer) return layer.meta.title;
  return i18n.t(layer.id === ANALYSIS_IDS.risk ? 'measure.name' : 'analysis.hotspots');
}

/** The features each shown layer has in `view`, API layers first, as the "In view" list takes them. */
export function inViewGroups(i18n: I18n, layers: readonly AnyLayer[], view: View): InViewGroup[] {
  return layers.filter((l) => l.isVisible).map((l) => ({
    id: l.id,
    title: layerTitle(i18n, l),
    source: l instanceof MapLayer ? { kind: l.meta.kind } : { analysis: l.id === ANALYSIS_IDS.risk ? 'risk' as const : 'hotspots' as const },
    features: l.featuresIn(view),
  }));
}
