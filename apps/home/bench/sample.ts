// The Home benches' seeded draws, in one place: bench:home (home.bench.ts), bench:cpu (page-cpu.ts)
// and the page-identity A/B tool (page-identity.ts, which scripts/page-identity.sh copies into the
// base checkout together with this file) must draw the same listeners for their figures and hashes
// to be comparable; bench:next:http (next.bench.ts) takes its request order from the same LCG.
// Imports nothing, so older checkouts can run it.

/** The benches' LCG (Numerical Recipes' constants): each call returns the next uint32 of the stream seeded with `seed`. */
export function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
}

/** The seeded sample: `count` listener ids of the log (an LCG), every tenth an unknown one (cold start). */
export function benchListeners(log: { userCount: number; userId(index: number): string }, count: number): string[] {
  const users: string[] = [];
  const next = lcg(12345);
  for (let i = 0; i < count; i++) {
    const draw = next();
    users.push(i % 10 === 9 ? `bench-new-listener-${i}` : log.userId(draw % log.userCount));
  }
  return users;
}

/** The track of the i-th listener's one live play in the event mode (spread over the catalog). */
export function benchEventTrack(store: { trackCount: number; trackId(index: number): string }, i: number): string {
  return store.trackId((i * 7919) % store.trackCount);
}

/** A seeded shuffle of 0…n-1 (Fisher–Yates from the last position down, over the LCG): bench:next:http's order of listeners and seed tracks. */
export function seededOrder(n: number, seed: number): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const next = lcg(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = next() % (i + 1);
    const swap = order[i]!;
    order[i] = order[j]!;
    order[j] = swap;
  }
  return order;
}
