import { isAbort, type Api, type PrivacyTier } from '../../shared/api';
import type { I18n } from '../../shared/i18n';
import { settle, type AppStore } from '../../shared/store';
import { describeError, type StatusRegion } from '../../shared/status';
import type { Filters } from '../../shared/urlstate';
import { prioritiesParams, priorityExportUrl, PRIORITY_LIMIT, routeHasLine } from '../risk/analysis';
import type { RiskSettings } from '../risk/risksettings';
import type { PrioritiesPanel } from './priorities';
import { readAnalysisInfo } from './analysisinfo';

/** The outreach priorities list, following the store. */
export interface PrioritiesFollower {
  /** Loads the list for the store's filters and settings (nothing when it is the list shown or loading). */
  load(): Promise<void>;
  /** Loads again when the list was answered at another tier than `tier`, or is still loading. */
  reloadForTier(tier: PrivacyTier | null): void;
  /** Whether a load is waiting for edits to settle or running. */
  busy(): boolean;
}

/** What the list follows and reports to. */
export interface PrioritiesOptions {
  store: AppStore;
  api: Api;
  i18n: I18n;
  panel: PrioritiesPanel;
  status: StatusRegion;
  /** Route names of the route layers, null while unknown. */
  knownRoutes(): ReadonlySet<string> | null;
  /** Runs when the list starts or stops being busy. */
  onBusy(): void;
  /** Wait after the last filter or settings change, ms. */
  delayMs: number;
  /** Runs with the date the data runs to, whenever a list arrives. */
  onDataThrough?(dataThrough: string): void;
}

/**
 * Keeps the outreach priorities list true to the store's filters and risk
 * settings: the download links and the quoted reach at once, the list a
 * moment after the last edit (the top of the risk analysis for the same
 * query). A route filter that names no route line shows a message instead.
 */
export function followPriorities(o: PrioritiesOptions): PrioritiesFollower {
  const { store, api, panel, i18n } = o;
  const { t } = i18n;
  // The query of the list shown or being loaded, and the tier the list shown was answered at.
  let key: string | null = null;
  let answeredAt: PrivacyTier | null = null;
  let controller: AbortController | null = null;
  const setLinks = (filters: Filters, risk: RiskSettings) => {
    panel.setReach(risk.reachKm);
    panel.setExport(priorityExportUrl('csv', filters, risk), priorityExportUrl('geojson', filters, risk));
  };
  store.subscribe(['filters', 'risk'], (s) => setLinks(s.filters, s.risk), { immediate: true });

  const load = async (): Promise<void> => {
    const { filters, risk } = store.get();
    const hasLine = routeHasLine(filters.route, o.knownRoutes());
    const params = prioritiesParams(filters, PRIORITY_LIMIT, risk);
    const next = hasLine ? params.toString() : `none:${filters.route}`;
    if (next === key) return;
    key = next;
    controller?.abort();
    const c = new AbortController();
    controller = c;
    panel.setLoading();
    o.onBusy();
    try {
      if (!hasLine) {
        panel.setMessage(t('priorities.noRoute', { route: filters.route }));
      } else {
        const res = await api.analysis('risk/priorities', params, c.signal);
        if (c.signal.aborted) return;
        answeredAt = res.tier ?? null;
        panel.setItems(res.features);
        const info = readAnalysisInfo(res.members);
        panel.setInfo(info);
        if (info.dataThrough) o.onDataThrough?.(info.dataThrough);
      }
      o.status.clear('priorities');
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      key = null;
      panel.setMessage(t('priorities.error'));
      o.status.set('priorities', describeError(i18n, t('status.what.priorities'), err), true);
    } finally {
      if (controller === c) {
        controller = null;
        o.onBusy();
      }
    }
  };
  const edits = settle(store, ['filters', 'risk'], o.delayMs, () => void load(), o.onBusy);
  return {
    load,
    reloadForTier(tier) {
      if (controller === null && answeredAt === tier) return;
      key = null;
      void load();
    },
    busy: () => controller !== null || edits.pending(),
  };
}
