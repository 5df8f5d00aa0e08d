// In-context preference learning (issue 18.5): the LLM planner's examples are the best-rated plans
// in the store — versions listeners liked or saved (as playlists or track by track), each with the
// listener's whole intent (the prompt plus its refinements). The source follows the store's
// feedback as it is written (the store is wrapped), keeps at most `maxPlans` rated plans in
// memory, and hands them to `selectExamples`, which picks the few similar ones within the
// planner's token budget.
import type { FeedbackRecord, FeedbackSignal, PlanExample, PlanExampleSource } from '@mixtape/llm';
import type { Logger } from '@mixtape/base';
import type { PlaylistStore, StoredPlaylistVersion } from './store';

// a move (reorder) rates nothing: the listener kept the track
const PLAYLIST_RATING: Record<FeedbackSignal, number> = { like: 2, save: 2, dislike: -2, remove: -2, skip: -1, move: 0 };
const TRACK_RATING: Record<FeedbackSignal, number> = { like: 1, save: 1, dislike: -1, remove: -1, skip: -0.5, move: 0 };

export interface RatedPlanSourceOptions {
  /** rated plans kept in memory, the best first (default 500) */
  maxPlans?: number;
  logger?: Logger;
}

export interface RatedPlanSource extends PlanExampleSource {
  /** the store, wrapped so the source sees every feedback it stores */
  readonly store: PlaylistStore;
  /** reads the ratings already in the store (startup) */
  load(): Promise<void>;
  /** rated plans held */
  readonly size: number;
}

/** Each version's rating from a playlist's feedback: the latest signal per (version, track, listener). */
export function ratePlaylistVersions(feedback: readonly FeedbackRecord[]): Map<number, number> {
  const latest = new Map<string, FeedbackRecord>();
  for (const record of feedback) {
    if (record.signal === 'move') continue;
    const key = JSON.stringify([record.version, record.trackId ?? null, record.userId ?? null]);
    const existing = latest.get(key);
    if (!existing || record.createdAt >= existing.createdAt) latest.set(key, record);
  }
  const ratings = new Map<number, number>();
  for (const record of latest.values()) {
    const weight = record.trackId ? TRACK_RATING[record.signal] : PLAYLIST_RATING[record.signal];
    ratings.set(record.version, (ratings.get(record.version) ?? 0) + weight);
  }
  return ratings;
}

export function createRatedPlanSource(store: PlaylistStore, options: RatedPlanSourceOptions = {}): RatedPlanSource {
  const maxPlans = options.maxPlans ?? 500;
  const plans = new Map<string, PlanExample>(); // "playlist\0version" → example
  const pending = new Set<Promise<void>>();

  const intentOf = async (version: StoredPlaylistVersion): Promise<string> => {
    const chain = [version.prompt];
    let current = version;
    for (let hops = 0; current.parentVersion !== null && hops < 20; hops++) {
      const parent = await store.getVersion(current.playlistId, current.parentVersion);
      if (!parent) break;
      chain.unshift(parent.prompt);
      current = parent;
    }
    const [first, ...refinements] = chain;
    return [first!, ...refinements.map((refinement) => `Refinement: ${refinement}`)].join('\n');
  };

  const refresh = async (playlistId: string): Promise<void> => {
    for (const [version, rating] of ratePlaylistVersions(store.feedback(playlistId))) {
      const key = `${playlistId}\u0000${version}`;
      if (rating <= 0) {
        plans.delete(key);
        continue;
      }
      const known = plans.get(key);
      if (known) {
        known.rating = rating;
        continue;
      }
      const stored = await store.getVersion(playlistId, version);
      if (stored) plans.set(key, { prompt: await intentOf(stored), plan: stored.plan, rating });
    }
    if (plans.size > maxPlans) {
      // keep the best-rated; ties keep the earlier ones
      const worst = [...plans.entries()].sort((a, b) => a[1].rating - b[1].rating).slice(0, plans.size - maxPlans);
      for (const [key] of worst) plans.delete(key);
    }
  };
  const track = (work: Promise<void>): void => {
    const done = work.catch((error: unknown) => options.logger?.warn({ error: error instanceof Error ? error.message : String(error) }, 'rated plan source: refresh failed; examples may be stale'));
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const wrapped: PlaylistStore = {
    appendVersion: (version, idempotency) => store.appendVersion(version, idempotency),
    appendFeedback: async (feedback) => {
      const result = await store.appendFeedback(feedback);
      if (result.stored) track(refresh(feedback.playlistId));
      return result;
    },
    versionNumbers: (playlistId) => store.versionNumbers(playlistId),
    getVersion: (playlistId, version) => store.getVersion(playlistId, version),
    readVersions: (playlistId) => store.readVersions(playlistId),
    feedback: (playlistId) => store.feedback(playlistId),
    findIdempotentWrite: (principal, key) => store.findIdempotentWrite(principal, key),
    playlistPage: (pageOptions) => store.playlistPage(pageOptions),
    stats: () => store.stats(),
    close: () => store.close(),
  };

  return {
    store: wrapped,
    get size() {
      return plans.size;
    },
    async load() {
      let cursor: string | undefined;
      do {
        const page = store.playlistPage({ limit: 1000, ...(cursor !== undefined ? { cursor } : {}) });
        for (const playlistId of page.playlistIds) if (store.feedback(playlistId).length > 0) await refresh(playlistId);
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    },
    async examplesFor() {
      // feedback stored just before this request counts
      await Promise.all(pending);
      return [...plans.values()];
    },
  };
}
