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
  return router;
}
