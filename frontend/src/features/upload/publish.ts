import type { LayerMeta } from '../../shared/api';
import type { I18n, MessageKey } from '../../shared/i18n';
import { LAYER_ID, kindLabel } from '../../shared/kinds';
import type { NewLayer, OnError, Sensitivity } from './uploadapi';

/** What the publish form asks for: a new layer, or a new version of an existing one. */
export type PublishRequest =
  | { mode: 'new'; layer: Omit<NewLayer, 'kind'>; onError: OnError }
  | { mode: 'replace'; id: string; onError: OnError };

/** The raw values of the form's fields. */
export interface PublishValues {
  mode: 'new' | 'replace';
  id: string;
  title: string;
  sensitivity: string;
  source: string;
  license: string;
  description: string;
  attribution: string;
  target: string;
  onError: string;
}

/** A field that is not filled in right, and why. */
export interface FieldError {
  field: keyof PublishValues;
  message: string;
}

/** The labels of the fields, as the error messages name them. */
const LABELS: Partial<Record<keyof PublishValues, MessageKey>> = {
  id: 'publish.id',
  title: 'publish.title',
  source: 'publish.source',
  license: 'publish.license',
  target: 'publish.target',
};

/** Checks the values; returns the request, or the fields to correct. */
export function readPublish(i18n: I18n, v: PublishValues): { request: PublishRequest } | { errors: FieldError[] } {
  const errors: FieldError[] = [];
  const required = (field: keyof PublishValues) => {
    if (v[field].trim() === '') errors.push({ field, message: i18n.t('publish.required', { field: i18n.t(LABELS[field]!) }) });
  };
  const onError: OnError = v.onError === 'skip' ? 'skip' : 'reject';
  if (v.mode === 'replace') {
    required('target');
    if (errors.length > 0) return { errors };
    return { request: { mode: 'replace', id: v.target, onError } };
  }
  if (v.id.trim() === '') required('id');
  else if (!LAYER_ID.test(v.id.trim())) errors.push({ field: 'id', message: i18n.t('publish.idInvalid') });
  required('title');
  required('source');
  required('license');
  if (errors.length > 0) return { errors };
  const sensitivity: Sensitivity = v.sensitivity === 'restricted' ? 'restricted' : 'public';
  const layer: Omit<NewLayer, 'kind'> = {
    id: v.id.trim(), title: v.title.trim(), sensitivity, source: v.source.trim(), license: v.license.trim(),
  };
  if (v.description.trim()) layer.description = v.description.trim();
  if (v.attribution.trim()) layer.attribution = v.attribution.trim();
  return { request: { mode: 'new', layer, onError } };
}

/** The label of a layer in a list of layers: title, id, kind and version. */
export function layerOptionLabel(i18n: I18n, m: LayerMeta): string {
  return i18n.t('layerOption', { title: m.title, id: m.id, kind: kindLabel(i18n, m.kind), version: m.version });
}

/** The publish form. */
export interface PublishForm {
  element: HTMLElement;
  /** The layers that can be replaced. */
  setLayers(layers: readonly LayerMeta[]): void;
  /** Enables the "Publish" button (a checked file is needed). */
  setReady(ready: boolean): void;
  /** Shows a message under the form (role "status"; errors also marked). */
  setMessage(text: string, error?: boolean): void;
  /** The layer chosen for replacement, if that mode is on. */
  target(): LayerMeta | null;
  /** The result area (the report of a publication goes there). */
  result: HTMLElement;
}

/** Hooks of the publish form. */
export interface PublishHooks {
  /** Publishes; the form is busy until the promise settles. */
  onSubmit(request: PublishRequest): Promise<void>;
  /** The mode or the layer to replace changed. */
  onTarget?(layer: LayerMeta | null): void;
}

