import express from 'express';
import type { Router } from 'express';
import type { PlaylistsDeps } from '../app';

/** `GET /v1/info`: which service and version answers, and whether it is ready. */
export function createInfoRouter(deps: PlaylistsDeps): Router {
  const router = express.Router();
  router.get('/v1/info', (_request, response) => {
    const { name, version, readiness } = deps.context;
    response.json({ service: name, version, status: readiness.status().state });
  });
  /** `GET /v1/experiments`: the definitions this service serves, each variant's share of users (the console's Experiments page). */
  router.get('/v1/experiments', (_request, response) => {
    response.json(deps.experiments?.describe() ?? { surface: 'playlists', version: 'none', source: 'none', experiments: [] });
  });
  return router;
}
