// After a bundle loads, computes the default page of the bundle's known listeners (most active
// first) into the page store, a page at a time, yielding to requests between pages, until every
// listener is done, the store's byte cap is reached or the bundle is replaced. Logs progress with
// rate and ETA.
import type { HomeEngine, ShelfType } from '@mixtape/ranking';
import { daypartOfHour } from '@mixtape/ranking';
import type { PageStore } from './page-store';
import { pageFor } from './page-store';

export interface WarmerLogger {
  info(object: object, message: string): void;
  warn?(object: object, message: string): void;
}

export interface PageWarmerOptions {
  engine: HomeEngine;
  store: PageStore;
  bundleVersion: string;
  /** items per shelf of the default request (the route's default limit) */
  limit: number;
  /**
   * the engine and shelves of the listener's experiment variants (default attributes), so the page
   * warmed is the page their arm is served; absent: `engine` and no shelf filter
   */
  variantOf?: (userId: string) => { engine: HomeEngine; shelves?: readonly ShelfType[] };
  /** at most this many listeners (the most active first) */
  maxListeners: number;
  /** 'pending' until the bundle serves, 'current' while it does, 'replaced' after: the warmer waits, works, stops */
  state: () => 'pending' | 'current' | 'replaced';
  /** wall clock (epoch ms): the daypart of the pages */
  now?: () => number;
  logger?: WarmerLogger;
  /** ms between progress lines (default 5000) */
  progressMs?: number;
  /** a pass gives up after this many listeners failed in a row (default 20: the event store is down, not one listener); the next daypart retries */
  maxConsecutiveFailures?: number;
}

export interface WarmResult {
  pages: number;
  skipped: number;
  /** listeners whose page failed (logged, skipped: they are computed on demand) */
  failed: number;
  listeners: number;
  /** why it stopped */
  reason: 'done' | 'memory cap' | 'replaced' | 'stopped' | 'error';
  seconds: number;
}

export interface PageWarmer {
  /** resolves when the warmer stops (never rejects: one listener's error is logged and counted, `maxConsecutiveFailures` in a row end the pass with 'error') */
  done: Promise<WarmResult>;
  stop(): void;
  /** listeners done so far (pages computed + already present), failed, and in all; `pending`: listeners without a warm page that this pass still owes (0 when done, stopped at the cap or replaced) */
  progress(): { done: number; failed: number; total: number; running: boolean; pending: number };
}

const yieldToRequests = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Known listeners, most logged events first (they come back most; the cap keeps them). */
function listenersByActivity(engine: HomeEngine, max: number): Int32Array {
  const log = engine.index.interactions;
  if (!log) return new Int32Array(0);
  const users = Int32Array.from({ length: log.userCount }, (_, u) => u);
  const size = (u: number) => log.rowsOfUser(u).end - log.rowsOfUser(u).start;
  const sizes = Float64Array.from(users, size);
  users.sort((a, b) => sizes[b]! - sizes[a]! || a - b);
  return users.subarray(0, Math.min(max, users.length));
}

