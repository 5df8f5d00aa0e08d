// Keeps a service's serving state current: load the bundle LATEST names at startup (retrying
// with backoff while the store is unreachable), then poll and swap atomically; a bad bundle is
// refused and the old one keeps serving. Apps wire `startupHook`/`shutdownHook` into their lifecycle.
import { join } from 'node:path';
import { openBundleStore, watchBundle, type BundleWatcher, type Logger, type OpenStoreOptions } from '@mixtape/artifacts';
import { openServingBundle, type ServingBundle } from './open';
import { pathsForParts, type BundleParts } from './layout';

/** The logger the runtime writes to (pino and @mixtape/service-kit's Logger fit). */
export type RuntimeLogger = Logger;

/** The slice of a Prometheus metrics registry the runtime needs (service-kit's ServiceMetrics fits). */
export interface RuntimeMetrics {
  gauge(options: { name: string; help: string; labelNames?: readonly string[] }): { set(...args: [number] | [Record<string, string>, number]): void };
  counter(options: { name: string; help: string; labelNames?: readonly string[] }): { inc(labels: Record<string, string>, value?: number): void };
  info(options: { name: string; help: string; labelNames: readonly string[] }): { set(labels: Record<string, string>): void };
}

export interface BundleRuntimeOptions<T> {
  /** s3://bucket/prefix or file:///dir */
  uri: string;
  s3?: OpenStoreOptions['s3'];
  /** downloads are cached here by checksum */
  cacheDir: string;
  parts: BundleParts;
  /** how often LATEST is polled once serving (default 30 s; 0 = never) */
  pollIntervalMs?: number;
  /** the app's state from an opened bundle (search engine, ranker…); a throw refuses the bundle */
  build: (bundle: ServingBundle, signal: AbortSignal) => Promise<T> | T;
  logger: RuntimeLogger;
  metrics?: RuntimeMetrics;
}

export interface BundleRuntime<T> {
  /** state of the bundle serving now (undefined before the first load) */
  current(): { bundle: ServingBundle; state: T } | undefined;
  watcher: BundleWatcher<{ bundle: ServingBundle; state: T }>;
  /** for createService({ startup }): resolves once a bundle serves; retries with backoff meanwhile */
  startupHook: { name: string; run(signal: AbortSignal): Promise<void> };
  shutdownHook: { name: string; run(): Promise<void> };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

export function createBundleRuntime<T>(options: BundleRuntimeOptions<T>): BundleRuntime<T> {
  const { logger, metrics } = options;
  const store = openBundleStore(options.uri, { s3: options.s3, logger });
  const versionInfo = metrics?.info({ name: 'mixtape_bundle_info', help: 'The bundle version serving now (value 1).', labelNames: ['version'] });
  const loadSeconds = metrics?.gauge({ name: 'mixtape_bundle_load_seconds', help: 'Duration of the last bundle load by stage.', labelNames: ['stage'] });
  const refusals = metrics?.counter({ name: 'mixtape_bundle_refusals_total', help: 'Bundles refused (failed verification or loading).', labelNames: ['stage'] });
  const swaps = metrics?.counter({ name: 'mixtape_bundle_swaps_total', help: 'Bundles activated (the first load included).' });
  const indexSize = metrics?.gauge({ name: 'mixtape_index_vectors', help: 'Vectors in each FAISS index serving now.', labelNames: ['index'] });
  const tracks = metrics?.gauge({ name: 'mixtape_catalog_tracks', help: 'Tracks in the catalog serving now.' });

  const watcher = watchBundle<{ bundle: ServingBundle; state: T }>(store, {
    cacheDir: options.cacheDir,
    filter: (file) => pathsForParts(options.parts)(file.path),
    intervalMs: options.pollIntervalMs && options.pollIntervalMs > 0 ? options.pollIntervalMs : 2 ** 31 - 1,
    logger,
    load: async (loaded, { signal }) => {
      const started = performance.now();
      const bundle = await openServingBundle(loaded, { parts: options.parts, workDir: join(options.cacheDir, 'views') });
      const state = await options.build(bundle, signal);
      const total = (performance.now() - started) / 1000;
      loadSeconds?.set({ stage: 'download' }, loaded.stats.durationMs / 1000);
      for (const [stage, ms] of Object.entries(bundle.timings)) loadSeconds?.set({ stage }, ms / 1000);
      loadSeconds?.set({ stage: 'open_and_build' }, total);
      logger.info(
        { version: loaded.version, downloadMs: Math.round(loaded.stats.durationMs), filesFromCache: loaded.stats.filesFromCache, bytesDownloaded: loaded.stats.bytesDownloaded, timings: bundle.timings, buildMs: Math.round(total * 1000) },
        'bundle loaded',
      );
      return { bundle, state };
    },
    onSwap: ({ current, previous }) => {
      swaps?.inc({});
      versionInfo?.set({ version: current.version });
      tracks?.set(current.state.bundle.store.trackCount);
      for (const [name, index] of [['content', current.state.bundle.contentIndex], ['items', current.state.bundle.itemIndex]] as const) {
        if (index) indexSize?.set({ index: name }, index.size);
      }
      logger.info({ version: current.version, previous: previous?.version }, previous ? 'bundle swapped in' : 'bundle active');
    },
    onRefused: ({ version, stage, error }) => {
      refusals?.inc({ stage });
      logger.error({ version, stage, error: (error as Error).message }, 'bundle refused; the previous bundle keeps serving');
    },
    onError: (error) => logger.warn({ error: (error as Error).message }, 'bundle store check failed; will retry'),
  });

  return {
    watcher,
    current: () => watcher.current()?.state,
    startupHook: {
      name: 'bundle',
      async run(signal) {
        // Bounded backoff between attempts (1 s … 30 s); readiness stays 503 until one succeeds.
        for (let attempt = 0; ; attempt++) {
          const outcome = await watcher.checkNow();
          if (watcher.current()) return;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
          logger.warn({ uri: options.uri, outcome, attempt: attempt + 1, retryInMs: delay }, 'no bundle serving yet');
          await sleep(delay, signal);
        }
      },
    },
    shutdownHook: { name: 'bundle watcher', run: () => watcher.stop() },
  };
}
