// Keeps a service's serving state current: load the bundle LATEST names at startup (retrying
// with backoff while the store is unreachable), open the parts the service asked for by name,
// then poll and swap atomically; a bad bundle is refused and the old one keeps serving. Apps wire
// `startupHook`/`shutdownHook` into their lifecycle.
import type { KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { AnyPart } from './registry/define';
import { openParts, pathsToOpen, type OpenedBundle } from './registry/open';
import { createPartRegistry } from './registry/registry';
import { assertSmokeReachable, startSmokeChecks } from './smoke';
import type { Logger } from '@mixtape/base';
import { listBundles } from './storage/bundles';
import { openBundleStore, type OpenStoreOptions } from './storage/stores/open-store';
import { watchBundle, type BundleWatcher, type RefusalStage } from './storage/watch';

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
  /**
   * Modules (file URLs) exporting parts defined outside @mixtape/bundle that have a smoke step:
   * the smoke child imports them to find the step. The package's own parts need nothing.
   */
  smokeModules?: readonly string[];
  /** per part: how long its smoke check may take before the bundle is refused (default 120 s) */
  smokeTimeoutMs?: number;
  /** how often LATEST is polled once serving (default 30 s; 0 = never) */
  pollIntervalMs?: number;
  /** the app's state from the opened parts (search engine, ranker…); a throw refuses the bundle */
  build: (bundle: OpenedBundle<Parts>, signal: AbortSignal) => Promise<T> | T;
  /** grace period before a replaced bundle's parts are freed (default 10 s) */
  disposeDelayMs?: number;
  /**
   * At startup, when LATEST's bundle is refused (signature, checksums, smoke check, loader), serve
   * the newest older complete bundle that passes every check instead of staying unready (default true).
   */
  fallback?: boolean;
  logger: RuntimeLogger;
  metrics?: RuntimeMetrics;
  /** where `/readyz` details go (service-kit's Readiness fits): the runtime adds `bundle`, its status() */
  readiness?: { addDetail(name: string, provider: () => unknown): void };
}

export interface ServingState<Parts extends readonly AnyPart[], T> {
  bundle: OpenedBundle<Parts>;
  state: T;
}

/** What a service says about its bundle (`/readyz` detail). */
export interface BundleRuntimeStatus {
  /** the version serving now (undefined before the first load) */
  version?: string;
  /** present when the bundle serving is an older one because LATEST's was refused at startup */
  fallback?: { latest: string; reason: string; since: string };
  /** the last bundle refused (LATEST on a poll, or a fallback candidate) */
  lastRefused?: { version: string; stage: RefusalStage; reason: string; at: string };
}

export interface BundleRuntime<Parts extends readonly AnyPart[], T> {
  /** state of the bundle serving now (undefined before the first load) */
  current(): ServingState<Parts, T> | undefined;
  status(): BundleRuntimeStatus;
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
  assertSmokeReachable(
    createPartRegistry(options.parts).closure(
      options.parts.map((part) => part.name),
      'open',
    ),
    options.smokeModules,
  );
  if (!options.trustedKeys?.length) logger.warn({ uri: options.uri }, 'bundle signatures are not checked (no public keys configured): any bundle in the store will be loaded');
  const versionInfo = metrics?.info({ name: 'mixtape_bundle_info', help: 'The bundle version serving now (value 1).', labelNames: ['version'] });
  const loadSeconds = metrics?.gauge({ name: 'mixtape_bundle_load_seconds', help: 'Duration of the last bundle load by stage.', labelNames: ['stage'] });
  const refusals = metrics?.counter({ name: 'mixtape_bundle_refusals_total', help: 'Bundles refused (failed verification or loading).', labelNames: ['stage'] });
  const swaps = metrics?.counter({ name: 'mixtape_bundle_swaps_total', help: 'Bundles activated (the first load included).' });
  const indexSize = metrics?.gauge({ name: 'mixtape_index_vectors', help: 'Vectors in each vector index serving now, by part.', labelNames: ['index'] });
  const tracks = metrics?.gauge({ name: 'mixtape_catalog_tracks', help: 'Tracks in the catalog serving now.' });

  let fallback: BundleRuntimeStatus['fallback'];
  let loadingFallback = false;

