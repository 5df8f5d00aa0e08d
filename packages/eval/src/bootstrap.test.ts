import { describe, expect, it } from 'vitest';
import { bootstrapMean, pairedBootstrapDifference } from './bootstrap';

describe('bootstrap', () => {
  it('is seeded and brackets the mean', () => {
    const values = Float64Array.from({ length: 400 }, (_, i) => (i % 10) / 10);
    const a = bootstrapMean(values, { seed: 3 });
    const b = bootstrapMean(values, { seed: 3 });
    expect(a).toEqual(b);
    expect(a.mean).toBeCloseTo(0.45, 12);
    expect(a.lower).toBeLessThan(0.45);
    expect(a.upper).toBeGreaterThan(0.45);
    // standard error ≈ 0.287 / sqrt(400) = 0.0144 → half-width ≈ 0.028
    expect(a.upper - a.lower).toBeGreaterThan(0.04);
    expect(a.upper - a.lower).toBeLessThan(0.075);
  });

  it('gives a zero-width interval for constant values and a positive paired difference when a > b', () => {
    const constant = bootstrapMean(new Float64Array(50).fill(0.2));
    expect(constant.lower).toBeCloseTo(0.2, 12);
    expect(constant.upper).toBeCloseTo(0.2, 12);
    const a = Float64Array.from({ length: 200 }, (_, i) => (i % 7) / 7 + 0.05);
    const b = Float64Array.from({ length: 200 }, (_, i) => (i % 7) / 7);
    const d = pairedBootstrapDifference(a, b);
    expect(d.mean).toBeCloseTo(0.05, 12);
    expect(d.lower).toBeCloseTo(0.05, 12);
    expect(d.probabilityAbove0).toBe(1);
  });
});
