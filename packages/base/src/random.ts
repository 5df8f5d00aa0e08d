// The one seeded random generator of the workspace: sfc32 seeded through splitmix32. Same seed,
// same stream on every platform (32-bit integer arithmetic only); Math.random is never used.
// The algorithm is the synthetic catalog generator's, so its output stays byte-identical per seed.
//
// Two older streams can be chosen by name (`new Random(seed, 'xoshiro128**')`, `'mulberry32'`):
// evaluation splits and item2vec initialisation drew from them before this package existed, and
// the published figures (docs/results, package READMEs) depend on their exact draws. New code
// takes the default; a caller moves to it when its figures are next regenerated.

/** The streams a Random can draw from; 'sfc32' is the default. */
export type RandomAlgorithm = 'sfc32' | 'xoshiro128**' | 'mulberry32';

/** A seeded stream of uniform numbers, with the draws the trainers and generators need. */
export class Random {
  /** Uniform integer in [0, 2³²). */
  readonly nextUint32: () => number;
  private spareGaussian: number | undefined;

  constructor(seed: number, algorithm: RandomAlgorithm = 'sfc32') {
    if (algorithm === 'mulberry32') {
      this.nextUint32 = mulberry32(seed);
      return;
    }
    let state = seed >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    if (algorithm === 'xoshiro128**') {
      this.nextUint32 = xoshiro128ss(splitmix32(), splitmix32(), splitmix32(), splitmix32());
      return;
    }
    if (algorithm !== 'sfc32') throw new RangeError(`Random: unknown algorithm "${String(algorithm)}"; expected sfc32, xoshiro128** or mulberry32`);
    this.nextUint32 = sfc32(splitmix32(), splitmix32(), splitmix32(), splitmix32());
    // sfc32's first outputs of nearby seeds are correlated; a dozen rounds mix the state.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform in [low, high). */
  range(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element (undefined only for an empty list). */
  pick<T>(values: readonly T[]): T {
    return values[this.int(values.length)] as T;
  }

  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    if (this.spareGaussian !== undefined) {
      const value = this.spareGaussian;
      this.spareGaussian = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Normal with the given mean and standard deviation. */
  normal(mean: number, std: number): number {
    return mean + std * this.gaussian();
  }

  /** Pareto(x_min = 1, alpha): heavy-tailed, for popularity and activity. */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }

  /** Geometric number of trials >= 1 with the given mean. */
  geometric(mean: number): number {
    const p = 1 / Math.max(1, mean);
    return 1 + Math.floor(Math.log(1 - this.next()) / Math.log(1 - p + 1e-12));
  }

  /** Beta(a, b) via two gamma draws (Marsaglia–Tsang). */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    return x / (x + this.gamma(b));
  }

  /** Gamma(shape, 1) (Marsaglia–Tsang; shape < 1 by the boost u^(1/shape)). */
  gamma(shape: number): number {
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.next() || 1e-12, 1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.gaussian();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.next();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
}

function xoshiro128ss(a: number, b: number, c: number, d: number): () => number {
  if ((a | b | c | d) === 0) a = 1;
  return () => {
    const result = Math.imul(rotl(Math.imul(b, 5) >>> 0, 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The 'mulberry32' stream as a bare generator of uniform integers in [0, 2³²). Self-contained (no
 * reference outside its own body), so code that runs functions' source in a worker thread can
 * embed it with `mulberry32.toString()`.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/**
 * Samples an index in proportion to non-negative weights in O(log n) (cumulative sums). A weight
 * that is zero, negative or not a number is never drawn.
 */
export class WeightedSampler {
  private readonly cumulative: Float64Array;
  /** indices with a positive weight (how many distinct ones can be drawn) */
  readonly drawable: number;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    let drawable = 0;
    for (let i = 0; i < weights.length; i++) {
      const weight = weights[i] as number;
      if (weight > 0 && Number.isFinite(weight)) {
        total += weight;
        drawable++;
      }
      this.cumulative[i] = total;
    }
    this.drawable = drawable;
  }

  get size(): number {
    return this.cumulative.length;
  }

  /** An index drawn in proportion to its weight; -1 when there are no weights. */
  sample(random: Pick<Random, 'next'>): number {
    const n = this.cumulative.length;
    if (n === 0) return -1;
    const target = random.next() * (this.cumulative[n - 1] as number);
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.cumulative[mid] as number) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
