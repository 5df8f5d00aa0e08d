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
