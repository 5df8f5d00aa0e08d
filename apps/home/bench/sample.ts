// The Home benches' listener sample, in one place: bench:home (home.bench.ts), bench:cpu (page-cpu.ts)
// and the page-identity A/B tool (page-identity.ts, which scripts/page-identity.sh copies into the
// base checkout together with this file) must draw the same listeners for their figures and hashes
// to be comparable. Imports nothing, so older checkouts can run it.

/** The seeded sample: `count` listener ids of the log (an LCG), every tenth an unknown one (cold start). */
export function benchListeners(log: { userCount: number; userId(index: number): string }, count: number): string[] {
  const users: string[] = [];
  let state = 12345;
  for (let i = 0; i < count; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    users.push(i % 10 === 9 ? `bench-new-listener-${i}` : log.userId(state % log.userCount));
  }
  return users;
}

/** The track of the i-th listener's one live play in the event mode (spread over the catalog). */
export function benchEventTrack(store: { trackCount: number; trackId(index: number): string }, i: number): string {
  return store.trackId((i * 7919) % store.trackCount);
}
