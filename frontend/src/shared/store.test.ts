import { describe, expect, it, vi } from 'vitest';
import { createStore, sameValue, settle, type Settled } from './store';

interface S {
  filters: { route: string; cause: string };
  layers: string[];
  zoom: number;
}
const initial = (): S => ({ filters: { route: '', cause: '' }, layers: ['routes'], zoom: 3 });

describe('store', () => {
  it('gives the state and replaces slices', () => {
    const s = createStore(initial());
    s.set({ zoom: 5 });
    expect(s.get().zoom).toBe(5);
    expect(s.get().layers).toEqual(['routes']);
    s.update('layers', (l) => [...l, 'risk']);
    expect(s.get().layers).toEqual(['routes', 'risk']);
  });

  it('notifies subscribers of the slices that changed, with what changed', () => {
    const s = createStore(initial());
    const onFilters = vi.fn();
    const onZoom = vi.fn();
    const onBoth = vi.fn();
    s.subscribe(['filters'], onFilters);
    s.subscribe(['zoom'], onZoom);
    s.subscribe(['filters', 'zoom'], onBoth);
    s.set({ filters: { route: 'Darien', cause: '' } });
    expect(onFilters).toHaveBeenCalledTimes(1);
    expect(onFilters.mock.calls[0]![0].filters.route).toBe('Darien');
    expect([...onFilters.mock.calls[0]![1]]).toEqual(['filters']);
    expect(onZoom).not.toHaveBeenCalled();
    expect(onBoth).toHaveBeenCalledTimes(1);
    s.set({ zoom: 4, filters: { route: 'Darien', cause: 'Drowning' } });
    expect(onBoth).toHaveBeenCalledTimes(2);
    expect([...onBoth.mock.calls[1]![1]].sort()).toEqual(['filters', 'zoom']);
  });

  it('notifies nobody when a slice is set to an equal value', () => {
    const s = createStore(initial());
    const fn = vi.fn();
    s.subscribe(['filters', 'layers', 'zoom'], fn);
    s.set({ filters: { route: '', cause: '' }, layers: ['routes'], zoom: 3 });
    expect(fn).not.toHaveBeenCalled();
  });

  it('stops notifying after unsubscribe', () => {
    const s = createStore(initial());
    const fn = vi.fn();
    const off = s.subscribe(['zoom'], fn);
    s.set({ zoom: 6 });
    off();
    s.set({ zoom: 7 });
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('runs an immediate subscriber once at once', () => {
    const s = createStore(initial());
    const fn = vi.fn();
    s.subscribe(['zoom', 'layers'], fn, { immediate: true });
    expect(fn).toHaveBeenCalledTimes(1);
    expect([...fn.mock.calls[0]![1]]).toEqual(['zoom', 'layers']);
  });

  it('batches: one notification for everything changed in the batch', () => {
    const s = createStore(initial());
    const fn = vi.fn();
    s.subscribe(['filters', 'zoom'], fn);
    s.batch(() => {
      s.set({ zoom: 8 });
      s.set({ filters: { route: 'x', cause: '' } });
      s.set({ zoom: 9 });
      expect(fn).not.toHaveBeenCalled();
    });
    expect(fn).toHaveBeenCalledTimes(1);
    expect([...fn.mock.calls[0]![1]].sort()).toEqual(['filters', 'zoom']);
    expect(fn.mock.calls[0]![0].zoom).toBe(9);
  });

  it('lets a subscriber set the state; the others see the final state', () => {
    const s = createStore(initial());
    const seen: number[] = [];
    s.subscribe(['filters'], () => s.set({ zoom: 10 }));
    s.subscribe(['zoom'], (st) => seen.push(st.zoom));
    s.set({ filters: { route: 'a', cause: '' } });
    expect(seen).toEqual([10]);
  });
});

describe('sameValue', () => {
  it('compares plain data', () => {
    expect(sameValue({ a: [1, { b: 'c' }] }, { a: [1, { b: 'c' }] })).toBe(true);
    expect(sameValue({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
    expect(sameValue(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(Number.NaN, Number.NaN)).toBe(true);
  });
});

describe('settle', () => {
  it('runs once after a burst of changes, and says while it waits', async () => {
    vi.useFakeTimers();
    try {
      const s = createStore(initial());
      const fn = vi.fn();
      const marks: boolean[] = [];
      const settled: Settled = settle(s, ['zoom'], 250, fn, (): void => {
        marks.push(settled.pending());
      });
      s.set({ zoom: 4 });
      vi.advanceTimersByTime(100);
      s.set({ zoom: 5 });
      s.set({ layers: [] });
      expect(settled.pending()).toBe(true);
      vi.advanceTimersByTime(249);
      expect(fn).not.toHaveBeenCalled();
      vi.advanceTimersByTime(1);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(fn.mock.calls[0]![0].zoom).toBe(5);
      expect(settled.pending()).toBe(false);
      expect(marks).toEqual([true, false]);
      settled.stop();
      s.set({ zoom: 9 });
      vi.advanceTimersByTime(500);
      expect(fn).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});
