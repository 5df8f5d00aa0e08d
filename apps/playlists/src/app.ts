import { createServiceApp } from '@mixtape/service-kit';
import type { ServiceContext } from '@mixtape/service-kit';
import type { Express } from 'express';
import { createRoutes } from './routes';

/**
 * Everything the playlists service's handlers need, built in main.ts (or by a test).
 * Domain dependencies (catalog store, vector index, ranker…) are added here as they arrive.
 */
export interface PlaylistsDeps {
  /** Config, logger, metrics and readiness shared with the lifecycle. */
  context: ServiceContext;
}

/** The playlists HTTP app: service-kit middleware, health endpoints and the routes. Does not listen. */
export function createApp(deps: PlaylistsDeps): Express {
  return createServiceApp({ context: deps.context, routes: createRoutes(deps) });
}
