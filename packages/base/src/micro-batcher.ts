// Merges requests that arrive within a few milliseconds of each other into one batch: the
// serving paths answer a batch in one call (BLAS, FAISS's OpenMP loop, one transformer forward)
// far more cheaply than its requests one by one.

/** One request of a batch; `run` settles it through resolve or reject. */
export interface BatchItem<Request, Result> {
  request: Request;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

export interface MicroBatcherOptions {
  /** How long the first request of a batch waits for company. */
  maxWaitMs: number;
  /** Run as soon as this many requests are pending. */
  maxBatch: number;
}

export interface MicroBatcher<Request, Result> {
  submit(request: Request): Promise<Result>;
  stats(): { batches: number; requests: number };
}

/**
 * Batches submitted requests and hands each batch to `run`, which settles every item. A throw or
 * rejection from `run` rejects the items it has not settled.
 */
export function createMicroBatcher<Request, Result>(
  run: (batch: BatchItem<Request, Result>[]) => Promise<void> | void,
  options: MicroBatcherOptions,
): MicroBatcher<Request, Result> {
  let pending: BatchItem<Request, Result>[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let batches = 0;
  let requests = 0;

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    batches++;
    requests += batch.length;
    let done: Promise<void>;
    try {
      done = Promise.resolve(run(batch));
    } catch (error) {
      done = Promise.reject(error);
    }
    done.catch((error: unknown) => batch.forEach((item) => item.reject(error)));
  }

  return {
    submit(request) {
      return new Promise<Result>((resolve, reject) => {
        pending.push({ request, resolve, reject });
        if (pending.length >= options.maxBatch) flush();
        else timer ??= setTimeout(flush, options.maxWaitMs);
      });
    },
    stats: () => ({ batches, requests }),
  };
}
