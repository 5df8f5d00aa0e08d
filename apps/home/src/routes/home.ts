import { DAYPARTS, HomeRequestError, SHELF_TYPES } from '@mixtape/ranking';
import type { HomeStageCosts } from '@mixtape/ranking';
import { INTERACTION_TYPES } from '@mixtape/catalog';
import { InputError, NotFoundError, NotReadyError, parseInput, requireApiKey } from '@mixtape/service-kit';
import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import type { HomeDeps, HomeServing } from '../app';

const list = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean));

function homeQuerySchema(maxItems: number) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(maxItems).default(Math.min(10, maxItems)),
    shelves: list.pipe(z.array(z.enum(SHELF_TYPES))).optional(),
    daypart: z.enum(DAYPARTS).optional(),
    seedGenres: list.pipe(z.array(z.string().min(1).max(200)).max(20)).optional(),
    seedArtists: list.pipe(z.array(z.string().min(1).max(200)).max(20)).optional(),
    explicit: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  });
}

const userIdSchema = z.string().min(1).max(200);

const timestampSchema = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((value) => Date.parse(value)),
]);

export const eventsBodySchema = z.object({
  events: z
    .array(
      z.object({
        userId: userIdSchema,
        trackId: z.string().min(1).max(200),
        type: z.enum(INTERACTION_TYPES),
        timestamp: timestampSchema.optional(),
        msPlayed: z.number().int().nonnegative().max(86_400_000).optional(),
        shelf: z.string().min(1).max(200).optional(),
      }),
    )
    .min(1)
    .max(1000),
});

export function servingOrThrow(deps: HomeDeps): HomeServing {
  const serving = deps.serving();
  if (!serving) throw new NotReadyError('No bundle is loaded yet; retry shortly', { code: 'NOT_READY' });
  return serving;
}

/** HomeRequestError (a ranking-package error) → the service's error model. */
function toHttpError(error: unknown): unknown {
  if (!(error instanceof HomeRequestError)) return error;
  const details = { field: error.field, ...error.details };
  return error.status === 404 ? new NotFoundError(error.message, { code: 'UNKNOWN_TRACK', details }) : new InputError(error.message, { details });
}

function serverTiming(costs: HomeStageCosts): string {
  return Object.entries(costs)
    .map(([stage, ms]) => `${stage};dur=${ms.toFixed(2)}`)
    .join(', ');
}

/** `GET /v1/users/:userId/home`: shelves of tracks, each item with a reason. */
export function createHomeRouter(deps: HomeDeps): Router {
  const router = express.Router();
  const querySchema = homeQuerySchema(deps.maxItems ?? 50);
  const stageSeconds = deps.context.metrics.histogram({
    name: 'home_stage_duration_seconds',
    help: 'Time per Home page stage (candidates, features, ranking, assembly).',
    labelNames: ['stage'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
  });
  router.get('/v1/users/:userId/home', async (request, response) => {
    const serving = servingOrThrow(deps);
    const userId = parseInput(userIdSchema, request.params.userId, 'path.userId');
    const query = parseInput(querySchema, request.query, 'query');
    try {
      const page = await serving.engine.page({ userId, ...query });
      for (const [stage, ms] of Object.entries(page.costs)) stageSeconds.observe({ stage }, ms / 1000);
      response.setHeader('Server-Timing', serverTiming(page.costs));
      response.json({
        userId,
        bundleVersion: serving.bundleVersion,
        generatedAt: new Date().toISOString(),
        coldStart: page.coldStart,
        daypart: page.daypart,
        shelves: page.shelves,
      });
    } catch (error) {
      throw toHttpError(error);
    }
  });
  return router;
}

/** `POST /v1/events`: listening events update the listener's state and the shelf bandit at once. */
export function createEventsRouter(deps: HomeDeps): Router {
  const router = express.Router();
  router.post('/v1/events', requireApiKey, async (request, response) => {
    const serving = servingOrThrow(deps);
    const body = parseInput(eventsBodySchema, request.body);
    try {
      const result = await serving.engine.recordEvents(body.events);
      response.status(202).json({ ...result, bundleVersion: serving.bundleVersion });
    } catch (error) {
      throw toHttpError(error);
    }
  });
  return router;
}
