import express from 'express';
import type { Router } from 'express';
import type { ServiceContext } from './context';

export interface InfoRouterOptions {
  context: ServiceContext;
  /** the experiment surface this service serves (named in the empty answer) */
  surface: string;
  /** the service's experiment runtime, when experiments are configured */
  experiments?: { describe(): unknown } | undefined;
  /** service-specific fields added to /v1/info (e.g. the loaded index's size) */
  details?: () => Record<string, unknown> | undefined;
}

/**
 * `GET /v1/info`: which service and version answers and whether it is ready (plus `details`);
 * `GET /v1/experiments`: the definitions this service serves and each variant's share of users
 * (the console's Experiments page), or an empty description when none are configured.
 */
export function createInfoRouter(options: InfoRouterOptions): Router {
  const router = express.Router();
  router.get('/v1/info', (_request, response) => {
    const { name, version, readiness } = options.context;
    response.json({ service: name, version, status: readiness.status().state, ...options.details?.() });
  });
  router.get('/v1/experiments', (_request, response) => {
    response.json(options.experiments?.describe() ?? { surface: options.surface, version: 'none', source: 'none', experiments: [] });
  });
  return router;
}