export function startPageWarmer(options: PageWarmerOptions): PageWarmer {
  const { engine, store, logger } = options;
  const clock = options.now ?? Date.now;
  const progressMs = options.progressMs ?? 5000;
  let stopped = false;
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? 20;
  let done = 0;
  let failed = 0;
  let total = 0;
  let running = true;
  let reason: WarmResult['reason'] | undefined;

  async function run(): Promise<WarmResult> {
    const started = performance.now();
    let pages = 0;
    let skipped = 0;
    const finish = (reason: WarmResult['reason']): WarmResult => {
      const seconds = (performance.now() - started) / 1000;
      const { entries, bytes } = store.stats();
      logger?.info({ version: options.bundleVersion, pages, skipped, failed, listeners: total, reason, seconds: Math.round(seconds * 10) / 10, entries, storeMiB: Math.round((bytes / 2 ** 20) * 10) / 10 }, 'home page warmer stopped');
      return { pages, skipped, failed, listeners: total, reason, seconds };
    };
    // wait until the bundle serves (the runtime swaps it in right after building it)
    while (options.state() === 'pending') {
      if (stopped) return finish('stopped');
      await sleep(50);
    }
    const users = listenersByActivity(engine, options.maxListeners);
    total = users.length;
    const log = engine.index.interactions;
    logger?.info({ version: options.bundleVersion, listeners: total }, 'home page warmer started');
    let lastReport = performance.now();
    let failedInARow = 0;
    for (let i = 0; i < users.length; i++) {
      if (stopped) return finish('stopped');
      if (options.state() !== 'current') return finish('replaced');
      const userId = log!.userId(users[i]!);
      const daypart = daypartOfHour(new Date(clock()).getUTCHours());
      try {
        const variant = options.variantOf?.(userId);
        const request = { userId, limit: options.limit, daypart, ...(variant?.shelves ? { shelves: [...variant.shelves] } : {}) };
        const found = await pageFor(store, variant?.engine ?? engine, request, { warming: true });
        // full of the current daypart's pages: the cap is reached
        if (found.full) return finish('memory cap');
        // shared: a request was computing this page (the request kept it): not one the warmer warmed
        if (found.result === 'hit' || found.result === 'shared') skipped++;
        else if (found.kept) pages++;
        failedInARow = 0;
      } catch (error) {
        // one listener's failure (a Redis blip, a bad history) costs that listener's warm page, not the pass
        failed++;
        failedInARow++;
        logger?.warn?.({ version: options.bundleVersion, userId, failed, err: error instanceof Error ? error.message : String(error) }, 'home page warmer: a page failed; it is computed on demand');
        if (failedInARow >= maxConsecutiveFailures) return finish('error');
      }
      done = i + 1 - failed;
      const now = performance.now();
      if (now - lastReport >= progressMs) {
        lastReport = now;
        const rate = (done + failed) / ((now - started) / 1000);
        const { bytes, maxBytes } = store.stats();
        logger?.info(
          { version: options.bundleVersion, done, failed, listeners: total, pagesPerSecond: Math.round(rate), etaSeconds: Math.round((total - done - failed) / Math.max(rate, 1e-9)), storeMiB: Math.round((bytes / 2 ** 20) * 10) / 10, capMiB: Math.round(maxBytes / 2 ** 20) },
          'home page warmer progress',
        );
      }
      // one page per turn of the event loop: requests that arrived meanwhile go first
      await yieldToRequests();
    }
    return finish('done');
  }

  const result = run()
    .catch((error: unknown): WarmResult => {
      logger?.warn?.({ version: options.bundleVersion, err: error instanceof Error ? error.message : String(error) }, 'home page warmer failed; pages are computed on demand');
      return { pages: 0, skipped: 0, failed, listeners: total, reason: 'error', seconds: 0 };
    })
    .then((result) => ((reason = result.reason), result))
    .finally(() => (running = false));
  return {
    done: result,
    stop: () => void (stopped = true),
    // after an error the listeners not warmed are still owed (the next daypart retries them); a cap, a replacement or a stop owes nothing
    progress: () => ({ done, failed, total, running, pending: running || reason === 'error' ? Math.max(running ? 1 : 0, total - done) : 0 }),
  };
}

/** ms from `now` to the next change of daypart (UTC hours 5, 12, 17, 22) */
export function msToNextDaypart(now: number): number {
  const hour = 3_600_000;
  const current = daypartOfHour(new Date(now).getUTCHours());
  let next = Math.floor(now / hour) * hour + hour;
  while (daypartOfHour(new Date(next).getUTCHours()) === current) next += hour;
  return next - now;
}

/**
 * Warms once the bundle serves, then again at each change of daypart (the default page of a
 * request without `daypart` changes with it), until the bundle is replaced or `stop()`.
 */
export function startDaypartWarming(options: PageWarmerOptions): PageWarmer {
  const clock = options.now ?? Date.now;
  let current = startPageWarmer(options);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const done = (async (): Promise<WarmResult> => {
    for (;;) {
      const result = await current.done;
      // 'error' (the event store down for a while) retries at the next daypart like 'done'
      if (stopped || result.reason === 'replaced' || result.reason === 'stopped') return result;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, msToNextDaypart(clock()) + 1000).unref();
      });
      if (stopped) return { ...result, reason: 'stopped' };
      current = startPageWarmer(options);
    }
  })();
  return {
    done,
    stop() {
      stopped = true;
      current.stop();
      clearTimeout(timer);
      wake?.();
    },
    progress: () => current.progress(),
  };
}
