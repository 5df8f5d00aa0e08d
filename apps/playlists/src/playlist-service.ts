// What the playlists service does, without HTTP: plan → fulfil → persist for creates and
// refinements (numbered under a per-playlist lock, capped, idempotent), reads, deduplicated
// feedback, and the DPO export one page of playlists at a time. The router parses and answers;
// errors here carry stable codes that the app maps to statuses (ADR 0002).
import { randomBytes } from 'node:crypto';
import type { DpoPair, FeedbackRecord, FeedbackSignal, PlanResult, PreferencePairKind } from '@mixtape/llm';
import { buildPreferencePairs, MAX_PROMPT_CHARACTERS } from '@mixtape/llm';
import { interpretQuery } from '@mixtape/language';
import type { Fulfilment, FulfilOptions } from '@mixtape/ranking';
import type { ExperimentRef, ExperimentRuntime, RequestExperiments } from '@mixtape/experiments';
import { fulfilPlan } from '@mixtape/ranking';
import type { ServiceMetrics } from '@mixtape/service-kit';
import type { PlaylistServingState } from './serving';
import type { IdempotencyRecord, PlaylistPage, PlaylistStore, StoredPlaylistVersion } from './store';
import { fingerprintRequest } from './store';
import { fulfilmentSettings } from './experiments';
import type { PlaylistsExperimentParams } from './experiments';

/** Stable codes of PlaylistError; `mapPlaylistsError` in app.ts gives each its status. */
export type PlaylistErrorCode = 'PLAYLIST_NOT_FOUND' | 'VERSION_NOT_FOUND' | 'TRACK_NOT_IN_PLAYLIST' | 'IDEMPOTENCY_KEY_REUSED' | 'INVALID_MOVE';

export class PlaylistError extends Error {
  constructor(
    message: string,
    readonly code: PlaylistErrorCode,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'PlaylistError';
  }
}

/** Who asked and under which idempotency key (absent: no key sent). */
export interface WriteOrigin {
  /** The API key id or client IP the request counted against: keys are per principal. */
  principal: string;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** the experiment targeting attributes header (`country=SE, premium=true`) */
  attributes?: string;
}

export interface PlaylistWriteResult {
  version: StoredPlaylistVersion;
  /** fulfilment stage times (absent for a replay) */
  costs?: Fulfilment['costs'];
  /** true when an idempotency key answered with an earlier write */
  replayed: boolean;
  /** the experiments whose variants fulfilled this version (absent for a replay: nothing new was served) */
  experiments?: ExperimentRef[];
}

export interface CreateInput {
  prompt: string;
  userId?: string;
  length?: number;
}

export interface RefineInput {
  prompt: string;
  /** the version to refine (default the latest) */
  version?: number;
}

export interface FeedbackInput {
  trackId?: string;
  signal: FeedbackSignal;
  /** move: the track's new place in the version's order (0-based) */
  position?: number;
  version?: number;
  userId?: string;
}

export interface ExportOptions {
  kinds?: readonly PreferencePairKind[];
  cursor?: string;
  limit: number;
  userId?: string;
  since?: number;
  until?: number;
}

export interface PlaylistService {
  create(state: PlaylistServingState, input: CreateInput, origin: WriteOrigin): Promise<PlaylistWriteResult>;
  refine(state: PlaylistServingState, playlistId: string, input: RefineInput, origin: WriteOrigin): Promise<PlaylistWriteResult>;
  get(playlistId: string, version?: number): Promise<{ version: StoredPlaylistVersion; versions: readonly number[] }>;
  feedback(playlistId: string, input: FeedbackInput): Promise<{ record: FeedbackRecord; duplicate: boolean }>;
  /** One page of playlists and, lazily, their preference pairs (one playlist's pairs per step). */
  exportPage(options: ExportOptions): { page: PlaylistPage; pairs(): AsyncGenerator<DpoPair[]> };
}

export interface PlaylistServiceDeps {
  store: PlaylistStore;
  metrics: ServiceMetrics;
  /** tests: clock (epoch ms) and playlist id generator */
  now?: () => number;
  newId?: () => string;
  /** experiments on the playlists surface: fulfilment settings per variant, exposures of the tracks served */
  experiments?: ExperimentRuntime<PlaylistsExperimentParams>;
}

/**
 * Fulfilment settings of one request: the variant's weights and spacing, over the configured reward
 * weight, and the bundle's reward model (learnt from feedback) when there is one.
 */
