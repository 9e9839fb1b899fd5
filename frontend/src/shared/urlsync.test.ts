import { describe, expect, it } from 'vitest';
import { defaultRiskSettings } from '../features/risk/risksettings';
import { createStore, type AppState } from './store';
import { emptyFilters } from './urlstate';
import { syncUrl } from './urlsync';

describe('syncUrl', () => {
  it('writes the view, layers, filters and settings to the URL whenever they change', () => {
    history.replaceState(null, '', '/?old=1#here');
    const store = createStore<AppState>({
      view: { z: 3, lat: 1.5, lon: 2 }, filters: emptyFilters(), layers: ['routes'], risk: defaultRiskSettings(),
      session: { tier: null, role: null, known: false },
    });
    const stop = syncUrl(store);
    expect(location.search).toBe('?z=3&lat=1.5&lon=2&layers=routes');
    expect(location.hash).toBe('#here');
    store.set({ filters: { ...emptyFilters(), cause: 'Drowning' }, risk: { ...defaultRiskSettings(), radiusKm: 40 } });
    expect(location.search).toBe('?z=3&lat=1.5&lon=2&layers=routes&cause=Drowning&radius=40');
    store.set({ session: { tier: 'staff', role: 'staff', known: true } });
    stop();
    store.set({ layers: [] });
    expect(location.search).toContain('layers=routes');
  });

  it('keeps the language of the URL', () => {
    history.replaceState(null, '', '/?lang=ar&z=1');
    const store = createStore<AppState>({
      view: { z: 4, lat: 1, lon: 2 }, filters: emptyFilters(), layers: [], risk: defaultRiskSettings(),
      session: { tier: null, role: null, known: false },
    });
    const stop = syncUrl(store);
    expect(location.search).toBe('?z=4&lat=1&lon=2&layers=&lang=ar');
    stop();
  });
});
