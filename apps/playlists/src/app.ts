import { createServiceApp } from '@mixtape/service-kit';
import type { ServiceContext } from '@mixtape/service-kit';
import type { Express } from 'express';
import { createRoutes } from './routes';
import type { PlaylistServingState } from './serving';
import type { PlaylistStore } from './store';

/** Everything the playlists service's handlers need, built in main.ts (or by a test). */
export interface PlaylistsDeps {
  /** Config, logger, metrics and readiness shared with the lifecycle. */
  context: ServiceContext;
  /**
   * The loaded bundle's engine, lexicon and planner; a getter because bundles swap live.
   * undefined until the first bundle is loaded: `/v1/playlists*` then answers 503 NOT_READY.
   */
  serving: () => PlaylistServingState | undefined;
  /** where playlist versions and feedback persist (written before each response) */
  store: PlaylistStore;
  /** tests: clock (epoch ms) and playlist id generator */
  now?: () => number;
  newId?: () => string;
}

/** The playlists HTTP app: service-kit middleware, health endpoints and the routes. Does not listen. */
export function createApp(deps: PlaylistsDeps): Express {
  return createServiceApp({ context: deps.context, routes: createRoutes(deps) });
}
