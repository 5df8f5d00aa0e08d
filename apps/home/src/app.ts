import { createServiceApp, mapErrorCodes } from '@mixtape/service-kit';
import type { ServiceContext } from '@mixtape/service-kit';
import type { ExperimentRuntime } from '@mixtape/experiments';
import type { Random } from '@mixtape/base';
import type { HomeEngine } from '@mixtape/ranking';
import type { Express } from 'express';
import type { HomeExperimentParams, VariantEngines } from './experiments';
import { createRoutes } from './routes';
import type { PageStore } from './page-store';
import type { UpNextServing } from './up-next';

/** What serves Home right now: the engine built from one bundle, and that bundle's version. */
export interface HomeServing {
  engine: HomeEngine;
  bundleVersion: string;
  /** "Up next" and radio; absent when the bundle has no next-track model */
  upNext?: UpNextServing;
  /** why the bundle has no next-track model, from its manifest (the 503 of Up next and radio says it) */
  upNextAbsence?: { message: string; reason: string };
  /** the engine for an experiment variant's params (default: `engine` whatever the params) */
  engineFor?: VariantEngines;
  /** finished pages of this bundle (absent: every page is computed; HOME_PAGE_CACHE_MIB=0) */
  pages?: PageStore;
}

/**
 * Everything the home service's handlers need, built in main.ts (or by a test).
 */
export interface HomeDeps {
  /** Config, logger, metrics and readiness shared with the lifecycle. */
  context: ServiceContext;
  /** The serving state (undefined until a bundle is loaded: /v1/* answers 503 NOT_READY). */
  serving: () => HomeServing | undefined;
  /** largest items-per-shelf `limit` accepted (default 50) */
  maxItems?: number;
  /** Clock (epoch ms) events are checked against; tests inject it. */
  now?: () => number;
  /** Experiments on the home surface: variants per request, exposure and event log (absent: none). */
  experiments?: ExperimentRuntime<HomeExperimentParams>;
  /** the stream of the shelf bandit's draws (default: the engine's own); tests seed it */
  random?: Random;
}

/**
 * Domain error codes → HTTP (ADR 0002). The 400s keep the code that shipped (`INVALID_INPUT`);
 * `details.field` says which input was wrong.
 */
export const mapHomeError = mapErrorCodes({
  UNKNOWN_TRACK: 404,
  UNKNOWN_SEED_GENRE: { status: 400, code: 'INVALID_INPUT' },
  UNKNOWN_SEED_ARTIST: { status: 400, code: 'INVALID_INPUT' },
  UNKNOWN_SHELF: { status: 400, code: 'INVALID_INPUT' },
  // Redis (shared listener state) unreachable: 503 + Retry-After, nothing stored.
  STATE_UNAVAILABLE: 503,
  // Up next / radio: the next-track model's queue is full (maxQueue): 503 + Retry-After, retry shortly
  NEXT_TRACK_OVERLOADED: 503,
  // a targeting attributes header that does not parse
  INVALID_ATTRIBUTES: { status: 400, code: 'INVALID_INPUT' },
});

/** The home HTTP app: service-kit middleware, health endpoints and the routes. Does not listen. */
export function createApp(deps: HomeDeps): Express {
  return createServiceApp({ context: deps.context, routes: createRoutes(deps), mapError: mapHomeError });
}
