import type { Router } from 'express';
import type { HomeDeps } from '../app';
import { createEventsRouter, createHomeRouter } from './home';
import { createInfoRouter } from './info';
import { createNextRouter } from './next';

/** Every router of the home service, mounted in this order after service-kit's middleware. */
export function createRoutes(deps: HomeDeps): Router[] {
  return [createInfoRouter(deps), createHomeRouter(deps), createEventsRouter(deps), createNextRouter(deps)];
}
