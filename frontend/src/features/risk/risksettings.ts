import type { I18n, MessageKey } from '../../shared/i18n';
import { el } from '../../shared/dom';
import type { AppState, AppStore } from '../../shared/store';
import type { StatusRegion } from '../../shared/status';

/**
 * The user's settings of the risk analysis: how far incidents count, how
 * fast they age, and how far help may be to count as within reach. Pure
 * definitions and validation, plus the "Risk settings" fieldset.
 */

/** The three settings, in the server's units. */
export interface RiskSettings {
  /** Incidents up to this far from a segment count for it, km. */
  radiusKm: number;
  /** Age at which an incident weighs half, days. */
  halfLifeDays: number;
  /** A service category with no current service this close leaves a gap, km. */
  reachKm: number;
}

/** The name of one risk setting. */
export type RiskSettingKey = keyof RiskSettings;

/** Order of the settings in the form and the URL. */
export const RISK_SETTING_KEYS: readonly RiskSettingKey[] = ['radiusKm', 'halfLifeDays', 'reachKm'];

/** Bounds, step, default, URL key and API parameter of each setting. */
export const RISK_LIMITS: Record<RiskSettingKey, { min: number; max: number; step: number; default: number; url: string; param: string }> = {
  radiusKm: { min: 1, max: 200, step: 1, default: 25, url: 'radius', param: 'radius_km' },
  halfLifeDays: { min: 30, max: 3650, step: 1, default: 365, url: 'halflife', param: 'half_life_days' },
  reachKm: { min: 1, max: 200, step: 1, default: 50, url: 'reach', param: 'reach_km' },
};

/** The server's defaults. */
export function defaultRiskSettings(): RiskSettings {
  return { radiusKm: RISK_LIMITS.radiusKm.default, halfLifeDays: RISK_LIMITS.halfLifeDays.default, reachKm: RISK_LIMITS.reachKm.default };
}

/** Whether `n` is an accepted value of setting `key`: finite, within bounds, on the step (whole numbers). */
export function isValidSetting(key: RiskSettingKey, n: number): boolean {
  const l = RISK_LIMITS[key];
  return Number.isFinite(n) && n >= l.min && n <= l.max && Number.isInteger(n / l.step);
}

/** Reads a setting from text ("25"); null when it is not a plain, valid number. */
export function parseSetting(key: RiskSettingKey, s: string | null): number | null {
  if (s === null || !/^\s*\d+(\.\d+)?\s*$/.test(s)) return null;
  const n = Number(s);
  return isValidSetting(key, n) ? n : null;
}

/** Whether every setting has its default value. */
export function isDefaultRiskSettings(s: RiskSettings): boolean {
  return RISK_SETTING_KEYS.every((k) => s[k] === RISK_LIMITS[k].default);
}

const LABELS: Record<RiskSettingKey, { label: MessageKey; unit: MessageKey; id: string }> = {
  radiusKm: { label: 'riskSettings.radius', unit: 'riskSettings.unitKm', id: 'risk-radius' },
  halfLifeDays: { label: 'riskSettings.halfLife', unit: 'riskSettings.unitDays', id: 'risk-halflife' },
  reachKm: { label: 'riskSettings.reach', unit: 'riskSettings.unitKm', id: 'risk-reach' },
};

/** The "Risk settings" fieldset. */
export interface RiskControls {
  element: HTMLElement;
  /** Shows settings in the inputs (no change event). */
  set(s: RiskSettings): void;
  inputs: Record<RiskSettingKey, HTMLInputElement>;
}

/**
 * Builds the fieldset. `onChange` runs with the new settings when every
 * input holds a valid value that differs from the last one sent;
 * `onInvalid` runs with a message while any input is out of range (and
 * with null once all are valid again). "Reset risk settings" restores the
 * defaults and sends them.
 */
