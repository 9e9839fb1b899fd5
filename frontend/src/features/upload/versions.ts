import type { LayerMeta } from '../../shared/api';
import type { ConfirmFn } from '../../shared/dialog';
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
  doc: Document, i18n: I18n, layer: LayerMeta, v: Versions, onRestore: (version: number, button: HTMLButtonElement) => void,
): HTMLElement {
  const { t } = i18n;
  if (v.versions.length === 0) {
    const p = doc.createElement('p');
    p.className = 'versions-empty';
    p.textContent = t('versions.none');
    return p;
  }
  const table = doc.createElement('table');
  table.className = 'data-table versions-table';
  const caption = doc.createElement('caption');
  caption.textContent = t('versions.caption', { title: layer.title, current: v.current });
  const thead = doc.createElement('thead');
  const hr = doc.createElement('tr');
  for (const key of ['versions.version', 'versions.date', 'versions.by', 'versions.features', 'versions.action'] as const) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = t(key);
    hr.append(th);
  }
  thead.append(hr);
  const tbody = doc.createElement('tbody');
  for (const m of v.versions) {
    const tr = doc.createElement('tr');
    tr.dataset.version = String(m.version);
    const current = m.version === v.current;
    if (current) tr.className = 'version-current';
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = current ? t('versions.currentVersion', { version: m.version }) : i18n.formatNumber(m.version);
    const date = doc.createElement('td');
    date.textContent = formatDate(i18n, m.updated_at);
    if (m.updated_at) date.title = m.updated_at;
    const by = doc.createElement('td');
    by.dir = 'auto';
    by.textContent = m.updated_by ?? '';
    const n = doc.createElement('td');
    n.className = 'number';
    n.textContent = i18n.formatNumber(m.feature_count);
    const action = doc.createElement('td');
    if (!current) {
      const b = doc.createElement('button');
      b.type = 'button';
      b.className = 'version-restore';
      b.textContent = t('versions.restore');
      b.setAttribute('aria-label', t('versions.restoreLabel', { version: m.version, title: layer.title }));
      b.addEventListener('click', () => onRestore(m.version, b));
      action.append(b);
    }
    tr.append(th, date, by, n, action);
    tbody.append(tr);
  }
  table.append(caption, thead, tbody);
  const wrap = doc.createElement('div');
  wrap.className = 'table-wrap';
  wrap.append(table);
  return wrap;
}

/** The formats a layer can be downloaded in. */
export const DOWNLOAD_FORMATS = ['geojson', 'csv', 'kml'] as const;

/** The download URL of a layer in a format. */
export function downloadUrl(id: string, format: (typeof DOWNLOAD_FORMATS)[number], base = '/api/v1'): string {
  return `${base}/layers/${encodeURIComponent(id)}/download?format=${format}`;
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
  doc: Document, i18n: I18n, api: VersionsApi, confirm: ConfirmFn, hooks: VersionsHooks,
): VersionsPanel {
  const { t } = i18n;
  const root = doc.createElement('section');
  root.id = 'versions';
  root.className = 'upload-section versions';
  root.setAttribute('aria-labelledby', 'versions-heading');
  const h = doc.createElement('h2');
  h.id = 'versions-heading';
  h.textContent = t('versions.heading');
  const field = doc.createElement('div');
  field.className = 'field';
  const label = doc.createElement('label');
  label.htmlFor = 'versions-layer';
  label.textContent = t('versions.layer');
  const select = doc.createElement('select');
  select.id = 'versions-layer';
  field.append(label, select);
  const message = doc.createElement('p');
  message.id = 'versions-message';
  message.className = 'form-message';
  message.setAttribute('role', 'status');
  message.setAttribute('aria-live', 'polite');
  const body = doc.createElement('div');
  body.className = 'versions-body';
  const del = doc.createElement('button');
  del.type = 'button';
  del.id = 'versions-delete';
  del.className = 'danger';
  del.textContent = t('versions.delete');
  del.hidden = true;
  const downloads = doc.createElement('p');
  downloads.className = 'downloads';
  downloads.hidden = true;
  const links = DOWNLOAD_FORMATS.map((format) => {
    const a = doc.createElement('a');
    a.className = `download-${format}`;
    a.textContent = t(`versions.download.${format}`);
    downloads.append(a);
    return { a, format };
  });
  const actions = doc.createElement('div');
  actions.className = 'versions-actions';
  actions.append(downloads, del);
  root.append(h, field, message, body, actions);

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
      body.replaceChildren(renderVersions(doc, i18n, layer, v, (version, button) => void restore(layer, version, button)));
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
      const none = doc.createElement('option');
      none.value = '';
      none.textContent = t('versions.choose');
      select.replaceChildren(none, ...layers.map((m) => {
        const o = doc.createElement('option');
        o.value = m.id;
        o.textContent = layerOptionLabel(i18n, m);
        return o;
      }));
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
