import L from 'leaflet';
import { describe, expect, it } from 'vitest';
import type { Feature } from '../shared/api';
import { emptyFilters, type Filters } from '../shared/urlstate';
import { DataLayer, type Loaded } from './datalayer';

const feature = (id: string): Feature => ({ type: 'Feature', id, geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} });

/** A layer whose loads the test answers by hand. */
class TestLayer extends DataLayer {
  readonly pending: { filters: Filters; resolve: (l: Loaded) => void; reject: (e: unknown) => void; signal: AbortSignal }[] = [];
  rendered: string[][] = [];
  updates = 0;
  get id() {
    return 'test';
  }
  protected requestKey(filters: Filters) {
    return filters.route;
  }
  protected fetch(filters: Filters, signal: AbortSignal) {
    return new Promise<Loaded>((resolve, reject) => this.pending.push({ filters, resolve, reject, signal }));
  }
  protected render(features: Feature[]) {
    this.rendered.push(features.map((f) => String(f.id)));
    this.swap(L.layerGroup(), features, []);
  }
  protected updated() {
    this.updates++;
  }
  maxRadius() {
    return 1;
  }
}

const map = () => L.map(document.createElement('div'), { center: [0, 0], zoom: 3 });
const f = (route: string): Filters => ({ ...emptyFilters(), route });

describe('DataLayer', () => {
  it('loads when shown, draws the answer and is ready', async () => {
    const l = new TestLayer(map());
    const shown = l.setVisible(true, f('a'));
    expect(l.summary().status).toBe('loading');
    expect(l.isLoading).toBe(true);
    l.pending[0]!.resolve({ features: [feature('1'), feature('2')], tier: 'public', key: 'a' });
    await shown;
    expect(l.summary()).toEqual({ status: 'ready', shown: 2 });
    expect(l.tier).toBe('public');
    expect(l.isStale(f('a'))).toBe(false);
    expect(l.isStale(f('b'))).toBe(true);
    expect(l.timing).not.toBeNull();
  });

  it('aborts an older load and never draws its late answer', async () => {
    const l = new TestLayer(map());
    const first = l.setVisible(true, f('a'));
    const second = l.refresh(f('b'));
    expect(l.pending[0]!.signal.aborted).toBe(true);
    l.pending[1]!.resolve({ features: [feature('b')], key: 'b' });
    l.pending[0]!.resolve({ features: [feature('a')], key: 'a' });
    await Promise.all([first, second]);
    expect(l.rendered).toEqual([['b']]);
    expect(l.features.map((x) => x.id)).toEqual(['b']);
  });

  it('does not ask again for what is drawn or loading, and reloads on demand', async () => {
    const l = new TestLayer(map());
    const shown = l.setVisible(true, f('a'));
    void l.refresh(f('a'));
    expect(l.pending).toHaveLength(1);
    l.pending[0]!.resolve({ features: [], key: 'a' });
    await shown;
    await l.refresh(f('a'));
    expect(l.pending).toHaveLength(1);
    const again = l.reload(f('a'));
    expect(l.pending).toHaveLength(2);
    l.pending[1]!.resolve({ features: [], key: 'a' });
    await again;
  });

  it('reports an error, and hiding aborts the load in flight', async () => {
    const l = new TestLayer(map());
    const shown = l.setVisible(true, f('a'));
    l.pending[0]!.reject(new Error('boom'));
    await shown;
    expect(l.summary()).toMatchObject({ status: 'error', shown: 0 });
    void l.setVisible(true, f('b'));
    await l.setVisible(false, f('b'));
    expect(l.pending[1]!.signal.aborted).toBe(true);
    expect(l.summary()).toEqual({ status: 'hidden', shown: 0 });
    // A hidden layer reloads only when shown again.
    await l.reload(f('b'));
    expect(l.pending).toHaveLength(2);
  });
});
