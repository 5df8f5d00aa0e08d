// Composition root of the playlists service: config → logger/metrics/readiness → deps → app → listen → lifecycle.
import { resolve } from 'node:path';
import { setFaissThreads } from '@mixtape/embeddings';
import { createService, createServiceContext } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { loadPlaylistsConfig } from './config';
import type { PlaylistServingState } from './serving';
import { createPlannerFactory, createPlaylistServingState } from './serving';
import { openFilePlaylistStore } from './store';
import { buildSyntheticPlaylistContext } from './synthetic';

const config = loadPlaylistsConfig();
const context = createServiceContext({ name: 'playlists', version: packageJson.version, config });
const { logger } = context;
setFaissThreads(config.FAISS_THREADS);

const plannerFactory = createPlannerFactory(
  config.MIXTAPE_LLM_BASE_URL && config.MIXTAPE_LLM_MODEL
    ? {
        baseUrl: config.MIXTAPE_LLM_BASE_URL,
        model: config.MIXTAPE_LLM_MODEL,
        ...(config.MIXTAPE_LLM_API_KEY ? { apiKey: config.MIXTAPE_LLM_API_KEY } : {}),
        timeoutMs: config.MIXTAPE_LLM_TIMEOUT_MS,
        maxRetries: config.MIXTAPE_LLM_MAX_RETRIES,
        mode: config.MIXTAPE_LLM_MODE,
      }
    : undefined,
  logger,
);

const dataDirectory = resolve(config.PLAYLISTS_DATA_DIR);
const store = await openFilePlaylistStore({ directory: dataDirectory, onWarning: (message) => logger.warn({ dataDirectory }, message) });
logger.info({ dataDirectory, versions: store.allVersions().length, feedback: store.allFeedback().length, planner: config.MIXTAPE_LLM_BASE_URL ? `llm:${config.MIXTAPE_LLM_MODEL}` : 'offline' }, 'playlist store opened');

// Swapped atomically when a new bundle loads; requests read it once through the getter.
let serving: PlaylistServingState | undefined;
const bundleInfo = context.metrics.info({ name: 'bundle_info', help: 'Catalog bundle the playlists service serves', labelNames: ['version'] });

const app = createApp({ context, serving: () => serving, store });

const service = createService({
  context,
  app,
  startup: [
    {
      // bundle: when MIXTAPE_BUNDLE is configured, replace this hook with @mixtape/bundle's runtime
      // (tested in test/bundle.integration.test.ts):
      //   const runtime = createBundleRuntime({ uri, cacheDir, s3, parts: PLAYLIST_BUNDLE_PARTS, pollIntervalMs,
      //     build: (bundle) => createPlaylistServingState(playlistContextFromBundle(bundle), plannerFactory),
      //     logger, metrics: context.metrics });
      //   createApp({ context, serving: () => runtime.current()?.state, store }); startup: [runtime.startupHook]
      // Without a bundle the service runs on the deterministic synthetic catalog below.
      name: 'load catalog',
      run: () => {
        const started = performance.now();
        const playlistContext = buildSyntheticPlaylistContext({ tracks: config.PLAYLISTS_SYNTHETIC_TRACKS });
        serving = createPlaylistServingState(playlistContext, plannerFactory);
        bundleInfo.set({ version: serving.version });
        logger.info({ version: serving.version, tracks: playlistContext.store.trackCount, ms: Math.round(performance.now() - started) }, 'catalog loaded');
      },
    },
  ],
  // Cleanup in reverse order of registration (watchers, stores, clients).
  shutdown: [{ name: 'close playlist store', run: () => store.close() }],
});

await service.start();
