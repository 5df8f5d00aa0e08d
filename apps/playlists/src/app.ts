import { createServiceApp, mapErrorCodes } from '@mixtape/service-kit';
import type { ServiceContext } from '@mixtape/service-kit';
import type { ExperimentRuntime } from '@mixtape/experiments';
import type { Express } from 'express';
import type { PlaylistsExperimentParams } from './experiments';
import { createPlaylistService } from './playlist-service';
import { createRoutes } from './routes';
import type { PlaylistServingState } from './serving';
import type { PlaylistStore } from './store';

/** Everything the playlists service's handlers need, built in main.ts (or by a test). */
export interface PlaylistsDeps {
  /** Config, logger, metrics and readiness shared with the lifecycle. */
  context: ServiceContext;
  /**
   * The loaded bundle's engine, lexicon and planner; a getter because bundles swap live.
   * undefined until the first bundle is loaded: creates and refinements then answer 503 NOT_READY.
   */
  serving: () => PlaylistServingState | undefined;
  /** where playlist versions and feedback persist (written before each response) */
  store: PlaylistStore;
  /** tests: clock (epoch ms) and playlist id generator */
  now?: () => number;
  newId?: () => string;
  /** Experiments on the playlists surface: fulfilment settings per variant, exposure log (absent: none). */
  experiments?: ExperimentRuntime<PlaylistsExperimentParams>;
}

/**
 * Domain and store error codes → HTTP (ADR 0002). Codes that shipped keep their statuses
 * (PLAYLIST_NOT_FOUND / VERSION_NOT_FOUND 404, TRACK_NOT_IN_PLAYLIST 400).
 */
export const mapPlaylistsError = mapErrorCodes({
  PLAYLIST_NOT_FOUND: 404,
  VERSION_NOT_FOUND: 404,
  TRACK_NOT_IN_PLAYLIST: 400,
  INVALID_MOVE: { status: 400, code: 'INVALID_INPUT' },
  CURSOR_INVALID: 400,
  IDEMPOTENCY_KEY_REUSED: 409,
  VERSION_LIMIT_REACHED: 409,
  // Two writers numbered the same version (the per-playlist lock makes this a bug, not a client error).
  VERSION_CONFLICT: 500,
  STORE_IO: 500,
  STORE_CLOSED: 503,
  // a targeting attributes header that does not parse
  INVALID_ATTRIBUTES: { status: 400, code: 'INVALID_INPUT' },
});

/** The playlists HTTP app: service-kit middleware, health endpoints and the routes. Does not listen. */
export function createApp(deps: PlaylistsDeps): Express {
  const service = createPlaylistService({
    store: deps.store,
    metrics: deps.context.metrics,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.newId ? { newId: deps.newId } : {}),
    ...(deps.experiments ? { experiments: deps.experiments } : {}),
  });
  return createServiceApp({ context: deps.context, routes: createRoutes(deps, service), mapError: mapPlaylistsError });
}
