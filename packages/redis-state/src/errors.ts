/**
 * A write Redis could not take (down, timed out, transaction failed). It carries a stable code and
 * no HTTP status (ADR 0002): services map `STATE_UNAVAILABLE` to 503 with Retry-After, because the
 * same request succeeds once Redis is back, and nothing was half-written by this store.
 */
export class RedisStateError extends Error {
  readonly code = 'STATE_UNAVAILABLE';
  readonly details: { operation: string };
  constructor(message: string, operation: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisStateError';
    this.details = { operation };
  }
}
