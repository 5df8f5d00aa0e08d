// The definitions a service serves with: read from a source (a file, the bundle, Redis), checked
// (schema, cross-checks, the service's own params schema), swapped in atomically and re-read
// periodically. A definition that fails is refused and the previous one keeps serving, like a
// bad bundle; at startup it fails loudly instead.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { assignVariants } from './assign';
import type { Assignment, AssignmentRequest } from './assign';
import { ExperimentConfigError, isExperimentActive, parseExperimentConfig, validateExperimentConfig } from './definitions';
import type { ExperimentConfig, ExperimentDefinition } from './definitions';

/** Where definition text comes from. `undefined` means "no experiments" (not an error). */
export interface ExperimentConfigSource {
  readonly description: string;
  read(signal?: AbortSignal): Promise<string | undefined>;
}

/** A YAML or JSON file, re-read on every poll (cheap: the text is compared before parsing). */
export function createFileConfigSource(path: string): ExperimentConfigSource {
  return {
    description: `file:${path}`,
    async read(signal) {
      try {
        return await readFile(path, { encoding: 'utf8', signal });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error(`experiment definitions ${path}: no such file`, { cause: error });
        throw error;
      }
    },
  };
}

export interface ExperimentSourceChoices {
  /** the serving bundle's experiments part (its text; undefined while no bundle has the part) */
  bundle?: () => string | undefined;
  /** the definitions key in Redis (`@mixtape/redis-state`'s createRedisExperimentConfigSource) */
  redis?: ExperimentConfigSource;
}

/**
 * A service's definitions source from its setting (MIXTAPE_EXPERIMENTS): undefined → none, `bundle`
 * → the bundle's part, `redis` → Redis, anything else → a YAML/JSON file path. Throws when the
 * setting names a source the service cannot reach (`redis` without Redis).
 */
export function experimentSourceFor(setting: string | undefined, choices: ExperimentSourceChoices = {}): ExperimentConfigSource | undefined {
  const value = setting?.trim();
  if (!value) return undefined;
  if (value === 'bundle') {
    const bundle = choices.bundle;
    if (!bundle) throw new Error('experiment definitions "bundle": this service does not open the bundle\'s experiments part');
    return { description: 'bundle:experiments/definitions.yaml', read: () => Promise.resolve(bundle()) };
  }
  if (value === 'redis') {
    if (!choices.redis) throw new Error('experiment definitions "redis": no Redis is configured (set MIXTAPE_REDIS_URL, or give a definitions file path)');
    return choices.redis;
  }
  return createFileConfigSource(value);
}

/** Text known in memory (the bundle's part, a test); `update` replaces it. */
export function createStaticConfigSource(text: string | undefined, description = 'static'): ExperimentConfigSource & { update(next: string | undefined): void } {
  let current = text;
  return {
    description,
    read: () => Promise.resolve(current),
    update(next) {
      current = next;
    },
  };
}

