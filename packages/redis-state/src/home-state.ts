// Home's per-listener online state in Redis, so every replica reads the feedback and live events
// any replica recorded. Structural types only: this package does not depend on @mixtape/ranking,
// yet the stores satisfy its ShelfStateStore and RecentEventStore interfaces.
import { randomBytes } from 'node:crypto';
import type { RedisStateClient, RedisStateLogger } from './client';
import { RedisStateError } from './errors';

export interface BetaCounts {
  alpha: number;
  beta: number;
  /** pages that showed the shelf type (absent: none recorded) */
  impressions?: number;
}

export interface RedisShelfStateStore<ShelfType extends string> {
  /** Feedback counts per shelf type (no entry: no feedback yet). */
  get(userId: string): Promise<Partial<Record<ShelfType, BetaCounts>>>;
  /** Adds successes to alpha, failures to beta and impressions to the shown count, atomically (HINCRBYFLOAT), and refreshes the TTL. */
  record(userId: string, shelfType: ShelfType, outcome: { successes: number; failures: number; impressions?: number }): Promise<void>;
}

export interface RedisShelfStateStoreOptions {
  /** Sub-prefix of the per-listener hashes (default `home:shelf:`; the client's prefix comes first). */
  prefix?: string;
  /** A listener's feedback is forgotten this long after their last feedback (default 30 days). */
  ttlSeconds?: number;
  /** Reads that fail (Redis down or slow) return no feedback and log here; writes always throw. */
  logger?: RedisStateLogger;
}

/**
 * Per-listener shelf feedback as one hash per listener (`<type>:a`, `<type>:b`, `<type>:i` fields):
 * HINCRBYFLOAT makes concurrent records from several replicas add up exactly.
 */
export function createRedisShelfStateStore<ShelfType extends string = string>(
  client: RedisStateClient,
  options: RedisShelfStateStoreOptions = {},
): RedisShelfStateStore<ShelfType> {
  const { redis } = client;
  const prefix = options.prefix ?? 'home:shelf:';
  const ttlSeconds = positiveInteger(options.ttlSeconds ?? 30 * 24 * 3600, 'ttlSeconds');
  const key = (userId: string) => `${prefix}${userId}`;
  const failures = failureLogger(options.logger, 'shelf state');
  return {
    async get(userId) {
      let fields: Record<string, string>;
      try {
        fields = await redis.hgetall(key(userId));
        failures.recovered();
      } catch (error) {
        // A page without personal shelf order beats no page: fall back to the priors.
        failures.failed(error);
        return {};
      }
      const result: Partial<Record<ShelfType, BetaCounts>> = {};
      for (const [field, value] of Object.entries(fields)) {
        const split = field.lastIndexOf(':');
        const shelfType = field.slice(0, split) as ShelfType;
        const which = field.slice(split + 1);
        const count = Number(value);
        if (split <= 0 || (which !== 'a' && which !== 'b' && which !== 'i') || !Number.isFinite(count)) continue;
        const entry = (result[shelfType] ??= { alpha: 0, beta: 0 });
        if (which === 'a') entry.alpha = count;
        else if (which === 'b') entry.beta = count;
        else entry.impressions = count;
      }
      return result;
    },
    async record(userId, shelfType, outcome) {
      const impressions = outcome.impressions ?? 0;
      if (!Number.isFinite(outcome.successes) || !Number.isFinite(outcome.failures) || !Number.isFinite(impressions)) {
        throw new Error(`shelf feedback for user "${userId}", shelf "${shelfType}": successes, failures and impressions must be finite numbers (got ${outcome.successes}, ${outcome.failures}, ${impressions})`);
      }
      const multi = redis.multi();
      if (outcome.successes !== 0) multi.hincrbyfloat(key(userId), `${shelfType}:a`, outcome.successes);
      if (outcome.failures !== 0) multi.hincrbyfloat(key(userId), `${shelfType}:b`, outcome.failures);
      if (impressions !== 0) multi.hincrbyfloat(key(userId), `${shelfType}:i`, impressions);
      multi.expire(key(userId), ttlSeconds);
      await execOrThrow(multi, `record shelf feedback for user "${userId}"`);
    },
  };
}

export interface RedisRecentEventStore<Event extends { timestamp: number }> {
  /** The listener's newest events, oldest first. */
  get(userId: string): Promise<readonly Event[]>;
  /** Adds events, keeps the newest `maxEvents` by timestamp and refreshes the TTL, in one MULTI. */
  append(userId: string, events: readonly Event[]): Promise<void>;
}

