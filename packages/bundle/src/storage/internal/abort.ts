import { setMaxListeners } from 'node:events';

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export interface Deadline {
  /** Aborts when the caller's signal does or when the timer fires. */
  signal: AbortSignal;
  /** Whether the timer (not the caller) caused the abort. */
  timedOut(): boolean;
  /** Stops the timer and detaches from the caller's signal; call when the guarded work ends. */
  clear(): void;
}

/**
 * A per-request deadline linked to a caller's signal. Unlike AbortSignal.any, it detaches its
 * listener on clear(), so a long-lived caller signal (a watcher's) does not collect one per
 * request.
 */
export function createDeadline(caller: AbortSignal | undefined, timeoutMs: number, reason: () => Error): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(reason());
  }, timeoutMs);
  const onCallerAbort = (): void => controller.abort(caller?.reason);
  if (caller?.aborted) onCallerAbort();
  else caller?.addEventListener('abort', onCallerAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    clear: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    },
  };
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason;
}

export interface SignalScope {
  /** aborts when the parent does (with its reason) */
  signal: AbortSignal;
  /** detaches from the parent; call when the scope's work ends */
  release(): void;
}

/**
 * A signal for one bounded fan-out (a bundle's files, a file's ranges or parts): the requests in
 * flight listen on it instead of on `parent`. A long-lived parent (a watcher's, a CLI's) then
 * holds one listener per scope rather than one per concurrent request — 4 files × 4 ranges put 16
 * on it and Node printed MaxListenersExceededWarning on every load of a bundle with big files.
 * The scope's own limit is lifted: its listeners end with the scope, so they cannot pile up.
 */
export function scopedSignal(parent: AbortSignal | undefined): SignalScope {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  const onAbort = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, release: () => parent?.removeEventListener('abort', onAbort) };
}

/** Runs `work` with a scoped signal (see scopedSignal) and detaches it from `parent` afterwards. */
export async function withSignalScope<T>(parent: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const scope = scopedSignal(parent);
  try {
    return await work(scope.signal);
  } finally {
    scope.release();
  }
}

/**
 * `work`, or a rejection as soon as `signal` aborts (already, or before `work` settles) for work that takes no
 * signal itself (the AWS SDK's region and credential providers). The rejection is an Error named `AbortError`
 * (what fetch and the DOM use, so a caller's `name === 'AbortError'` check holds) whose message is `what`
 * (which location, doing what) and whose cause is the signal's reason. `work` is left to settle on its own.
 */
export function abortable<T>(work: () => Promise<T>, signal: AbortSignal | undefined, what: () => string): Promise<T> {
  const aborted = (): Error => Object.assign(new Error(`${what()}: aborted`, { cause: signal?.reason }), { name: 'AbortError' });
  if (signal === undefined) return work();
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    work().then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
