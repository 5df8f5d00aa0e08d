// Composition root of the search service: config → logger/metrics/readiness → bundle runtime → app → listen → lifecycle.
import { bundleSourceOptions, createBundleRuntime } from '@mixtape/bundle';
import { setFaissThreads } from '@mixtape/embeddings';
import { createExperimentRuntime, serviceExperimentOptions } from '@mixtape/experiments';
import { createRedisExperimentStorage, createServiceRedis } from '@mixtape/redis-state';
import { bundleSettings, createLogger, createService, createServiceContext, experimentSettings } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { loadSearchConfig } from './config';
import { searchExperimentParamsSchema } from './experiments';
import { SEARCH_BUNDLE_PARTS, createSearchServing } from './serving';

const config = loadSearchConfig();
const logger = createLogger({ name: 'search', level: config.LOG_LEVEL });
// With MIXTAPE_REDIS_URL the replicas share rate-limit buckets (one limit per key/IP, not N).
const redis = config.MIXTAPE_REDIS_URL ? createServiceRedis({ url: config.MIXTAPE_REDIS_URL, service: 'search', logger }) : undefined;
const context = createServiceContext({ name: 'search', version: packageJson.version, config, logger, ...(redis ? { rateLimitStore: redis.rateLimitStore } : {}) });
setFaissThreads(config.FAISS_THREADS);

// The engine of the bundle serving now; a new LATEST is loaded beside it and swapped in.
const runtime = createBundleRuntime({
  // where LATEST is, the cache, and the publisher's keys a manifest must be signed with (unset: not checked; a warning is logged)
  ...bundleSourceOptions(bundleSettings(config)),
  parts: SEARCH_BUNDLE_PARTS,
  build: (bundle) => createSearchServing(bundle, context.logger),
  logger: context.logger,
  metrics: context.metrics,
  readiness: context.readiness,
});

// Experiments: definitions from MIXTAPE_EXPERIMENTS (a file, the bundle's part or Redis); exposures
// to Redis Streams with Redis, else JSON Lines in MIXTAPE_EXPERIMENT_LOG_DIR.
const experiments = createExperimentRuntime({
  surface: 'search',
  paramsSchema: searchExperimentParamsSchema,
  logger: context.logger,
  ...serviceExperimentOptions(experimentSettings(config), {
    bundle: () => runtime.current()?.bundle.parts.experiments?.text,
    ...(redis ? { redis: createRedisExperimentStorage(redis.client) } : {}),
    logger: context.logger,
  }),
});

const app = createApp({
  context,
  engine: () => runtime.current()?.state.engine,
  affinity: (userId) => runtime.current()?.state.affinity(userId),
  experiments,
});

const service = createService({
  context,
  app,
  // /readyz turns 200 once a bundle is downloaded, verified and the engine loaded.
  // Experiment definitions load after the bundle (they may come from it); invalid ones stop the start.
  startup: [...(redis ? [redis.startupHook] : []), runtime.startupHook, experiments.startupHook],
  // Reverse order on shutdown: the experiment log flushes and the bundle runtime stops before Redis closes.
  shutdown: [...(redis ? [redis.shutdownHook] : []), runtime.shutdownHook, experiments.shutdownHook],
});

await service.start();
