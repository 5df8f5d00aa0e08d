// Sequential tests that stay valid when the readout is looked at before the experiment ends.
//
// 1. mSPRT (Johari, Pekelis, Walsh, "Always valid inference", 2017/2022): a normal-mixture
//    likelihood ratio Λₙ for the difference θ̂ with variance v; p̃ₙ = min(p̃ₙ₋₁, 1/Λₙ) is an
//    always-valid p-value — P(p̃ₙ ≤ α for any n) ≤ α — so it may be read after every event.
// 2. Group sequential with Lan–DeMets alpha spending (O'Brien–Fleming-type spending function
//    α(t) = 2 − 2Φ(z₁₋α/₂ / √t)): for looks at spending times t₁ ≤ … ≤ t_K ≤ 1 the
//    boundaries are found by numerical integration of the Brownian score process, so the
//    chance of ever crossing is α however many (data-independent) looks are taken.
import { normalCdf, normalPdf, normalQuantile, normalUpperTail } from './distributions';

/** Normal-mixture mSPRT likelihood ratio of H₀: θ = θ₀ for an estimate with variance v, mixing variance τ². */
export function msprtLikelihoodRatio(estimate: number, variance: number, tau2: number, theta0 = 0): number {
  if (!(variance > 0) || !(tau2 > 0)) return 1;
  const total = variance + tau2;
  return Math.sqrt(variance / total) * Math.exp((tau2 * (estimate - theta0) ** 2) / (2 * variance * total));
}

/** Half-width of the always-valid (1 − α) confidence interval at one look: {θ₀ : Λ(θ₀) < 1/α}. */
export function msprtHalfWidth(variance: number, tau2: number, alpha: number): number {
  if (!(variance > 0) || !(tau2 > 0)) return Infinity;
  const total = variance + tau2;
  return Math.sqrt(((variance * total) / tau2) * (2 * Math.log(1 / alpha) + Math.log(total / variance)));
}

export interface SequentialLook {
  /** look label (day, timestamp…) */
  at: string;
  estimate: number;
  /** variance of the estimate at this look */
  variance: number;
}

export interface MsprtLookResult extends SequentialLook {
  likelihoodRatio: number;
  /** running always-valid p-value (non-increasing) */
  pValue: number;
  /** running always-valid interval (intersection over looks) */
  interval: [number, number];
}

/** Always-valid p-values and intervals over a sequence of looks. */
export function msprtSequence(looks: readonly SequentialLook[], options: { tau2: number; alpha?: number }): MsprtLookResult[] {
  const alpha = options.alpha ?? 0.05;
  let p = 1;
  let low = -Infinity;
  let high = Infinity;
  return looks.map((look) => {
    const ratio = msprtLikelihoodRatio(look.estimate, look.variance, options.tau2);
    p = Math.min(p, 1 / ratio);
    const half = msprtHalfWidth(look.variance, options.tau2, alpha);
    low = Math.max(low, look.estimate - half);
    high = Math.min(high, look.estimate + half);
    return { ...look, likelihoodRatio: ratio, pValue: Math.min(1, p), interval: [low, high] };
  });
}

/** Lan–DeMets O'Brien–Fleming-type spending: α spent by information fraction t. */
export function obrienFlemingSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return 2 * (1 - normalCdf(normalQuantile(1 - alpha / 2) / Math.sqrt(t)));
}

/** Lan–DeMets Pocock-type spending: α·ln(1 + (e − 1)t). */
export function pocockSpending(t: number, alpha: number): number {
  if (t <= 0) return 0;
  if (t >= 1) return alpha;
  return alpha * Math.log(1 + (Math.E - 1) * t);
}

export type SpendingFunction = (t: number, alpha: number) => number;

export interface GroupSequentialLook {
  /** statistical information at the look (1 / variance of the estimate; any common scale) */
  information: number;
  /** spending time in (0, 1]: the share of the planned sample observed (1 = final analysis) */
  fraction: number;
}

export interface GroupSequentialBoundary extends GroupSequentialLook {
  /** two-sided z boundary: reject when |Z| ≥ boundary (Infinity when nothing is spent) */
  boundary: number;
  /** α spent up to and including this look */
  cumulativeAlpha: number;
}

