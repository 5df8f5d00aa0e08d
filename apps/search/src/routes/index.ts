import type { Router } from 'express';
import type { SearchDeps } from '../app';
import { createInfoRouter } from './info';
import { createSearchRouter } from './search';

/** Every router of the search service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: SearchDeps): Router[] {
  return [createInfoRouter(deps), createSearchRouter(deps)];
}
