import type { LayerMeta } from '../../shared/api';
import type { ConfirmFn } from '../../shared/dialog';
import { el, options } from '../../shared/dom';
import type { I18n } from '../../shared/i18n';
import { layerOptionLabel } from './publish';
import type { Versions } from './uploadapi';

/** The date and time of a version, for the locale; what cannot be read is shown as it is. */
export function formatDate(i18n: I18n, iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(i18n.lang, { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}

/**
 * The table of a layer's versions, newest first: version, date, by, features,
 * and a "Restore" button on every version but the current one. Values from
 * the server go in as text.
 */
export function renderVersions(
  i18n: I18n, layer: LayerMeta, v: Versions, onRestore: (version: number, button: HTMLButtonElement) => void,
): HTMLElement {
  const { t } = i18n;
  if (v.versions.length === 0) return el('p', { class: 'versions-empty' }, t('versions.none'));
  const heads = ['versions.version', 'versions.date', 'versions.by', 'versions.features', 'versions.action'] as const;
  const rows = v.versions.map((m) => {
    const current = m.version === v.current;
    const restore: HTMLButtonElement | false = !current && el('button', {
      type: 'button', class: 'version-restore', onclick: () => onRestore(m.version, restore as HTMLButtonElement),
      'aria-label': t('versions.restoreLabel', { version: m.version, title: layer.title }),
    }, t('versions.restore'));
    return el('tr', { 'data-version': m.version, class: current ? 'version-current' : null }, [
      el('th', { scope: 'row' }, current ? t('versions.currentVersion', { version: m.version }) : i18n.formatNumber(m.version)),
      el('td', { title: m.updated_at || null }, formatDate(i18n, m.updated_at)),
      el('td', { dir: 'auto' }, m.updated_by ?? ''),
      el('td', { class: 'number' }, i18n.formatNumber(m.feature_count)),
      el('td', null, restore),
    ]);
  });
  return el('div', { class: 'table-wrap' }, el('table', { class: 'data-table versions-table' }, [
    el('caption', null, t('versions.caption', { title: layer.title, current: v.current })),
    el('thead', null, el('tr', null, heads.map((key) => el('th', { scope: 'col' }, t(key))))),
    el('tbody', null, rows),
  ]));
}

/** The formats a layer can be downloaded in; csv-hxl is CSV with a HXL hashtag row under the header. */
export const DOWNLOAD_FORMATS = ['geojson', 'csv', 'csv-hxl', 'kml', 'gpkg'] as const;

/** The download URL of a layer in a format. */
export function downloadUrl(id: string, format: (typeof DOWNLOAD_FORMATS)[number], base = '/api/v1'): string {
  const query = format === 'csv-hxl' ? 'format=csv&hxl=1' : `format=${format}`;
  return `${base}/layers/${encodeURIComponent(id)}/download?${query}`;
}

/** What the versions panel needs of the server. */
export interface VersionsApi {
  versions(id: string, signal?: AbortSignal): Promise<Versions>;
  restore(id: string, version: number): Promise<LayerMeta>;
  remove(id: string): Promise<void>;
}

/** The versions panel. */
export interface VersionsPanel {
  element: HTMLElement;
  /** The layers to choose from (the choice is kept when it is still there). */
  setLayers(layers: readonly LayerMeta[]): void;
  /** Chooses a layer and shows its versions. */
  choose(id: string): Promise<void>;
}

/** Hooks of the versions panel. */
export interface VersionsHooks {
  /** Something changed on the server (a restore, a deletion): the layer lists are stale. */
  onChanged(): Promise<void> | void;
  /** The text of a failed request. */
  errorText(err: unknown): string;
}

/**
 * The versions of a chosen layer, with "Restore" per older version and
 * "Delete layer"; both ask for confirmation first.
 */
export function createVersionsPanel(
  i18n: I18n, api: VersionsApi, confirm: ConfirmFn, hooks: VersionsHooks,
): VersionsPanel {
  const { t } = i18n;
  const select = el('select', { id: 'versions-layer' });
  const message = el('p', { id: 'versions-message', class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const body = el('div', { class: 'versions-body' });
  const del = el('button', { type: 'button', id: 'versions-delete', class: 'danger', hidden: true }, t('versions.delete'));
  const links = DOWNLOAD_FORMATS.map((format) => ({ a: el('a', { class: `download-${format}` }, t(`versions.download.${format}`)), format }));
  const downloads = el('p', { class: 'downloads', hidden: true }, links.map((l) => l.a));
  const root = el('section', { id: 'versions', class: 'upload-section versions', 'aria-labelledby': 'versions-heading' }, [
    el('h2', { id: 'versions-heading' }, t('versions.heading')),
    el('div', { class: 'field' }, [el('label', { for: 'versions-layer' }, t('versions.layer')), select]),
    message,
    body,
    el('div', { class: 'versions-actions' }, [downloads, del]),
  ]);

  let layers: LayerMeta[] = [];
  let controller: AbortController | null = null;
  const setMessage = (s: string, error = false) => {
    message.textContent = s;
    message.classList.toggle('error', error);
  };
  const layerOf = (id: string) => layers.find((m) => m.id === id) ?? null;

  const load = async (id: string): Promise<void> => {
    controller?.abort();
    body.replaceChildren();
    del.hidden = true;
    downloads.hidden = true;
    const layer = layerOf(id);
    if (!layer) {
      root.removeAttribute('aria-busy');
      return;
    }
    const c = new AbortController();
    controller = c;
    root.setAttribute('aria-busy', 'true');
    try {
      const v = await api.versions(id, c.signal);
      if (c.signal.aborted) return;
      body.replaceChildren(renderVersions(i18n, layer, v, (version, button) => void restore(layer, version, button)));
      del.hidden = false;
      for (const { a, format } of links) {
        a.href = downloadUrl(layer.id, format);
        a.download = `${layer.id}.${format}`;
      }
      downloads.hidden = false;
    } catch (err) {
      if (c.signal.aborted) return;
      setMessage(t('versions.loadFailed', { message: hooks.errorText(err) }), true);
    } finally {
      if (controller === c) {
        controller = null;
        root.removeAttribute('aria-busy');
      }
    }
  };

  const restore = async (layer: LayerMeta, version: number, button: HTMLButtonElement) => {
    const ok = await confirm({
      title: t('versions.confirmRestoreTitle'),
      message: t('versions.confirmRestore', { version, title: layer.title }),
      confirm: t('versions.restore'),
    });
    if (!ok) return;
    button.disabled = true;
    setMessage(t('versions.restoring', { version }));
    try {
      const now = await api.restore(layer.id, version);
      setMessage(t('versions.restored', { from: version, version: now.version, title: now.title }));
      await hooks.onChanged();
      await load(layer.id);
      select.focus();
    } catch (err) {
      button.disabled = false;
      setMessage(t('versions.restoreFailed', { message: hooks.errorText(err) }), true);
    }
  };

  del.addEventListener('click', async () => {
    const layer = layerOf(select.value);
    if (!layer) return;
    const ok = await confirm({
      title: t('versions.confirmDeleteTitle'),
      message: t('versions.confirmDelete', { title: layer.title, id: layer.id }),
      confirm: t('versions.delete'),
      danger: true,
    });
    if (!ok) return;
    del.disabled = true;
    try {
      await api.remove(layer.id);
      setMessage(t('versions.deleted', { title: layer.title }));
      body.replaceChildren();
      del.hidden = true;
      downloads.hidden = true;
      await hooks.onChanged();
      select.focus();
    } catch (err) {
      setMessage(t('versions.deleteFailed', { message: hooks.errorText(err) }), true);
    } finally {
      del.disabled = false;
    }
  });

  select.addEventListener('change', () => {
    setMessage('');
    void load(select.value);
  });

  return {
    element: root,
    setLayers(list) {
      const before = select.value;
      layers = [...list];
      select.replaceChildren(...options([
        { value: '', label: t('versions.choose') }, ...layers.map((m) => ({ value: m.id, label: layerOptionLabel(i18n, m) })),
      ]));
      select.value = layerOf(before) ? before : '';
      if (!layerOf(before)) {
        body.replaceChildren();
        del.hidden = true;
        downloads.hidden = true;
      }
    },
    async choose(id) {
      select.value = layerOf(id) ? id : '';
      await load(select.value);
    },
  };
}
