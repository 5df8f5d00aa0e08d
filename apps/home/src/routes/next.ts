import { InputError, NotFoundError, NotReadyError, parseInput } from '@mixtape/service-kit';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { CatalogStore } from '@mixtape/catalog';
import express from 'express';
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { HomeDeps, HomeServing } from '../app';
import { upNextAbsence } from '../up-next';
import type { UpNextServing } from '../up-next';
import { servingGate } from './home';

/** Live events this recent are the current session: Up next never repeats them. */
const SESSION_WINDOW_MS = 30 * 60 * 1000;

function querySchema(maxItems: number) {
  return {
    next: z.object({
      limit: z.coerce.number().int().min(1).max(maxItems).default(Math.min(10, maxItems)),
      explicit: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
    }),
    radio: z.object({
      seedTrackId: z.string().trim().min(1, 'seedTrackId is required: the track the station starts from').max(200),
      limit: z.coerce.number().int().min(1).max(maxItems).default(Math.min(20, maxItems)),
      explicit: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
    }),
  };
}

function upNextOrThrow(serving: HomeServing): UpNextServing {
  if (!serving.upNext) {
    // the bundle's own record of why (the part's reason, or --only), not a list of possible ones:
    // rebuilding helps only in some cases, and the reason says which
    const absence = serving.upNextAbsence ?? upNextAbsence(serving.bundleVersion, undefined);
    throw new NotReadyError(absence.message, { code: 'SEQUENCE_MODEL_UNAVAILABLE', details: { reason: absence.reason } });
  }
  return serving.upNext;
}

/**
 * Each track's JSON object head — `{"trackId":…,"title":…,"artists":[…]` without the closing
 * brace — made on first use and kept per catalog: an answer is these heads joined, byte for byte
 * what JSON.stringify of the objects writes, without an object, array or string per item per request.
 */
const trackHeads = new WeakMap<CatalogStore, (string | undefined)[]>();

function trackHeadsOf(store: CatalogStore): (string | undefined)[] {
  let heads = trackHeads.get(store);
  if (!heads) trackHeads.set(store, (heads = new Array<string | undefined>(store.trackCount)));
  return heads;
}

function trackHead(store: CatalogStore, heads: (string | undefined)[], track: number): string {
  return (heads[track] ??= `{"trackId":${JSON.stringify(store.trackId(track))},"title":${JSON.stringify(store.trackTitle(track))},"artists":${JSON.stringify(Array.from(store.artistsOfTrack(track), (artist) => store.artistName(artist)))}`);
}

/** `[{…track, "score":…}, …]` as JSON.stringify writes it (a non-finite score is null) */
function itemsJson(store: CatalogStore, tracks: Int32Array, scores: Float32Array): string {
  const heads = trackHeadsOf(store);
  let json = '[';
  for (let i = 0; i < tracks.length; i++) {
    const score = scores[i]!;
    json += `${i > 0 ? ',' : ''}${trackHead(store, heads, tracks[i]!)},"score":${Number.isFinite(score) ? String(score) : 'null'}}`;
  }
  return `${json}]`;
}

