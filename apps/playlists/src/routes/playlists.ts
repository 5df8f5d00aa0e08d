// Thin handlers: parse (zod) → the playlist service → respond. What a playlist is, how versions
// are numbered, capped and deduplicated lives in ../playlist-service.ts.
import { pickDefined } from '@mixtape/base';
import { once } from 'node:events';
import { EXPERIMENT_ATTRIBUTES_HEADER } from '@mixtape/experiments';
import type { Fulfilment } from '@mixtape/ranking';
import { FEEDBACK_SIGNALS, MAX_TRACK_COUNT } from '@mixtape/llm';
import { getRequestContext, parseInput, requireApiKey, requireExportKey, requireReady } from '@mixtape/service-kit';
import express from 'express';
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import type { PlaylistsDeps } from '../app';
import type { PlaylistService, WriteOrigin } from '../playlist-service';
import { promptSchema } from '../prompt';
import type { PlaylistServingState } from '../serving';
import type { StoredPlaylistVersion } from '../store';

const idText = z.string().trim().min(1).max(200);

const CreateBody = z.object({
  prompt: promptSchema,
  userId: idText.optional(),
  length: z.number().int().min(1).max(MAX_TRACK_COUNT).optional(),
});
const RefineBody = z.object({ prompt: promptSchema, version: z.number().int().min(1).optional() });
const FeedbackBody = z.object({
  trackId: idText.optional(),
  signal: z.enum(FEEDBACK_SIGNALS, { message: `expected one of ${FEEDBACK_SIGNALS.join(', ')}` }),
  /** move: the track's new place in the version's order (0-based) */
  position: z.number().int().min(0).max(MAX_TRACK_COUNT - 1).optional(),
  version: z.number().int().min(1).optional(),
  userId: idText.optional(),
});
const VersionQuery = z.object({ version: z.coerce.number().int().min(1).optional() });

/** Playlists per export page unless `limit` says otherwise, and the most a page may hold. */
export const EXPORT_PAGE_DEFAULT = 200;
export const EXPORT_PAGE_MAX = 1000;

const instant = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((value) => Date.parse(value))], {
  error: 'expected epoch milliseconds or an ISO 8601 date-time with an offset',
});

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
  limit: z.coerce.number().int().min(1).max(EXPORT_PAGE_MAX, `at most ${EXPORT_PAGE_MAX} playlists per page`).default(EXPORT_PAGE_DEFAULT),
  cursor: z.string().min(1).max(64).optional(),
  userId: idText.optional(),
  since: instant.optional(),
  until: instant.optional(),
});

// Printable ASCII without spaces, as most clients generate them (UUIDs, ULIDs, hashes).
const IdempotencyKey = z.string().regex(/^[\x21-\x7e]{1,200}$/, 'expected 1 to 200 printable ASCII characters without spaces, e.g. a UUID');

/** The JSON a client gets for a playlist version. */
function presentVersion(stored: StoredPlaylistVersion, extra: { costs?: Fulfilment['costs'] } = {}) {
  return {
    id: stored.playlistId,
    version: stored.version,
    parentVersion: stored.parentVersion,
    title: stored.title,
    description: stored.description,
    prompt: stored.prompt,
    planner: stored.planner,
    ...pickDefined(stored, ['fallbackReason', 'changes', 'relaxed', 'unresolved', 'unfulfilled']),
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

function writeOrigin(request: Request): WriteOrigin {
  const { principal, signal } = getRequestContext(request);
  const header = request.get('idempotency-key');
  const idempotencyKey = header === undefined ? undefined : parseInput(IdempotencyKey, header, 'header.Idempotency-Key');
  const attributes = request.get(EXPERIMENT_ATTRIBUTES_HEADER);
  return { principal, signal, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}), ...(attributes !== undefined ? { attributes } : {}) };
}

/** Writes with backpressure; stops when the client went away. */
async function writeChunk(response: Response, chunk: string, signal: AbortSignal): Promise<void> {
  if (response.write(chunk)) return;
  await once(response, 'drain', { signal });
}

/** `POST/GET /v1/playlists…` and `GET /v1/preferences/export`. */
export function createPlaylistsRouter(deps: PlaylistsDeps, service: PlaylistService): Router {
  const router = express.Router();
  const ready = requireReady<PlaylistServingState>(deps.serving, { notReadyMessage: 'No catalog bundle is loaded yet' });

  router.post('/v1/playlists', requireApiKey, ready, async (request, response) => {
    const body = parseInput(CreateBody, request.body);
    const result = await service.create(ready.state(request), body, writeOrigin(request));
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    response
      .status(201)
      .location(`/v1/playlists/${result.version.playlistId}`)
      .json({ ...presentVersion(result.version, result.costs ? { costs: result.costs } : {}), experiments: result.experiments ?? [] });
  });

  router.post('/v1/playlists/:id/refine', requireApiKey, ready, async (request, response) => {
    const body = parseInput(RefineBody, request.body);
    const result = await service.refine(ready.state(request), String(request.params.id), body, writeOrigin(request));
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    response.status(201).json({ ...presentVersion(result.version, result.costs ? { costs: result.costs } : {}), experiments: result.experiments ?? [] });
  });

  router.get('/v1/playlists/:id', async (request, response) => {
    const query = parseInput(VersionQuery, request.query, 'query');
    const { version, versions } = await service.get(String(request.params.id), query.version);
    response.json({ ...presentVersion(version), versions });
  });

  router.post('/v1/playlists/:id/feedback', requireApiKey, async (request, response) => {
    const body = parseInput(FeedbackBody, request.body);
    const { record, duplicate } = await service.feedback(String(request.params.id), body);
    // A repeat of stored feedback is acknowledged (200) without a second record.
    response.status(duplicate ? 200 : 201).json({
      accepted: true,
      duplicate,
      feedback: { ...record, trackId: record.trackId ?? null, createdAt: new Date(record.createdAt).toISOString() },
    });
  });

  router.get('/v1/preferences/export', requireExportKey, async (request, response) => {
    const query = parseInput(ExportQuery, request.query, 'query');
    const { signal } = getRequestContext(request);
    const { page, pairs } = service.exportPage({
      limit: query.limit,
      ...(query.kinds ? { kinds: query.kinds } : {}),
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      ...(query.userId !== undefined ? { userId: query.userId } : {}),
      ...(query.since !== undefined ? { since: query.since } : {}),
      ...(query.until !== undefined ? { until: query.until } : {}),
    });
    response.status(200).type('application/x-ndjson; charset=utf-8').set('content-disposition', 'attachment; filename="preferences.dpo.jsonl"');
    response.set('x-playlist-count', String(page.playlistIds.length));
    if (page.nextCursor !== undefined) {
      const next = new URLSearchParams({ ...(request.query as Record<string, string>), cursor: page.nextCursor });
      response.set('x-next-cursor', page.nextCursor).set('link', `</v1/preferences/export?${next}>; rel="next"`);
    }
    // The pair count is known only at the end: an HTTP trailer (the lines can also be counted).
    response.set('trailer', 'x-pair-count');
    let count = 0;
    for await (const batch of pairs()) {
      if (signal.aborted) break;
      if (batch.length === 0) continue;
      count += batch.length;
      await writeChunk(response, batch.map((pair) => `${JSON.stringify(pair)}\n`).join(''), signal);
    }
    response.addTrailers({ 'x-pair-count': String(count) });
    response.end();
  });

  return router;
}
