// Experiments in Redis: the exposure and event log as two Redis Streams shared by every replica
// (XADD … MAXLEN ~ N, read back in order with XRANGE), and experiment definitions in one key,
// so an edit reaches every replica on its next poll. Structural types only: this package does
// not depend on @mixtape/experiments, yet the sink and source satisfy its interfaces.
import type { RedisStateClient } from './client';

/** What the sink needs of a log record (an ExposureRecord or EventRecord). */
export interface StreamLogRecord {
  kind: 'exposure' | 'event';
  time: string;
}

export interface RedisExperimentLogSinkOptions {
  /** stream keys under the client's prefix (defaults `experiments:exposures`, `experiments:events`) */
  exposuresStream?: string;
  eventsStream?: string;
  /** approximate cap per stream (XADD MAXLEN ~; default 5,000,000 entries) */
  maxLength?: number;
}

export interface RedisExperimentLogSink {
  readonly description: string;
  append(records: readonly StreamLogRecord[]): Promise<void>;
  /** the client belongs to the caller; closing the sink does not close it */
  close(): Promise<void>;
}

const DEFAULT_STREAMS = { exposures: 'experiments:exposures', events: 'experiments:events' } as const;

/** Appends records to the exposure / event streams; one pipeline per batch. A failed append rejects (never dropped silently). */
export function createRedisExperimentLogSink(client: RedisStateClient, options: RedisExperimentLogSinkOptions = {}): RedisExperimentLogSink {
  const streams = { exposures: options.exposuresStream ?? DEFAULT_STREAMS.exposures, events: options.eventsStream ?? DEFAULT_STREAMS.events };
  const maxLength = options.maxLength ?? 5_000_000;
  if (!Number.isInteger(maxLength) || maxLength < 1) throw new Error(`maxLength: expected a positive integer, got ${maxLength}`);
  return {
    description: `redis:${client.keyPrefix}{${streams.exposures},${streams.events}}`,
    async append(records) {
      // pipelines of at most 500 entries, so a large batch does not trip the per-command timeout
      for (let from = 0; from < records.length; from += 500) {
        const pipeline = client.redis.pipeline();
        for (const record of records.slice(from, from + 500)) {
          pipeline.xadd(record.kind === 'exposure' ? streams.exposures : streams.events, 'MAXLEN', '~', maxLength, '*', 'record', JSON.stringify(record));
        }
        let results: [Error | null, unknown][] | null;
        try {
          results = await pipeline.exec();
        } catch (error) {
          throw new Error(`Redis: could not append ${records.length} experiment log records: ${(error as Error).message}`, { cause: error });
        }
        const failed = results?.find(([error]) => error);
        if (!results || failed) throw new Error(`Redis: could not append experiment log records: ${failed?.[0]?.message ?? 'pipeline aborted'}`, { cause: failed?.[0] ?? undefined });
      }
    },
    close: () => Promise.resolve(),
  };
}

export interface ReadStreamOptions {
  stream?: 'exposures' | 'events';
  /** stream key override (under the client's prefix) */
  key?: string;
  /** entries per XRANGE call (default 10,000) */
  batch?: number;
  /** start after this entry id (exclusive; default: the beginning) */
  after?: string;
}

/** Reads a whole stream in order; yields each entry's record JSON (as written) with its id. */
export async function* readRedisExperimentLog(client: RedisStateClient, options: ReadStreamOptions = {}): AsyncGenerator<{ id: string; json: string }> {
  const key = options.key ?? DEFAULT_STREAMS[options.stream ?? 'exposures'];
  const batch = options.batch ?? 10_000;
  let start = options.after ? `(${options.after}` : '-';
  for (;;) {
    const entries = (await client.redis.xrange(key, start, '+', 'COUNT', batch)) as [string, string[]][];
    for (const [id, fields] of entries) {
      const at = fields.indexOf('record');
      if (at >= 0 && at + 1 < fields.length) yield { id, json: fields[at + 1]! };
    }
    if (entries.length < batch) return;
    start = `(${entries[entries.length - 1]![0]}`;
  }
}

export interface RedisConfigSourceOptions {
  /** key under the client's prefix (default `experiments:definitions`) */
  key?: string;
}

/** Experiment definitions (YAML or JSON text) kept in one Redis key; `read()` is one GET. */
export function createRedisExperimentConfigSource(client: RedisStateClient, options: RedisConfigSourceOptions = {}) {
  const key = options.key ?? 'experiments:definitions';
  return {
    description: `redis:${client.keyPrefix}${key}`,
    async read(): Promise<string | undefined> {
      try {
        return (await client.redis.get(key)) ?? undefined;
      } catch (error) {
        throw new Error(`Redis: could not read experiment definitions (${client.keyPrefix}${key}): ${(error as Error).message}`, { cause: error });
      }
    },
    /** publishes new definitions (`mixtape experiment publish`); every replica picks them up on its next poll */
    async write(text: string): Promise<void> {
      await client.redis.set(key, text);
    },
  };
}

/** What a service running experiments with Redis uses: the definitions key (MIXTAPE_EXPERIMENTS=redis) and the log streams. */
export function createRedisExperimentStorage(client: RedisStateClient, options: RedisExperimentLogSinkOptions & RedisConfigSourceOptions = {}) {
  return { source: createRedisExperimentConfigSource(client, options), sink: createRedisExperimentLogSink(client, options) };
}
