// Team-draft interleaving (Radlinski, Kurup, Joachims 2008): two rankers take turns — the team
// with fewer picks, or a coin flip on a tie — each adding its best item not yet shown. Every
// listener sees one list; plays and saves credit the team whose item it was, and the listener
// prefers the team with more credit. Within-user comparison removes the between-user variance
// that makes A/B tests on engagement slow (Chapelle et al. 2012 report 10–100× fewer users).
import { binomialTwoSided } from './stats/binomial';
import type { EventRecord, ExposureRecord } from './log';
import { normalQuantile } from './stats/distributions';

export type Team = 'A' | 'B';

export interface InterleavedItem<T> {
  item: T;
  team: Team;
}

/**
 * Merges two rankings into one list of at most `limit` items. `random` decides who picks first
 * when both teams have as many items (seed it per user and page for reproducible pages).
 */
export function teamDraftInterleave<T>(rankingA: readonly T[], rankingB: readonly T[], limit: number, random: () => number, key: (item: T) => unknown = (item) => item): InterleavedItem<T>[] {
  const out: InterleavedItem<T>[] = [];
  const taken = new Set<unknown>();
  let nextA = 0;
  let nextB = 0;
  let picksA = 0;
  let picksB = 0;
  const advance = (ranking: readonly T[], cursor: number): number => {
    while (cursor < ranking.length && taken.has(key(ranking[cursor]!))) cursor++;
    return cursor;
  };
  while (out.length < limit) {
    nextA = advance(rankingA, nextA);
    nextB = advance(rankingB, nextB);
    const hasA = nextA < rankingA.length;
    const hasB = nextB < rankingB.length;
    if (!hasA && !hasB) break;
    const pickA = hasA && (!hasB || picksA < picksB || (picksA === picksB && random() < 0.5));
    const item = pickA ? rankingA[nextA]! : rankingB[nextB]!;
    taken.add(key(item));
    out.push({ item, team: pickA ? 'A' : 'B' });
    if (pickA) picksA++;
    else picksB++;
  }
  return out;
}

export interface InterleavingOptions {
  /** experiment key of the interleaving experiment */
  experiment: string;
  /** an event credits the item's team if it happens within this many hours after the exposure (default 24) */
  attributionHours?: number;
  alpha?: number;
  /** only this variant's exposures (default: every exposure whose items carry teams) */
  variant?: string;
}

export interface InterleavingReadout {
  experiment: string;
  teams: { A: string; B: string };
  /** users with at least one interleaved exposure */
  users: number;
  /** users whose credit differed: wins of A / B, ties (incl. no credit) */
  winsA: number;
  winsB: number;
  ties: number;
  /** credited plays/saves per team, all users */
  creditA: number;
  creditB: number;
  /** Δ_AB = (wins A + ties / 2) / users − 0.5: > 0 means A is preferred */
  deltaAB: number;
  /** share of decided users preferring A, with a Wilson interval */
  preferenceA: number;
  preferenceInterval: [number, number];
  /** two-sided exact sign test over decided users */
  pValue: number;
  significant: boolean;
  winner: Team | undefined;
}

const CREDITED = new Set(['play', 'complete', 'save']);

/**
 * Credits each play/complete/save to the team of the latest exposure that showed the track to
 * that user (within the attribution window), then tests per-user preferences with a sign test.
 */
export function analyzeInterleaving(input: { exposures: readonly ExposureRecord[]; events: readonly EventRecord[] }, options: InterleavingOptions): InterleavingReadout {
  const windowMs = (options.attributionHours ?? 24) * 3_600_000;
  const alpha = options.alpha ?? 0.05;
  let teams: { A: string; B: string } | undefined;
  // user → track → exposures (time, team), in time order
  const shown = new Map<string, Map<string, { time: number; team: Team }[]>>();
  const sortedExposures = input.exposures
    .filter((exposure) => exposure.experiments.some((ref) => ref.key === options.experiment && (options.variant === undefined || ref.variant === options.variant)))
    .map((exposure) => ({ exposure, time: Date.parse(exposure.time) }))
    .sort((a, b) => a.time - b.time);
  for (const { exposure, time } of sortedExposures) {
    const teamed = exposure.items.filter((item) => item.team !== undefined);
    if (teamed.length === 0) continue;
    teams ??= exposure.teams;
    let byTrack = shown.get(exposure.userId);
    if (!byTrack) shown.set(exposure.userId, (byTrack = new Map()));
    for (const item of teamed) {
      const list = byTrack.get(item.id) ?? [];
      list.push({ time, team: item.team! });
      byTrack.set(item.id, list);
    }
  }
  const credit = new Map<string, { A: number; B: number }>();
  for (const userId of shown.keys()) credit.set(userId, { A: 0, B: 0 });
  for (const event of input.events) {
    if (!CREDITED.has(event.type)) continue;
    const list = shown.get(event.userId)?.get(event.trackId);
    if (!list) continue;
    const time = Date.parse(event.time);
    let match: { time: number; team: Team } | undefined;
    for (const entry of list) if (entry.time <= time && time - entry.time <= windowMs) match = entry;
    if (match) credit.get(event.userId)![match.team]++;
  }
  let winsA = 0;
  let winsB = 0;
  let ties = 0;
  let creditA = 0;
  let creditB = 0;
  for (const { A, B } of credit.values()) {
    creditA += A;
    creditB += B;
    if (A > B) winsA++;
    else if (B > A) winsB++;
    else ties++;
  }
  const users = credit.size;
  const decided = winsA + winsB;
  const preferenceA = decided > 0 ? winsA / decided : 0.5;
  const pValue = binomialTwoSided(winsA, decided);
  const significant = decided > 0 && pValue <= alpha;
  return {
    experiment: options.experiment,
    teams: teams ?? { A: 'A', B: 'B' },
    users,
    winsA,
    winsB,
    ties,
    creditA,
    creditB,
    deltaAB: users > 0 ? (winsA + ties / 2) / users - 0.5 : 0,
    preferenceA,
    preferenceInterval: wilsonInterval(winsA, decided, alpha),
    pValue,
    significant,
    winner: significant ? (winsA > winsB ? 'A' : 'B') : undefined,
  };
}

/** Wilson score interval for a binomial proportion. */
export function wilsonInterval(successes: number, trials: number, alpha = 0.05): [number, number] {
  if (trials === 0) return [0, 1];
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
