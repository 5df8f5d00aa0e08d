import type { SearchEngine, UserAffinity } from '@mixtape/search-index';
import type { ExperimentRuntime } from '@mixtape/experiments';
import { createServiceApp, mapErrorCodes } from '@mixtape/service-kit';
import type { ServiceContext } from '@mixtape/service-kit';
import type { Express } from 'express';
import type { SearchExperimentParams } from './experiments';
import { createRoutes } from './routes';

/**
 * Everything the search service's handlers need, built in main.ts (or by a test).
 * Domain dependencies (catalog store, vector index, ranker…) are added here as they arrive.
 */
export interface SearchDeps {
  /** Config, logger, metrics and readiness shared with the lifecycle. */
  context: ServiceContext;
  /**
   * The engine of the bundle currently loaded, read on every request (a getter, because a new
   * bundle swaps the instance). While it returns undefined, /v1/search and /v1/suggest answer 503 NOT_READY.
   */
  engine: () => SearchEngine | undefined;
  /** A user's top artists and genres for `userId` (e.g. affinityFromHistory over the bundle's interactions); absent = no personalization. */
  affinity?: (userId: string) => UserAffinity | undefined;
  /** Experiments on the search surface: fusion weights per variant, exposures of result pages (absent: none). */
  experiments?: ExperimentRuntime<SearchExperimentParams>;
}

/** Domain error codes → HTTP (ADR 0002): a targeting attributes header that does not parse is a 400. */
export const mapSearchError = mapErrorCodes({ INVALID_ATTRIBUTES: { status: 400, code: 'INVALID_INPUT' } });

/** The search HTTP app: service-kit middleware, health endpoints and the routes. Does not listen. */
export function createApp(deps: SearchDeps): Express {
  return createServiceApp({ context: deps.context, routes: createRoutes(deps), mapError: mapSearchError });
}
