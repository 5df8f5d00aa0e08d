import { randomBytes } from 'node:crypto';
import type { FeedbackRecord, PlanResult } from '@mixtape/llm';
import { buildPreferencePairs, FEEDBACK_SIGNALS, MAX_PROMPT_CHARACTERS, MAX_TRACK_COUNT, toJsonLines } from '@mixtape/llm';
import type { Fulfilment } from '@mixtape/ranking';
import { fulfilPlan } from '@mixtape/ranking';
import { getRequestContext, InputError, NotFoundError, NotReadyError, parseInput, requireApiKey } from '@mixtape/service-kit';
import express from 'express';
import type { Request, Router } from 'express';
import { z } from 'zod';
import type { PlaylistsDeps } from '../app';
import type { PlaylistServingState } from '../serving';
import type { StoredPlaylistVersion } from '../store';

const promptText = z.string().trim().min(1, 'must not be empty').max(MAX_PROMPT_CHARACTERS, `must be at most ${MAX_PROMPT_CHARACTERS} characters`);
const idText = z.string().trim().min(1).max(200);

const CreateBody = z.object({
  prompt: promptText,
  userId: idText.optional(),
  length: z.number().int().min(1).max(MAX_TRACK_COUNT).optional(),
});
const RefineBody = z.object({ prompt: promptText, version: z.number().int().min(1).optional() });
const FeedbackBody = z.object({
  trackId: idText.optional(),
  signal: z.enum(FEEDBACK_SIGNALS, { message: `expected one of ${FEEDBACK_SIGNALS.join(', ')}` }),
  version: z.number().int().min(1).optional(),
  userId: idText.optional(),
});
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });
const ExportQuery = z.object({
  format: z.literal('dpo', { message: 'expected format=dpo' }).default('dpo'),
  kinds: z
    .string()
    .optional()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      const kinds = value.split(',').map((kind) => kind.trim()).filter(Boolean);
      for (const kind of kinds) {
        if (kind !== 'plan' && kind !== 'track') {
          context.addIssue({ code: 'custom', message: `unknown kind "${kind}"; expected plan, track or plan,track` });
          return z.NEVER;
        }
      }
      return kinds as ('plan' | 'track')[];
    }),
});

/** The JSON a client gets for a playlist version. */
function presentVersion(stored: StoredPlaylistVersion, extra: { costs?: Fulfilment['costs']; planResult?: PlanResult } = {}) {
  return {
    id: stored.playlistId,
    version: stored.version,
    parentVersion: stored.parentVersion,
    title: stored.title,
    description: stored.description,
    prompt: stored.prompt,
    planner: stored.planner,
    ...(stored.fallbackReason !== undefined ? { fallbackReason: stored.fallbackReason } : {}),
    ...(stored.changes !== undefined ? { changes: stored.changes } : {}),
    ...(stored.relaxed !== undefined ? { relaxed: stored.relaxed } : {}),
    ...(stored.unresolved !== undefined ? { unresolved: stored.unresolved } : {}),
    ...(stored.unfulfilled !== undefined ? { unfulfilled: stored.unfulfilled } : {}),
    plan: stored.plan,
    tracks: stored.tracks,
    userId: stored.userId ?? null,
    bundleVersion: stored.bundleVersion,
    createdAt: new Date(stored.createdAt).toISOString(),
    ...(extra.costs ? { costs: roundCosts(extra.costs) } : {}),
  };
}

function roundCosts(costs: Fulfilment['costs']): Record<string, number> {
  return Object.fromEntries(Object.entries(costs).map(([stage, ms]) => [stage, Math.round(ms * 100) / 100]));
}

