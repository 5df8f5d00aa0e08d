import { BundleError } from './errors';
import { readLatest } from './store-layout';
import { loadBundle, pruneCache } from './load';
import type { LoadBundleOptions, LoadedBundle } from './load';
import { silentLogger, type Logger } from '@mixtape/base';
import type { BundleStore } from './stores/types';

export interface ActiveBundle<T> {
  version: string;
  bundle: LoadedBundle;
  /** What the app's `load` built from the bundle (indexes, stores, models…). */
  state: T;
  activatedAt: Date;
}

export type RefusalStage = 'verify' | 'smoke' | 'load';

export interface RefusedBundle {
  version: string;
  /** verify: the bundle failed download/verification; smoke: a part's smoke check refused it; load: the app's `load` threw. */
  stage: RefusalStage;
  error: unknown;
}

export interface BundleWatcherOptions<T>
  extends Pick<LoadBundleOptions, 'cacheDir' | 'roles' | 'filter' | 'concurrency' | 'verifyCached' | 'trustedKeys' | 'onProgress'> {
  /** Poll period for LATEST (default 30 s). */
  intervalMs?: number;
  /** Builds the app's in-memory state from a verified bundle; a throw refuses the bundle. */
  load: (bundle: LoadedBundle, context: { signal: AbortSignal }) => Promise<T>;
  /** Frees a replaced state (native index memory…), `disposeDelayMs` after the swap. */
  dispose?: (state: T, bundle: LoadedBundle) => void | Promise<void>;
  /** Grace period for in-flight requests that still hold the old state (default 10 s). */
  disposeDelayMs?: number;
  /**
   * After a replaced bundle is disposed, delete cached files only older bundles used (default
   * false: leave it off when several services share one cacheDir with different roles).
   */
  pruneCache?: boolean;
  onSwap?: (event: { current: ActiveBundle<T>; previous: ActiveBundle<T> | undefined }) => void;
  onRefused?: (event: RefusedBundle) => void;
  /** Store trouble (unreachable, no LATEST yet…): retried on the next poll. */
  onError?: (error: unknown) => void;
  logger?: Logger;
}

export type CheckOutcome = 'swapped' | 'unchanged' | 'refused' | 'skipped-refused' | 'error' | 'stopped';

export interface BundleWatcherStats {
  checks: number;
  swaps: number;
  refusals: number;
  errors: number;
  currentVersion: string | undefined;
  lastLoadDurationMs: number | undefined;
  lastRefused: { version: string; stage: RefusalStage; message: string; at: Date } | undefined;
  lastError: { message: string; at: Date } | undefined;
}

export interface BundleWatcher<T> {
  /** The bundle and state serving now; undefined until the first load succeeds. */
  current(): ActiveBundle<T> | undefined;
  /** Resolves with the first active bundle (waits through failures); rejects on stop or abort. */
  ready(options?: { signal?: AbortSignal }): Promise<ActiveBundle<T>>;
  /** Checks LATEST now (polls keep their schedule). Concurrent calls share one check. */
  checkNow(): Promise<CheckOutcome>;
  /**
   * Loads one version by name (a fallback when LATEST is refused) and swaps to it when it passes.
   * A refusal here does not change which LATEST is remembered as refused, so polls still skip it
   * until LATEST moves. Waits for a running check first.
   */
  loadVersion(version: string): Promise<CheckOutcome>;
  /** Counters for metrics (`mixtape_bundle_refusals_total` etc.). */
  stats(): BundleWatcherStats;
  /** Stops polling, aborts a running load and runs pending disposals. Idempotent. */
  stop(): Promise<void>;
}

// A bundle that fails these checks is bad as published; re-trying it would fail the same way.
const badBundleCodes = new Set([
  'BUNDLE_CHECKSUM_MISMATCH',
  'BUNDLE_SIZE_MISMATCH',
  'BUNDLE_FILE_MISSING',
  'BUNDLE_MANIFEST_INVALID',
  'BUNDLE_SIGNATURE_INVALID',
]);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serves a bundle and keeps it fresh: loads LATEST now and on every poll that finds a new
 * version, loads it beside the current one, runs the app's `load`, and swaps only when both
 * succeed. A bad bundle is refused (logged, counted, `onRefused`) and the old one keeps
 * serving; the same LATEST is not retried until it changes.
 */
