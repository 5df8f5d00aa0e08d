import express from 'express';
import type { Router } from 'express';
import type { HomeDeps } from '../app';

/** `GET /v1/info`: which service and version answers, and whether it is ready. */
export function createInfoRouter(deps: HomeDeps): Router {
  const router = express.Router();
  router.get('/v1/info', (_request, response) => {
    const { name, version, readiness } = deps.context;
    response.json({ service: name, version, status: readiness.status().state });
  });
  return router;
}