/** `POST/GET /v1/playlists…` and `GET /v1/preferences/export`. */
export function createPlaylistsRouter(deps: PlaylistsDeps): Router {
  const router = express.Router();
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? (() => `pl_${randomBytes(9).toString('base64url')}`);
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

  const plans = deps.context.metrics.counter({
    name: 'playlists_plans_total',
    help: 'Plans produced, by planner (offline, llm:<model>, offline-fallback) and kind (create, refine).',
    labelNames: ['planner', 'kind'],
  });
  const stageSeconds = deps.context.metrics.histogram({
    name: 'playlists_fulfilment_stage_seconds',
    help: 'Time per fulfilment stage (resolve, candidates, scoring, sequencing, notes, total).',
    labelNames: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  });
  const feedbackCount = deps.context.metrics.counter({ name: 'playlists_feedback_total', help: 'Feedback records stored, by signal.', labelNames: ['signal'] });
  const observe = (kind: 'create' | 'refine', planResult: PlanResult, fulfilment: Fulfilment): void => {
    plans.inc({ planner: planResult.planner, kind });
    for (const [stage, ms] of Object.entries(fulfilment.costs)) stageSeconds.observe({ stage }, ms / 1000);
  };

  const serving = (): PlaylistServingState => {
    const state = deps.serving();
    if (!state) throw new NotReadyError('No catalog bundle is loaded yet; retry shortly');
    return state;
  };

  const findVersions = (id: string): readonly StoredPlaylistVersion[] => {
    const versions = deps.store.versions(id);
    if (versions.length === 0) throw new NotFoundError(`Playlist ${id} not found`, { code: 'PLAYLIST_NOT_FOUND' });
    return versions;
  };
  const pickVersion = (id: string, versions: readonly StoredPlaylistVersion[], version: number | undefined): StoredPlaylistVersion => {
    if (version === undefined) return versions.at(-1)!;
    const found = versions.find((candidate) => candidate.version === version);
    if (!found) {
      throw new NotFoundError(`Playlist ${id} has no version ${version} (latest is ${versions.at(-1)!.version})`, { code: 'VERSION_NOT_FOUND' });
    }
    return found;
  };

  const fulfil = (state: PlaylistServingState, planResult: PlanResult, userId: string | undefined, request: Request): Fulfilment => {
    const { signal } = getRequestContext(request);
    return fulfilPlan(state.engine, planResult.plan, { ...(userId !== undefined ? { userId } : {}), signal });
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

  router.post('/v1/playlists', async (request, response) => {
    const body = parseInput(CreateBody, request.body);
    const state = serving();
    const { signal } = getRequestContext(request);
    const planResult = await state.planner.plan({ prompt: body.prompt, ...(body.length !== undefined ? { trackCount: body.length } : {}), signal });
    const fulfilment = fulfil(state, planResult, body.userId, request);
    observe('create', planResult, fulfilment);
    const stored = record(state, { playlistId: newId(), version: 1, parentVersion: null, prompt: body.prompt, userId: body.userId }, planResult, fulfilment);
    // Persisted (fsync) before the answer: a 201 means a restart keeps it.
    await deps.store.appendVersion(stored);
    response.status(201).location(`/v1/playlists/${stored.playlistId}`).json(presentVersion(stored, { costs: fulfilment.costs }));
  });

  router.post('/v1/playlists/:id/refine', async (request, response) => {
    const id = String(request.params.id);
    const body = parseInput(RefineBody, request.body);
    const state = serving();
    const base = pickVersion(id, findVersions(id), body.version);
    const { signal } = getRequestContext(request);
    const planResult = await state.planner.refine({ plan: base.plan, instruction: body.prompt, signal });
    const userId = base.userId ?? undefined;
    const fulfilment = fulfil(state, planResult, userId, request);
    observe('refine', planResult, fulfilment);
    const stored = await withLock(id, async () => {
      const latest = deps.store.versions(id).at(-1)!;
      const next = record(state, { playlistId: id, version: latest.version + 1, parentVersion: base.version, prompt: body.prompt, userId }, planResult, fulfilment);
      await deps.store.appendVersion(next);
      return next;
    });
    response.status(201).json(presentVersion(stored, { costs: fulfilment.costs }));
  });

  router.get('/v1/playlists/:id', (request, response) => {
    const id = String(request.params.id);
    const query = parseInput(VersionQuery, request.query, 'query');
    const versions = findVersions(id);
    const stored = pickVersion(id, versions, query.version);
    response.json({ ...presentVersion(stored), versions: versions.map((version) => version.version) });
  });

  router.post('/v1/playlists/:id/feedback', requireApiKey, async (request, response) => {
    const id = String(request.params.id);
    const body = parseInput(FeedbackBody, request.body);
    const target = pickVersion(id, findVersions(id), body.version);
    if (body.trackId !== undefined && !target.trackIds.includes(body.trackId)) {
      throw new InputError(`Track ${body.trackId} is not in version ${target.version} of playlist ${id}`, {
        code: 'TRACK_NOT_IN_PLAYLIST',
        details: { issues: [{ path: 'body.trackId', message: `expected one of the ${target.trackIds.length} track ids of version ${target.version}` }] },
      });
    }
    const feedback: FeedbackRecord = {
      playlistId: id,
      version: target.version,
      ...(body.trackId !== undefined ? { trackId: body.trackId } : {}),
      signal: body.signal,
      userId: body.userId ?? target.userId ?? null,
      createdAt: now(),
    };
    await deps.store.appendFeedback(feedback);
    feedbackCount.inc({ signal: feedback.signal });
    response.status(201).json({ accepted: true, feedback: { ...feedback, trackId: feedback.trackId ?? null, createdAt: new Date(feedback.createdAt).toISOString() } });
  });

  router.get('/v1/preferences/export', requireApiKey, (request, response) => {
    const query = parseInput(ExportQuery, request.query, 'query');
    const describe = new Map<string, string>();
    for (const version of deps.store.allVersions()) {
      for (const track of version.tracks) describe.set(track.trackId, `${track.title} — ${track.artists.join(', ')}`);
    }
    const pairs = buildPreferencePairs(deps.store.allVersions(), deps.store.allFeedback(), {
      describeTrack: (trackId) => describe.get(trackId) ?? trackId,
      ...(query.kinds ? { kinds: query.kinds } : {}),
    });
    response
      .status(200)
      .type('application/x-ndjson; charset=utf-8')
      .set('content-disposition', 'attachment; filename="preferences.dpo.jsonl"')
      .set('x-pair-count', String(pairs.length))
      .send(toJsonLines(pairs));
  });

  return router;
}
