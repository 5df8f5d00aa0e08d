// Shelf order by Thompson sampling: each shelf type has a Beta posterior per listener (editorial
// prior + that listener's feedback); a page samples every posterior and sorts shelves by draw.
// Feedback is plays and saves (successes), skips (failures) and impressions: a shelf shown again
// and again without any play or skip ("shown and ignored") slowly loses its place too.
import { Random } from '@mixtape/base';
import type { ShelfType, UserEvent } from './types';

export interface ShelfPosterior {
  alpha: number;
  beta: number;
  /** times the shelf type was shown on a page (absent: none recorded) */
  impressions?: number;
}

/** What one record adds: successes to alpha, failures to beta, impressions to the shown count. */
export interface ShelfOutcome {
  successes: number;
  failures: number;
  impressions?: number;
}

/**
 * An ignored impression (a page showing the shelf that brought neither a play nor a skip from it)
 * counts as this fraction of a failure: weak evidence, since the listener may not have scrolled there.
 */
export const IGNORED_IMPRESSION_WEIGHT = 0.25;

/** Where per-listener shelf feedback lives: in process today, Redis when there are replicas. */
export interface ShelfStateStore {
  /** feedback counts per shelf type (no entry: no feedback yet) */
  get(userId: string): Promise<Partial<Record<ShelfType, ShelfPosterior>>>;
  /** adds successes to alpha, failures to beta and impressions to the shown count */
  record(userId: string, shelfType: ShelfType, outcome: ShelfOutcome): Promise<void>;
}

/** Recent live events per listener (what POST /v1/events brought since the bundle was built). */
export interface RecentEventStore {
  get(userId: string): Promise<readonly UserEvent[]>;
  append(userId: string, events: readonly UserEvent[]): Promise<void>;
}

/** Map-backed store; forgets the least recently written listener beyond `maxUsers`. */
export function createMemoryShelfStateStore(options: { maxUsers?: number } = {}): ShelfStateStore {
  const maxUsers = options.maxUsers ?? 100_000;
  const state = new Map<string, Partial<Record<ShelfType, ShelfPosterior>>>();
  return {
    get: (userId) => Promise.resolve({ ...(state.get(userId) ?? {}) }),
    record(userId, shelfType, outcome) {
      const entry = state.get(userId) ?? {};
      state.delete(userId);
      const posterior = entry[shelfType] ?? { alpha: 0, beta: 0 };
      const impressions = (posterior.impressions ?? 0) + (outcome.impressions ?? 0);
      entry[shelfType] = { alpha: posterior.alpha + outcome.successes, beta: posterior.beta + outcome.failures, ...(impressions > 0 ? { impressions } : {}) };
      state.set(userId, entry);
      if (state.size > maxUsers) state.delete(state.keys().next().value!);
      return Promise.resolve();
    },
  };
}

/** Keeps each listener's newest `maxEvents` live events; forgets the least recent listener beyond `maxUsers`. */
export function createMemoryRecentEventStore(options: { maxUsers?: number; maxEvents?: number } = {}): RecentEventStore {
  const maxUsers = options.maxUsers ?? 100_000;
  const maxEvents = options.maxEvents ?? 500;
  const state = new Map<string, UserEvent[]>();
  return {
    get: (userId) => Promise.resolve(state.get(userId) ?? []),
    append(userId, events) {
      const list = state.get(userId) ?? [];
      state.delete(userId);
      list.push(...events);
      list.sort((a, b) => a.timestamp - b.timestamp);
      if (list.length > maxEvents) list.splice(0, list.length - maxEvents);
      state.set(userId, list);
      if (state.size > maxUsers) state.delete(state.keys().next().value!);
      return Promise.resolve();
    },
  };
}

/** Editorial priors: personal mixes start ahead, exploratory shelves start less certain. */
export const SHELF_PRIORS: Readonly<Record<ShelfType, ShelfPosterior>> = {
  'made-for-you': { alpha: 4, beta: 2 },
  'because-you-played': { alpha: 3, beta: 2 },
  'because-you-like': { alpha: 3, beta: 2 },
  'jump-back-in': { alpha: 3, beta: 2 },
  daypart: { alpha: 2.5, beta: 2 },
  'new-releases': { alpha: 2, beta: 2 },
  discover: { alpha: 2, beta: 2.5 },
  'popular-in-genre': { alpha: 2, beta: 2.5 },
  popular: { alpha: 2, beta: 2 },
};

/** A draw from Beta(alpha, beta) (base's Marsaglia–Tsang gamma draws). */
export function sampleBeta(alpha: number, beta: number, random: Random): number {
  const draw = random.beta(alpha, beta);
  return Number.isFinite(draw) ? draw : 0.5;
}

/**
 * The Beta posterior of one shelf type: prior + successes, prior + failures + ignored impressions
 * (impressions beyond the plays and skips they brought, each weighing IGNORED_IMPRESSION_WEIGHT).
 */
export function shelfPosterior(type: ShelfType, seen: ShelfPosterior | undefined): { alpha: number; beta: number } {
  const prior = SHELF_PRIORS[type];
  if (!seen) return { alpha: prior.alpha, beta: prior.beta };
  const ignored = Math.max(0, (seen.impressions ?? 0) - seen.alpha - seen.beta);
  return { alpha: prior.alpha + seen.alpha, beta: prior.beta + seen.beta + IGNORED_IMPRESSION_WEIGHT * ignored };
}

/** One Thompson draw per shelf type present, from prior + the listener's feedback. */
export function sampleShelfScores(types: readonly ShelfType[], feedback: Partial<Record<ShelfType, ShelfPosterior>>, random: Random): Map<ShelfType, number> {
  const draws = new Map<ShelfType, number>();
  for (const type of new Set(types)) {
    const { alpha, beta } = shelfPosterior(type, feedback[type]);
    draws.set(type, sampleBeta(alpha, beta, random));
  }
  return draws;
}

/** A seeded stream for reproducible pages in tests (base's 'mulberry32' stream, as before). */
export function seededRandom(seed: number): Random {
  return new Random(seed, 'mulberry32');
}