/** Builds the publish form. */
export function createPublishForm(doc: Document, i18n: I18n, hooks: PublishHooks): PublishForm {
  const { t } = i18n;
  const form = doc.createElement('form');
  form.id = 'publish-form';
  form.className = 'publish-form';
  form.noValidate = true;

  // Mode: new layer or new version.
  const mode = doc.createElement('fieldset');
  mode.className = 'publish-mode';
  const legend = doc.createElement('legend');
  legend.textContent = t('publish.mode');
  mode.append(legend);
  const radios: Record<'new' | 'replace', HTMLInputElement> = {} as Record<'new' | 'replace', HTMLInputElement>;
  for (const [value, key] of [['new', 'publish.modeNew'], ['replace', 'publish.modeReplace']] as const) {
    const wrap = doc.createElement('div');
    wrap.className = 'radio';
    const r = doc.createElement('input');
    r.type = 'radio';
    r.name = 'publish-mode';
    r.id = `publish-mode-${value}`;
    r.value = value;
    r.checked = value === 'new';
    const l = doc.createElement('label');
    l.htmlFor = r.id;
    l.textContent = t(key);
    wrap.append(r, l);
    mode.append(wrap);
    radios[value] = r;
  }

  const errorsOf = new Map<keyof PublishValues, HTMLElement>();
  const controls = new Map<keyof PublishValues, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  const field = (
    name: keyof PublishValues, labelKey: MessageKey, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
    hintKey?: MessageKey,
  ): HTMLElement => {
    const div = doc.createElement('div');
    div.className = 'field';
    control.id = `publish-${name}`;
    const label = doc.createElement('label');
    label.htmlFor = control.id;
    label.textContent = t(labelKey);
    div.append(label, control);
    const describedBy: string[] = [];
    if (hintKey) {
      const hint = doc.createElement('p');
      hint.className = 'field-hint';
      hint.id = `${control.id}-hint`;
      hint.textContent = t(hintKey);
      div.append(hint);
      describedBy.push(hint.id);
    }
    const err = doc.createElement('p');
    err.className = 'field-error';
    err.id = `${control.id}-error`;
    div.append(err);
    describedBy.push(err.id);
    control.setAttribute('aria-describedby', describedBy.join(' '));
    errorsOf.set(name, err);
    controls.set(name, control);
    return div;
  };
  const text = (required: boolean): HTMLInputElement => {
    const i = doc.createElement('input');
    i.type = 'text';
    i.autocomplete = 'off';
    if (required) i.setAttribute('aria-required', 'true');
    return i;
  };
  const select = (options: readonly [string, MessageKey][]): HTMLSelectElement => {
    const s = doc.createElement('select');
    for (const [value, key] of options) {
      const o = doc.createElement('option');
      o.value = value;
      o.textContent = t(key);
      s.append(o);
    }
    return s;
  };

  const idInput = text(true);
  idInput.spellcheck = false;
  idInput.setAttribute('autocapitalize', 'off');
  idInput.pattern = LAYER_ID.source.replace(/^\^|\$$/g, '');
  const description = doc.createElement('textarea');
  description.rows = 3;
  const newFields = doc.createElement('div');
  newFields.className = 'publish-new';
  newFields.append(
    field('id', 'publish.id', idInput, 'publish.idHint'),
    field('title', 'publish.title', text(true)),
    field('sensitivity', 'publish.sensitivity', select([
      ['public', 'publish.sensitivity.public'], ['restricted', 'publish.sensitivity.restricted'],
    ])),
    field('source', 'publish.source', text(true), 'publish.sourceHint'),
    field('license', 'publish.license', text(true), 'publish.licenseHint'),
    field('attribution', 'publish.attribution', text(false)),
    field('description', 'publish.description', description),
  );

  const targetSelect = doc.createElement('select');
  targetSelect.setAttribute('aria-required', 'true');
  const replaceFields = doc.createElement('div');
  replaceFields.className = 'publish-replace';
  replaceFields.hidden = true;
  replaceFields.append(field('target', 'publish.target', targetSelect, 'publish.targetHint'));

  const onError = field('onError', 'publish.onError', select([
    ['reject', 'publish.onError.reject'], ['skip', 'publish.onError.skip'],
  ]));

  const message = doc.createElement('p');
  message.id = 'publish-message';
  message.className = 'form-message';
  message.setAttribute('role', 'status');
  message.setAttribute('aria-live', 'polite');
  const submit = doc.createElement('button');
  submit.type = 'submit';
  submit.id = 'publish-submit';
  submit.className = 'primary';
  submit.textContent = t('publish.submit');
  const result = doc.createElement('div');
  result.className = 'publish-result';
  form.append(mode, newFields, replaceFields, onError, submit, message, result);

  let layers: LayerMeta[] = [];
  let ready = false;
  let busy = false;
  const currentMode = (): 'new' | 'replace' => (radios.replace.checked ? 'replace' : 'new');
  const target = (): LayerMeta | null =>
    currentMode() === 'replace' ? (layers.find((m) => m.id === targetSelect.value) ?? null) : null;
  const refresh = () => {
    const replace = currentMode() === 'replace';
    newFields.hidden = replace;
    replaceFields.hidden = !replace;
    submit.disabled = !ready || busy;
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
  };
  for (const r of Object.values(radios)) {
    r.addEventListener('change', () => {
      refresh();
      hooks.onTarget?.(target());
    });
  }
  targetSelect.addEventListener('change', () => hooks.onTarget?.(target()));

  const setMessage = (s: string, error = false) => {
    message.textContent = s;
    message.classList.toggle('error', error);
  };
  const valueOf = (name: keyof PublishValues) => controls.get(name)?.value ?? '';

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (busy) return;
    if (!ready) {
      setMessage(t('publish.needFile'), true);
      return;
    }
    for (const [name, el] of errorsOf) {
      el.textContent = '';
      controls.get(name)?.removeAttribute('aria-invalid');
    }
    const values: PublishValues = {
      mode: currentMode(), id: valueOf('id'), title: valueOf('title'), sensitivity: valueOf('sensitivity'),
      source: valueOf('source'), license: valueOf('license'), description: valueOf('description'),
      attribution: valueOf('attribution'), target: valueOf('target'), onError: valueOf('onError'),
    };
    const read = readPublish(i18n, values);
    if ('errors' in read) {
      for (const e2 of read.errors) {
        errorsOf.get(e2.field)!.textContent = e2.message;
        controls.get(e2.field)?.setAttribute('aria-invalid', 'true');
      }
      setMessage(t('publish.fix', { count: read.errors.length }), true);
      controls.get(read.errors[0]!.field)?.focus();
      return;
    }
    busy = true;
    refresh();
    setMessage(t('publish.publishing'));
    result.replaceChildren();
    hooks.onSubmit(read.request).finally(() => {
      busy = false;
      refresh();
    });
  });

  refresh();
  return {
    element: form,
    result,
    target,
    setMessage,
    setReady(r) {
      ready = r;
      refresh();
    },
    setLayers(list) {
      const before = targetSelect.value;
      layers = [...list];
      const none = doc.createElement('option');
      none.value = '';
      none.textContent = t('publish.chooseLayer');
      targetSelect.replaceChildren(none, ...layers.map((m) => {
        const o = doc.createElement('option');
        o.value = m.id;
        o.textContent = layerOptionLabel(i18n, m);
        return o;
      }));
      targetSelect.value = layers.some((m) => m.id === before) ? before : '';
    },
  };
}
