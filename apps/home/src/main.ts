// Composition root of the home service: config → logger/metrics/readiness → bundle runtime → app → listen → lifecycle.
import { bundleSourceOptions, createBundleRuntime } from '@mixtape/bundle';
import { createMemoryShelfStateStore } from '@mixtape/ranking';
import type { RecentEventStore, ShelfStateStore, ShelfType, UserEvent } from '@mixtape/ranking';
import { createExperimentRuntime, serviceExperimentOptions } from '@mixtape/experiments';
import { createRedisExperimentStorage, createRedisRecentEventStore, createRedisShelfStateStore, createServiceRedis } from '@mixtape/redis-state';
import type { LifecycleHook } from '@mixtape/service-kit';
import { bundleSettings, createLogger, createService, createServiceContext, experimentSettings } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import type { HomeServing } from './app';
import { loadHomeConfig } from './config';
import { homeExperimentParamsSchema, variantServing } from './experiments';
import { startDaypartWarming } from './page-warmer';
import type { PageWarmer } from './page-warmer';
import { HOME_BUNDLE_PARTS, createHomeServing } from './serving';

const config = loadHomeConfig();
const logger = createLogger({ name: 'home', level: config.LOG_LEVEL });
// With MIXTAPE_REDIS_URL every replica shares rate-limit buckets, shelf feedback and live events.
const redis = config.MIXTAPE_REDIS_URL ? createServiceRedis({ url: config.MIXTAPE_REDIS_URL, service: 'home', logger }) : undefined;
const context = createServiceContext({ name: 'home', version: packageJson.version, config, logger, ...(redis ? { rateLimitStore: redis.rateLimitStore } : {}) });

// Shelf feedback survives bundle swaps; live events are scoped to a bundle version (they hold its
// track indexes). Without Redis, one process keeps them.
const startupHooks: LifecycleHook[] = [];
const shutdownHooks: LifecycleHook[] = [];
let shelfState: ShelfStateStore = createMemoryShelfStateStore();
let recentEventsFor: ((bundleVersion: string) => RecentEventStore) | undefined;
if (redis) {
  shelfState = createRedisShelfStateStore<ShelfType>(redis.client, { logger });
  recentEventsFor = (bundleVersion) =>
    createRedisRecentEventStore<UserEvent>(redis.client, { maxEvents: 500, ttlSeconds: 7 * 24 * 3600, prefix: `home:events:${bundleVersion}:`, logger });
  startupHooks.push(redis.startupHook);
  shutdownHooks.push(redis.shutdownHook);
}

let warmer: PageWarmer | undefined;
context.metrics.gauge({
  name: 'home_page_warmer_pending',
  help: 'Known listeners the page warmer still owes a page for the bundle serving now (after a failed pass: until the next daypart retries; 0: done, at the cap, stopped or off).',
  collect() {
    this.set(warmer?.progress().pending ?? 0);
  },
});
context.metrics.gauge({
  name: 'home_page_warmer_failed',
  help: 'Listeners whose page failed in the page warmer\'s current or last pass (logged; computed on demand).',
  collect() {
    this.set(warmer?.progress().failed ?? 0);
  },
});
const runtime = createBundleRuntime({
  // where LATEST is, the cache, and the publisher's keys a manifest must be signed with (unset: not checked; a warning is logged)
  ...bundleSourceOptions(bundleSettings(config)),
  parts: HOME_BUNDLE_PARTS,
  build: (bundle): HomeServing => {
    const serving = createHomeServing(bundle, { shelfState, recentEventsFor, objectiveWeights: config.HOME_OBJECTIVE_WEIGHTS, logger: context.logger, pageCacheBytes: config.HOME_PAGE_CACHE_MIB * 2 ** 20 });
    if (serving.pages && config.HOME_PAGE_WARM_LISTENERS > 0) {
      // known listeners' default pages, computed in the background once this bundle serves and again at each new daypart (ADR 0013)
      let served = false;
      warmer?.stop();
      warmer = startDaypartWarming({
        engine: serving.engine,
        store: serving.pages,
        bundleVersion: serving.bundleVersion,
        limit: Math.min(10, config.HOME_MAX_ITEMS),
        maxListeners: config.HOME_PAGE_WARM_LISTENERS,
        // each listener's arm (engine, shelves) as a request without attributes gets it: warm pages for every arm alike
        variantOf: (userId) => variantServing(serving, experiments.forRequest(userId, '').params),
        state: () => (runtime.current()?.state === serving ? ((served = true), 'current') : served ? 'replaced' : 'pending'),
        logger: context.logger,
      });
    }
    return serving;
  },
  logger: context.logger,
  metrics: context.metrics,
  readiness: context.readiness,
});

// Experiments: definitions from MIXTAPE_EXPERIMENTS (a file, the bundle's part or Redis); exposures
// and events to Redis Streams with Redis, else JSON Lines in MIXTAPE_EXPERIMENT_LOG_DIR.
const experiments = createExperimentRuntime({
  surface: 'home',
  paramsSchema: homeExperimentParamsSchema,
  logger: context.logger,
  ...serviceExperimentOptions(experimentSettings(config), {
    bundle: () => runtime.current()?.bundle.parts.experiments?.text,
    ...(redis ? { redis: createRedisExperimentStorage(redis.client) } : {}),
    logger: context.logger,
  }),
});

const app = createApp({ context, serving: () => runtime.current()?.state, maxItems: config.HOME_MAX_ITEMS, experiments });

const service = createService({
  context,
  app,
  // /readyz turns 200 once a bundle is downloaded, verified and the engine built.
  // Experiment definitions load after the bundle (they may come from it); invalid ones stop the start.
  startup: [...startupHooks, runtime.startupHook, experiments.startupHook],
  // Cleanup in reverse order of registration: the experiment log flushes, then the bundle runtime stops, before Redis closes.
  shutdown: [...shutdownHooks, runtime.shutdownHook, experiments.shutdownHook, { name: 'home-page-warmer', run: async () => warmer?.stop() }],
});

await service.start();
