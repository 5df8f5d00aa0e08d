import { describe, expect, it } from 'vitest';
import { chiSquareSurvival, normalCdf, normalQuantile, normalUpperTail, regularizedBeta, studentTQuantile, studentTTwoSided } from './distributions';
import { benjaminiHochbergAdjust, holmAdjust } from './multiple';
import { cupedAdjust, ratioEstimate, sampleRatioCheck, summarize, welchTest, zTest } from './tests';

describe('distributions', () => {
  it('match reference values (scipy.stats norm, t, chi2, beta)', () => {
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 12);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 13);
    expect(normalUpperTail(6) / 9.865876450376946e-10).toBeCloseTo(1, 8);
    expect(normalUpperTail(10) / 7.61985302416047e-24).toBeCloseTo(1, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(1e-6)).toBeCloseTo(-4.753424308822899, 8);
    expect(studentTTwoSided(2.0, 10)).toBeCloseTo(0.07338803477074, 10);
    expect(studentTTwoSided(-3.5, 4.5)).toBeCloseTo(0.020541689969385577, 10);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228138851986274, 8);
    expect(chiSquareSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 10);
    expect(chiSquareSurvival(20, 3)).toBeCloseTo(0.0001697424, 9);
    expect(regularizedBeta(0.3, 2, 5)).toBeCloseTo(0.579825, 6);
  });
});

describe('welchTest', () => {
  it('reproduces a hand computation', () => {
    // control 1,2,3,4 (mean 2.5, var 5/3); treatment 2,4,6,8,10 (mean 6, var 10)
    const result = welchTest(summarize([1, 2, 3, 4]), summarize([2, 4, 6, 8, 10]));
    const se = Math.sqrt(5 / 3 / 4 + 10 / 5);
    expect(result.difference).toBe(3.5);
    expect(result.standardError).toBeCloseTo(se, 12);
    const df = (5 / 12 + 2) ** 2 / ((5 / 12) ** 2 / 3 + 2 ** 2 / 4);
    expect(result.degreesOfFreedom).toBeCloseTo(df, 12);
    // scipy.stats.ttest_ind([2,4,6,8,10], [1,2,3,4], equal_var=False): t 2.2514363231593695, df 5.520787746170677, p 0.06913359319239237
    expect(result.statistic).toBeCloseTo(2.2514363231593695, 12);
    expect(result.degreesOfFreedom).toBeCloseTo(5.520787746170677, 10);
    expect(result.pValue).toBeCloseTo(0.06913359319239237, 10);
    expect(result.relative).toBeCloseTo(6 / 2.5 - 1, 12);
  });
});

describe('ratioEstimate (delta method)', () => {
  it('gives the ratio of sums and the linearized variance', () => {
    const y = [1, 3, 0, 4];
    const x = [2, 5, 1, 6];
    const r = ratioEstimate(y, x);
    expect(r.ratio).toBeCloseTo(8 / 14, 12);
    const R = 8 / 14;
    const mx = 3.5;
    const linear = y.map((yi, i) => (yi - R * x[i]!) / mx);
    expect(r.variance).toBeCloseTo(summarize(linear).variance / 4, 12);
  });
  it('z-tests two ratios', () => {
    const c = ratioEstimate([1, 1, 2, 0, 1], [4, 3, 5, 2, 4]);
    const t = ratioEstimate([2, 2, 3, 1, 2], [4, 3, 5, 2, 4]);
    const z = zTest(c.ratio, c.variance, t.ratio, t.variance);
    expect(z.difference).toBeCloseTo(t.ratio - c.ratio, 12);
    expect(z.pValue).toBeGreaterThan(0);
    expect(z.pValue).toBeLessThan(1);
  });
});

describe('cupedAdjust', () => {
  it('matches a hand-computed example', () => {
    // control: y = 3, 5, 7 with x = 1, 2, 3; treatment: y = 6, 6, 9 with x = 1, 3, 2
    // within-arm means: control ȳ 5, x̄ 2; treatment ȳ 7, x̄ 2
    // Σdx·dy: control (−1)(−2)+0·0+(1)(2) = 4; treatment (−1)(−1)+(1)(−1)+0·2 = 0 → 4
    // Σdx²: control 2, treatment 2 → 4; θ = 4/4 = 1; pooled x̄ = 2
    // adjusted: control 3−(1−2)=4, 5−0=5, 7−1=6; treatment 6+1=7, 6−1=5, 9−0=9
    const result = cupedAdjust({ y: [3, 5, 7], x: [1, 2, 3] }, { y: [6, 6, 9], x: [1, 3, 2] });
    expect(result.theta).toBe(1);
    expect(result.covariateMean).toBe(2);
    expect(Array.from(result.control)).toEqual([4, 5, 6]);
    expect(Array.from(result.treatment)).toEqual([7, 5, 9]);
    // Σdy²: control 8, treatment 6 → 14; ρ² = 4² / (4·14) = 2/7
    expect(result.varianceReduction).toBeCloseTo(2 / 7, 12);
    // the mean difference is unchanged here (same covariate means), its variance is not
    expect(summarize(result.treatment).mean - summarize(result.control).mean).toBe(2);
  });
  it('removes most variance when the covariate predicts the metric', () => {
    const n = 2000;
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    const arm = () => {
      const x = Float64Array.from({ length: n }, () => random() * 10);
      const y = Float64Array.from(x, (xi) => 2 * xi + random());
      return { x, y };
    };
    const c = arm();
    const t = arm();
    const result = cupedAdjust(c, t);
    expect(result.theta).toBeCloseTo(2, 1);
    expect(result.varianceReduction).toBeGreaterThan(0.98);
    const raw = welchTest(summarize(c.y), summarize(t.y));
    const adjusted = welchTest(summarize(result.control), summarize(result.treatment));
    expect(adjusted.standardError).toBeLessThan(raw.standardError / 5);
  });
});

describe('sampleRatioCheck', () => {
  it('passes a fair split and flags a broken one', () => {
    expect(sampleRatioCheck([5030, 4970], [50, 50]).mismatch).toBe(false);
    const broken = sampleRatioCheck([5200, 4800], [50, 50]);
    // χ² = (200² + 200²) / 5000 = 16, df 1 → p ≈ 6.3e-5
    expect(broken.chiSquare).toBeCloseTo(16, 10);
    expect(broken.pValue).toBeCloseTo(6.334248e-5, 9);
    expect(broken.mismatch).toBe(true);
    expect(sampleRatioCheck([980, 1020, 8000], [10, 10, 80]).mismatch).toBe(false);
  });
  it('rejects unusable weights', () => {
    expect(() => sampleRatioCheck([1, 2], [0, 0])).toThrow(/positive sum/);
    expect(() => sampleRatioCheck([1], [1])).toThrow(/≥ 2 variants/);
  });
});

describe('multiple-testing corrections', () => {
  it('Holm and BH match R p.adjust', () => {
    const p = [0.01, 0.04, 0.03, 0.2];
    // R: p.adjust(c(0.01,0.04,0.03,0.2), "holm") = 0.04 0.09 0.09 0.20
    expect(holmAdjust(p).map((v) => +v.toFixed(10))).toEqual([0.04, 0.09, 0.09, 0.2]);
    // R: p.adjust(..., "BH") = 0.04 0.05333333 0.05333333 0.2
    const bh = benjaminiHochbergAdjust(p);
    expect(bh[0]).toBeCloseTo(0.04, 12);
    expect(bh[1]).toBeCloseTo(0.0533333333, 9);
    expect(bh[2]).toBeCloseTo(0.0533333333, 9);
    expect(bh[3]).toBeCloseTo(0.2, 12);
  });
});
