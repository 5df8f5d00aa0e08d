import { describe, expect, it } from 'vitest';
import { createMicroBatcher } from './micro-batcher';

describe('createMicroBatcher', () => {
  it('answers requests that arrive together in one batch, each with its own result', async () => {
    const seen: number[][] = [];
    const batcher = createMicroBatcher<number, number>(
      (batch) => {
        seen.push(batch.map((item) => item.request));
        batch.forEach((item) => item.resolve(item.request * 10));
      },
      { maxWaitMs: 5, maxBatch: 100 },
    );
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual([10, 20, 30]);
    expect(seen).toEqual([[1, 2, 3]]);
    expect(batcher.stats()).toEqual({ batches: 1, requests: 3 });
  });

  it('runs a full batch at once and starts the next one', async () => {
    const sizes: number[] = [];
    const batcher = createMicroBatcher<number, number>(
      async (batch) => {
        sizes.push(batch.length);
        for (const item of batch) item.resolve(item.request);
      },
      { maxWaitMs: 1000, maxBatch: 2 },
    );
    const answers = [batcher.submit(1), batcher.submit(2), batcher.submit(3), batcher.submit(4)];
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4]);
    expect(sizes).toEqual([2, 2]);
  });

  it('rejects the batch when run throws or rejects, keeping results already given', async () => {
    const throwing = createMicroBatcher<number, number>(() => {
      throw new Error('index gone');
    }, { maxWaitMs: 1, maxBatch: 10 });
    await expect(throwing.submit(1)).rejects.toThrow('index gone');
    const partial = createMicroBatcher<number, number>(
      async (batch) => {
        batch[0]!.resolve(7);
        throw new Error('second failed');
      },
      { maxWaitMs: 1, maxBatch: 10 },
    );
    const [first, second] = await Promise.allSettled([partial.submit(1), partial.submit(2)]);
    expect(first).toEqual({ status: 'fulfilled', value: 7 });
    expect(second).toMatchObject({ status: 'rejected', reason: new Error('second failed') });
  });
});
