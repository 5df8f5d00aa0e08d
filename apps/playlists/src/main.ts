// Composition root of the playlists service: config → logger/metrics/readiness → store, planner →
// bundle runtime (or a synthetic catalog) → app → listen → lifecycle.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseRewardModel } from '@mixtape/ranking';
import type { RewardModel } from '@mixtape/ranking';
import { bundleSourceOptions, createBundleRuntime } from '@mixtape/bundle';
import type { BundleRuntime } from '@mixtape/bundle';
import { setFaissThreads } from '@mixtape/embeddings';
import { createExperimentRuntime, serviceExperimentOptions } from '@mixtape/experiments';
import { createRedisExperimentStorage, createServiceRedis } from '@mixtape/redis-state';
import { bundleSettings, createLogger, createService, createServiceContext, experimentSettings } from '@mixtape/service-kit';
import type { LifecycleHook } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { loadPlaylistsConfig } from './config';
import { playlistsExperimentParamsSchema } from './experiments';
import type { PlaylistServingState } from './serving';
import { createPlannerFactory, createPlaylistServingState, PLAYLIST_BUNDLE_PARTS, playlistContextFromBundle } from './serving';
import { openFilePlaylistStore } from './store';
import { createRatedPlanSource } from './examples';
import { buildSyntheticPlaylistContext } from './synthetic';

const config = loadPlaylistsConfig();
const logger = createLogger({ name: 'playlists', level: config.LOG_LEVEL });
// With MIXTAPE_REDIS_URL the replicas share rate-limit buckets (one limit per key/IP, not N).
const redis = config.MIXTAPE_REDIS_URL ? createServiceRedis({ url: config.MIXTAPE_REDIS_URL, service: 'playlists', logger }) : undefined;
const context = createServiceContext({ name: 'playlists', version: packageJson.version, config, logger, ...(redis ? { rateLimitStore: redis.rateLimitStore } : {}) });
setFaissThreads(config.FAISS_THREADS);

// A reward model file overrides the bundle's part (e.g. with the synthetic catalog); a bad file stops the start.
const rewardFile = config.PLAYLISTS_REWARD_MODEL
  ? parseRewardModel(await readFile(config.PLAYLISTS_REWARD_MODEL, 'utf8'), `PLAYLISTS_REWARD_MODEL ${config.PLAYLISTS_REWARD_MODEL}`)
  : undefined;
const servingOptions = (bundleReward: RewardModel | undefined) => ({ rewardWeight: config.PLAYLISTS_REWARD_WEIGHT, ...(rewardFile ?? bundleReward ? { reward: rewardFile ?? bundleReward } : {}) });

const dataDirectory = resolve(config.PLAYLISTS_DATA_DIR);
const fileStore = await openFilePlaylistStore({
  directory: dataDirectory,
  maxVersionsPerPlaylist: config.PLAYLISTS_MAX_VERSIONS,
  cachedVersions: config.PLAYLISTS_CACHED_VERSIONS,
  onWarning: (message) => logger.warn({ dataDirectory }, message),
});
// With an LLM, the store's best-rated plans for similar prompts go into its prompt as examples;
// the source follows feedback as it is written (the store is wrapped).
const examples = config.MIXTAPE_LLM_BASE_URL && config.PLAYLISTS_EXAMPLES > 0 ? createRatedPlanSource(fileStore, { logger }) : undefined;
const store = examples ? examples.store : fileStore;
if (examples) {
  await examples.load();
  logger.info({ ratedPlans: examples.size }, 'LLM examples: rated plans from the playlist store');
}
const plannerFactory = createPlannerFactory(
  config.MIXTAPE_LLM_BASE_URL && config.MIXTAPE_LLM_MODEL
    ? {
        baseUrl: config.MIXTAPE_LLM_BASE_URL,
        model: config.MIXTAPE_LLM_MODEL,
        ...(config.MIXTAPE_LLM_API_KEY ? { apiKey: config.MIXTAPE_LLM_API_KEY } : {}),
        timeoutMs: config.MIXTAPE_LLM_TIMEOUT_MS,
        maxRetries: config.MIXTAPE_LLM_MAX_RETRIES,
        mode: config.MIXTAPE_LLM_MODE,
        maxExamples: config.PLAYLISTS_EXAMPLES,
        ...(examples ? { examples } : {}),
      }
    : undefined,
  logger,
);

