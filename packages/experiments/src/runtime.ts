// What a service holds to run experiments: the registry for its surface (definitions checked
// against its params schema), typed params per request, and the exposure/event log. The service
// only maps params onto its own configuration; assignment, validation and logging are here.
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { parseAttributes, responseExperiments } from './assign';
import type { Assignment, UserAttributes } from './assign';
import { createExperimentRegistry, describeAllocation, experimentSourceFor } from './registry';
import type { AllocationRow, ExperimentConfigSource, ExperimentRegistry, ExperimentSourceChoices, RegistryLogger } from './registry';
import { createJsonlLogSink } from './log';
import type { EventRecord, ExperimentRef, ExposedItem, ExperimentLogSink, ExposureRecord } from './log';

/** The request header services read user attributes from (`country=SE, premium=true, age=31`) for targeting. */
export const EXPERIMENT_ATTRIBUTES_HEADER = 'x-mixtape-attributes';

/** Attributes text that does not parse; services answer 400 (code `INVALID_ATTRIBUTES`, `details.issues`). */
export class ExperimentAttributesError extends Error {
  override name = 'ExperimentAttributesError';
  readonly code = 'INVALID_ATTRIBUTES';
  readonly details: { issues: { path: string; message: string }[] };
  constructor(problems: readonly string[]) {
    super(`${EXPERIMENT_ATTRIBUTES_HEADER}: ${problems.join('; ')}`);
    this.details = { issues: problems.map((message) => ({ path: `header.${EXPERIMENT_ATTRIBUTES_HEADER}`, message })) };
  }
}

export interface ExperimentRuntimeOptions<P extends object> {
  /** the service's surface (home, search, playlists) */
  surface: string;
  /** where definitions come from; undefined: no experiments (responses carry `experiments: []`) */
  source?: ExperimentConfigSource;
  /** the params a variant may set on this surface; a definition whose params fail is refused */
  paramsSchema: z.ZodType<P>;
  /** where exposures and events go; undefined: not logged */
  sink?: ExperimentLogSink;
  pollIntervalMs?: number;
  logger?: RegistryLogger;
  now?: () => number;
}

export interface RequestExperiments<P> {
  assignment: Assignment;
  /** the params of every assigned variant, merged (layers guarantee no two set the same key) */
  params: Partial<P>;
  /** for the response: `[{ key, variant }]` */
  experiments: ExperimentRef[];
}

export interface ExperimentsDescription {
  surface: string;
  version: string;
  source: string;
  loadedAt: string;
  holdout?: { key: string; percent: number };
  experiments: AllocationRow[];
}

export interface ExperimentRuntime<P extends object> {
  readonly surface: string;
  readonly registry: ExperimentRegistry;
  /**
   * the user's variants and params now; an anonymous request gets none. `attributes` as parsed,
   * or the EXPERIMENT_ATTRIBUTES_HEADER text (throws ExperimentAttributesError when it does not parse)
   */
  forRequest(userId: string | undefined, attributes?: UserAttributes | string): RequestExperiments<P>;
  /** logs what the user was shown (no-op without assignments or sink); never throws */
  logExposure(exposure: { id?: string; userId: string; experiments: readonly ExperimentRef[]; items: readonly ExposedItem[]; teams?: { A: string; B: string }; time?: number }): void;
  /**
   * logs every event (also the pre-period of future experiments), with the user's current
   * assignments; `surface` is where the play started (default: this service's surface); never throws
   */
  logEvents(events: readonly Omit<EventRecord, 'kind' | 'experiments'>[]): void;
  /** `GET /v1/experiments`: what this service serves */
  describe(): ExperimentsDescription;
  /** counts for /metrics */
  readonly counts: { exposures: number; events: number; logFailures: number };
  /** first load (throws on invalid definitions) and polling */
  start(signal?: AbortSignal): Promise<void>;
  /** stops polling and flushes the log */
  stop(): Promise<void>;
  /** start / stop as service lifecycle hooks (after the bundle's startup hook when definitions come from the bundle; stopped before Redis closes) */
  readonly startupHook: { name: string; run(signal: AbortSignal): Promise<void> };
  readonly shutdownHook: { name: string; run(): Promise<void> };
}

