// Plays simulated listeners against real Home engines, day by day: each day a listener may open
// Home (a real `engine.page()`), looks at shelves top-down with position bias, plays, skips and
// saves by their true taste, and also listens outside Home. Every page is logged as an exposure
// and every listen as an event, in the experiment-log format the services write; the events are
// posted back to the engine (`recordEvents`, with the shelf) and every page's shelves counted as
// impressions (`recordImpressions`), so profiles and the shelf bandit evolve as they would in production.
import { teamDraftInterleave } from '@mixtape/experiments';
import type { EventRecord, ExperimentRef, ExposedItem, ExposureRecord } from '@mixtape/experiments';
import { createMemoryRecentEventStore, createMemoryShelfStateStore } from '@mixtape/ranking';
import type { HomeEngine, HomeEventInput, HomeShelf, RecentEventStore, ShelfStateStore } from '@mixtape/ranking';
import { Random } from '@mixtape/base';
import type { SimulatedListeners } from './listeners';

export const SIMULATION_DAY_MS = 86_400_000;

/** What one listener sees on a visit: one engine, or two engines interleaved shelf by shelf. */
export type ArmSurface = { kind: 'engine'; engine: HomeEngine; refs: ExperimentRef[] } | { kind: 'interleaved'; a: HomeEngine; b: HomeEngine; teams: { A: string; B: string }; refs: ExperimentRef[] };

export interface WorldOptions {
  listeners: SimulatedListeners;
  /** user indices (rows of the taste) that live in this world */
  users: readonly number[];
  /** the surface each user sees during the experiment */
  surfaceOf: (user: number) => ArmSurface;
  /** the surface during the pre-period (no exposures logged) */
  preSurface: (user: number) => HomeEngine;
  /** experiment start (epoch ms, start of a UTC day) */
  start: number;
  days: number;
  /** days simulated before the start (listening only: the CUPED pre-period) */
  preDays: number;
  /** seeds the listeners' randomness: same seed → same organic listening and browsing draws per user and day */
  seed: number;
  /** items per shelf (default 10) */
  limit?: number;
  /** the engine that records events (its stores are shared by every engine of the world) */
  recorder: HomeEngine;
  onDay?: (day: number, totalDays: number, pages: number) => void;
  signal?: AbortSignal;
}

export interface WorldLog {
  exposures: ExposureRecord[];
  events: EventRecord[];
  pages: number;
}

function rngFor(seed: number, user: number, day: number, stream: number): Random {
  return new Random((Math.imul(seed, 0x9e3779b1) ^ Math.imul(user + 1, 0x85ebca6b) ^ Math.imul(day + 1000, 0xc2b2ae35) ^ stream) >>> 0);
}

/** Interleaves two pages shelf by shelf (shelves only in A stay as they are, without a team). */
export function interleavePages(a: readonly HomeShelf[], b: readonly HomeShelf[], limit: number, random: () => number): { shelf: HomeShelf; teams: ('A' | 'B' | undefined)[] }[] {
  const byId = new Map(b.map((shelf) => [shelf.id, shelf]));
  const shown = new Set<string>();
  return a.map((shelf) => {
    const other = byId.get(shelf.id);
    if (!other) {
      const items = shelf.items.filter((item) => !shown.has(item.trackId));
      for (const item of items) shown.add(item.trackId);
      return { shelf: { ...shelf, items }, teams: items.map(() => undefined) };
    }
    const merged = teamDraftInterleave(
      shelf.items.filter((item) => !shown.has(item.trackId)),
      other.items.filter((item) => !shown.has(item.trackId)),
      limit,
      random,
      (item) => item.trackId,
    );
    for (const entry of merged) shown.add(entry.item.trackId);
    return { shelf: { ...shelf, items: merged.map((entry) => entry.item) }, teams: merged.map((entry) => entry.team) };
  });
}