  const watcher = watchBundle<ServingState<Parts, T>>(store, {
    cacheDir: options.cacheDir,
    trustedKeys: options.trustedKeys,
    filter: (file) => wanted.has(file.path),
    intervalMs: options.pollIntervalMs && options.pollIntervalMs > 0 ? options.pollIntervalMs : 2 ** 31 - 1,
    disposeDelayMs: options.disposeDelayMs,
    logger,
    load: async (loaded, { signal: watcherSignal }) => {
      const started = performance.now();
      // Parts with a smoke step are exercised in child processes while the others open here; each
      // such part opens only once its check passed, and the first refusal stops the opening.
      const opening = new AbortController();
      const onWatcherAbort = () => opening.abort(watcherSignal.reason);
      watcherSignal.addEventListener('abort', onWatcherAbort, { once: true });
      const signal = opening.signal;
      const checks = startSmokeChecks(loaded, options.parts, { modules: options.smokeModules, timeoutMs: options.smokeTimeoutMs, signal });
      checks.all.catch((error: unknown) => opening.abort(error));
      let bundle: OpenedBundle<Parts>;
      let smoke: Awaited<typeof checks.all>;
      try {
        bundle = await openParts(loaded, options.parts, { workDir: join(options.cacheDir, 'views'), signal, beforeOpen: (part) => checks.passed(part.name) });
        try {
          smoke = await checks.all;
        } catch (error) {
          await bundle.dispose().catch(() => undefined);
          throw error;
        }
      } catch (error) {
        checks.cancel();
        throw signal.aborted && !watcherSignal.aborted ? signal.reason : error;
      } finally {
        watcherSignal.removeEventListener('abort', onWatcherAbort);
      }
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
      for (const check of smoke) loadSeconds?.set({ stage: `smoke:${check.part}` }, check.ms / 1000);
      loadSeconds?.set({ stage: 'open_and_build' }, total);
      logger.info(
        {
          version: loaded.version,
          downloadMs: Math.round(loaded.stats.durationMs),
          filesFromCache: loaded.stats.filesFromCache,
          bytesDownloaded: loaded.stats.bytesDownloaded,
          signedBy: loaded.signedBy ?? null,
          timings: bundle.timings,
          smoke: Object.fromEntries(smoke.map((check) => [check.part, `${check.summary} (${check.ms} ms)`])),
          buildMs: Math.round(total * 1000),
        },
        'bundle loaded',
      );
      return { bundle, state };
    },
    dispose: (serving) => serving.bundle.dispose(),
    onSwap: ({ current, previous }) => {
      if (!loadingFallback) fallback = undefined; // LATEST itself serves again
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

  /**
   * LATEST's bundle was refused and nothing serves: try the complete bundles published before it,
   * newest first, each through every check (signature, checksums, smoke, loaders). Polls go on
   * watching LATEST and swap to it once it names a bundle that passes.
   */
  const fallBack = async (signal: AbortSignal): Promise<boolean> => {
    const refused = watcher.stats().lastRefused;
    if (!refused) return false;
    let bundles;
    try {
      bundles = await listBundles(store, { signal });
    } catch (error) {
      logger.warn({ uri: options.uri, error: (error as Error).message }, 'cannot list bundles for a fallback; will retry');
      return false;
    }
    const latest = bundles.find((bundle) => bundle.version === refused.version);
    const candidates = bundles.filter(
      (bundle) =>
        bundle.status === 'complete' &&
        bundle.version !== refused.version &&
        !triedFallbacks.has(bundle.version) &&
        // Older than LATEST's only: newer versions may be uploads staged for a later promote.
        (latest?.createdAt === undefined || (bundle.createdAt !== undefined && bundle.createdAt < latest.createdAt)),
    );
    for (const candidate of candidates) {
      signal.throwIfAborted();
      logger.warn({ latest: refused.version, candidate: candidate.version, reason: refused.message }, 'LATEST bundle refused at startup; trying an older one');
      loadingFallback = true;
      let outcome;
      try {
        outcome = await watcher.loadVersion(candidate.version);
      } finally {
        loadingFallback = false;
      }
      if (watcher.current()?.version === candidate.version) {
        fallback = { latest: refused.version, reason: refused.message, since: new Date().toISOString() };
        logger.warn({ version: candidate.version, latest: refused.version, reason: refused.message }, `serving fallback bundle ${candidate.version} because LATEST ${refused.version} was refused`);
        return true;
      }
      if (outcome !== 'refused') return false; // store trouble: the next attempt starts over
      triedFallbacks.add(candidate.version);
    }
    return false;
  };
  const triedFallbacks = new Set<string>();

  const runtime: BundleRuntime<Parts, T> = {
    watcher,
    current: () => watcher.current()?.state,
    status: () => {
      const stats = watcher.stats();
      return {
        ...(stats.currentVersion ? { version: stats.currentVersion } : {}),
        ...(fallback ? { fallback } : {}),
        ...(stats.lastRefused
          ? { lastRefused: { version: stats.lastRefused.version, stage: stats.lastRefused.stage, reason: stats.lastRefused.message, at: stats.lastRefused.at.toISOString() } }
          : {}),
      };
    },
    startupHook: {
      name: 'bundle',
      async run(signal) {
        // Bounded backoff between attempts (1 s … 30 s); readiness stays 503 until one succeeds.
        for (let attempt = 0; ; attempt++) {
          const outcome = await watcher.checkNow();
          if (watcher.current()) return;
          if ((outcome === 'refused' || outcome === 'skipped-refused') && options.fallback !== false && (await fallBack(signal))) return;
          const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
          logger.warn({ uri: options.uri, outcome, attempt: attempt + 1, retryInMs: delay }, 'no bundle serving yet');
          await sleep(delay, signal);
        }
      },
    },
    shutdownHook: { name: 'bundle watcher', run: () => watcher.stop() },
  };
  // /readyz: the version serving, a fallback from a refused LATEST and why, the last refusal
  options.readiness?.addDetail('bundle', () => runtime.status());
  return runtime;
}
