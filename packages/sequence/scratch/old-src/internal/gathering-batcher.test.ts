import { describe, expect, it } from 'vitest';
import type { BatchItem } from '@mixtape/base';
import { createGatheringBatcher } from './gathering-batcher';

/** a promise settled from outside */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** a few turns of the event loop: pending microtasks and check-phase starts have run */
async function turns(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('gathering batcher', () => {
  it('answers requests submitted together in one batch, each with its own result, and a lone request at once', async () => {
    const seen: number[][] = [];
    const tenfold = (batch: BatchItem<number, number>[]) => {
      seen.push(batch.map((item) => item.request));
      for (const item of batch) item.resolve(item.request * 10);
    };
    const batcher = createGatheringBatcher(tenfold, { maxBatch: 100, maxInFlight: 1 });
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([10, 20, 30]);
    // no timer: the next check phase runs it, long before a 20 ms timeout set at the same time
    const order: string[] = [];
    await Promise.all([batcher.submit(4).then(() => order.push('answer')), new Promise((resolve) => setTimeout(resolve, 20)).then(() => order.push('timeout'))]);
    expect(order).toEqual(['answer', 'timeout']);
    expect(seen).toEqual([[1, 2, 3], [4]]);
    expect(batcher.stats()).toEqual({ batches: 2, requests: 4, refused: 0 });
  });

  it('gathers the requests that arrive while a batch is computed into the next batch, at most maxBatch each', async () => {
    const seen: number[][] = [];
    const gates: Array<ReturnType<typeof gate>> = [];
    const batcher = createGatheringBatcher<number, number>(
      async (batch) => {
        seen.push(batch.map((item) => item.request));
        const g = gate();
        gates.push(g);
        await g.wait;
        batch.forEach((item) => item.resolve(item.request));
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const first = batcher.submit(0);
    await turns();
    expect(seen).toEqual([[0]]);
    // five arrive while batch 1 runs: nothing starts until it finishes
    const later = [1, 2, 3, 4, 5].map((n) => batcher.submit(n));
    await turns();
    expect(seen).toEqual([[0]]);
    gates[0]!.open();
    expect(await first).toBe(0);
    await turns();
    expect(seen).toEqual([[0], [1, 2, 3]]);
    gates[1]!.open();
    await turns();
    expect(seen).toEqual([[0], [1, 2, 3], [4, 5]]);
    gates[2]!.open();
    expect(await Promise.all(later)).toEqual([1, 2, 3, 4, 5]);
    expect(batcher.stats()).toEqual({ batches: 3, requests: 6, refused: 0 });
  });

  it('spreads the waiting requests over the free slots', async () => {
    const seen: number[][] = [];
    const batcher = createGatheringBatcher<number, number>(
      async (batch) => {
        seen.push(batch.map((item) => item.request));
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const item of batch) item.resolve(item.request);
      },
      { maxBatch: 100, maxInFlight: 2 },
    );
    await Promise.all([0, 1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n)));
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('runs up to maxInFlight batches at once', async () => {
    let running = 0;
    let most = 0;
    const batcher = createGatheringBatcher<number, number>(
      async (batch) => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        batch.forEach((item) => item.resolve(item.request));
      },
      { maxBatch: 2, maxInFlight: 2 },
    );
    expect(await Promise.all([1, 2, 3, 4, 5, 6].map((n) => batcher.submit(n)))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(most).toBe(2);
    expect(batcher.stats().requests).toBe(6);
    expect(batcher.stats().batches).toBeGreaterThanOrEqual(3);
  });

  it('rejects the unsettled requests of a batch that throws, and keeps serving', async () => {
    let calls = 0;
    const batcher = createGatheringBatcher<number, number>(
      (batch) => {
        if (calls++ === 0) {
          batch[0]!.resolve(1);
          throw new Error('forward failed');
        }
        batch.forEach((item) => item.resolve(item.request));
      },
      { maxBatch: 8, maxInFlight: 1 },
    );
    const answers = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(answers[0]).toEqual({ status: 'fulfilled', value: 1 });
    expect(answers[1]).toMatchObject({ status: 'rejected', reason: new Error('forward failed') });
    expect(await batcher.submit(7)).toBe(7);
    expect(() => createGatheringBatcher(() => undefined, { maxBatch: 0, maxInFlight: 1 })).toThrow('batcher maxBatch: expected a positive integer, got 0');
    expect(() => createGatheringBatcher(() => undefined, { maxBatch: 4, maxInFlight: 1.5 })).toThrow('batcher maxInFlight: expected a positive integer, got 1.5');
  });

  it('never refuses a same-tick burst an idle batcher can run at once (the bound is on requests waiting behind running batches)', async () => {
    const batcher = createGatheringBatcher<number, number>((batch) => batch.forEach((item) => item.resolve(item.request * 2)), { maxBatch: 4, maxInFlight: 2, maxQueue: 1 });
    // 8 fill the two free slots' next batches, one more waits, the tenth is refused
    const answers = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => batcher.submit(i)));
    expect(answers.map((answer) => answer.status)).toEqual([...Array(9).fill('fulfilled'), 'rejected']);
    expect(batcher.stats()).toMatchObject({ requests: 9, refused: 1 });
  });

  it('refuses a request at once when maxQueue requests already wait, and admits again once the queue drains', async () => {
    const gates: Array<ReturnType<typeof gate>> = [];
    const batcher = createGatheringBatcher<number, number>(
      async (batch) => {
        const g = gate();
        gates.push(g);
        await g.wait;
        batch.forEach((item) => item.resolve(item.request));
      },
      { maxBatch: 8, maxInFlight: 1, maxQueue: 2, overloaded: (queued, limit) => new Error(`busy: ${queued} of ${limit}`) },
    );
    const first = batcher.submit(0);
    await turns(); // batch [0] runs and holds its slot
    const waiting = [batcher.submit(1), batcher.submit(2)];
    await expect(batcher.submit(3)).rejects.toThrow('busy: 2 of 2');
    expect(batcher.stats()).toEqual({ batches: 1, requests: 1, refused: 1 });
    gates[0]!.open();
    expect(await first).toBe(0);
    await turns(); // [1, 2] left the queue for the next batch: there is room again
    const third = batcher.submit(4);
    gates[1]!.open();
    expect(await Promise.all(waiting)).toEqual([1, 2]);
    await turns();
    gates[2]!.open();
    expect(await third).toBe(4);
    expect(batcher.stats()).toEqual({ batches: 3, requests: 4, refused: 1 });
    // idle: the first request is the free slot's next batch, not waiting; the second waits; the third is refused (the default error names the bound)
    const strict = createGatheringBatcher<number, number>((batch) => batch.forEach((item) => item.resolve(item.request)), { maxBatch: 1, maxInFlight: 1, maxQueue: 1 });
    const admitted = [strict.submit(1), strict.submit(2)];
    await expect(strict.submit(3)).rejects.toThrow('batcher overloaded: 1 requests already wait (maxQueue 1)');
    expect(await Promise.all(admitted)).toEqual([1, 2]);
    expect(() => createGatheringBatcher(() => undefined, { maxBatch: 4, maxInFlight: 1, maxQueue: 0 })).toThrow('batcher maxQueue: expected a positive integer, got 0');
  });
});
