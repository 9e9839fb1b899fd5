import { isAbort, type LayerMeta } from '../../shared/api';
import type { ConfirmFn } from '../../shared/dialog';
import { el, options, type Child } from '../../shared/dom';
import type { I18n, MessageKey } from '../../shared/i18n';
import { sortLayers } from '../layers/panel';
import { errorMessage } from '../../shared/status';
import { isKind, KINDS, kindLabel, type Kind } from '../../shared/kinds';
import { createMappingTable } from './mapping';
import { createPreview } from './preview';
import { createPublishForm, type PublishRequest } from './publish';
import { renderReport, reportSummary } from './report';
import { ACCEPT, errorReport, FORMATS, type UploadApi, type UploadFile, type Validation } from './uploadapi';
import { createVersionsPanel } from './versions';

/** The kind of layer to publish: the one chosen, else the one detected; null when neither. */
export function kindToPublish(chosen: string, detected: Kind | ''): Kind | null {
  if (isKind(chosen)) return chosen;
  return detected === '' ? null : detected;
}

/** The label of a file format; an unknown one is shown as it is. */
export function formatLabel(i18n: I18n, format: string): string {
  const key = `format.${format}`;
  return i18n.has(key) ? i18n.t(key) : format;
}

/** The size of a file for people: kB below a megabyte, else MB. */
export function sizeText(i18n: I18n, bytes: number): string {
  return bytes < 1024 * 1024
    ? i18n.t('upload.sizeKb', { size: Math.max(1, Math.round(bytes / 1024)) })
    : i18n.t('upload.sizeMb', { size: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

/** The upload page, below its header: file, check, publish, versions. */
export interface UploadPage {
  element: HTMLElement;
  /** Asks the server for the layers again (after signing in, publishing, restoring, deleting). */
  refreshLayers(): Promise<void>;
  /** Takes a file as if it had been chosen or dropped, and checks it. */
  choose(file: File): Promise<void>;
}

/** What the page needs. */
export interface UploadPageDeps {
  api: UploadApi;
  confirm: ConfirmFn;
}

/**
 * Builds the upload page. A chosen or dropped file is checked at once
 * (POST /uploads/validate); a new kind, format or column mapping checks it
 * again. "Publish" sends the file with the kind, format and mapping of the
 * last successful check.
 */
export function createUploadPage(i18n: I18n, deps: UploadPageDeps): UploadPage {
  const { t } = i18n;
  const { api } = deps;

  const section = (id: string, headingKey: MessageKey, children: Child[]): HTMLElement =>
    el('section', { id, class: 'upload-section', 'aria-labelledby': `${id}-heading` }, [el('h2', { id: `${id}-heading` }, t(headingKey)), ...children]);
  const fieldOf = (id: string, labelKey: MessageKey, control: HTMLElement, hintKey?: MessageKey): HTMLElement => {
    control.id = id;
    if (hintKey) control.setAttribute('aria-describedby', `${id}-hint`);
    return el('div', { class: 'field' }, [
      el('label', { for: id }, t(labelKey)), control, hintKey && el('p', { class: 'field-hint', id: `${id}-hint` }, t(hintKey)),
    ]);
  };

  // 1. The file.
  const input = el('input', { type: 'file', accept: ACCEPT });
  const drop = el('div', { id: 'upload-drop', class: 'dropzone' }, [
    el('p', { class: 'dropzone-text' }, t('upload.drop')), fieldOf('upload-input', 'upload.file', input, 'upload.fileHint'),
  ]);
  const chosen = el('p', { id: 'upload-chosen', class: 'chosen' });
  const kindSelect = el('select', null, options([
    { value: '', label: t('upload.detect') }, ...KINDS.map((k) => ({ value: k, label: kindLabel(i18n, k) })),
  ]));
  const formatSelect = el('select', null, options([
    { value: '', label: t('upload.detect') }, ...FORMATS.map((f) => ({ value: f, label: formatLabel(i18n, f) })),
  ]));
  const again = el('button', { type: 'button', id: 'upload-again', hidden: true }, t('upload.checkAgain'));
  const checkMessage = el('p', { id: 'check-message', class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const fileSection = section('upload-file', 'upload.fileHeading', [
    drop, chosen,
    el('div', { class: 'field-row' }, [
      fieldOf('upload-kind', 'upload.kind', kindSelect, 'upload.kindHint'),
      fieldOf('upload-format', 'upload.format', formatSelect),
    ]),
    again, checkMessage,
  ]);

  // 2. The check.
  const summary = el('dl', { class: 'check-summary' });
  const notes = el('ul', { class: 'check-notes' });
  const mapping = createMappingTable(i18n, (m) => {
    override = m;
    void check();
  });
  const reportSlot = el('div', { class: 'report-slot' });
  const preview = createPreview(i18n);
  const checkSection = section('upload-check', 'upload.checkHeading', [summary, notes, mapping.element, reportSlot, preview.element]);
  checkSection.hidden = true;

  // 3. Publish.
  const publish = createPublishForm(i18n, {
    onSubmit: (req) => publishNow(req),
    onTarget: (layer) => {
      // A new version is checked as the kind of the layer it replaces.
      if (layer && kindSelect.value !== layer.kind) {
        kindSelect.value = layer.kind;
        override = null;
        void check();
      }
    },
  });
  const publishSection = section('upload-publish', 'upload.publishHeading', [publish.element]);

  // Versions.
  const versions = createVersionsPanel(i18n, api, deps.confirm, {
    onChanged: () => refreshLayers(),
    errorText: (err) => errorMessage(i18n, err),
  });

  const layersMessage = el('p', { class: 'form-message error', role: 'alert' });
  const root = el('div', { id: 'upload-work', class: 'upload-work' }, [fileSection, checkSection, publishSection, versions.element, layersMessage]);

  // State.
  let file: UploadFile | null = null;
  let override: Record<string, string> | null = null;
  let validation: Validation | null = null;
  let controller: AbortController | null = null;

  const setCheckMessage = (s: string, error = false) => {
    checkMessage.textContent = s;
    checkMessage.classList.toggle('error', error);
  };

  const showValidation = (v: Validation, name: string) => {
    const rows: [MessageKey, string][] = [
      ['upload.detectedFormat', formatLabel(i18n, v.format)],
      ['upload.detectedKind', isKind(v.kind) ? kindLabel(i18n, v.kind) : t('upload.unknown')],
      ['upload.detectedLayout', v.layout || t('upload.layoutNone')],
    ];
    summary.replaceChildren(...rows.flatMap(([key, value]) => [el('dt', null, t(key)), el('dd', { dir: 'auto' }, value)]));
    summary.dataset.format = v.format;
    summary.dataset.layout = v.layout;
    summary.dataset.kind = v.kind;
    notes.replaceChildren(...v.notes.map((n) => el('li', { dir: 'auto' }, n)));
    notes.hidden = v.notes.length === 0;
    mapping.update(v.fields, v.columns, v.mapping);
    reportSlot.replaceChildren(renderReport(i18n, v.report));
    checkSection.hidden = false;
    const kind = kindToPublish(kindSelect.value, v.kind) ?? 'service';
    preview.show(v.preview.features, kind, name, Math.max(v.report.accepted, v.preview.features.length), v.bbox);
  };

  const check = async (): Promise<void> => {
    if (!file) return;
    const current = file;
    controller?.abort();
    const c = new AbortController();
    controller = c;
    checkSection.setAttribute('aria-busy', 'true');
    root.dataset.check = 'checking';
    publish.setReady(false);
    setCheckMessage(t('upload.checking', { name: current.name }));
    try {
      const v = await api.validate(current, { kind: kindSelect.value as Kind | '', format: formatSelect.value, mapping: override }, c.signal);
      if (c.signal.aborted) return;
      validation = v;
      showValidation(v, current.name);
      setCheckMessage(t('upload.checked', { name: current.name, summary: reportSummary(i18n, v.report) }));
      publish.setReady(true);
      root.dataset.check = 'done';
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      validation = null;
      setCheckMessage(t('upload.checkFailed', { message: errorMessage(i18n, err) }), true);
      const report = errorReport(err);
      if (report) {
        summary.replaceChildren();
        notes.replaceChildren();
        reportSlot.replaceChildren(renderReport(i18n, report));
        preview.clear();
        checkSection.hidden = false;
      } else {
        checkSection.hidden = true;
      }
      root.dataset.check = 'error';
    } finally {
      if (controller === c) {
        controller = null;
        checkSection.removeAttribute('aria-busy');
      }
    }
  };

  const choose = (f: File): Promise<void> => {
    file = { file: f, name: f.name };
    override = null;
    validation = null;
    chosen.textContent = t('upload.chosen', { name: f.name, size: sizeText(i18n, f.size) });
    again.hidden = false;
    publish.setMessage('');
    publish.result.replaceChildren();
    return check();
  };

  input.addEventListener('change', () => {
    const f = input.files?.[0];
    if (f) void choose(f);
  });
  kindSelect.addEventListener('change', () => {
    override = null;
    void check();
  });
  formatSelect.addEventListener('change', () => {
    override = null;
    void check();
  });
  again.addEventListener('click', () => void check());

  // Drag and drop: the zone takes the first file; elsewhere a drop is ignored
  // rather than opening the file in place of the page.
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    drop.classList.add('dragover');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragover'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragover');
    const f = e.dataTransfer?.files?.[0];
    if (f) {
      input.value = '';
      void choose(f);
    }
  });
  const carriesFiles = (e: DragEvent) => [...(e.dataTransfer?.types ?? [])].includes('Files');
  const win = document.defaultView;
  win?.addEventListener('dragover', (e) => {
    if (carriesFiles(e)) e.preventDefault();
  });
  win?.addEventListener('drop', (e) => {
    if (carriesFiles(e) && (!(e.target instanceof Node) || !drop.contains(e.target))) e.preventDefault();
  });

  const publishNow = async (req: PublishRequest): Promise<void> => {
    if (!file || !validation) {
      publish.setMessage(t('publish.needFile'), true);
      return;
    }
    // The mapping is sent only when the user changed it: what the server
    // detects by itself (MMP layouts included) is what the check showed.
    const map = override;
    const format = formatSelect.value;
    try {
      let result;
      if (req.mode === 'new') {
        const kind = kindToPublish(kindSelect.value, validation.kind);
        if (!kind) {
          publish.setMessage(t('publish.needKind'), true);
          kindSelect.focus();
          return;
        }
        result = await api.create(file, { ...req.layer, kind }, { mapping: map, onError: req.onError, format, coverage: req.coverage });
      } else {
        const target = publish.target();
        result = await api.replace(req.id, file, { mapping: map, onError: req.onError, format, kind: target?.kind ?? '', coverage: req.coverage });
      }
      const { layer, report } = result;
      publish.setMessage(t(req.mode === 'new' ? 'publish.doneNew' : 'publish.doneVersion', {
        title: layer.title, id: layer.id, version: layer.version, count: layer.feature_count, summary: reportSummary(i18n, report),
      }));
      publish.element.dataset.version = String(layer.version);
      const link = el('a', { href: `./?layers=${encodeURIComponent(layer.id)}`, class: 'publish-map-link' }, t('publish.showOnMap', { title: layer.title }));
      publish.result.replaceChildren(link, renderReport(i18n, report));
      await refreshLayers();
      await versions.choose(layer.id);
    } catch (err) {
      publish.setMessage(t('publish.failed', { message: errorMessage(i18n, err) }), true);
      delete publish.element.dataset.version;
      const report = errorReport(err);
      publish.result.replaceChildren(...(report ? [renderReport(i18n, report)] : []));
    }
  };

  let layersController: AbortController | null = null;
  const refreshLayers = async (): Promise<void> => {
    layersController?.abort();
    const c = new AbortController();
    layersController = c;
    try {
      const list: LayerMeta[] = sortLayers(await api.layers(c.signal), i18n.lang);
      if (c.signal.aborted) return;
      publish.setLayers(list);
      versions.setLayers(list);
      layersMessage.textContent = '';
    } catch (err) {
      if (isAbort(err) || c.signal.aborted) return;
      layersMessage.textContent = t('upload.layersFailed', { message: errorMessage(i18n, err) });
    }
  };

  return { element: root, refreshLayers, choose };
}
