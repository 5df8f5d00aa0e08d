import { DAYPARTS, SHELF_TYPES, daypartOfHour } from '@mixtape/ranking';
import { INTERACTION_TYPES } from '@mixtape/catalog';
import { EXPERIMENT_ATTRIBUTES_HEADER } from '@mixtape/experiments';
import type { RequestExperiments } from '@mixtape/experiments';
import { getRequestLogger, parseInput, requireApiKey, requireReady } from '@mixtape/service-kit';
import express from 'express';
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { HomeDeps, HomeServing } from '../app';
import type { HomeExperimentParams } from '../experiments';
import { variantServing } from '../experiments';
import { pageBody, pageFor } from '../page-store';
import { PLUS_IN_URL, TIME_ZONE_FORMS, parseTimeZone, plusLostInUrl } from '../time-zone';

const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

function homeQuerySchema(maxItems: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(maxItems).default(Math.min(10, maxItems)),
    shelves: list.pipe(z.array(z.enum(SHELF_TYPES))).optional(),
    daypart: z.enum(DAYPARTS).optional(),
    // the listener's zone: the default daypart and their plays' dayparts in their local time (default UTC)
    tz: z
      .string()
      .transform((value, context) => {
        const zone = parseTimeZone(value);
        if (!zone) context.addIssue({ code: 'custom', message: `expected ${TIME_ZONE_FORMS}, got ${JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value)}${plusLostInUrl(value) ? PLUS_IN_URL : ''}` });
        return zone ?? z.NEVER;
      })
      .optional(),
    seedGenres: list.pipe(z.array(z.string().min(1).max(200)).max(20)).optional(),
    seedArtists: list.pipe(z.array(z.string().min(1).max(200)).max(20)).optional(),
    explicit: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  });
}

const userIdSchema = z.string().min(1).max(200);

/** How far ahead of the server clock an event may be stamped (device clocks drift; year 9999 is not drift). */
export const MAX_EVENT_CLOCK_SKEW_MS = 60 * 60 * 1000;

function timestampSchema(now: () => number) {
  return z
    .union([
      z.number().int().nonnegative(),
      z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
    ], { error: 'expected epoch milliseconds or an ISO 8601 date-time with an offset' })
    .superRefine((timestamp, context) => {
      // epoch seconds read as milliseconds land in January–April 1970: say so rather than record 1970
      if (timestamp >= 1e9 && timestamp < 1e10) {
        context.addIssue({
          code: 'custom',
          message: `${timestamp} as epoch milliseconds is ${new Date(timestamp).toISOString()}; it looks like epoch seconds — send milliseconds (${timestamp * 1000}) or ISO 8601`,
        });
        return;
      }
      const limit = now() + MAX_EVENT_CLOCK_SKEW_MS;
      if (timestamp > limit) {
        context.addIssue({
          code: 'custom',
          message: `${new Date(timestamp).toISOString()} is more than 1 hour ahead of the server clock (${new Date(now()).toISOString()}); send when the event happened, in epoch milliseconds or ISO 8601`,
        });
      }
    });
}

export function eventsBodySchema(now: () => number = Date.now) {
  return z.object({
    events: z
      .array(
        z.object({
          userId: userIdSchema,
          trackId: z.string().min(1).max(200),
          type: z.enum(INTERACTION_TYPES),
          timestamp: timestampSchema(now).optional(),
          msPlayed: z.number().int().nonnegative().max(86_400_000).optional(),
          shelf: z.string().min(1).max(200).optional(),
          /** where the play started (home, search, playlists…; default home): experiments count a surface's own plays */
          surface: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a surface name such as home, search or playlists').optional(),
        }),
      )
      .min(1)
      .max(1000),
  });
}

/** Requests that need the loaded bundle pass this gate (503 NOT_READY until one is loaded). */
export function servingGate(deps: HomeDeps) {
  return requireReady<HomeServing>(deps.serving, { notReadyMessage: 'No bundle is loaded yet' });
}

/** The listener's experiments (none without a runtime); attributes come from the EXPERIMENT_ATTRIBUTES_HEADER. */
function experimentsFor(deps: HomeDeps, userId: string, attributes: string | undefined): RequestExperiments<HomeExperimentParams> {
  return deps.experiments?.forRequest(userId, attributes ?? '') ?? { assignment: { userId, holdout: false, variants: [] }, params: {}, experiments: [] };
}

function serverTiming(costs: Record<string, number>): string {
  return Object.entries(costs)
    .map(([stage, ms]) => `${stage};dur=${ms.toFixed(2)}`)
    .join(', ');
}

function sendJson(response: Response, body: Buffer): void {
  response.setHeader('Content-Type', 'application/json; charset=utf-8');
  response.setHeader('Content-Length', body.length);
  response.end(body);
}

