import type { Router } from 'express';
import { createInfoRouter } from '@mixtape/service-kit';
import type { SearchDeps } from '../app';
import { createSearchRouter } from './search';

/** Every router of the search service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: SearchDeps): Router[] {
  return [createInfoRouter({ context: deps.context, surface: 'search', experiments: deps.experiments, details: () => {
      const engine = deps.engine();
      return engine ? { index: engine.info() } : undefined;
    } }), createSearchRouter(deps)];
}
