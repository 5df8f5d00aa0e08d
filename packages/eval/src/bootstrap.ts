// Percentile bootstrap over users: resample users with replacement, recompute the mean.
// Seeded, so the same per-user values always give the same interval.
import { Random } from '@mixtape/base';

export interface ConfidenceInterval {
  mean: number;
  lower: number;
  upper: number;
  /** e.g. 0.95 */
  confidence: number;
}

export interface BootstrapOptions {
  samples?: number;
  confidence?: number;
  seed?: number;
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return values.length === 0 ? 0 : sum / values.length;
}

function percentileInterval(means: Float64Array, confidence: number): [number, number] {
  means.sort();
  const alpha = (1 - confidence) / 2;
  const at = (q: number): number => {
    const position = q * (means.length - 1);
    const low = Math.floor(position);
    const high = Math.min(means.length - 1, low + 1);
    return means[low]! + (means[high]! - means[low]!) * (position - low);
  };
  return [at(alpha), at(1 - alpha)];
}

/** Mean of per-user values with a percentile bootstrap interval. */
export function bootstrapMean(values: Float64Array, options: BootstrapOptions = {}): ConfidenceInterval {
  const samples = options.samples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const rng = new Random(options.seed ?? 20240601, 'xoshiro128**');
  const n = values.length;
  const observed = mean(values);
  if (n === 0) return { mean: 0, lower: 0, upper: 0, confidence };
  const means = new Float64Array(samples);
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[rng.int(n)]!;
    means[s] = sum / n;
  }
  const [lower, upper] = percentileInterval(means, confidence);
  return { mean: observed, lower, upper, confidence };
}

/**
 * Paired bootstrap of mean(a) − mean(b) over the same users (a[i], b[i] belong to user i).
 * Tighter than comparing two separate intervals; `probabilityAbove0` is the share of
 * resamples where a beats b.
 */
export function pairedBootstrapDifference(
  a: Float64Array,
  b: Float64Array,
  options: BootstrapOptions = {},
): ConfidenceInterval & { probabilityAbove0: number } {
  if (a.length !== b.length) throw new RangeError(`paired bootstrap needs equal lengths (${a.length} vs ${b.length})`);
  const difference = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) difference[i] = a[i]! - b[i]!;
  const samples = options.samples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  const rng = new Random(options.seed ?? 20240601, 'xoshiro128**');
  const n = difference.length;
  if (n === 0) return { mean: 0, lower: 0, upper: 0, confidence, probabilityAbove0: 0 };
  const means = new Float64Array(samples);
  let above = 0;
  for (let s = 0; s < samples; s++) {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += difference[rng.int(n)]!;
    means[s] = sum / n;
    if (means[s]! > 0) above++;
  }
  const [lower, upper] = percentileInterval(means, confidence);
  return { mean: mean(difference), lower, upper, confidence, probabilityAbove0: above / samples };
}