export interface RedisRecentEventStoreOptions {
  /** Events kept per listener (the newest by timestamp). */
  maxEvents: number;
  /** A listener's events are forgotten this long after their last append. */
  ttlSeconds: number;
  /**
   * Sub-prefix of the per-listener sorted sets (default `home:events:`). Put whatever scopes the
   * events in it — Home's events carry track indexes of one bundle, so it adds the bundle version.
   */
  prefix?: string;
  /** Reads that fail return no events and log here; writes always throw. */
  logger?: RedisStateLogger;
}

/**
 * Recent events as one sorted set per listener, scored by timestamp. Each member is a unique tag
 * plus the event's JSON, so two identical events (same track, same second) both count.
 */
export function createRedisRecentEventStore<Event extends { timestamp: number }>(
  client: RedisStateClient,
  options: RedisRecentEventStoreOptions,
): RedisRecentEventStore<Event> {
  const { redis } = client;
  const prefix = options.prefix ?? 'home:events:';
  const maxEvents = positiveInteger(options.maxEvents, 'maxEvents');
  const ttlSeconds = positiveInteger(options.ttlSeconds, 'ttlSeconds');
  const key = (userId: string) => `${prefix}${userId}`;
  const failures = failureLogger(options.logger, 'recent events');
  // Process tag + counter: unique across replicas without a round trip.
  const processTag = randomBytes(6).toString('base64url');
  let sequence = 0;
  return {
    async get(userId) {
      let members: string[];
      try {
        members = await redis.zrange(key(userId), 0, -1);
        failures.recovered();
      } catch (error) {
        failures.failed(error);
        return [];
      }
      const events: Event[] = [];
      for (const member of members) {
        const json = member.slice(member.indexOf('|') + 1);
        try {
          events.push(JSON.parse(json) as Event);
        } catch {
          // Not written by this store (or truncated): skip rather than fail the page.
        }
      }
      return events;
    },
    async append(userId, events) {
      if (events.length === 0) return;
      const args: (string | number)[] = [];
      for (const [position, event] of events.entries()) {
        if (!Number.isFinite(event.timestamp)) {
          throw new Error(`recent events for user "${userId}": events[${position}].timestamp must be a finite number (got ${String(event.timestamp)}); nothing was appended`);
        }
        args.push(event.timestamp, `${processTag}.${(sequence++).toString(36)}|${JSON.stringify(event)}`);
      }
      const multi = redis.multi();
      multi.zadd(key(userId), ...args);
      // Ranks ascend by timestamp: drop all but the newest maxEvents.
      multi.zremrangebyrank(key(userId), 0, -(maxEvents + 1));
      multi.expire(key(userId), ttlSeconds);
      await execOrThrow(multi, `append ${events.length} recent event${events.length === 1 ? '' : 's'} for user "${userId}"`);
    },
  };
}

async function execOrThrow(multi: { exec(): Promise<[Error | null, unknown][] | null> }, what: string): Promise<void> {
  let results: [Error | null, unknown][] | null;
  // The message says what could not be stored, not where Redis lives (it reaches clients as a 503).
  const fail = (reason: string, cause?: unknown): never => {
    throw new RedisStateError(`Shared state is unavailable: could not ${what} (${reason}); nothing was stored, retry shortly`, what, { cause });
  };
  try {
    results = await multi.exec();
  } catch (error) {
    return fail(describeFailure(error), error);
  }
  if (!results) return fail('transaction aborted');
  const failed = results.find(([error]) => error);
  if (failed?.[0]) fail(describeFailure(failed[0]), failed[0]);
}

/** ioredis messages without hosts or ports. */
function describeFailure(error: unknown): string {
  const message = (error as Error).message ?? String(error);
  if (/timed? ?out/i.test(message)) return 'Redis timed out';
  if (/offline queue|Connection is closed|ECONNREFUSED|ECONNRESET|not connected|Stream isn't writeable/i.test(message)) return 'Redis is not reachable';
  return 'Redis refused the write';
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${value}`);
  return value;
}

/** Logs the first failed read of a streak and the recovery, not every request. */
function failureLogger(logger: RedisStateLogger | undefined, what: string) {
  let failing = false;
  return {
    failed(error: unknown) {
      if (!failing) logger?.warn({ error: (error as Error).message }, `redis unavailable: ${what} read as empty`);
      failing = true;
    },
    recovered() {
      if (failing) logger?.info({}, `redis back: ${what} readable again`);
      failing = false;
    },
  };
}