export function watchBundle<T>(store: BundleStore, options: BundleWatcherOptions<T>): BundleWatcher<T> {
  const logger = options.logger ?? silentLogger;
  const intervalMs = options.intervalMs ?? 30_000;
  const disposeDelayMs = options.disposeDelayMs ?? 10_000;
  const controller = new AbortController();
  let active: ActiveBundle<T> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<CheckOutcome> | undefined;
  let refusedPointer: string | undefined;
  const pendingDisposals = new Map<NodeJS.Timeout, () => Promise<void>>();
  const waiters = new Set<{ resolve: (value: ActiveBundle<T>) => void; reject: (error: unknown) => void }>();
  const counters: BundleWatcherStats = {
    checks: 0,
    swaps: 0,
    refusals: 0,
    errors: 0,
    currentVersion: undefined,
    lastLoadDurationMs: undefined,
    lastRefused: undefined,
    lastError: undefined,
  };

  const refuse = (version: string, stage: RefusalStage, error: unknown, pointerKey: string | undefined): CheckOutcome => {
    if (pointerKey !== undefined) refusedPointer = pointerKey;
    counters.refusals += 1;
    counters.lastRefused = { version, stage, message: messageOf(error), at: new Date() };
    logger.error(
      { version, stage, error: messageOf(error), serving: active?.version ?? null },
      active ? 'bundle refused; keeping the current one' : 'bundle refused; nothing to serve yet',
    );
    options.onRefused?.({ version, stage, error });
    return 'refused';
  };

  const scheduleDisposal = (previous: ActiveBundle<T>): void => {
    if (!options.dispose && !options.pruneCache) return;
    const dispose = async (): Promise<void> => {
      try {
        await options.dispose?.(previous.state, previous.bundle);
      } catch (error) {
        logger.warn({ version: previous.version, error: messageOf(error) }, 'disposing a replaced bundle failed');
      }
      if (options.pruneCache && active) {
        const pruned = await pruneCache(options.cacheDir, [active.bundle]).catch((error: unknown) => {
          logger.warn({ error: messageOf(error) }, 'pruning the bundle cache failed');
          return undefined;
        });
        if (pruned?.deletedFiles) logger.info({ ...pruned, keptVersion: active.version }, 'bundle cache pruned');
      }
    };
    const handle = setTimeout(() => {
      pendingDisposals.delete(handle);
      void dispose();
    }, disposeDelayMs);
    handle.unref();
    pendingDisposals.set(handle, dispose);
  };

  /** Loads LATEST's version, or `target` when given (a version by name: LATEST is not read). */
  async function check(target?: string): Promise<CheckOutcome> {
    if (stopped) return 'stopped';
    counters.checks += 1;
    const signal = controller.signal;
    let version: string;
    let pointerKey: string | undefined;
    if (target !== undefined) {
      version = target;
    } else {
      try {
        const latest = await readLatest(store, { signal });
        if (!latest) throw new BundleError('BUNDLE_NOT_FOUND', `no bundle published at ${store.description} yet (no LATEST)`);
        version = latest.version;
        pointerKey = `${latest.version}|${latest.manifestSha256 ?? ''}|${latest.updatedAt ?? ''}`;
      } catch (error) {
        if (stopped) return 'stopped';
        counters.errors += 1;
        counters.lastError = { message: messageOf(error), at: new Date() };
        logger.warn({ store: store.description, error: messageOf(error), serving: active?.version ?? null }, 'cannot read LATEST');
        options.onError?.(error);
        return 'error';
      }
    }
    if (version === active?.version) return 'unchanged';
    if (pointerKey !== undefined && pointerKey === refusedPointer) {
      logger.debug({ version }, 'LATEST still names a refused bundle');
      return 'skipped-refused';
    }

    const started = performance.now();
    let bundle: LoadedBundle;
    try {
      bundle = await loadBundle(store, {
        version,
        cacheDir: options.cacheDir,
        roles: options.roles,
        filter: options.filter,
        concurrency: options.concurrency,
        verifyCached: options.verifyCached,
        trustedKeys: options.trustedKeys,
        onProgress: options.onProgress,
        signal,
        logger,
      });
    } catch (error) {
      if (stopped) return 'stopped';
      const bad = (error instanceof BundleError && badBundleCodes.has(error.code)) || (error instanceof BundleError && error.code === 'BUNDLE_NOT_FOUND');
      if (bad) return refuse(version, 'verify', error, pointerKey);
      counters.errors += 1;
      counters.lastError = { message: messageOf(error), at: new Date() };
      logger.warn({ version, error: messageOf(error), serving: active?.version ?? null }, 'bundle load failed; will retry');
      options.onError?.(error);
      return 'error';
    }

    let state: T;
    try {
      state = await options.load(bundle, { signal });
    } catch (error) {
      if (stopped) return 'stopped';
      if (error instanceof BundleError && error.code === 'SMOKE_CHECK_UNAVAILABLE') {
        // Our own trouble (could not start a check process), not the bundle's: retried next poll.
        counters.errors += 1;
        counters.lastError = { message: messageOf(error), at: new Date() };
        logger.warn({ version, error: messageOf(error), serving: active?.version ?? null }, 'bundle checks could not run; will retry');
        options.onError?.(error);
        return 'error';
      }
      return refuse(version, error instanceof BundleError && error.code === 'BUNDLE_SMOKE_FAILED' ? 'smoke' : 'load', error, pointerKey);
    }
    if (stopped) {
      await options.dispose?.(state, bundle);
      return 'stopped';
    }

    const previous = active;
    active = { version, bundle, state, activatedAt: new Date() };
    counters.swaps += 1;
    counters.currentVersion = version;
    counters.lastLoadDurationMs = performance.now() - started;
    if (pointerKey !== undefined) refusedPointer = undefined;
    logger.info({ version, previousVersion: previous?.version ?? null, durationMs: Math.round(counters.lastLoadDurationMs) }, 'bundle activated');
    for (const waiter of waiters) waiter.resolve(active);
    waiters.clear();
    options.onSwap?.({ current: active, previous });
    if (previous) scheduleDisposal(previous);
    return 'swapped';
  }

  function checkNow(): Promise<CheckOutcome> {
    running ??= check()
      .catch((error: unknown) => {
        // check() handles its own errors; this is a safety net so polling never dies.
        counters.errors += 1;
        counters.lastError = { message: messageOf(error), at: new Date() };
        logger.error({ error: messageOf(error) }, 'bundle watcher check crashed');
        return 'error' as const;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  async function loadVersion(version: string): Promise<CheckOutcome> {
    // One load at a time: wait for a running check (it may be loading the same bundle).
    while (running) await running;
    running = check(version)
      .catch((error: unknown) => {
        counters.errors += 1;
        counters.lastError = { message: messageOf(error), at: new Date() };
        logger.error({ version, error: messageOf(error) }, 'bundle watcher check crashed');
        return 'error' as const;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void checkNow().then(schedule);
    }, intervalMs);
    timer.unref();
  }

  void checkNow().then(schedule);

  return {
    current: () => active,
    ready(readyOptions = {}) {
      if (active) return Promise.resolve(active);
      if (stopped) return Promise.reject(new Error('bundle watcher is stopped'));
      return new Promise((resolve, reject) => {
        const waiter = { resolve, reject };
        waiters.add(waiter);
        readyOptions.signal?.addEventListener(
          'abort',
          () => {
            waiters.delete(waiter);
            reject(readyOptions.signal?.reason);
          },
          { once: true },
        );
      });
    },
    checkNow,
    loadVersion,
    stats: () => ({ ...counters }),
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      controller.abort(new Error('bundle watcher stopped'));
      await running?.catch(() => undefined);
      for (const [handle, dispose] of pendingDisposals) {
        clearTimeout(handle);
        await dispose();
      }
      pendingDisposals.clear();
      for (const waiter of waiters) waiter.reject(new Error('bundle watcher stopped before a bundle was loaded'));
      waiters.clear();
    },
  };
}
