import type { Router } from 'express';
import { createInfoRouter } from '@mixtape/service-kit';
import type { HomeDeps } from '../app';
import { createEventsRouter, createHomeRouter } from './home';
import { createNextRouter } from './next';

/** Every router of the home service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: HomeDeps): Router[] {
  return [createInfoRouter({ context: deps.context, surface: 'home', experiments: deps.experiments }), createHomeRouter(deps), createEventsRouter(deps), createNextRouter(deps)];
}
