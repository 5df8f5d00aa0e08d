import { describe, expect, it } from 'vitest';
import { normalCdf, normalQuantile } from './distributions';
import { groupSequentialBoundaries, msprtHalfWidth, msprtLikelihoodRatio, msprtSequence, obrienFlemingSpending, pocockSpending } from './sequential';

function lcg(seed: number) {
  let state = seed >>> 0;
  const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

describe('group sequential boundaries', () => {
  const fiveLooks = [1, 2, 3, 4, 5].map((k) => ({ information: k, fraction: k / 5 }));
  it('match published Lan–DeMets bounds (R ldbounds, α = 0.05 two-sided)', () => {
    // ldbounds::ldBounds(seq(0.2, 1, 0.2), iuse = 1) spends α/2 per side with OBF-type spending
    const perSide = (t: number, a: number) => (t >= 1 ? a : 2 * (2 - 2 * normalCdf(normalQuantile(1 - a / 4) / Math.sqrt(t))));
    const obf = groupSequentialBoundaries(fiveLooks, { spending: perSide }).map((b) => b.boundary);
    [4.8769, 3.3569, 2.6803, 2.2898, 2.031].forEach((expected, k) => expect(obf[k]).toBeCloseTo(expected, 3));
    // ldBounds(…, iuse = 2): Pocock-type
    const pocock = groupSequentialBoundaries(fiveLooks, { spending: pocockSpending }).map((b) => b.boundary);
    [2.438, 2.4268, 2.4101, 2.3966, 2.3859].forEach((expected, k) => expect(pocock[k]).toBeCloseTo(expected, 3));
  });

  it('spend exactly α: the first boundary is the single-look quantile and the last look spends what is left', () => {
    const bounds = groupSequentialBoundaries(fiveLooks);
    expect(bounds[0]!.boundary).toBeCloseTo(normalQuantile(1 - obrienFlemingSpending(0.2, 0.05) / 2), 10);
    expect(bounds[4]!.cumulativeAlpha).toBeCloseTo(0.05, 12);
    expect(() => groupSequentialBoundaries([{ information: 2, fraction: 0.5 }, { information: 1, fraction: 1 }])).toThrow(/information must increase/);
  });

  it('keeps the false-positive rate at α under 20 looks with unequal information (Monte Carlo)', () => {
    const normal = lcg(11);
    const increments = [3, 1, 1, 2, 1, 1, 1, 4, 1, 1, 1, 1, 2, 1, 1, 1, 1, 3, 1, 1];
    const information = increments.map((_, k) => increments.slice(0, k + 1).reduce((a, b) => a + b, 0));
    const total = information[information.length - 1]!;
    const bounds = groupSequentialBoundaries(information.map((info) => ({ information: info, fraction: info / total })));
    const paths = 20_000;
    let rejected = 0;
    let naive = 0;
    for (let p = 0; p < paths; p++) {
      let score = 0;
      let crossed = false;
      let naiveCrossed = false;
      for (let k = 0; k < information.length; k++) {
        score += Math.sqrt(increments[k]!) * normal();
        const z = score / Math.sqrt(information[k]!);
        if (Math.abs(z) >= bounds[k]!.boundary) crossed = true;
        if (Math.abs(z) >= 1.959963984540054) naiveCrossed = true;
      }
      if (crossed) rejected++;
      if (naiveCrossed) naive++;
    }
    // 20,000 paths: the standard error of a 5% rate is 0.15 percentage points
    expect(rejected / paths).toBeGreaterThan(0.045);
    expect(rejected / paths).toBeLessThan(0.055);
    // peeking with the fixed-horizon test inflates the error several-fold
    expect(naive / paths).toBeGreaterThan(0.15);
  });
});

describe('mSPRT', () => {
  it('likelihood ratio and interval agree: θ₀ on the interval edge has Λ = 1/α', () => {
    const variance = 0.04;
    const tau2 = 0.01;
    const half = msprtHalfWidth(variance, tau2, 0.05);
    expect(msprtLikelihoodRatio(1 + half, variance, tau2, 1)).toBeCloseTo(20, 8);
    expect(msprtLikelihoodRatio(0.3, variance, tau2)).toBeGreaterThan(1);
  });

  it('keeps the always-valid false-positive rate at or below α when peeking after every batch (Monte Carlo)', () => {
    const normal = lcg(5);
    const looks = 100;
    const paths = 2000;
    let rejected = 0;
    let increasing = 0;
    for (let p = 0; p < paths; p++) {
      let sum = 0;
      const sequence = [];
      for (let k = 1; k <= looks; k++) {
        sum += normal();
        sequence.push({ at: String(k), estimate: sum / k, variance: 1 / k });
      }
      const result = msprtSequence(sequence, { tau2: 0.05 });
      if (result[result.length - 1]!.pValue <= 0.05) rejected++;
      for (let k = 1; k < result.length; k++) if (result[k]!.pValue > result[k - 1]!.pValue) increasing++;
    }
    expect(increasing).toBe(0); // running p-values never increase
    expect(rejected / paths).toBeLessThanOrEqual(0.05);
    expect(rejected / paths).toBeGreaterThan(0.005);
  });

  it('detects a real effect', () => {
    const normal = lcg(9);
    const sequence = [];
    let sum = 0;
    for (let k = 1; k <= 400; k++) {
      sum += 0.3 + normal();
      sequence.push({ at: String(k), estimate: sum / k, variance: 1 / k });
    }
    const last = msprtSequence(sequence, { tau2: 0.09 }).at(-1)!;
    expect(last.pValue).toBeLessThan(0.001);
    expect(last.interval[0]).toBeGreaterThan(0);
    expect(last.interval[0]).toBeLessThan(0.3);
    expect(last.interval[1]).toBeGreaterThan(0.3);
  });
});