export function createRiskControls(
  i18n: I18n, initial: RiskSettings,
  onChange: (s: RiskSettings) => void, onInvalid: (message: string | null) => void,
): RiskControls {
  const { t } = i18n;
  const fs = el('fieldset', { class: 'risk-settings', id: 'risk-settings' }, el('legend', null, t('riskSettings.heading')));

  const inputs = {} as Record<RiskSettingKey, HTMLInputElement>;
  for (const key of RISK_SETTING_KEYS) {
    const l = RISK_LIMITS[key];
    const m = LABELS[key];
    const hintId = `${m.id}-hint`;
    const input = el('input', {
      type: 'number', id: m.id, name: l.url, min: l.min, max: l.max, step: l.step, inputmode: 'numeric', 'aria-describedby': hintId,
    });
    fs.append(el('div', { class: 'field risk-field' }, [
      el('label', { for: m.id }, t('riskSettings.label', { label: t(m.label), unit: t(m.unit) })),
      el('div', { class: 'risk-input' }, [input, el('span', { class: 'risk-unit', 'aria-hidden': 'true' }, t(m.unit))]),
      el('span', { class: 'risk-hint', id: hintId }, t('riskSettings.range', { min: l.min, max: l.max, default: l.default, unit: t(m.unit) })),
    ]));
    inputs[key] = input;
  }

  const reset = el('button', { type: 'button', id: 'risk-reset' }, t('riskSettings.reset'));
  fs.append(reset);

  let current = { ...initial };
  const set = (s: RiskSettings) => {
    for (const key of RISK_SETTING_KEYS) {
      inputs[key].value = String(s[key]);
      inputs[key].removeAttribute('aria-invalid');
    }
    current = { ...s };
  };
  set(initial);

  const changed = () => {
    const next = { ...current };
    const bad: string[] = [];
    for (const key of RISK_SETTING_KEYS) {
      const v = parseSetting(key, inputs[key].value);
      if (v === null) {
        inputs[key].setAttribute('aria-invalid', 'true');
        const l = RISK_LIMITS[key];
        bad.push(t('riskSettings.invalid', { label: t(LABELS[key].label), min: l.min, max: l.max, unit: t(LABELS[key].unit) }));
      } else {
        inputs[key].removeAttribute('aria-invalid');
        next[key] = v;
      }
    }
    if (bad.length > 0) {
      onInvalid(bad.join(' '));
      return;
    }
    onInvalid(null);
    if (RISK_SETTING_KEYS.every((k) => next[k] === current[k])) return;
    current = next;
    onChange({ ...next });
  };
  for (const key of RISK_SETTING_KEYS) {
    inputs[key].addEventListener('change', changed);
    inputs[key].addEventListener('input', changed);
  }
  reset.addEventListener('click', () => {
    set(defaultRiskSettings());
    onInvalid(null);
    onChange(defaultRiskSettings());
  });

  return { element: fs, set, inputs };
}

/**
 * Whether the risk settings are locked for this reader: at the public tier
 * (anonymous readers and viewers) the server runs the analysis with its
 * published defaults only, so that two answers cannot be differenced into
 * the position of one incident.
 */
export function settingsLocked(session: AppState['session']): boolean {
  return session.tier === 'public';
}

/**
 * The "Risk settings" section of the dashboard, bound to the store: valid
 * settings are one `store.set`, invalid ones a message in the status
 * region. At the public tier the inputs are disabled, the defaults are
 * used and a note says why.
 */
export function createRiskPanel(store: AppStore, i18n: I18n, status: StatusRegion): HTMLElement {
  const controls = createRiskControls(i18n, store.get().risk, (s) => store.set({ risk: s }), (message) => {
    if (message) status.set('riskSettings', message, true);
    else status.clear('riskSettings');
  });
  const note = el('p', { class: 'risk-note', id: 'risk-locked', hidden: true }, i18n.t('riskSettings.locked'));
  controls.element.append(note);
  store.subscribe(['session'], (state) => {
    const locked = settingsLocked(state.session);
    for (const input of Object.values(controls.inputs)) input.disabled = locked;
    const reset = controls.element.querySelector<HTMLButtonElement>('#risk-reset');
    if (reset) reset.disabled = locked;
    note.hidden = !locked;
    if (locked && !isDefaultRiskSettings(state.risk)) {
      controls.set(defaultRiskSettings());
      store.set({ risk: defaultRiskSettings() });
    }
  }, { immediate: true });
  return el('section', { class: 'panel-section risk', 'aria-label': i18n.t('riskSettings.heading') }, controls.element);
}