/** `GET /v1/users/:userId/home`: shelves of tracks, each item with a reason. */
export function createHomeRouter(deps: HomeDeps): Router {
  const router = express.Router();
  const querySchema = homeQuerySchema(deps.maxItems ?? 50);
  const stageSeconds = deps.context.metrics.histogram({
    name: 'home_stage_duration_seconds',
    help: 'Time per Home page stage (candidates, features, ranking, assembly of a computed page; cache: a kept page found; shared: the wait for a concurrent request computing the same page).',
    labelNames: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  });
  const pageCache = deps.context.metrics.counter({
    name: 'home_page_cache_requests_total',
    help: 'Home pages by how they were served: hit (a kept page), miss (computed, then kept when complete), off (computed, no page store), shared (the page a concurrent request was computing for the same key and live events).',
    labelNames: ['result'],
  });
  const store = () => deps.serving()?.pages?.stats();
  deps.context.metrics.gauge({
    name: 'home_page_cache_bytes',
    help: 'Bytes of finished Home pages kept for the bundle serving now (HOME_PAGE_CACHE_MIB caps it).',
    collect() {
      this.set(store()?.bytes ?? 0);
    },
  });
  deps.context.metrics.gauge({
    name: 'home_page_cache_entries',
    help: 'Finished Home pages kept for the bundle serving now.',
    collect() {
      this.set(store()?.entries ?? 0);
    },
  });
  const clock = deps.now ?? Date.now;
  const ready = servingGate(deps);
  router.get('/v1/users/:userId/home', ready, async (request, response) => {
    const serving = ready.state(request);
    const userId = parseInput(userIdSchema, request.params.userId, 'path.userId');
    const { tz, ...query } = parseInput(querySchema, request.query, 'query');
    // The listener's variants: their params pick the engine (ranker, candidate mix, min shelf size)
    // and the shelves shown when the request does not name some — config only, no code path per variant.
    const variants = experimentsFor(deps, userId, request.get(EXPERIMENT_ATTRIBUTES_HEADER));
    const variant = variantServing(serving, variants.params);
    const engine = variant.engine;
    const shelves = query.shelves ?? variant.shelves;
    // the daypart is resolved here, so the page and its key agree at an hour boundary — in the
    // listener's zone when the request names one (`tz`), else UTC
    const at = clock();
    const utcOffsetMinutes = tz ? tz.offsetMinutesAt(at) : 0;
    const daypart = query.daypart ?? daypartOfHour(new Date(at + utcOffsetMinutes * 60_000).getUTCHours());
    const pageRequest = { userId, ...query, daypart, ...(utcOffsetMinutes !== 0 ? { utcOffsetMinutes } : {}), ...(shelves ? { shelves } : {}) };
    // A kept page serves while its inputs are unchanged (ADR 0013): the key holds the engine and the
    // request, the entry the fingerprint of the live events it read. Domain errors (unknown seed
    // genre or artist) carry codes; the app's mapError answers them, and nothing is kept.
    const { page, costs, result } = await pageFor(serving.pages, engine, pageRequest);
    pageCache.inc({ result });
    // the shelf bandit orders the shelves per request (Thompson draws from the listener's feedback)
    const order = await engine.shelfOrder(userId, page.types, deps.random);
    for (const [stage, ms] of Object.entries(costs)) stageSeconds.observe({ stage }, ms / 1000);
    response.setHeader('Server-Timing', serverTiming(costs));
    // written directly: express's json() would also hash the body for an ETag, and a page is
    // never the same twice (generatedAt), so that hash is pure cost on the hottest route
    sendJson(response, pageBody(page, order, { userId, bundleVersion: serving.bundleVersion, generatedAt: new Date().toISOString() }, variants.experiments));
    // What was shown: the exposure (when the listener is in an experiment: the item list is built only then) and the bandit's impressions.
    const shownIds = order.map((shelf) => page.ids[shelf]!);
    if (variants.experiments.length > 0) deps.experiments?.logExposure({
      userId,
      experiments: variants.experiments,
      items: order.flatMap((shelf, shelfPosition) =>
        Array.from(page.tracks.subarray(page.itemOffsets[shelf]!, page.itemOffsets[shelf + 1]!), (track, position) => ({ id: engine.index.store.trackId(track), position, shelf: page.ids[shelf]!, shelfPosition })),
      ),
    });
    await engine.recordImpressions(userId, shownIds).catch((error: unknown) => {
      getRequestLogger(request).warn({ err: error }, 'shelf impressions not recorded (the page was served)');
    });
  });
  return router;
}

/** `POST /v1/events`: listening events update the listener's state and the shelf bandit at once. */
export function createEventsRouter(deps: HomeDeps): Router {
  const router = express.Router();
  const ready = servingGate(deps);
  const bodySchema = eventsBodySchema(deps.now);
  router.post('/v1/events', requireApiKey, ready, async (request, response) => {
    const serving = ready.state(request);
    const body = parseInput(bodySchema, request.body);
    // Unknown tracks/shelves (HomeRequestError) and an unreachable Redis (RedisStateError) carry
    // codes that the app's mapError turns into 404/400/503.
    const result = await serving.engine.recordEvents(body.events);
    // Every accepted event joins the experiment log, with the listener's assignments (never fails the request).
    const received = (deps.now ?? Date.now)();
    deps.experiments?.logEvents(
      body.events.map(({ userId, trackId, type, timestamp, msPlayed, shelf, surface }) => ({
        time: new Date(timestamp ?? received).toISOString(),
        userId,
        trackId,
        type,
        ...(msPlayed !== undefined ? { msPlayed } : {}),
        ...(shelf !== undefined ? { shelf } : {}),
        ...(surface !== undefined ? { surface } : {}),
      })),
    );
    response.status(202).json({ ...result, bundleVersion: serving.bundleVersion });
  });
  return router;
}