/** a JSON body with its length (no ETag: every answer carries its own generatedAt) */
function sendJson(response: Response, body: string): void {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

const notExplicit = (store: CatalogStore) => (track: number) => !store.columns.trackExplicit[track];

/**
 * `GET /v1/users/:userId/next` ("Up next": what continues the listener's current session) and
 * `GET /v1/radio?seedTrackId=` (a station from one track), both from the next-track model.
 */
export function createNextRouter(deps: HomeDeps): Router {
  const router = express.Router();
  const schemas = querySchema(deps.maxItems ?? 50);
  const userIdSchema = z.string().min(1).max(200);
  const ready = servingGate(deps);
  // the recommender's own counters (for the bundle serving now): requests per batch, cache hits, refusals
  deps.context.metrics.gauge({
    name: 'home_next_model_work',
    help: "The next-track model's work since the bundle serving now was loaded (Up next, each radio round, Home page calls): requests, batches (requests per batch = requests / batches), refused (queue full), retries (deeper searches), cacheHits (no forward pass), neighbourHits (no FAISS search either).",
    labelNames: ['kind'],
    collect() {
      const stats = deps.serving()?.upNext?.recommender.stats();
      if (!stats) return;
      for (const [kind, value] of Object.entries(stats)) this.set({ kind }, value);
    },
  });

  router.get('/v1/users/:userId/next', ready, async (request, response) => {
    const serving = ready.state(request);
    const userId = parseInput(userIdSchema, request.params.userId, 'path.userId');
    const query = parseInput(schemas.next, request.query, 'query');
    const upNext = upNextOrThrow(serving);
    const store = serving.engine.index.store;
    const started = performance.now();
    const { history, known, live } = await upNext.historyOf(userId);
    if (history.length === 0) {
      throw new NotFoundError(
        known
          ? `Listener "${userId}" has no plays to continue from (only skips); post plays to /v1/events, or start a station with /v1/radio?seedTrackId=`
          : `Unknown listener "${userId}": not in bundle ${serving.bundleVersion} and no events posted since; post plays to /v1/events, or start a station with /v1/radio?seedTrackId=`,
        { code: 'UNKNOWN_USER', details: { userId } },
      );
    }
    const since = Date.now() - SESSION_WINDOW_MS;
    let exclude: number[] | undefined;
    for (const event of live) {
      if (event.timestamp >= since && event.type !== INTERACTION_TYPE_CODE.skip) (exclude ??= []).push(event.track);
    }
    const modelStarted = performance.now();
    const result = await upNext.recommender.recommend({
      history,
      k: query.limit,
      exclude,
      accept: query.explicit === false ? notExplicit(store) : undefined,
    });
    const bodyStarted = performance.now();
    const heads = trackHeadsOf(store);
    const body =
      `{"userId":${JSON.stringify(userId)},"bundleVersion":${JSON.stringify(serving.bundleVersion)},"generatedAt":"${new Date().toISOString()}",` +
      `"continuesFrom":${trackHead(store, heads, history[history.length - 1]!)}},"session":{"events":${exclude?.length ?? 0},"windowMinutes":${SESSION_WINDOW_MS / 60_000}},` +
      `"items":${itemsJson(store, result.tracks, result.scores)}}`;
    const done = performance.now();
    // history: the listener's plays and live events read; model: the wait for a batch and its compute; body: the JSON
    response.setHeader('Server-Timing', `history;dur=${(modelStarted - started).toFixed(3)}, model;dur=${(bodyStarted - modelStarted).toFixed(3)}, body;dur=${(done - bodyStarted).toFixed(3)}`);
    sendJson(response, body);
  });

  router.get('/v1/radio', ready, async (request, response) => {
    const serving = ready.state(request);
    const query = parseInput(schemas.radio, request.query, 'query');
    const upNext = upNextOrThrow(serving);
    const store = serving.engine.index.store;
    const seed = store.trackIndex(query.seedTrackId);
    if (seed < 0) throw new NotFoundError(`Unknown track "${query.seedTrackId}" (query.seedTrackId) in bundle ${serving.bundleVersion}`, { code: 'UNKNOWN_TRACK', details: { field: 'seedTrackId', trackId: query.seedTrackId } });
    if (query.explicit === false && store.columns.trackExplicit[seed]) {
      throw new InputError(`The seed track "${query.seedTrackId}" is explicit, but explicit=false was asked for`, { details: { field: 'seedTrackId' } });
    }
    // a station moves on: at most max(2, limit / 10) tracks per artist
    const artistCap = Math.max(2, Math.ceil(query.limit / 10));
    const perArtist = new Map<number, number>();
    for (const artist of store.artistsOfTrack(seed)) perArtist.set(artist, 1);
    const explicitOk = query.explicit === false ? notExplicit(store) : () => true;
    const started = performance.now();
    const station = await upNext.recommender.station([seed], query.limit, {
      accept: (track) => {
        if (!explicitOk(track)) return false;
        const artists = store.artistsOfTrack(track);
        for (const artist of artists) if ((perArtist.get(artist) ?? 0) >= artistCap) return false;
        for (const artist of artists) perArtist.set(artist, (perArtist.get(artist) ?? 0) + 1);
        return true;
      },
    });
    const bodyStarted = performance.now();
    const body =
      `{"seed":${trackHead(store, trackHeadsOf(store), seed)}},"bundleVersion":${JSON.stringify(serving.bundleVersion)},"generatedAt":"${new Date().toISOString()}",` +
      `"items":${itemsJson(store, station.tracks, station.scores)}}`;
    response.setHeader('Server-Timing', `model;dur=${(bodyStarted - started).toFixed(3)}, body;dur=${(performance.now() - bodyStarted).toFixed(3)}`);
    sendJson(response, body);
  });
  return router;
}
