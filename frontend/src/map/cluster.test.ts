import { describe, expect, it } from 'vitest';
import { CLUSTER_MAX_ZOOM, createClusterer, type ClusterInput } from './cluster';

/** A seeded pseudo-random sequence (mulberry32), so the test is the same every run. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Points scattered around a few centres (like incidents along routes), with dead + missing as weights. */
function points(n: number, seed = 1): ClusterInput[] {
  const r = random(seed);
  const centres = [[35.5, 12.6], [28.1, -15.4], [8.9, -77.7], [31.8, -106.4], [45.1, 19.2]];
  return Array.from({ length: n }, (_, i) => {
    const [lat, lon] = centres[i % centres.length]!;
    return { lat: lat! + (r() - 0.5) * 6, lon: lon! + (r() - 0.5) * 6, weight: Math.floor(r() * 30) };
  });
}

describe('createClusterer', () => {
  const input = points(5000);
  const total = input.reduce((s, p) => s + p.weight, 0);
  const c = createClusterer(input);

  it.each(Array.from({ length: CLUSTER_MAX_ZOOM + 1 }, (_, z) => [z]))('keeps every point and every death at zoom %i', (z) => {
    const view = c.at(z)!;
    expect(view).not.toBeNull();
    const counted = view.clusters.reduce((s, k) => s + k.count, 0) + view.singles.length;
    expect(counted).toBe(input.length);
    const summed = view.clusters.reduce((s, k) => s + k.total, 0) + view.singles.reduce((s, i) => s + input[i]!.weight, 0);
    expect(summed).toBe(total);
    // No point is both single and in a cluster, nor single twice.
    expect(new Set(view.singles).size).toBe(view.singles.length);
  });

  it('clusters at low zoom and draws single points above the last clustered zoom', () => {
    expect(c.at(2)!.clusters.length).toBeGreaterThan(0);
    expect(c.at(2)!.clusters.length).toBeLessThan(50);
    expect(c.at(CLUSTER_MAX_ZOOM + 1)).toBeNull();
    expect(c.at(12.5)).toBeNull();
    expect(c.at(3.7)).toBe(c.at(3)); // a fractional zoom reads the zoom below, cached
  });

  it('gives the zoom at which a cluster falls apart, above its own', () => {
    const k = c.at(3)!.clusters[0]!;
    expect(c.expansionZoom(k.id)).toBeGreaterThan(3);
  });

  it('leaves far-apart points single, and treats a missing weight as 0', () => {
    const few = createClusterer([{ lat: 0, lon: 0, weight: 3 }, { lat: 40, lon: 100, weight: NaN }]);
    expect(few.at(0)!.singles).toEqual([0, 1]);
    expect(few.at(0)!.clusters).toEqual([]);
    const same = createClusterer([{ lat: 10, lon: 10, weight: 3 }, { lat: 10, lon: 10, weight: NaN }]);
    expect(same.at(5)!.clusters).toEqual([expect.objectContaining({ count: 2, total: 3 })]);
  });
});
