// One place that turns a Redis URL into a configured ioredis client, so every store built on
// it (rate limits here, Home's shelf state elsewhere) fails the same bounded way when Redis is away.
import { Redis } from 'ioredis';

/** The small logger interface Mixtape packages take (a pino logger fits). */
export interface RedisStateLogger {
  warn(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
}

export interface RedisClientOptions {
  /** `redis://[:password@]host:port[/db]` or `rediss://…` for TLS. */
  url: string;
  /** Prefix for every key the stores write (default `mixtape:`), so several deployments can share one Redis. */
  keyPrefix?: string;
  /** Connect timeout in ms (default 2000). */
  connectTimeoutMs?: number;
  /** Per-command timeout in ms (default 500): a slow Redis must not hold a request for long. */
  commandTimeoutMs?: number;
  /** Name shown by `CLIENT LIST` (e.g. the service name). */
  connectionName?: string;
  logger?: RedisStateLogger;
}

export interface RedisStateClient {
  redis: Redis;
  /** Key prefix the stores use (ioredis applies it to every command). */
  keyPrefix: string;
  /** Per-command timeout in ms the client was built with. */
  commandTimeoutMs: number;
  /** Resolves once connected (connecting if needed); rejects with a clear message after `timeoutMs` (default `connectTimeoutMs`). */
  ready(signal?: AbortSignal, timeoutMs?: number): Promise<void>;
  /** `PING` with the command timeout; false when Redis is unreachable. */
  ping(): Promise<boolean>;
  /** QUIT (or disconnect when QUIT cannot be sent). */
  close(): Promise<void>;
}

/** Describes a URL without its password, for logs and errors. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable Redis URL)';
  }
}

/**
 * A lazily connecting ioredis client with bounded timeouts: commands fail fast while Redis is
 * down (no offline queue), and reconnects back off up to 2 s.
 */
export function createRedisClient(options: RedisClientOptions): RedisStateClient {
  if (!/^rediss?:\/\//.test(options.url)) {
    throw new Error(`Redis URL ${describeRedisUrl(options.url)}: expected redis://host:port or rediss://host:port`);
  }
  const keyPrefix = options.keyPrefix ?? 'mixtape:';
  const connectTimeoutMs = options.connectTimeoutMs ?? 2000;
  const commandTimeoutMs = options.commandTimeoutMs ?? 500;
  const redis = new Redis(options.url, {
    keyPrefix,
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: commandTimeoutMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(2000, 50 * 2 ** Math.min(attempt, 6)),
    connectionName: options.connectionName,
  });
  const where = describeRedisUrl(options.url);
  let lastError = '';
  let connected: Promise<void> | undefined;
  redis.on('error', (error: Error) => {
    // ioredis emits on every failed reconnect; log a changed message once, not every 50 ms.
    if (error.message !== lastError) options.logger?.warn({ redis: where, error: error.message }, 'redis unavailable; retrying');
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (lastError) options.logger?.info({ redis: where }, 'redis connection restored');
    lastError = '';
  });

  return {
    redis,
    keyPrefix,
    commandTimeoutMs,
    async ready(signal, timeoutMs = connectTimeoutMs) {
      if (redis.status === 'ready') return;
      signal?.throwIfAborted();
      if (redis.status === 'wait') void redis.connect().catch(() => {});
      // Every waiter shares one 'ready' listener: callers (one per request while a connection is
      // being made) would otherwise add one each and trip MaxListenersExceededWarning.
      connected ??= new Promise<void>((resolve) => {
        redis.once('ready', () => {
          connected = undefined;
          resolve();
        });
      });
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const gaveUp = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${where} not reachable within ${timeoutMs} ms${lastError ? ` (${lastError})` : ''}`)), timeoutMs);
        onAbort = () => reject(signal?.reason ?? new Error('aborted'));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        await Promise.race([connected, gaveUp]);
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    },
    async ping() {
      try {
        if (redis.status === 'wait') await redis.connect();
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
    async close() {
      if (redis.status === 'end') return;
      try {
        if (redis.status === 'ready') await redis.quit();
        else redis.disconnect();
      } catch {
        redis.disconnect();
      }
    },
  };
}