function fulfilOptions(
  state: PlaylistServingState,
  variants: RequestExperiments<PlaylistsExperimentParams> | undefined,
  userId: string | undefined,
  signal: AbortSignal | undefined,
  prompt: string,
  planResult: PlanResult,
): FulfilOptions {
  const settings = fulfilmentSettings(variants?.params ?? {});
  const weights = state.rewardWeight !== undefined ? { reward: state.rewardWeight, ...settings.weights } : settings.weights;
  // words of the prompt the lexicon did not read: the bundle's text model (playlist names) may know
  // them (the offline planner has read this prompt already and says which; others are read here)
  const unreadWords = state.engine.context.textModel
    ? (planResult.unreadWords ?? interpretQuery(state.lexicon, prompt.slice(0, MAX_PROMPT_CHARACTERS)).remainder)
    : '';
  return {
    ...settings,
    ...(weights ? { weights } : {}),
    ...(state.reward ? { reward: state.reward } : {}),
    ...(userId !== undefined ? { userId } : {}),
    ...(unreadWords !== '' ? { unreadWords } : {}),
    ...(signal ? { signal } : {}),
  };
}

function withUnreadRefinement(fulfilment: Fulfilment, instruction: string): Fulfilment {
  const reason = `Nothing in "${instruction}" was understood as a change, so the plan is the previous version's.`;
  return { ...fulfilment, unfulfilled: [...fulfilment.unfulfilled, { kind: 'prompt', requested: instruction, reason }], description: `${fulfilment.description} ${reason}` };
}

