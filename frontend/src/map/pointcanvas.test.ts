import { describe, expect, it } from 'vitest';
import { rgba, visibleIndices } from './pointcanvas';

describe('point canvas helpers', () => {
  it('turns a colour and an opacity into rgba()', () => {
    expect(rgba('#D55E00', 0.55)).toBe('rgba(213, 94, 0, 0.55)');
    expect(rgba('0072b2', 2)).toBe('rgba(0, 114, 178, 1)');
    expect(rgba('red', 0.5)).toBe('red');
  });

  it('keeps the points whose circle touches the box', () => {
    const x = Float64Array.from([0, 50, 105, -4, 200]);
    const y = Float64Array.from([0, 50, 50, 50, 200]);
    const r = Float32Array.from([1, 1, 6, 5, 3]);
    expect(visibleIndices(x, y, r, [0, 0, 100, 100])).toEqual([0, 1, 2, 3]);
  });
});
