import express from 'express';
import type { Router } from 'express';
import type { SearchDeps } from '../app';

/** `GET /v1/info`: which service and version answers, whether it is ready, and the loaded index's size. */
export function createInfoRouter(deps: SearchDeps): Router {
  const router = express.Router();
  router.get('/v1/info', (_request, response) => {
    const { name, version, readiness } = deps.context;
    const engine = deps.engine();
    response.json({ service: name, version, status: readiness.status().state, ...(engine ? { index: engine.info() } : {}) });
  });
  /** `GET /v1/experiments`: the definitions this service serves, each variant's share of users (the console's Experiments page). */
  router.get('/v1/experiments', (_request, response) => {
    response.json(deps.experiments?.describe() ?? { surface: 'search', version: 'none', source: 'none', experiments: [] });
  });
  return router;
}
