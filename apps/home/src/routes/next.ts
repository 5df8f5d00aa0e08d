import { InputError, NotFoundError, NotReadyError, parseInput } from '@mixtape/service-kit';
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { CatalogStore } from '@mixtape/catalog';
import express from 'express';
import type { Router } from 'express';
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

function describeTrack(store: CatalogStore, track: number) {
  return { trackId: store.trackId(track), title: store.trackTitle(track), artists: Array.from(store.artistsOfTrack(track), (artist) => store.artistName(artist)) };
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
    const session = live.filter((event) => event.timestamp >= since && event.type !== INTERACTION_TYPE_CODE.skip);
    const result = await upNext.recommender.recommend({
      history,
      k: query.limit,
      exclude: session.map((event) => event.track),
      accept: query.explicit === false ? notExplicit(store) : undefined,
    });
    response.setHeader('Server-Timing', `model;dur=${(performance.now() - started).toFixed(2)}`);
    response.json({
      userId,
      bundleVersion: serving.bundleVersion,
      generatedAt: new Date().toISOString(),
      continuesFrom: describeTrack(store, history[history.length - 1]!),
      session: { events: session.length, windowMinutes: SESSION_WINDOW_MS / 60_000 },
      items: Array.from(result.tracks, (track, i) => ({ ...describeTrack(store, track), score: result.scores[i]! })),
    });
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
    response.setHeader('Server-Timing', `model;dur=${(performance.now() - started).toFixed(2)}`);
    response.json({
      seed: describeTrack(store, seed),
      bundleVersion: serving.bundleVersion,
      generatedAt: new Date().toISOString(),
      items: Array.from(station.tracks, (track, i) => ({ ...describeTrack(store, track), score: station.scores[i]! })),
    });
  });
  return router;
}