export function createExperimentRuntime<P extends object>(options: ExperimentRuntimeOptions<P>): ExperimentRuntime<P> {
  const clock = options.now ?? Date.now;
  const empty = { description: 'none', read: () => Promise.resolve(undefined) };
  const issuesOf = (params: Readonly<Record<string, unknown>>): string[] => {
    const result = options.paramsSchema.safeParse(params);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join('.') || '(params)'}: ${issue.message}`);
  };
  const registry = createExperimentRegistry({
    source: options.source ?? empty,
    surface: options.surface,
    validateParams: issuesOf,
    pollIntervalMs: options.pollIntervalMs,
    logger: options.logger,
    now: clock,
  });
  // parsed params per (definitions version, experiment, variant): parsing happens once per load
  let parsedFor = '';
  let parsed = new Map<string, Partial<P>>();
  const paramsOf = (assignment: Assignment): Partial<P> => {
    const { version } = registry.current();
    if (version !== parsedFor) {
      parsed = new Map();
      parsedFor = version;
    }
    const merged: Partial<P> = {};
    for (const variant of assignment.variants) {
      const key = `${variant.key}\u0000${variant.variant}`;
      let value = parsed.get(key);
      if (!value) {
        value = options.paramsSchema.parse(variant.params) as Partial<P>;
        parsed.set(key, value);
      }
      Object.assign(merged, value);
    }
    return merged;
  };
  const counts = { exposures: 0, events: 0, logFailures: 0 };
  let failing = false;
  const pending = new Set<Promise<void>>();
  const append = (records: (ExposureRecord | EventRecord)[]) => {
    const sink = options.sink;
    if (!sink || records.length === 0) return;
    const write = sink.append(records).then(
      () => {
        if (failing) options.logger?.info({ sink: sink.description }, 'experiment log writable again');
        failing = false;
      },
      (error: unknown) => {
        counts.logFailures += records.length;
        if (!failing) options.logger?.error({ err: error, sink: sink.description }, 'experiment log: append failed (exposures are lost until it recovers; pages are still served)');
        failing = true;
      },
    );
    pending.add(write);
    void write.finally(() => pending.delete(write));
  };
  const start = async (signal?: AbortSignal) => {
    await registry.load(signal);
    registry.start();
  };
  const stop = async () => {
    registry.stop();
    await Promise.all(pending);
    await options.sink?.close();
  };
  return {
    surface: options.surface,
    registry,
    counts,
    start,
    stop,
    startupHook: { name: 'experiments', run: start },
    shutdownHook: { name: 'experiments', run: stop },
    forRequest(userId, attributes) {
      let parsedAttributes: UserAttributes | undefined;
      if (typeof attributes === 'string') {
        const parsed = parseAttributes(attributes);
        if (parsed.problems.length > 0) throw new ExperimentAttributesError(parsed.problems);
        parsedAttributes = parsed.attributes;
      } else parsedAttributes = attributes;
      if (!userId) return { assignment: { userId: '', holdout: false, variants: [] }, params: {}, experiments: [] };
      const assignment = registry.assign({ userId, attributes: parsedAttributes });
      return { assignment, params: paramsOf(assignment), experiments: responseExperiments(assignment) };
    },
    logExposure(exposure) {
      if (exposure.experiments.length === 0) return;
      counts.exposures++;
      append([
        {
          kind: 'exposure',
          id: exposure.id ?? randomUUID(),
          time: new Date(exposure.time ?? clock()).toISOString(),
          userId: exposure.userId,
          surface: options.surface,
          experiments: [...exposure.experiments],
          items: [...exposure.items],
          ...(exposure.teams ? { teams: exposure.teams } : {}),
        },
      ]);
    },
    logEvents(events) {
      const records: EventRecord[] = [];
      const byUser = new Map<string, ExperimentRef[]>();
      for (const event of events) {
        let refs = byUser.get(event.userId);
        if (!refs) byUser.set(event.userId, (refs = responseExperiments(registry.assign({ userId: event.userId }))));
        records.push({ ...event, kind: 'event', surface: event.surface ?? options.surface, ...(refs.length > 0 ? { experiments: refs } : {}) });
      }
      counts.events += records.length;
      append(records);
    },
    describe() {
      const snapshot = registry.current();
      const allocation = describeAllocation(snapshot.config, clock());
      return {
        surface: options.surface,
        version: snapshot.version,
        source: snapshot.source,
        loadedAt: new Date(snapshot.loadedAt).toISOString(),
        ...(allocation.holdout ? { holdout: allocation.holdout } : {}),
        experiments: allocation.experiments.filter((row) => row.surface.includes(options.surface)),
      };
    },
  };
}

/** A service's experiment settings, as its config reads them. */
export interface ServiceExperimentSettings {
  /** where definitions come from: a file path, `bundle`, `redis`; undefined: no experiments */
  definitions?: string;
  /** hot-reload poll interval (0: read once) */
  pollIntervalMs: number;
  /** the JSON Lines log directory, used when the service has no Redis */
  logDirectory: string;
}

export interface ServiceExperimentReach extends Pick<ExperimentSourceChoices, 'bundle'> {
  /** the service's Redis: definitions key and log streams (`@mixtape/redis-state`) */
  redis?: { source: ExperimentConfigSource; sink: ExperimentLogSink };
  logger?: RegistryLogger;
}

/**
 * Source, sink and poll interval of a service's runtime from its settings: no definitions → no
 * experiments and no log; otherwise the log goes to Redis Streams when the service has Redis (every
 * replica appends to the same streams), else to JSON Lines files in `logDirectory`.
 */
export function serviceExperimentOptions(settings: ServiceExperimentSettings, reach: ServiceExperimentReach = {}): Pick<ExperimentRuntimeOptions<object>, 'source' | 'sink' | 'pollIntervalMs'> {
  const source = experimentSourceFor(settings.definitions, { bundle: reach.bundle, redis: reach.redis?.source });
  if (!source) return { pollIntervalMs: settings.pollIntervalMs };
  const sink = reach.redis?.sink ?? createJsonlLogSink({ directory: settings.logDirectory, ...(reach.logger ? { logger: reach.logger } : {}) });
  return { source, sink, pollIntervalMs: settings.pollIntervalMs };
}