export function createPlaylistService(deps: PlaylistServiceDeps): PlaylistService {
  const { store, metrics } = deps;
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => `pl_${randomBytes(9).toString('base64url')}`);

  const plans = metrics.counter({
    name: 'playlists_plans_total',
    help: 'Plans produced, by planner (offline, llm:<model>, offline-fallback) and kind (create, refine).',
    labelNames: ['planner', 'kind'],
  });
  const stageSeconds = metrics.histogram({
    name: 'playlists_fulfilment_stage_seconds',
    help: 'Time per fulfilment stage (resolve, candidates, scoring, sequencing, notes, total).',
    labelNames: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const feedbackCount = metrics.counter({ name: 'playlists_feedback_total', help: 'Feedback records stored, by signal.', labelNames: ['signal'] });
  const duplicateFeedback = metrics.counter({ name: 'playlists_feedback_duplicates_total', help: 'Feedback not stored because the same (playlist, version, track, signal) already was.' });
  const replays = metrics.counter({ name: 'playlists_idempotent_replays_total', help: 'Writes answered from an earlier write with the same Idempotency-Key.', labelNames: ['kind'] });
  const observe = (kind: 'create' | 'refine', planResult: PlanResult, fulfilment: Fulfilment): void => {
    plans.inc({ planner: planResult.planner, kind });
    for (const [stage, ms] of Object.entries(fulfilment.costs)) stageSeconds.observe({ stage }, ms / 1000);
  };

  // Versions of one playlist are numbered under a per-playlist lock, so concurrent refinements
  // get consecutive numbers instead of a conflict.
  const locks = new Map<string, Promise<unknown>>();
  const withLock = async <T>(playlistId: string, work: () => Promise<T>): Promise<T> => {
    const previous = locks.get(playlistId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    locks.set(playlistId, settled);
    try {
      return await next;
    } finally {
      if (locks.get(playlistId) === settled) locks.delete(playlistId);
    }
  };

  // The same key sent twice at once: the second waits for the first and replays it.
  const inFlight = new Map<string, Promise<PlaylistWriteResult>>();
  const idempotent = async (kind: 'create' | 'refine', origin: WriteOrigin, request: unknown, write: (idempotency: IdempotencyRecord | undefined) => Promise<PlaylistWriteResult>): Promise<PlaylistWriteResult> => {
    if (origin.idempotencyKey === undefined) return write(undefined);
    const idempotency: IdempotencyRecord = { principal: origin.principal, key: origin.idempotencyKey, fingerprint: fingerprintRequest({ kind, request }) };
    const slot = `${origin.principal}\n${origin.idempotencyKey}`;
    const replay = async (): Promise<PlaylistWriteResult | undefined> => {
      const earlier = store.findIdempotentWrite(origin.principal, origin.idempotencyKey!);
      if (!earlier) return undefined;
      if (earlier.fingerprint !== idempotency.fingerprint) {
        throw new PlaylistError(
          `Idempotency-Key "${origin.idempotencyKey}" was already used for a different request (playlist ${earlier.playlistId} version ${earlier.version}); use a new key for a new request`,
          'IDEMPOTENCY_KEY_REUSED',
          { playlistId: earlier.playlistId, version: earlier.version },
        );
      }
      const version = await store.getVersion(earlier.playlistId, earlier.version);
      if (!version) return undefined;
      replays.inc({ kind });
      return { version, replayed: true };
    };
    const pending = inFlight.get(slot);
    if (pending) {
      await pending.catch(() => undefined);
      const replayed = await replay();
      if (replayed) return replayed;
    }
    const earlier = await replay();
    if (earlier) return earlier;
    const work = write(idempotency);
    inFlight.set(slot, work);
    try {
      return await work;
    } finally {
      if (inFlight.get(slot) === work) inFlight.delete(slot);
    }
  };

  const findVersion = async (playlistId: string, version: number | undefined): Promise<StoredPlaylistVersion> => {
    const versions = store.versionNumbers(playlistId);
    if (versions.length === 0) throw new PlaylistError(`Playlist ${playlistId} not found`, 'PLAYLIST_NOT_FOUND');
    const found = await store.getVersion(playlistId, version);
    if (!found) {
      throw new PlaylistError(`Playlist ${playlistId} has no version ${version} (latest is ${versions.at(-1)})`, 'VERSION_NOT_FOUND', { latest: versions.at(-1) });
    }
    return found;
  };

  const record = (
    state: PlaylistServingState,
    base: { playlistId: string; version: number; parentVersion: number | null; prompt: string; userId: string | undefined | null },
    planResult: PlanResult,
    fulfilment: Fulfilment,
  ): StoredPlaylistVersion => ({
    playlistId: base.playlistId,
    version: base.version,
    parentVersion: base.parentVersion,
    prompt: base.prompt,
    plan: planResult.plan,
    planner: planResult.planner,
    trackIds: fulfilment.tracks.map((track) => track.trackId),
    templateVersion: planResult.templateVersion,
    userId: base.userId ?? null,
    createdAt: now(),
    title: fulfilment.title,
    description: fulfilment.description,
    tracks: fulfilment.tracks.map(({ trackId, title, artists, note }) => ({ trackId, title, artists, note })),
    bundleVersion: state.version,
    ...(planResult.fallbackReason !== undefined ? { fallbackReason: planResult.fallbackReason } : {}),
    ...(planResult.changes !== undefined ? { changes: planResult.changes } : {}),
    ...(fulfilment.stats.relaxed.length > 0 ? { relaxed: fulfilment.stats.relaxed } : {}),
    ...(fulfilment.stats.unresolved.length > 0 ? { unresolved: fulfilment.stats.unresolved } : {}),
    ...(fulfilment.unfulfilled.length > 0 ? { unfulfilled: fulfilment.unfulfilled } : {}),
  });

  // The listener's variants set fulfilment's weights and spacing (config only); what was served is their exposure.
  const variantsFor = (userId: string | undefined, origin: WriteOrigin): RequestExperiments<PlaylistsExperimentParams> | undefined => deps.experiments?.forRequest(userId, origin.attributes ?? '');
  const exposed = (variants: RequestExperiments<PlaylistsExperimentParams> | undefined, stored: StoredPlaylistVersion): ExperimentRef[] => {
    if (!variants) return [];
    if (stored.userId) deps.experiments?.logExposure({ userId: stored.userId, experiments: variants.experiments, items: stored.tracks.map((track, position) => ({ id: track.trackId, position })) });
    return variants.experiments;
  };

  return {
    create(state, input, origin) {
      return idempotent('create', origin, input, async (idempotency) => {
        const { signal } = origin;
        const variants = variantsFor(input.userId, origin);
        const planResult = await state.planner.plan({ prompt: input.prompt, ...(input.length !== undefined ? { trackCount: input.length } : {}), ...(signal ? { signal } : {}) });
        const fulfilment = fulfilPlan(state.engine, planResult.plan, fulfilOptions(state, variants, input.userId, signal, input.prompt, planResult));
        observe('create', planResult, fulfilment);
        const stored = record(state, { playlistId: newId(), version: 1, parentVersion: null, prompt: input.prompt, userId: input.userId }, planResult, fulfilment);
        // Persisted (fsync) before the answer: a 201 means a restart keeps it.
        await store.appendVersion(stored, idempotency);
        return { version: stored, costs: fulfilment.costs, replayed: false, experiments: exposed(variants, stored) };
      });
    },

    refine(state, playlistId, input, origin) {
      return idempotent('refine', origin, { playlistId, ...input }, async (idempotency) => {
        const base = await findVersion(playlistId, input.version);
        const { signal } = origin;
        const planResult = await state.planner.refine({ plan: base.plan, instruction: input.prompt, ...(signal ? { signal } : {}) });
        const userId = base.userId ?? undefined;
        const variants = variantsFor(userId, origin);
        // the base version's prompt too: its unread words ("trip-hop") still describe the playlist
        const fulfilled = fulfilPlan(state.engine, planResult.plan, fulfilOptions(state, variants, userId, signal, `${base.prompt} ${input.prompt}`, planResult));
        // the offline planner read nothing it could change ("more zzqx"): say so, not a silent new version
        const fulfilment = planResult.changes !== undefined && planResult.changes.length === 0 ? withUnreadRefinement(fulfilled, input.prompt) : fulfilled;
        observe('refine', planResult, fulfilment);
        const stored = await withLock(playlistId, async () => {
          const latest = store.versionNumbers(playlistId).at(-1)!;
          const next = record(state, { playlistId, version: latest + 1, parentVersion: base.version, prompt: input.prompt, userId }, planResult, fulfilment);
          // The store refuses past the per-playlist cap (VERSION_LIMIT_REACHED → 409).
          await store.appendVersion(next, idempotency);
          return next;
        });
        return { version: stored, costs: fulfilment.costs, replayed: false, experiments: exposed(variants, stored) };
      });
    },

    async get(playlistId, version) {
      const found = await findVersion(playlistId, version);
      return { version: found, versions: store.versionNumbers(playlistId) };
    },

    async feedback(playlistId, input) {
      const target = await findVersion(playlistId, input.version);
      if (input.trackId !== undefined && !target.trackIds.includes(input.trackId)) {
        throw new PlaylistError(`Track ${input.trackId} is not in version ${target.version} of playlist ${playlistId}`, 'TRACK_NOT_IN_PLAYLIST', {
          issues: [{ path: 'body.trackId', message: `expected one of the ${target.trackIds.length} track ids of version ${target.version}` }],
        });
      }
      if (input.signal === 'move' && (input.trackId === undefined || input.position === undefined || input.position >= target.trackIds.length)) {
        throw new PlaylistError(`A move needs trackId and a position in 0..${target.trackIds.length - 1} (version ${target.version} has ${target.trackIds.length} tracks)`, 'INVALID_MOVE', {
          issues: [{ path: input.trackId === undefined ? 'body.trackId' : 'body.position', message: `expected ${input.trackId === undefined ? 'the id of the track moved' : `a position in 0..${target.trackIds.length - 1}`}` }],
        });
      }
      const feedback: FeedbackRecord = {
        playlistId,
        version: target.version,
        ...(input.trackId !== undefined ? { trackId: input.trackId } : {}),
        signal: input.signal,
        ...(input.signal === 'move' ? { position: input.position! } : {}),
        userId: input.userId ?? target.userId ?? null,
        createdAt: now(),
      };
      const result = await store.appendFeedback(feedback);
      if (result.stored) feedbackCount.inc({ signal: feedback.signal });
      else duplicateFeedback.inc();
      return { record: result.record, duplicate: !result.stored };
    },

    exportPage(options) {
      const page = store.playlistPage({
        limit: options.limit,
        ...(options.cursor !== undefined ? { cursor: options.cursor } : {}),
        ...(options.userId !== undefined ? { userId: options.userId } : {}),
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.until !== undefined ? { until: options.until } : {}),
      });
      async function* pairs(): AsyncGenerator<DpoPair[]> {
        for (const playlistId of page.playlistIds) {
          // One playlist's versions at a time: memory stays at one page's worth of one playlist.
          const versions = await store.readVersions(playlistId);
          const describe = new Map<string, string>();
          for (const version of versions) for (const track of version.tracks) describe.set(track.trackId, `${track.title} — ${track.artists.join(', ')}`);
          yield buildPreferencePairs(versions, store.feedback(playlistId), {
            describeTrack: (trackId) => describe.get(trackId) ?? trackId,
            ...(options.kinds ? { kinds: options.kinds } : {}),
          });
        }
      }
      return { page, pairs };
    },
  };
}
