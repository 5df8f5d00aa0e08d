// Two-sample comparisons of per-user metrics: Welch's t-test for means, the delta method for
// ratio metrics (ratio of sums, users as the randomization unit), CUPED with a pre-period
// covariate, and the chi-square sample-ratio-mismatch check.
import { chiSquareSurvival, normalQuantile, normalUpperTail, studentTQuantile, studentTTwoSided } from './distributions';

export interface Summary {
  n: number;
  mean: number;
  /** sample variance (n − 1 denominator); 0 when n < 2 */
  variance: number;
}

export function summarize(values: ArrayLike<number>): Summary {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i]!;
  mean = n > 0 ? mean / n : 0;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += (values[i]! - mean) ** 2;
  return { n, mean, variance: n > 1 ? squares / (n - 1) : 0 };
}

/** A difference (treatment − control) with its standard error, test and confidence intervals. */
export interface Comparison {
  control: number;
  treatment: number;
  difference: number;
  standardError: number;
  /** lower, upper at 1 − alpha */
  interval: [number, number];
  /** treatment / control − 1, with a delta-method interval (NaN when control is 0) */
  relative: number;
  relativeInterval: [number, number];
  /** t (Welch) or z (delta method) */
  statistic: number;
  /** Welch–Satterthwaite degrees of freedom; Infinity for z tests */
  degreesOfFreedom: number;
  pValue: number;
}

function relativeOf(control: number, treatment: number, varianceControl: number, varianceTreatment: number, covariance: number, quantile: number): { relative: number; relativeInterval: [number, number] } {
  if (control === 0) return { relative: Number.NaN, relativeInterval: [Number.NaN, Number.NaN] };
  const ratio = treatment / control;
  // Var(T/C) ≈ Var(T)/C² + T²Var(C)/C⁴ − 2T·Cov(T,C)/C³
  const variance = varianceTreatment / control ** 2 + (treatment ** 2 * varianceControl) / control ** 4 - (2 * treatment * covariance) / control ** 3;
  const half = quantile * Math.sqrt(Math.max(0, variance));
  return { relative: ratio - 1, relativeInterval: [ratio - 1 - half, ratio - 1 + half] };
}

/** Welch's unequal-variance t-test of treatment − control means. */
export function welchTest(control: Summary, treatment: Summary, alpha = 0.05): Comparison {
  if (control.n < 2 || treatment.n < 2) throw new RangeError(`welchTest: each arm needs at least 2 users (control ${control.n}, treatment ${treatment.n})`);
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const se = Math.sqrt(vc + vt);
  const difference = treatment.mean - control.mean;
  const df = se === 0 ? Infinity : (vc + vt) ** 2 / (vc ** 2 / (control.n - 1) + vt ** 2 / (treatment.n - 1));
  const t = se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Infinity) : difference / se;
  const q = studentTQuantile(1 - alpha / 2, df);
  return {
    control: control.mean,
    treatment: treatment.mean,
    difference,
    standardError: se,
    interval: [difference - q * se, difference + q * se],
    ...relativeOf(control.mean, treatment.mean, vc, vt, 0, q),
    statistic: t,
    degreesOfFreedom: df,
    pValue: se === 0 ? (difference === 0 ? 1 : 0) : studentTTwoSided(t, df),
  };
}

/** A z-test of two independent estimates with known standard errors (delta-method metrics). */
export function zTest(control: number, controlVariance: number, treatment: number, treatmentVariance: number, alpha = 0.05): Comparison {
  const se = Math.sqrt(controlVariance + treatmentVariance);
  const difference = treatment - control;
  const z = se === 0 ? (difference === 0 ? 0 : Math.sign(difference) * Infinity) : difference / se;
  const q = normalQuantile(1 - alpha / 2);
  return {
    control,
    treatment,
    difference,
    standardError: se,
    interval: [difference - q * se, difference + q * se],
    ...relativeOf(control, treatment, controlVariance, treatmentVariance, 0, q),
    statistic: z,
    degreesOfFreedom: Infinity,
    pValue: se === 0 ? (difference === 0 ? 1 : 0) : 2 * normalUpperTail(Math.abs(z)),
  };
}

export interface RatioEstimate {
  n: number;
  /** Σ numerator / Σ denominator */
  ratio: number;
  /** delta-method variance of the ratio */
  variance: number;
  /** mean denominator per user */
  denominatorMean: number;
}

/**
 * Ratio of sums over users (e.g. skips / listens) and its delta-method variance:
 * Var(Ȳ/X̄) ≈ (s²_Y − 2R·s_XY + R²·s²_X) / (n·X̄²). Users are the randomization unit, so
 * listens of one user are not treated as independent (the naive binomial variance is too small).
 */
