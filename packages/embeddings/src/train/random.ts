// Small seeded PRNG for the main-thread parts of training (initialisation, k-means++ seeding,
// synthetic corpora). Deterministic across platforms: 32-bit integer arithmetic only.

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export interface SeededRandom {
  /** uniform in [0, 1) */
  next(): number;
  /** uniform integer in [0, bound) */
  nextInt(bound: number): number;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    nextInt: (bound: number) => Math.floor(next() * bound),
  };
}
