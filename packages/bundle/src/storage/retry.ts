import { sleep } from './internal/abort';

export interface RetryPolicy {
  /** Total attempts including the first (>= 1). */
  maxAttempts: number;
  /** First backoff ceiling; doubles every attempt. */
  baseDelayMs: number;
  /** Upper bound on any single backoff. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 4, baseDelayMs: 150, maxDelayMs: 5_000 };

const retryableNetworkCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const retryableErrorNames = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'InternalError',
  'ServiceUnavailable',
  'NetworkingError',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * Whether a failed store request is worth repeating: 5xx, 408/429, throttling, and network
 * resets/refusals/timeouts are; 403/404 and other client errors are not (repeating them only
 * delays a clear error).
 */
export function isRetryableError(error: unknown): boolean {
  for (let current = error as ErrorLike | undefined, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const status = current.$metadata?.httpStatusCode;
    if (typeof status === 'number') {
      if (status >= 500 || status === 408 || status === 429) return true;
      if (status >= 400) return retryableErrorNames.has(String(current.name));
    }
    if (current.$retryable) return true;
    if (typeof current.code === 'string' && retryableNetworkCodes.has(current.code)) return true;
    if (typeof current.name === 'string' && retryableErrorNames.has(current.name)) return true;
    current = current.cause as ErrorLike | undefined;
  }
  return false;
}

/** Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryContext {
  attempt: number;
}

/**
 * Calls `operation` until it succeeds, fails with a non-retryable error, the attempts run out
 * or the caller's signal aborts. Rethrows the last error; `onRetry` sees every retried one.
 */
export async function retry<T>(
  operation: (context: RetryContext) => Promise<T>,
  options: {
    policy: RetryPolicy;
    signal?: AbortSignal;
    isRetryable?: (error: unknown) => boolean;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  },
): Promise<T> {
  const isRetryable = options.isRetryable ?? isRetryableError;
  const attempts = Math.max(1, options.policy.maxAttempts);
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation({ attempt });
    } catch (error) {
      // The caller's own abort is never retried, whatever the error looks like.
      if (options.signal?.aborted) throw error;
      if (attempt + 1 >= attempts || !isRetryable(error)) throw error;
      const delayMs = backoffDelayMs(attempt, options.policy);
      options.onRetry?.(error, attempt + 1, delayMs);
      await sleep(delayMs, options.signal);
    }
  }
}