export interface RegistryLogger {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface ExperimentRegistryOptions {
  source: ExperimentConfigSource;
  /** the service's surface: only its experiments' params are validated and assigned */
  surface?: string;
  /** problems with one variant's params for this surface (e.g. a zod schema's issues); any problem refuses the definitions */
  validateParams?: (params: Readonly<Record<string, unknown>>) => string[];
  /** how often `start()` re-reads the source (default 10 s; 0 = never) */
  pollIntervalMs?: number;
  logger?: RegistryLogger;
  now?: () => number;
}

export interface ExperimentSnapshot {
  config: ExperimentConfig;
  /** sha256 of the text (first 12 hex digits), "empty" without definitions */
  version: string;
  loadedAt: number;
  source: string;
}

export interface ExperimentRegistry {
  current(): ExperimentSnapshot;
  /** the user's variants for the registry's surface now */
  assign(request: Omit<AssignmentRequest, 'surface' | 'now'> & { now?: number }): Assignment;
  /** re-reads the source; resolves true when new definitions were swapped in. Throws only from `load()`. */
  refresh(signal?: AbortSignal): Promise<boolean>;
  /** first load: throws ExperimentConfigError (or the source's error) so a service refuses to start */
  load(signal?: AbortSignal): Promise<ExperimentSnapshot>;
  start(): void;
  stop(): void;
}

const EMPTY: ExperimentConfig = { version: 1, layers: [], experiments: [] };

function versionOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** What changes for users already assigned: weights, salt, allocation or layer of a running experiment. */
export function reshufflingChanges(previous: ExperimentConfig, next: ExperimentConfig, now: number): string[] {
  const changes: string[] = [];
  for (const after of next.experiments) {
    const before = previous.experiments.find((candidate) => candidate.key === after.key);
    if (!before || !isExperimentActive(before, now) || !isExperimentActive(after, now)) continue;
    const weights = (experiment: ExperimentDefinition) => experiment.variants.map((variant) => `${variant.key}:${variant.weight}`).join(',');
    if ((before.salt ?? before.key) !== (after.salt ?? after.key)) changes.push(`${after.key}: salt changed (every user is reassigned)`);
    else if (weights(before) !== weights(after)) changes.push(`${after.key}: variant weights changed from ${weights(before)} to ${weights(after)} (some users move between variants; use a new salt or ramp with traffic)`);
    if (before.layer !== after.layer || before.allocation.from !== after.allocation.from || before.allocation.to !== after.allocation.to) changes.push(`${after.key}: layer or allocation changed (users move in or out)`);
    if (after.traffic < before.traffic) changes.push(`${after.key}: traffic lowered from ${before.traffic} to ${after.traffic} % (users leave the experiment)`);
  }
  return changes;
}

export function createExperimentRegistry(options: ExperimentRegistryOptions): ExperimentRegistry {
  const clock = options.now ?? Date.now;
  let snapshot: ExperimentSnapshot = { config: EMPTY, version: 'empty', loadedAt: clock(), source: options.source.description };
  let lastText: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<boolean> | undefined;

  function check(text: string | undefined): ExperimentConfig {
    if (text === undefined || text.trim() === '') return EMPTY;
    const config = parseExperimentConfig(text, options.source.description);
    if (options.validateParams && options.surface) {
      const problems: string[] = [];
      for (const experiment of config.experiments) {
        if (!experiment.surface.includes(options.surface)) continue;
        for (const variant of experiment.variants) {
          for (const problem of options.validateParams(variant.params)) problems.push(`experiments["${experiment.key}"].variants["${variant.key}"].params: ${problem}`);
        }
      }
      if (problems.length > 0) throw new ExperimentConfigError(options.source.description, problems);
    }
    return validateExperimentConfig(config, options.source.description);
  }

  async function swapIn(text: string | undefined): Promise<boolean> {
    if (text === lastText) return false;
    const config = check(text);
    const now = clock();
    const changes = reshufflingChanges(snapshot.config, config, now);
    if (changes.length > 0) options.logger?.warn({ changes, source: options.source.description }, 'experiment definitions: running experiments changed in ways that move users');
    lastText = text;
    snapshot = { config, version: text === undefined || text.trim() === '' ? 'empty' : versionOf(text), loadedAt: now, source: options.source.description };
    const active = config.experiments.filter((experiment) => isExperimentActive(experiment, now) && (!options.surface || experiment.surface.includes(options.surface)));
    options.logger?.info({ version: snapshot.version, source: snapshot.source, experiments: config.experiments.length, activeHere: active.map((experiment) => experiment.key) }, 'experiment definitions loaded');
    return true;
  }

  const registry: ExperimentRegistry = {
    current: () => snapshot,
    assign(request) {
      return assignVariants(snapshot.config, { ...request, surface: options.surface, now: request.now ?? clock() });
    },
    async load(signal) {
      await swapIn(await options.source.read(signal));
      return snapshot;
    },
    refresh(signal) {
      inFlight ??= (async () => {
        try {
          return await swapIn(await options.source.read(signal));
        } catch (error) {
          options.logger?.error({ err: error, source: options.source.description, serving: snapshot.version }, 'experiment definitions refused; the previous ones keep serving');
          return false;
        } finally {
          inFlight = undefined;
        }
      })();
      return inFlight;
    },
    start() {
      const interval = options.pollIntervalMs ?? 10_000;
      if (interval <= 0 || timer) return;
      timer = setInterval(() => void registry.refresh(), interval);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
  return registry;
}

export interface AllocationRow {
  key: string;
  surface: string[];
  layer?: string;
  active: boolean;
  start: string;
  stop?: string;
  traffic: number;
  allocation: { from: number; to: number };
  /** share of all users enrolled per variant (holdout, allocation, traffic and weights applied) */
  variants: { key: string; weight: number; share: number }[];
  /** share of all users in the experiment */
  share: number;
}

/** Who gets what, as shares of all users: for the console and `mixtape experiment list`. */
export function describeAllocation(config: ExperimentConfig, now: number): { holdout?: { key: string; percent: number }; experiments: AllocationRow[] } {
  const outside = 1 - (config.holdout?.percent ?? 0) / 100;
  return {
    ...(config.holdout ? { holdout: { key: config.holdout.key, percent: config.holdout.percent } } : {}),
    experiments: config.experiments.map((experiment) => {
      const active = isExperimentActive(experiment, now);
      const share = active ? outside * ((experiment.allocation.to - experiment.allocation.from) / 100) * (experiment.traffic / 100) : 0;
      const total = experiment.variants.reduce((sum, variant) => sum + variant.weight, 0);
      return {
        key: experiment.key,
        surface: experiment.surface,
        ...(experiment.layer ? { layer: experiment.layer } : {}),
        active,
        start: experiment.start,
        ...(experiment.stop ? { stop: experiment.stop } : {}),
        traffic: experiment.traffic,
        allocation: experiment.allocation,
        variants: experiment.variants.map((variant) => ({ key: variant.key, weight: variant.weight, share: (share * variant.weight) / total })),
        share,
      };
    }),
  };
}
