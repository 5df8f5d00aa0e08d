import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetryableError, retry } from './retry';

const s3Error = (name: string, status: number) => Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

describe('isRetryableError', () => {
  it('retries 5xx, throttling and network resets, not 403/404', () => {
    expect(isRetryableError(s3Error('InternalError', 500))).toBe(true);
    expect(isRetryableError(s3Error('ServiceUnavailable', 503))).toBe(true);
    expect(isRetryableError(s3Error('SlowDown', 503))).toBe(true);
    expect(isRetryableError(s3Error('TooManyRequests', 429))).toBe(true);
    expect(isRetryableError(s3Error('ThrottlingException', 400))).toBe(true);
    expect(isRetryableError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableError(new Error('wrapped', { cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) }))).toBe(true);
    expect(isRetryableError(s3Error('AccessDenied', 403))).toBe(false);
    expect(isRetryableError(s3Error('NoSuchKey', 404))).toBe(false);
    expect(isRetryableError(new Error('plain bug'))).toBe(false);
  });
});

describe('retry', () => {
  const policy = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 2 };

  it('stops after maxAttempts on retryable errors and reports each retry', async () => {
    let calls = 0;
    const retried: number[] = [];
    await expect(
      retry(
        async () => {
          calls += 1;
          throw s3Error('InternalError', 500);
        },
        { policy, onRetry: (_error, attempt) => retried.push(attempt) },
      ),
    ).rejects.toThrow('InternalError');
    expect(calls).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
  });

  it('does not retry a non-retryable error and returns the first success', async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw s3Error('AccessDenied', 403);
        },
        { policy },
      ),
    ).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);

    let attempts = 0;
    const value = await retry(
      async () => {
        attempts += 1;
        if (attempts < 3) throw Object.assign(new Error('reset'), { code: 'ECONNRESET' });
        return 'ok';
      },
      { policy },
    );
    expect([value, attempts]).toEqual(['ok', 3]);
  });

  it('never retries after the caller aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          controller.abort(new Error('shutting down'));
          throw s3Error('InternalError', 500);
        },
        { policy, signal: controller.signal },
      ),
    ).rejects.toThrow('InternalError');
    expect(calls).toBe(1);
  });

  it('backs off exponentially with full jitter under a cap', () => {
    const p = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelayMs(0, p, () => 0.999)).toBe(99);
    expect(backoffDelayMs(2, p, () => 0.5)).toBe(200);
    expect(backoffDelayMs(8, p, () => 0.999)).toBe(999);
    expect(backoffDelayMs(3, p, () => 0)).toBe(0);
  });
});