export async function simulateWorld(options: WorldOptions): Promise<WorldLog> {
  const { listeners, users } = options;
  const { store } = listeners;
  const browsing = listeners.browsing;
  const limit = options.limit ?? 10;
  const exposures: ExposureRecord[] = [];
  const events: EventRecord[] = [];
  const heard = new Map<number, Set<number>>();
  let pages = 0;
  const totalDays = options.preDays + options.days;
  for (let d = 0; d < totalDays; d++) {
    options.signal?.throwIfAborted();
    const day = d - options.preDays; // < 0: pre-period
    const dayStart = options.start + day * SIMULATION_DAY_MS;
    for (const user of users) {
      const userId = listeners.userId(user);
      const activity = listeners.activity[user]!;
      const posted: HomeEventInput[] = [];
      const heardSet = heard.get(user) ?? new Set<number>();
      heard.set(user, heardSet);
      const log = (track: number, time: number, shelf: string | undefined, outcome: ReturnType<SimulatedListeners['listen']>, refs: ExperimentRef[] | undefined) => {
        const trackId = store.trackId(track);
        const iso = new Date(time).toISOString();
        events.push({ kind: 'event', time: iso, userId, trackId, type: outcome.type, msPlayed: outcome.msPlayed, ...(shelf ? { surface: 'home', shelf } : {}), ...(refs ? { experiments: refs } : {}) });
        posted.push({ userId, trackId, type: outcome.type, timestamp: time, msPlayed: outcome.msPlayed, ...(shelf ? { shelf } : {}) });
        if (outcome.saved) {
          events.push({ kind: 'event', time: new Date(time + 1000).toISOString(), userId, trackId, type: 'save', ...(shelf ? { surface: 'home', shelf } : {}), ...(refs ? { experiments: refs } : {}) });
          posted.push({ userId, trackId, type: 'save', timestamp: time + 1000, ...(shelf ? { shelf } : {}) });
        }
        heardSet.add(track);
      };

      // listening outside Home: identical across worlds for the same seed (its own stream)
      const organic = rngFor(options.seed, user, d, 1);
      const organicCount = poisson(browsing.organicRate * activity, organic);
      for (let i = 0; i < organicCount; i++) {
        const track = listeners.organicTrack(user, organic);
        const time = dayStart + Math.floor(organic.next() * SIMULATION_DAY_MS);
        log(track, time, undefined, listeners.listen(user, track, organic), undefined);
      }

      // a Home visit
      const browse = rngFor(options.seed, user, d, 2);
      if (browse.next() < Math.min(0.95, browsing.visitRate * activity)) {
        const hour = (listeners.taste.peakHour[user]! + browse.gaussian() * 1.5 + 24) % 24;
        const visitTime = dayStart + Math.floor(hour * 3_600_000);
        const pageSeed = browse.int(0x7fffffff);
        const experiment = day >= 0;
        const surface: ArmSurface = experiment ? options.surfaceOf(user) : { kind: 'engine', engine: options.preSurface(user), refs: [] };
        let shelves: { shelf: HomeShelf; teams: ('A' | 'B' | undefined)[] }[];
        if (surface.kind === 'engine') {
          const page = await surface.engine.page({ userId, limit, now: visitTime, random: new Random(pageSeed) });
          shelves = page.shelves.map((shelf) => ({ shelf, teams: shelf.items.map(() => undefined) }));
          pages++;
        } else {
          // same bandit draws for both rankers, so their shelves line up
          const [a, b] = await Promise.all([
            surface.a.page({ userId, limit, now: visitTime, random: new Random(pageSeed) }),
            surface.b.page({ userId, limit, now: visitTime, random: new Random(pageSeed) }),
          ]);
          shelves = interleavePages(a.shelves, b.shelves, limit, uniform(pageSeed ^ 0x5bd1e995));
          pages += 2;
        }
        if (experiment) {
          const items: ExposedItem[] = [];
          shelves.forEach(({ shelf, teams }, shelfPosition) =>
            shelf.items.forEach((item, position) => items.push({ id: item.trackId, position, shelf: shelf.id, shelfPosition, ...(teams[position] ? { team: teams[position] } : {}) })),
          );
          exposures.push({
            kind: 'exposure',
            id: `sim-${userId}-${d}`,
            time: new Date(visitTime).toISOString(),
            userId,
            surface: 'home',
            experiments: surface.refs,
            items,
            ...(surface.kind === 'interleaved' ? { teams: surface.teams } : {}),
          });
        }
        // the service counts what a page showed for the shelf bandit ("shown and ignored" is feedback too)
        await options.recorder.recordImpressions(userId, shelves.map(({ shelf }) => shelf.id));
        // look at shelves top-down; stop when the session's listening budget is spent
        let budget = browse.geometric(browsing.sessionListens);
        let clock = visitTime;
        for (let s = 0; s < shelves.length && budget > 0; s++) {
          if (browse.next() >= browsing.shelfDecay ** s) continue;
          const { shelf } = shelves[s]!;
          for (let p = 0; p < shelf.items.length && budget > 0; p++) {
            if (browse.next() >= browsing.itemDecay ** p) continue;
            const track = store.trackIndex(shelf.items[p]!.trackId);
            if (browse.next() >= listeners.clickProbability(user, track, heardSet.has(track))) continue;
            const outcome = listeners.listen(user, track, browse);
            log(track, clock, shelf.id, outcome, experiment ? surface.refs : undefined);
            clock += outcome.msPlayed + 2_000;
            budget--;
          }
        }
      }
      if (posted.length > 0) await options.recorder.recordEvents(posted);
    }
    options.onDay?.(d + 1, totalDays, pages);
  }
  events.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { exposures, events, pages };
}

