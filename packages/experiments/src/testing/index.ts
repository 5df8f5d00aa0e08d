// Builders for tests: a synthetic experiment log with known effects (exported as
// "@mixtape/experiments/testing"). Users get a log-normal activity level, listen before their
// first exposure (the CUPED pre-period) and after it, with plays scaled by their variant's effect.
import { assignVariants } from '../assign';
import { validateExperimentConfig } from '../definitions';
import { Random } from '@mixtape/base';
import type { ExperimentConfig } from '../definitions';
import type { EventRecord, ExposureRecord } from '../log';

const DAY_MS = 86_400_000;

export interface SyntheticLogOptions {
  users: number;
  seed?: number;
  /** experiment key (default "test") */
  experiment?: string;
  /** variant key → weight and multiplicative effect on listening (1 = none) */
  variants?: Readonly<Record<string, { weight: number; effect?: number; skipRate?: number }>>;
  /** experiment start (default 2026-11-02T00:00:00Z) */
  start?: string;
  /** days the experiment runs; users enroll over the first half (default 14) */
  days?: number;
  /** days of listening logged before the experiment (default 14) */
  preDays?: number;
  /** mean listens per user per day (default 3) */
  listensPerDay?: number;
  /** spread of log activity between users (default 0.8) */
  activitySpread?: number;
}

function poisson(mean: number, random: () => number, gaussian: () => number): number {
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian()));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}

/** The definition the synthetic log is assigned with. */
export function syntheticDefinition(options: Pick<SyntheticLogOptions, 'experiment' | 'variants' | 'start' | 'days'> = {}): ExperimentConfig {
  const variants = options.variants ?? { control: { weight: 1 }, treatment: { weight: 1 } };
  const start = options.start ?? '2026-11-02T00:00:00Z';
  return validateExperimentConfig({
    version: 1,
    experiments: [
      {
        key: options.experiment ?? 'test',
        surface: 'home',
        start,
        stop: new Date(Date.parse(start) + (options.days ?? 14) * DAY_MS).toISOString(),
        variants: Object.entries(variants).map(([key, variant]) => ({ key, weight: variant.weight })),
      },
    ],
  });
}

/** A log with exposures (first visit and later visits) and listening events, deterministic per seed. */
export function syntheticExperimentLog(options: SyntheticLogOptions): { config: ExperimentConfig; exposures: ExposureRecord[]; events: EventRecord[] } {
  const generator = new Random(options.seed ?? 1);
  const random = () => generator.next();
  const gaussian = () => generator.gaussian();
  const config = syntheticDefinition(options);
  const experiment = config.experiments[0]!;
  const variants = options.variants ?? { control: { weight: 1 }, treatment: { weight: 1 } };
  const start = Date.parse(experiment.start);
  const days = options.days ?? 14;
  const preDays = options.preDays ?? 14;
  const rate = options.listensPerDay ?? 3;
  const spread = options.activitySpread ?? 0.8;
  const exposures: ExposureRecord[] = [];
  const events: EventRecord[] = [];
  const listen = (userId: string, from: number, to: number, mean: number, skipRate: number) => {
    const count = poisson(mean, random, gaussian);
    for (let i = 0; i < count; i++) {
      const time = from + random() * (to - from);
      const skipped = random() < skipRate;
      const complete = !skipped && random() < 0.7;
      events.push({ kind: 'event', time: new Date(time).toISOString(), userId, trackId: `track-${Math.floor(random() * 500)}`, type: skipped ? 'skip' : complete ? 'complete' : 'play', msPlayed: skipped ? 10_000 : complete ? 200_000 : 90_000 });
      if (!skipped && random() < 0.05) events.push({ kind: 'event', time: new Date(time + 1000).toISOString(), userId, trackId: `track-${Math.floor(random() * 500)}`, type: 'save' });
    }
  };
  for (let u = 0; u < options.users; u++) {
    const userId = `user-${u}`;
    const activity = Math.exp(spread * gaussian() - (spread * spread) / 2);
    const first = start + random() * (days / 2) * DAY_MS;
    const assignment = assignVariants(config, { userId, surface: 'home', now: first });
    const ref = assignment.variants.find((variant) => variant.key === experiment.key);
    if (!ref) continue;
    const variant = variants[ref.variant]!;
    exposures.push({ kind: 'exposure', id: `${userId}-0`, time: new Date(first).toISOString(), userId, surface: 'home', experiments: [{ key: experiment.key, variant: ref.variant }], items: [] });
    // a later visit: logged again in the same variant
    exposures.push({ kind: 'exposure', id: `${userId}-1`, time: new Date(first + DAY_MS).toISOString(), userId, surface: 'home', experiments: [{ key: experiment.key, variant: ref.variant }], items: [] });
    listen(userId, first - preDays * DAY_MS, first, rate * activity * preDays, 0.25);
    listen(userId, first, start + days * DAY_MS, rate * activity * (variant.effect ?? 1) * ((start + days * DAY_MS - first) / DAY_MS), variant.skipRate ?? 0.25);
  }
  events.sort((a, b) => a.time.localeCompare(b.time));
  return { config, exposures, events };
}

export { useFileExperimentRuntime } from './use-runtime';
