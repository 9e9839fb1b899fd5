import { isAbort, type Api, type LayerMeta, type ValueCount } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import type { Kind } from '../../shared/kinds';
import { settle, type AppStore } from '../../shared/store';
import { describeError, type StatusRegion } from '../../shared/status';
import { emptyFilters, type Filters } from '../../shared/urlstate';
import type { Vocabulary } from '../../shared/vocabulary';
import { valuesParams } from '../time/months';
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
  /** "Zoom to results": fits the map to what the filters show; absent, no button. */
  onZoom?: () => void;
  /** Wait after the last filter change before the menu counts load again, in ms. */
  delayMs?: number;
}

/** The menu counts' query for each incident menu under `filters` (see valuesParams), as one comparable key. */
export function countsKey(filters: Filters): string {
  return `${valuesParams(filters, 'route', true).toString()}|${valuesParams(filters, 'cause', true).toString()}`;
}

/**
 * The filter form of the dashboard, bound to the store: an edit (dates put
 * in order) is one `store.set`, and the route, cause and category menus
 * are filled from the layers' values (routes from the incidents with their
 * counts, and every route line's name). The route and cause counts follow
 * the other filters: the causes' counts are those of the chosen route and
 * dates, the routes' those of the chosen cause and dates.
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
  }, o.onZoom);
  controls.set(store.get().filters);
  // Filters set elsewhere (the time slider, a shared link) show in the form.
  store.subscribe(['filters'], (s) => {
    if (JSON.stringify(s.filters) !== JSON.stringify(controls.get())) controls.set(s.filters);
  });

  const valuesOf = (kind: Kind, property: string, params: (m: LayerMeta) => URLSearchParams | undefined, signal?: AbortSignal): Promise<ValueCount[][]> =>
    Promise.all(o.metas.filter((m) => m.kind === kind).map((m) =>
      o.api.values(m.id, property, signal, params(m)).catch((err) => {
        if (!isAbort(err)) status.set(`values:${m.id}`, describeError(i18n, t('status.what.values'), err), true);
        return [] as ValueCount[];
      })));
  const incidentsHaveCause = o.metas.some((m) => m.kind === 'incident' && (!m.schema || m.schema.some((f) => f.name === 'cause_category')));

  let controller: AbortController | null = null;
  const loadCounts = (filters: Filters) => {
    controller?.abort();
    const c = new AbortController();
    controller = c;
    const routes = valuesOf('incident', 'route', (m) => valuesParams(filters, 'route', !!m.time_property), c.signal);
    void Promise.all([routes, o.routeValues]).then(([incidentRoutes, routeLists]) => {
      if (c.signal.aborted) return;
      // Incident counts label the options; route names without incidents still appear.
      const zeroed = routeLists.map((list) => list.map((v) => ({ value: v.value, count: 0 })));
      controls.setRoutes(mergeValues([...incidentRoutes, ...zeroed], i18n.lang));
    });
    if (incidentsHaveCause) {
      void valuesOf('incident', 'cause_category', (m) => valuesParams(filters, 'cause', !!m.time_property), c.signal).then((lists) => {
        if (!c.signal.aborted) controls.setCauses(mergeValues(lists, i18n.lang));
      });
    }
  };
  loadCounts(store.get().filters);
  let key = countsKey(store.get().filters);
  settle(store, ['filters'], o.delayMs ?? 250, (s) => {
    const next = countsKey(s.filters);
    if (next === key) return;
    key = next;
    loadCounts(s.filters);
  });
  // A sign-in or out changes what the counts may show.
  let tier = store.get().session.tier;
  store.subscribe(['session'], (s) => {
    if (s.session.tier === tier) return;
    const first = tier === null;
    tier = s.session.tier;
    if (!first) loadCounts(store.get().filters);
  });
  void valuesOf('service', 'category', () => undefined).then((lists) => controls.setCategories(mergeValues(lists, i18n.lang)));
  return controls.element;
}
