// Batches concurrent requests without a timer: an idle batcher starts a batch on the event
// loop's next check phase (requests that arrived in the same I/O poll join it; a lone request
// waits for nothing), and requests that arrive while `maxInFlight` batches are computed are
// gathered and go together — at most maxBatch at a time, spread over the free slots — as soon as
// one finishes. Under load the batch grows with the concurrency; when idle there is no added delay.
// The wait is bounded: past `maxQueue` requests waiting behind running batches (beyond what the
// free slots take next) a new one is refused at once (the caller answers "overloaded, retry")
// instead of queueing for longer than any client waits.
import type { BatchItem, MicroBatcher } from '@mixtape/base';

export interface GatheringBatcherOptions {
  /** most requests in one batch */
  maxBatch: number;
  /** batches computed at once (a batch's async part, e.g. a FAISS search on a libuv thread, can overlap the next one's forward pass) */
  maxInFlight: number;
  /** most requests waiting behind running batches (not counting what the free slots take next); one more is refused with `overloaded(queued)` (default: unbounded) */
  maxQueue?: number;
  /** the error a refused request is rejected with */
  overloaded?: (queued: number, maxQueue: number) => Error;
}

export interface GatheringBatcher<Request, Result> extends MicroBatcher<Request, Result> {
  /** batches run, requests admitted, requests refused (maxQueue) */
  stats(): { batches: number; requests: number; refused: number };
}

/** Hands each batch to `run`, which settles every item; a throw or rejection from `run` rejects the items it has not settled. */
export function createGatheringBatcher<Request, Result>(
  run: (batch: BatchItem<Request, Result>[]) => Promise<void> | void,
  options: GatheringBatcherOptions,
): GatheringBatcher<Request, Result> {
  const { maxBatch, maxInFlight } = options;
  const maxQueue = options.maxQueue ?? Infinity;
  if (!(maxQueue === Infinity || (Number.isInteger(maxQueue) && maxQueue >= 1))) throw new RangeError(`batcher maxQueue: expected a positive integer, got ${maxQueue}`);
  const overloaded = options.overloaded ?? ((queued: number, limit: number) => new Error(`batcher overloaded: ${queued} requests already wait (maxQueue ${limit})`));
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`batcher maxBatch: expected a positive integer, got ${maxBatch}`);
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`batcher maxInFlight: expected a positive integer, got ${maxInFlight}`);
  const queue: BatchItem<Request, Result>[] = [];
  let running = 0;
  let scheduled = false;
  let batches = 0;
  let requests = 0;
  let refused = 0;

  function schedule(): void {
    if (scheduled || queue.length === 0 || running >= maxInFlight) return;
    scheduled = true;
    setImmediate(start);
  }

  function start(): void {
    scheduled = false;
    // what waits is spread over the free slots: two half batches pipeline, one's forward pass
    // running while the other's search does (one full batch would leave a slot idle)
    while (running < maxInFlight && queue.length > 0) void compute(queue.splice(0, Math.min(maxBatch, Math.ceil(queue.length / (maxInFlight - running)))));
  }

  async function compute(batch: BatchItem<Request, Result>[]): Promise<void> {
    running++;
    batches++;
    requests += batch.length;
    try {
      await run(batch);
    } catch (error) {
      for (const item of batch) item.reject(error);
    } finally {
      running--;
      schedule();
    }
  }

  return {
    submit(request) {
      // the bound is on requests waiting behind running batches: those the free slots' next batches
      // take are not waiting (an idle batcher never refuses a same-tick burst it can run at once)
      const waiting = queue.length - (maxInFlight - running) * maxBatch;
      if (waiting >= maxQueue) {
        refused++;
        return Promise.reject(overloaded(waiting, maxQueue));
      }
      return new Promise<Result>((resolve, reject) => {
        queue.push({ request, resolve, reject });
        schedule();
      });
    },
    stats: () => ({ batches, requests, refused }),
  };
}
