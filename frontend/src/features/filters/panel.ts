import { isAbort, type Api, type LayerMeta, type ValueCount } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { Kind } from '../../shared/kinds';
import type { AppStore } from '../../shared/store';
import { describeError, type StatusRegion } from '../../shared/status';
import { emptyFilters, type Filters } from '../../shared/urlstate';
import type { Vocabulary } from '../../shared/vocabulary';
import { createFilterControls, mergeValues, normaliseDates } from './filters';

/** What the filter panel needs. */
export interface FilterPanelOptions {
  store: AppStore;
  api: Api;
  i18n: I18n;
  vocab: Vocabulary;
  metas: readonly LayerMeta[];
  status: StatusRegion;
  /** The route names of the route layers, per layer (see LayerSet.routeValues). */
  routeValues: Promise<ValueCount[][]>;
}

/**
 * The filter form of the dashboard, bound to the store: an edit (dates put
 * in order) is one `store.set`, and the route and category menus are filled
 * from the layers' values (routes from the incidents with their counts,
 * and every route line's name).
 */
export function createFilterPanel(o: FilterPanelOptions): HTMLElement {
  const { store, i18n, status } = o;
  const { t } = i18n;
  const apply = (f: Filters) => {
    const n = normaliseDates(f);
    if (n.swapped) {
      controls.set(n.filters);
      status.set('dates', t('filters.datesSwapped'));
    } else {
      status.clear('dates');
    }
    store.set({ filters: n.filters });
  };
  const controls = createFilterControls(i18n, o.vocab, apply, () => {
    controls.set(emptyFilters());
    apply(emptyFilters());
  });
  controls.set(store.get().filters);

  const valuesOf = (kind: Kind, property: string): Promise<ValueCount[][]> =>
    Promise.all(o.metas.filter((m) => m.kind === kind).map((m) =>
      o.api.values(m.id, property).catch((err) => {
        if (!isAbort(err)) status.set(`values:${m.id}`, describeError(i18n, t('status.what.values'), err), true);
        return [] as ValueCount[];
      })));
  void Promise.all([valuesOf('incident', 'route'), o.routeValues]).then(([incidentRoutes, routeLists]) => {
    // Incident counts label the options; route names without incidents still appear.
    const zeroed = routeLists.map((list) => list.map((v) => ({ value: v.value, count: 0 })));
    controls.setRoutes(mergeValues([...incidentRoutes, ...zeroed], i18n.lang));
  });
  void valuesOf('service', 'category').then((lists) => controls.setCategories(mergeValues(lists, i18n.lang)));
  return controls.element;
}
