import { describe, expect, it } from 'vitest';
import { EXPORT_LIMIT, prioritiesParams, priorityExportUrl, riskParams } from './analysis';
import { createI18n } from '../../shared/i18n';
import {
  createRiskControls, defaultRiskSettings, isDefaultRiskSettings, isValidSetting, parseSetting, RISK_LIMITS, type RiskSettings,
} from './risksettings';
import { emptyFilters } from '../../shared/urlstate';

const i18n = createI18n();

describe('risk settings', () => {
  it('has the server defaults and bounds', () => {
    expect(defaultRiskSettings()).toEqual({ radiusKm: 25, halfLifeDays: 365, reachKm: 50 });
    expect(isDefaultRiskSettings(defaultRiskSettings())).toBe(true);
    expect([RISK_LIMITS.radiusKm.min, RISK_LIMITS.radiusKm.max]).toEqual([1, 200]);
    expect([RISK_LIMITS.halfLifeDays.min, RISK_LIMITS.halfLifeDays.max]).toEqual([30, 3650]);
    expect([RISK_LIMITS.reachKm.min, RISK_LIMITS.reachKm.max]).toEqual([1, 200]);
  });

  it('accepts whole numbers within bounds only', () => {
    expect(isValidSetting('radiusKm', 1)).toBe(true);
    expect(isValidSetting('radiusKm', 200)).toBe(true);
    expect(isValidSetting('radiusKm', 0)).toBe(false);
    expect(isValidSetting('radiusKm', 201)).toBe(false);
    expect(isValidSetting('radiusKm', 2.5)).toBe(false);
    expect(isValidSetting('halfLifeDays', 29)).toBe(false);
    expect(isValidSetting('halfLifeDays', 3650)).toBe(true);
    expect(isValidSetting('reachKm', Number.NaN)).toBe(false);
    for (const bad of [null, '', ' ', '-5', '1e2', '0x10', 'ten', '25km', '<b>']) expect(parseSetting('radiusKm', bad)).toBeNull();
    expect(parseSetting('radiusKm', '40')).toBe(40);
    expect(parseSetting('halfLifeDays', '730')).toBe(730);
  });
});

describe('risk query with settings', () => {
  const s: RiskSettings = { radiusKm: 40, halfLifeDays: 730, reachKm: 80 };

  it('sends the settings as radius_km, half_life_days and reach_km, with the filters', () => {
    const q = riskParams({ ...emptyFilters(), from: '2020-01-01', cause: 'Drowning', route: 'Central Mediterranean', category: 'health' }, s);
    expect(Object.fromEntries(q)).toEqual({
      segment_km: '10', radius_km: '40', half_life_days: '730', reach_km: '80',
      datetime: '2020-01-01/..', route: 'Central Mediterranean', cause: 'Drowning',
    });
    const p = prioritiesParams(emptyFilters(), 20, s);
    expect(p.get('radius_km')).toBe('40');
    expect(p.get('limit')).toBe('20');
  });

  it('builds the export URLs: format and limit first, then the same settings and filters', () => {
    const f = { ...emptyFilters(), cause: 'Drowning', to: '2021-12-31' };
    const csv = priorityExportUrl('csv', f, s);
    expect(csv).toBe(
      '/api/v1/risk/priorities?format=csv&limit=500&segment_km=10&radius_km=40&half_life_days=730&reach_km=80&datetime=..%2F2021-12-31&cause=Drowning',
    );
    const geo = new URL(priorityExportUrl('geojson', f, s), 'http://x');
    expect(geo.pathname).toBe('/api/v1/risk/priorities');
    expect(geo.searchParams.get('format')).toBe('geojson');
    expect(geo.searchParams.getAll('limit')).toEqual([String(EXPORT_LIMIT)]);
    expect(priorityExportUrl('csv', emptyFilters())).toContain('radius_km=25&half_life_days=365&reach_km=50');
  });

  it('encodes hostile route names in the export URL', () => {
    const u = new URL(priorityExportUrl('csv', { ...emptyFilters(), route: 'a&format=html#<x>' }), 'http://x');
    expect(u.searchParams.getAll('route')).toEqual(['a&format=html#<x>']);
    expect(u.searchParams.getAll('format')).toEqual(['csv']);
  });
});

describe('risk settings controls', () => {
  const setup = (initial = defaultRiskSettings()) => {
    const changes: RiskSettings[] = [];
    const messages: (string | null)[] = [];
    const c = createRiskControls(i18n, initial, (s) => changes.push(s), (m) => messages.push(m));
    document.body.replaceChildren(c.element);
    return { c, changes, messages };
  };
  const type = (input: HTMLInputElement, v: string) => {
    input.value = v;
    input.dispatchEvent(new Event('input'));
  };

  it('labels every input with its unit and bounds', () => {
    const { c } = setup();
    expect(c.element.querySelector('legend')!.textContent).toBe('Risk settings');
    for (const [id, min, max, label] of [
      ['risk-radius', '1', '200', 'Incident radius (km)'],
      ['risk-halflife', '30', '3650', 'Half-life of an incident (days)'],
      ['risk-reach', '1', '200', 'Reach of services (km)'],
    ] as const) {
      const input = document.getElementById(id) as HTMLInputElement;
      expect(input.type).toBe('number');
      expect([input.min, input.max, input.step]).toEqual([min, max, '1']);
      expect(document.querySelector(`label[for="${id}"]`)!.textContent).toBe(label);
      expect(document.getElementById(input.getAttribute('aria-describedby')!)!.textContent).toContain(`${min}–`);
    }
    expect(c.inputs.radiusKm.value).toBe('25');
  });

  it('sends valid changes, holds back out-of-range values with a message, and resets', () => {
    const { c, changes, messages } = setup({ radiusKm: 10, halfLifeDays: 365, reachKm: 50 });
    expect(c.inputs.radiusKm.value).toBe('10');
    type(c.inputs.radiusKm, '40');
    expect(changes).toEqual([{ radiusKm: 40, halfLifeDays: 365, reachKm: 50 }]);
    expect(messages.at(-1)).toBeNull();

    type(c.inputs.halfLifeDays, '5');
    expect(changes).toHaveLength(1);
    expect(c.inputs.halfLifeDays.getAttribute('aria-invalid')).toBe('true');
    expect(messages.at(-1)).toContain('Half-life of an incident must be a whole number from 30 to 3,650 days');

    type(c.inputs.halfLifeDays, '730');
    expect(c.inputs.halfLifeDays.hasAttribute('aria-invalid')).toBe(false);
    expect(changes.at(-1)).toEqual({ radiusKm: 40, halfLifeDays: 730, reachKm: 50 });

    // The same value again sends nothing.
    type(c.inputs.halfLifeDays, '730');
    expect(changes).toHaveLength(2);

    (document.getElementById('risk-reset') as HTMLButtonElement).click();
    expect(changes.at(-1)).toEqual(defaultRiskSettings());
    expect(c.inputs.radiusKm.value).toBe('25');
    expect(c.inputs.halfLifeDays.value).toBe('365');
  });
});