logger.info({ dataDirectory, ...store.stats(), planner: config.MIXTAPE_LLM_BASE_URL ? `llm:${config.MIXTAPE_LLM_MODEL}` : 'offline' }, 'playlist store opened');
// Read at scrape time: what the store holds, and how much of it is parsed in memory.
context.metrics.gauge({
  name: 'playlists_store_records',
  help: 'What the playlist store holds, by kind: playlists, versions, feedback, cachedVersions (parsed in memory), idempotencyKeys, fileBytes.',
  labelNames: ['kind'],
  collect() {
    for (const [kind, value] of Object.entries(store.stats())) this.set({ kind }, value);
  },
});

// bundle: with MIXTAPE_BUNDLE the runtime loads LATEST (retrying until it serves), then polls and
// swaps new versions in; each swap rebuilds the engine, lexicon and planner. Without it, a
// deterministic synthetic catalog (development, demos).
let runtime: BundleRuntime<typeof PLAYLIST_BUNDLE_PARTS, PlaylistServingState> | undefined;
let synthetic: PlaylistServingState | undefined;
const startup: LifecycleHook[] = redis ? [redis.startupHook] : [];
// Hooks run in reverse on shutdown: the store closes after the bundle runtime, Redis last.
const shutdown: LifecycleHook[] = [...(redis ? [redis.shutdownHook] : []), { name: 'close playlist store', run: () => store.close() }];
const bundleSource = bundleSettings(config);
if (bundleSource) {
  runtime = createBundleRuntime<typeof PLAYLIST_BUNDLE_PARTS, PlaylistServingState>({
    // where LATEST is, the cache, and the publisher's keys a manifest must be signed with (unset: not checked; a warning is logged)
    ...bundleSourceOptions(bundleSource),
    parts: PLAYLIST_BUNDLE_PARTS,
    build: (bundle) => createPlaylistServingState(playlistContextFromBundle(bundle), plannerFactory, servingOptions(bundle.parts.playlistReward)),
    logger,
    metrics: context.metrics,
    readiness: context.readiness,
  });
  startup.push(runtime.startupHook);
  // registered after the store, so it stops first (hooks run in reverse)
  shutdown.push(runtime.shutdownHook);
} else {
  const bundleInfo = context.metrics.info({ name: 'mixtape_bundle_info', help: 'The bundle version serving now (value 1).', labelNames: ['version'] });
  startup.push({
    name: 'build synthetic catalog',
    run: () => {
      const started = performance.now();
      const playlistContext = buildSyntheticPlaylistContext({ tracks: config.PLAYLISTS_SYNTHETIC_TRACKS });
      synthetic = createPlaylistServingState(playlistContext, plannerFactory, servingOptions(undefined));
      bundleInfo.set({ version: synthetic.version });
      logger.info({ version: synthetic.version, tracks: playlistContext.store.trackCount, ms: Math.round(performance.now() - started) }, 'synthetic catalog loaded (set MIXTAPE_BUNDLE to serve a bundle)');
    },
  });
}

// Experiments: definitions from MIXTAPE_EXPERIMENTS (a file, the bundle's part or Redis); exposures
// to Redis Streams with Redis, else JSON Lines in MIXTAPE_EXPERIMENT_LOG_DIR. Loaded after the
// catalog (they may come from the bundle); invalid ones stop the start; the log flushes first on shutdown.
const bundleRuntime = runtime;
const experiments = createExperimentRuntime({
  surface: 'playlists',
  paramsSchema: playlistsExperimentParamsSchema,
  logger: context.logger,
  ...serviceExperimentOptions(experimentSettings(config), {
    ...(bundleRuntime ? { bundle: () => bundleRuntime.current()?.bundle.parts.experiments?.text } : {}),
    ...(redis ? { redis: createRedisExperimentStorage(redis.client) } : {}),
    logger: context.logger,
  }),
});
startup.push(experiments.startupHook);
shutdown.push(experiments.shutdownHook);

const app = createApp({ context, serving: () => (runtime ? runtime.current()?.state : synthetic), store, experiments });

const service = createService({ context, app, startup, shutdown });

await service.start();