/**
 * Two-sided boundaries for a sequence of looks. α is spent by `fraction` (Lan–DeMets; the
 * default is O'Brien–Fleming-type spending) and the joint law of the z statistics follows the
 * observed `information` (corr(Z_j, Z_k) = √(I_j / I_k)), computed by recursive numerical
 * integration (Armitage–McPherson–Rowe) of the score S = Z·√I on a grid. Looks may be
 * unequally spaced and their number need not be planned; only the total (fraction 1) must be.
 */
export function groupSequentialBoundaries(looks: readonly GroupSequentialLook[], options: { alpha?: number; spending?: SpendingFunction; gridPoints?: number } = {}): GroupSequentialBoundary[] {
  const alpha = options.alpha ?? 0.05;
  const spend = options.spending ?? obrienFlemingSpending;
  // odd, for Simpson's rule; 201 points reproduce published boundaries to 4 decimals
  const points = (options.gridPoints ?? 201) | 1;
  const weights = new Float64Array(points);
  for (let i = 0; i < points; i++) weights[i] = i === 0 || i === points - 1 ? 1 / 3 : i % 2 === 1 ? 4 / 3 : 2 / 3;
  const result: GroupSequentialBoundary[] = [];
  const scale = Math.max(...looks.map((look) => look.information));
  let previousInformation = 0;
  let previousFraction = 0;
  let spent = 0;
  // continuation density of S at the previous look, on an even grid
  let xs: Float64Array | undefined;
  let density: Float64Array | undefined;
  for (const look of looks) {
    const info = look.information / scale;
    const t = Math.min(1, look.fraction);
    if (!(info > previousInformation)) throw new RangeError(`groupSequentialBoundaries: information must increase from look to look (got ${looks.map((l) => l.information).join(', ')})`);
    if (!(t >= previousFraction) || !(t > 0)) throw new RangeError(`groupSequentialBoundaries: fractions must be positive and non-decreasing (got ${looks.map((l) => l.fraction).join(', ')})`);
    const target = Math.max(0, spend(t, alpha) - spent);
    const sdInfo = Math.sqrt(info);
    let boundary: number;
    if (!(target > 0)) boundary = Infinity;
    else if (!xs || !density) boundary = normalQuantile(1 - target / 2);
    else {
      const grid = xs;
      const f = density;
      const sdStep = Math.sqrt(info - previousInformation);
      const step = grid[1]! - grid[0]!;
      const exitProbability = (c: number): number => {
        let sum = 0;
        for (let i = 0; i < grid.length; i++) {
          const s = grid[i]!;
          sum += weights[i]! * f[i]! * (normalCdf((-c * sdInfo - s) / sdStep) + normalUpperTail((c * sdInfo - s) / sdStep));
        }
        return sum * step;
      };
      let low = 0;
      let high = 40;
      while (high - low > 1e-6) {
        const mid = 0.5 * (low + high);
        if (exitProbability(mid) > target) low = mid;
        else high = mid;
      }
      boundary = 0.5 * (low + high);
    }
    spent += target;
    result.push({ information: look.information, fraction: t, boundary, cumulativeAlpha: spent });
    // density of S on the continuation region (−c√I, c√I), carried to the next look
    const limit = Number.isFinite(boundary) ? boundary * sdInfo : 10 * sdInfo;
    const nextXs = new Float64Array(points);
    for (let i = 0; i < points; i++) nextXs[i] = -limit + (2 * limit * i) / (points - 1);
    const nextDensity = new Float64Array(points);
    if (!xs || !density) {
      for (let i = 0; i < points; i++) nextDensity[i] = normalPdf(nextXs[i]! / sdInfo) / sdInfo;
    } else {
      const sdStep = Math.sqrt(info - previousInformation);
      const step = xs[1]! - xs[0]!;
      for (let j = 0; j < points; j++) {
        let sum = 0;
        for (let i = 0; i < xs.length; i++) sum += weights[i]! * density[i]! * normalPdf((nextXs[j]! - xs[i]!) / sdStep);
        nextDensity[j] = (sum * step) / sdStep;
      }
    }
    xs = nextXs;
    density = nextDensity;
    previousInformation = info;
    previousFraction = t;
  }
  return result;
}