function uniform(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

function poisson(mean: number, rng: Random): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.gaussian()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export type WorldName = 'control' | 'treatment' | 'interleaved';

/** What Home learns while serving one world: live events and shelf feedback. */
export interface WorldState {
  shelfState: ShelfStateStore;
  recentEvents: RecentEventStore;
}

export interface HomeWorldsOptions {
  listeners: SimulatedListeners;
  /** an engine for one arm over the world's listener state (one state per world, shared by its engines) */
  createEngine: (arm: 'control' | 'treatment', state: WorldState) => HomeEngine;
  users: readonly number[];
  start: number;
  days: number;
  preDays: number;
  seed: number;
  worlds: readonly WorldName[];
  /** experiment keys logged in the exposures */
  keys?: { ab?: string; interleaving?: string };
  limit?: number;
  onProgress?: (world: WorldName, day: number, totalDays: number, pages: number) => void;
  signal?: AbortSignal;
}

/**
 * The listeners' potential outcomes: every user lives once under the control ranker, once under
 * the treatment ranker and once on interleaved pages, with identical pre-periods and identical
 * listening outside Home (shared random streams), each world with its own engine state.
 */
export async function simulateHomeWorlds(options: HomeWorldsOptions): Promise<Partial<Record<WorldName, WorldLog>>> {
  const result: Partial<Record<WorldName, WorldLog>> = {};
  const abKey = options.keys?.ab ?? 'home-ranker';
  const interleavingKey = options.keys?.interleaving ?? 'home-ranker-interleaving';
  for (const name of options.worlds) {
    const state: WorldState = { shelfState: createMemoryShelfStateStore(), recentEvents: createMemoryRecentEventStore({ maxEvents: 500 }) };
    const control = options.createEngine('control', state);
    const treatment = name === 'control' ? control : options.createEngine('treatment', state);
    const surface: ArmSurface =
      name === 'control'
        ? { kind: 'engine', engine: control, refs: [{ key: abKey, variant: 'control' }] }
        : name === 'treatment'
          ? { kind: 'engine', engine: treatment, refs: [{ key: abKey, variant: 'treatment' }] }
          : { kind: 'interleaved', a: control, b: treatment, teams: { A: 'control', B: 'treatment' }, refs: [{ key: interleavingKey, variant: 'interleaved' }] };
    result[name] = await simulateWorld({
      listeners: options.listeners,
      users: options.users,
      surfaceOf: () => surface,
      preSurface: () => control,
      start: options.start,
      days: options.days,
      preDays: options.preDays,
      seed: options.seed,
      limit: options.limit,
      recorder: control,
      onDay: (day, total, pages) => options.onProgress?.(name, day, total, pages),
      signal: options.signal,
    });
  }
  return result;
}
