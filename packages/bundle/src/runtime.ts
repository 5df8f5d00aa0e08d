// Keeps a service's serving state current: load the bundle LATEST names at startup (retrying
// with backoff while the store is unreachable), open the parts the service asked for by name,
// then poll and swap atomically; a bad bundle is refused and the old one keeps serving. Apps wire
// `startupHook`/`shutdownHook` into their lifecycle.
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { AnyPart } from './registry/define';
import { openParts, pathsToOpen, type OpenedBundle } from './registry/open';
import type { Logger } from '@mixtape/base';
import { openBundleStore, type OpenStoreOptions } from './storage/stores/open-store';
import { watchBundle, type BundleWatcher } from './storage/watch';

/** The logger the runtime writes to (pino and @mixtape/service-kit's Logger fit). */
export type RuntimeLogger = Logger;

/** The slice of a Prometheus metrics registry the runtime needs (service-kit's ServiceMetrics fits). */
export interface RuntimeMetrics {
  gauge(options: { name: string; help: string; labelNames?: readonly string[] }): { set(...args: [number] | [Record<string, string>, number]): void };
  counter(options: { name: string; help: string; labelNames?: readonly string[] }): { inc(labels: Record<string, string>, value?: number): void };
  info(options: { name: string; help: string; labelNames: readonly string[] }): { set(labels: Record<string, string>): void };
}

export interface BundleRuntimeOptions<Parts extends readonly AnyPart[], T> {
  /** s3://bucket/prefix or file:///dir */
  uri: string;
  s3?: OpenStoreOptions['s3'];
  /** downloads are cached here by checksum */
  cacheDir: string;
  /**
   * Ed25519 public keys of the publisher: a bundle whose manifest none of them signed is refused
   * before anything is downloaded. Without keys any bundle the store holds is loaded (development).
   */
  trustedKeys?: readonly KeyObject[];
  /** the parts this service reads, by their definitions; only their files (and what they open from) are downloaded */
  parts: Parts;
  /** how often LATEST is polled once serving (default 30 s; 0 = never) */
  pollIntervalMs?: number;
  /** the app's state from the opened parts (search engine, ranker…); a throw refuses the bundle */
  build: (bundle: OpenedBundle<Parts>, signal: AbortSignal) => Promise<T> | T;
  /** grace period before a replaced bundle's parts are freed (default 10 s) */
  disposeDelayMs?: number;
  logger: RuntimeLogger;
  metrics?: RuntimeMetrics;
}

export interface ServingState<Parts extends readonly AnyPart[], T> {
  bundle: OpenedBundle<Parts>;
  state: T;
}

export interface BundleRuntime<Parts extends readonly AnyPart[], T> {
  /** state of the bundle serving now (undefined before the first load) */
  current(): ServingState<Parts, T> | undefined;
  watcher: BundleWatcher<ServingState<Parts, T>>;
  /** for createService({ startup }): resolves once a bundle serves; retries with backoff meanwhile */
  startupHook: { name: string; run(signal: AbortSignal): Promise<void> };
  shutdownHook: { name: string; run(): Promise<void> };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

export function createBundleRuntime<const Parts extends readonly AnyPart[], T>(options: BundleRuntimeOptions<Parts, T>): BundleRuntime<Parts, T> {
  const { logger, metrics } = options;
  const store = openBundleStore(options.uri, { s3: options.s3, logger });
  const wanted = pathsToOpen(options.parts);
  if (!options.trustedKeys?.length) logger.warn({ uri: options.uri }, 'bundle signatures are not checked (no public keys configured): any bundle in the store will be loaded');
  const versionInfo = metrics?.info({ name: 'mixtape_bundle_info', help: 'The bundle version serving now (value 1).', labelNames: ['version'] });
  const loadSeconds = metrics?.gauge({ name: 'mixtape_bundle_load_seconds', help: 'Duration of the last bundle load by stage.', labelNames: ['stage'] });
  const refusals = metrics?.counter({ name: 'mixtape_bundle_refusals_total', help: 'Bundles refused (failed verification or loading).', labelNames: ['stage'] });
  const swaps = metrics?.counter({ name: 'mixtape_bundle_swaps_total', help: 'Bundles activated (the first load included).' });
  const indexSize = metrics?.gauge({ name: 'mixtape_index_vectors', help: 'Vectors in each vector index serving now, by part.', labelNames: ['index'] });
  const tracks = metrics?.gauge({ name: 'mixtape_catalog_tracks', help: 'Tracks in the catalog serving now.' });

  const watcher = watchBundle<ServingState<Parts, T>>(store, {
    cacheDir: options.cacheDir,
    trustedKeys: options.trustedKeys,
    filter: (file) => wanted.has(file.path),
    intervalMs: options.pollIntervalMs && options.pollIntervalMs > 0 ? options.pollIntervalMs : 2 ** 31 - 1,
    disposeDelayMs: options.disposeDelayMs,
    logger,
    load: async (loaded, { signal }) => {
      const started = performance.now();
      const bundle = await openParts(loaded, options.parts, { workDir: join(options.cacheDir, 'views'), signal });
      let state: T;
      try {
        state = await options.build(bundle, signal);
      } catch (error) {
        await bundle.dispose().catch(() => undefined);
        throw error;
      }
      const total = (performance.now() - started) / 1000;
      loadSeconds?.set({ stage: 'download' }, loaded.stats.durationMs / 1000);
      for (const [stage, ms] of Object.entries(bundle.timings)) loadSeconds?.set({ stage }, ms / 1000);
      loadSeconds?.set({ stage: 'open_and_build' }, total);
      logger.info(
        {
          version: loaded.version,
          downloadMs: Math.round(loaded.stats.durationMs),
          filesFromCache: loaded.stats.filesFromCache,
          bytesDownloaded: loaded.stats.bytesDownloaded,
          signedBy: loaded.signedBy ?? null,
          timings: bundle.timings,
          buildMs: Math.round(total * 1000),
        },
        'bundle loaded',
      );
      return { bundle, state };
    },
    dispose: (serving) => serving.bundle.dispose(),
    onSwap: ({ current, previous }) => {
      swaps?.inc({});
      versionInfo?.set({ version: current.version });
      const trackCount = current.bundle.manifest.metadata?.tracks;
      if (typeof trackCount === 'number') tracks?.set(trackCount);
      for (const file of current.bundle.files) {
        if (file.index) indexSize?.set({ index: file.part ?? file.path }, file.index.count);
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