export function ratioEstimate(numerators: ArrayLike<number>, denominators: ArrayLike<number>): RatioEstimate {
  const n = numerators.length;
  if (denominators.length !== n) throw new RangeError(`ratioEstimate: ${n} numerators but ${denominators.length} denominators`);
  let sumY = 0;
  let sumX = 0;
  for (let i = 0; i < n; i++) {
    sumY += numerators[i]!;
    sumX += denominators[i]!;
  }
  const meanY = n > 0 ? sumY / n : 0;
  const meanX = n > 0 ? sumX / n : 0;
  const ratio = sumX > 0 ? sumY / sumX : Number.NaN;
  let syy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dy = numerators[i]! - meanY;
    const dx = denominators[i]! - meanX;
    syy += dy * dy;
    sxx += dx * dx;
    sxy += dx * dy;
  }
  const d = Math.max(1, n - 1);
  const variance = n > 1 && meanX > 0 ? (syy / d - 2 * ratio * (sxy / d) + ratio * ratio * (sxx / d)) / (n * meanX * meanX) : Number.NaN;
  return { n, ratio, variance: Math.max(0, variance), denominatorMean: meanX };
}

/** Per-user linearization of a ratio metric: (Yᵢ − R·Xᵢ) / X̄ has mean 0 and the delta-method variance. */
export function linearizeRatio(numerators: ArrayLike<number>, denominators: ArrayLike<number>, ratio: number, denominatorMean: number): Float64Array {
  const out = new Float64Array(numerators.length);
  if (!(denominatorMean > 0) || !Number.isFinite(ratio)) return out;
  for (let i = 0; i < out.length; i++) out[i] = (numerators[i]! - ratio * denominators[i]!) / denominatorMean;
  return out;
}

/** CUPED (Deng et al. 2013): Y − θ(X − X̄) with θ = Cov(Y, X) / Var(X) pooled over both arms. */
export interface CupedResult {
  theta: number;
  /** mean of the covariate over both arms */
  covariateMean: number;
  /** 1 − Var(adjusted)/Var(raw), pooled within arms */
  varianceReduction: number;
  /** Pearson correlation of metric and covariate (pooled within arms) */
  correlation: number;
  control: Float64Array;
  treatment: Float64Array;
}

export function cupedAdjust(control: { y: ArrayLike<number>; x: ArrayLike<number> }, treatment: { y: ArrayLike<number>; x: ArrayLike<number> }): CupedResult {
  const arms = [control, treatment];
  for (const [name, arm] of [['control', control], ['treatment', treatment]] as const) {
    if (arm.y.length !== arm.x.length) throw new RangeError(`cupedAdjust: ${name} has ${arm.y.length} metric values but ${arm.x.length} covariate values`);
  }
  // θ from within-arm (co)variances, so a treatment effect on Y cannot leak into θ
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  let sumX = 0;
  let count = 0;
  for (const arm of arms) {
    const my = summarize(arm.y).mean;
    const mx = summarize(arm.x).mean;
    for (let i = 0; i < arm.y.length; i++) {
      const dx = arm.x[i]! - mx;
      const dy = arm.y[i]! - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
      sumX += arm.x[i]!;
      count++;
    }
  }
  const theta = sxx > 0 ? sxy / sxx : 0;
  const covariateMean = count > 0 ? sumX / count : 0;
  const adjust = (arm: { y: ArrayLike<number>; x: ArrayLike<number> }) => {
    const out = new Float64Array(arm.y.length);
    for (let i = 0; i < out.length; i++) out[i] = arm.y[i]! - theta * (arm.x[i]! - covariateMean);
    return out;
  };
  const correlation = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
  return { theta, covariateMean, varianceReduction: correlation * correlation, correlation, control: adjust(control), treatment: adjust(treatment) };
}

export interface SampleRatioCheck {
  counts: number[];
  expectedShares: number[];
  expectedCounts: number[];
  chiSquare: number;
  degreesOfFreedom: number;
  pValue: number;
  /** pValue < threshold: the split is broken and no metric should be read */
  mismatch: boolean;
  threshold: number;
}

/**
 * Sample-ratio mismatch: a chi-square goodness-of-fit of users per variant against the
 * configured weights. A tiny p-value (default < 0.001) means assignment, logging or filtering is
 * broken, and every metric difference is suspect.
 */
export function sampleRatioCheck(counts: readonly number[], weights: readonly number[], threshold = 0.001): SampleRatioCheck {
  if (counts.length !== weights.length || counts.length < 2) throw new RangeError(`sampleRatioCheck: need ≥ 2 variants with one weight each (got ${counts.length} counts, ${weights.length} weights)`);
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  if (!(totalWeight > 0) || weights.some((w) => !(w >= 0))) throw new RangeError(`sampleRatioCheck: weights must be non-negative with a positive sum, got [${weights.join(', ')}]`);
  const total = counts.reduce((sum, c) => sum + c, 0);
  const expectedShares = weights.map((w) => w / totalWeight);
  const expectedCounts = expectedShares.map((share) => share * total);
  let chiSquare = 0;
  let cells = 0;
  counts.forEach((count, i) => {
    const expected = expectedCounts[i]!;
    if (expected > 0) {
      chiSquare += (count - expected) ** 2 / expected;
      cells++;
    } else if (count > 0) chiSquare = Infinity;
  });
  const degreesOfFreedom = Math.max(1, cells - 1);
  const pValue = total === 0 ? 1 : chiSquare === Infinity ? 0 : chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { counts: [...counts], expectedShares, expectedCounts, chiSquare, degreesOfFreedom, pValue, mismatch: pValue < threshold, threshold };
}
