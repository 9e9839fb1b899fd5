import type { LayerMeta } from '../../shared/api';
import { el, options } from '../../shared/dom';
import type { I18n, MessageKey } from '../../shared/i18n';
import { LAYER_ID, kindLabel } from '../../shared/kinds';
import type { CoverageDeclaration, NewLayer, OnError, Sensitivity } from './uploadapi';

/** What the publish form asks for: a new layer, or a new version of an existing one. */
export type PublishRequest =
  | { mode: 'new'; layer: Omit<NewLayer, 'kind'>; onError: OnError; coverage: CoverageDeclaration }
  | { mode: 'replace'; id: string; onError: OnError; coverage: CoverageDeclaration };

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
  coverageCountries: string;
  coverageArea: string;
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
  const coverage: CoverageDeclaration = {};
  if (v.coverageCountries.trim()) coverage.countries = v.coverageCountries.trim();
  if (v.coverageArea.trim()) {
    coverage.area = v.coverageArea.trim();
    try {
      JSON.parse(coverage.area);
    } catch {
      errors.push({ field: 'coverageArea', message: i18n.t('publish.coverageAreaInvalid') });
    }
  }
  if (v.mode === 'replace') {
    required('target');
    if (errors.length > 0) return { errors };
    return { request: { mode: 'replace', id: v.target, onError, coverage } };
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
  return { request: { mode: 'new', layer, onError, coverage } };
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
export function createPublishForm(i18n: I18n, hooks: PublishHooks): PublishForm {
  const { t } = i18n;

  // Mode: new layer or new version.
  const radios: Record<'new' | 'replace', HTMLInputElement> = {} as Record<'new' | 'replace', HTMLInputElement>;
  const mode = el('fieldset', { class: 'publish-mode' }, [
    el('legend', null, t('publish.mode')),
    ...([['new', 'publish.modeNew'], ['replace', 'publish.modeReplace']] as const).map(([value, key]) => {
      const r = el('input', { type: 'radio', name: 'publish-mode', id: `publish-mode-${value}`, value, checked: value === 'new' });
      radios[value] = r;
      return el('div', { class: 'radio' }, [r, el('label', { for: r.id }, t(key))]);
    }),
  ]);

  const errorsOf = new Map<keyof PublishValues, HTMLElement>();
  const controls = new Map<keyof PublishValues, HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>();
  const field = (
    name: keyof PublishValues, labelKey: MessageKey, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
    hintKey?: MessageKey,
  ): HTMLElement => {
    control.id = `publish-${name}`;
    const hintId = `${control.id}-hint`;
    const err = el('p', { class: 'field-error', id: `${control.id}-error` });
    control.setAttribute('aria-describedby', hintKey ? `${hintId} ${err.id}` : err.id);
    errorsOf.set(name, err);
    controls.set(name, control);
    return el('div', { class: 'field' }, [
      el('label', { for: control.id }, t(labelKey)),
      control,
      hintKey && el('p', { class: 'field-hint', id: hintId }, t(hintKey)),
      err,
    ]);
  };
  const text = (required: boolean): HTMLInputElement => el('input', { type: 'text', autocomplete: 'off', 'aria-required': required ? 'true' : null });
  const select = (list: readonly [string, MessageKey][]): HTMLSelectElement =>
    el('select', null, options(list.map(([value, key]) => ({ value, label: t(key) }))));

  const idInput = text(true);
  idInput.spellcheck = false;
  idInput.setAttribute('autocapitalize', 'off');
  idInput.pattern = LAYER_ID.source.replace(/^\^|\$$/g, '');
  const newFields = el('div', { class: 'publish-new' }, [
    field('id', 'publish.id', idInput, 'publish.idHint'),
    field('title', 'publish.title', text(true)),
    field('sensitivity', 'publish.sensitivity', select([
      ['public', 'publish.sensitivity.public'], ['restricted', 'publish.sensitivity.restricted'],
    ])),
    field('source', 'publish.source', text(true), 'publish.sourceHint'),
    field('license', 'publish.license', text(true), 'publish.licenseHint'),
    field('attribution', 'publish.attribution', text(false)),
    field('description', 'publish.description', el('textarea', { rows: 3 })),
  ]);

  const targetSelect = el('select', { 'aria-required': 'true' });
  const replaceFields = el('div', { class: 'publish-replace', hidden: true }, field('target', 'publish.target', targetSelect, 'publish.targetHint'));
  const onError = field('onError', 'publish.onError', select([
    ['reject', 'publish.onError.reject'], ['skip', 'publish.onError.skip'],
  ]));
  const countriesInput = text(false);
  countriesInput.spellcheck = false;
  countriesInput.setAttribute('autocapitalize', 'characters');
  const coverageFields = el('fieldset', { class: 'publish-coverage' }, [
    el('legend', null, t('publish.coverage')),
    el('p', { class: 'field-hint' }, t('publish.coverageHint')),
    field('coverageCountries', 'publish.coverageCountries', countriesInput, 'publish.coverageCountriesHint'),
    field('coverageArea', 'publish.coverageArea', el('textarea', { rows: 3, spellcheck: false }), 'publish.coverageAreaHint'),
  ]);

  const message = el('p', { id: 'publish-message', class: 'form-message', role: 'status', 'aria-live': 'polite' });
  const submit = el('button', { type: 'submit', id: 'publish-submit', class: 'primary' }, t('publish.submit'));
  const result = el('div', { class: 'publish-result' });
  const form = el('form', { id: 'publish-form', class: 'publish-form', novalidate: true }, [mode, newFields, replaceFields, onError, coverageFields, submit, message, result]);

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
    for (const [name, err] of errorsOf) {
      err.textContent = '';
      controls.get(name)?.removeAttribute('aria-invalid');
    }
    const values: PublishValues = {
      mode: currentMode(), id: valueOf('id'), title: valueOf('title'), sensitivity: valueOf('sensitivity'),
      source: valueOf('source'), license: valueOf('license'), description: valueOf('description'),
      attribution: valueOf('attribution'), target: valueOf('target'), onError: valueOf('onError'),
      coverageCountries: valueOf('coverageCountries'), coverageArea: valueOf('coverageArea'),
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
      targetSelect.replaceChildren(...options([
        { value: '', label: t('publish.chooseLayer') }, ...layers.map((m) => ({ value: m.id, label: layerOptionLabel(i18n, m) })),
      ]));
      targetSelect.value = layers.some((m) => m.id === before) ? before : '';
    },
  };
}
