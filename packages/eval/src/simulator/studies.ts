// Studies on simulated worlds: A/A false-positive rates (with and without peeking), A/B power by
// sample size, interleaving power by sample size, CUPED variance reduction. Worlds hold each
// user's potential outcomes (the same listeners simulated under control, under treatment, and on
// interleaved pages), so any random assignment of users to arms is a valid experiment: a study
// draws many assignments (new salts) and subsets of users and runs the real analysis on each.
import { analyzeExperiment, analyzeInterleaving, assignVariants, bucketOf, normalQuantile, validateExperimentConfig, wilsonInterval } from '@mixtape/experiments';
import type { EventRecord, ExperimentReadout, ExposureRecord, MetricName } from '@mixtape/experiments';
import type { WorldLog } from './world';

interface UserRecords {
  exposures: ExposureRecord[];
  events: EventRecord[];
}

/** Records of one world grouped by user. */
export function recordsByUser(world: WorldLog): Map<string, UserRecords> {
  const byUser = new Map<string, UserRecords>();
  const entry = (userId: string) => {
    let value = byUser.get(userId);
    if (!value) byUser.set(userId, (value = { exposures: [], events: [] }));
    return value;
  };
  for (const exposure of world.exposures) entry(exposure.userId).exposures.push(exposure);
  for (const event of world.events) entry(event.userId).events.push(event);
  return byUser;
}

function relabel(exposures: readonly ExposureRecord[], key: string, variant: string): ExposureRecord[] {
  return exposures.map((exposure) => ({ ...exposure, experiments: [{ key, variant }] }));
}

/** Study assignments are computed at a fixed time inside the definitions' running window. */
const ASSIGN_TIME = Date.UTC(2000, 0, 2);

function twoArmDefinition(key: string, salt: string) {
  return validateExperimentConfig({
    version: 1,
    experiments: [{ key, salt, surface: 'home', start: '2000-01-01T00:00:00Z', variants: [{ key: 'control', weight: 1 }, { key: 'treatment', weight: 1 }] }],
  });
}

/** A rate with its 95 % Wilson interval. */
export interface Rate {
  count: number;
  total: number;
  rate: number;
  interval: [number, number];
}
function rate(count: number, total: number): Rate {
  return { count, total, rate: total > 0 ? count / total : 0, interval: wilsonInterval(count, total) };
}

export interface AaStudyOptions {
  experiments: number;
  alpha?: number;
  windowDays: number;
  /** count events of this surface only (e.g. home) */
  surface?: string;
  /** metric the sequential tests decide on (default plays) */
  primary?: MetricName;
  onProgress?: (done: number, total: number) => void;
}

export interface AaStudyResult {
  experiments: number;
  users: number;
  /** fixed-horizon test of the primary metric at the end (CUPED estimate) */
  fixedHorizon: Rate;
  fixedHorizonRaw: Rate;
  /** group sequential (Lan–DeMets OBF) over daily looks */
  groupSequential: Rate;
  /** mSPRT always-valid p ≤ α at any daily look */
  msprt: Rate;
  /** the fixed-horizon test read at every daily look (what peeking does) */
  naivePeeking: Rate;
  /** SRM alarms (p < 0.001) */
  srmAlarms: Rate;
  /** fixed-horizon false-positive rate per metric */
  perMetric: { metric: MetricName; rate: Rate }[];
  looks: number;
}

/** Many A/A experiments (new salt each) over one world: everyone saw the same engine. */
export function runAaStudy(world: WorldLog, options: AaStudyOptions): AaStudyResult {
  const alpha = options.alpha ?? 0.05;
  const byUser = recordsByUser(world);
  const userIds = [...byUser.keys()].filter((userId) => byUser.get(userId)!.exposures.length > 0);
  const counts = { fixed: 0, fixedRaw: 0, group: 0, msprt: 0, naive: 0, srm: 0 };
  const perMetric = new Map<MetricName, number>();
  let looks = 0;
  const z = normalQuantile(1 - alpha / 2);
  for (let i = 0; i < options.experiments; i++) {
    const config = twoArmDefinition('aa', `aa-${i}`);
    const exposures: ExposureRecord[] = [];
    const events: EventRecord[] = [];
    for (const userId of userIds) {
      const variant = assignVariants(config, { userId, now: ASSIGN_TIME }).variants[0]!.variant;
      const records = byUser.get(userId)!;
      exposures.push(...relabel(records.exposures, 'aa', variant));
      events.push(...records.events);
    }
    const readout = analyzeExperiment(
      { exposures, events },
      { experiment: 'aa', definition: config.experiments[0], plan: { primary: options.primary ?? 'plays', windowDays: options.windowDays, plannedUsers: userIds.length, alpha }, final: true, sequential: 'group-sequential', surface: options.surface },
    );
    if (readout.srm.pValue < 0.001) counts.srm++;
    if (readout.status !== 'ok') continue;
    const primary = readout.metrics.find((metric) => metric.role === 'primary')!;
    if ((primary.cuped ?? primary.raw).pValue <= alpha) counts.fixed++;
    if (primary.raw.pValue <= alpha) counts.fixedRaw++;
    if (primary.sequential.crossedAt !== undefined) counts.group++;
    if (primary.sequential.msprtPValue <= alpha) counts.msprt++;
    if (primary.sequential.looks.some((look) => Math.abs(look.z) >= z)) counts.naive++;
    looks = Math.max(looks, primary.sequential.looks.length);
    for (const metric of readout.metrics) if ((metric.cuped ?? metric.raw).pValue <= alpha) perMetric.set(metric.metric, (perMetric.get(metric.metric) ?? 0) + 1);
    options.onProgress?.(i + 1, options.experiments);
  }
  const n = options.experiments;
  return {
    experiments: n,
    users: userIds.length,
    fixedHorizon: rate(counts.fixed, n),
    fixedHorizonRaw: rate(counts.fixedRaw, n),
    groupSequential: rate(counts.group, n),
    msprt: rate(counts.msprt, n),
    naivePeeking: rate(counts.naive, n),
    srmAlarms: rate(counts.srm, n),
    perMetric: (['plays', 'listening_minutes', 'saves', 'listens', 'completion_rate', 'skip_rate'] as const).map((metric) => ({ metric, rate: rate(perMetric.get(metric) ?? 0, n) })),
    looks,
  };
}

export interface PowerPoint {
  /** users in the experiment (both arms) */
  users: number;
  replicates: number;
  power: Rate;
  /** A/B only: power without CUPED and under the sequential rule */
  powerRaw?: Rate;
  powerSequential?: Rate;
}

export interface AbStudyOptions {
  sampleSizes: readonly number[];
  replicates: number;
  windowDays: number;
  /** count events of this surface only (e.g. home) */
  surface?: string;
  alpha?: number;
  primary?: MetricName;
  /** which direction counts as detecting the difference (default: treatment worse) */
  expect?: 'better' | 'worse';
  onProgress?: (done: number, total: number) => void;
}

export interface AbStudyResult {
  points: PowerPoint[];
  /** smallest size with ≥ 80 % power (linear interpolation), per rule; undefined beyond the largest size */
  usersFor80: { cuped?: number; raw?: number; sequential?: number };
  /** the full-pool readout (all users, one assignment) */
  fullPool: ExperimentReadout;
  /** analytic users for 80 % power from the full pool's effect and per-user variance */
  analyticUsersFor80: { cuped: number; raw: number };
  /** CUPED variance reduction per metric (full pool) */
  cupedReduction: { metric: MetricName; varianceReduction: number; correlation: number }[];
}

/** Users for 80 % power, interpolated on a power curve. */
export function interpolateUsersFor(points: readonly { users: number; power: number }[], target = 0.8): number | undefined {
  const sorted = [...points].sort((a, b) => a.users - b.users);
  for (let i = 0; i < sorted.length; i++) {
    const point = sorted[i]!;
    if (point.power >= target) {
      if (i === 0) return point.users;
      const previous = sorted[i - 1]!;
      return Math.round(previous.users + ((target - previous.power) / (point.power - previous.power)) * (point.users - previous.users));
    }
  }
  return undefined;
}

function pickUsers(userIds: readonly string[], count: number, salt: string): string[] {
  return [...userIds].sort((a, b) => bucketOf(salt, a, 0x7fffffff) - bucketOf(salt, b, 0x7fffffff) || (a < b ? -1 : 1)).slice(0, count);
}

/** A/B power: each replicate assigns users by a new salt and takes each user's outcomes from their arm's world. */
export function runAbStudy(control: WorldLog, treatment: WorldLog, options: AbStudyOptions): AbStudyResult {
  const alpha = options.alpha ?? 0.05;
  const expect = options.expect ?? 'worse';
  const controlRecords = recordsByUser(control);
  const treatmentRecords = recordsByUser(treatment);
  // users who opened Home during the experiment in the world of their arm are enrolled there;
  // the pool is users who did in both worlds' first visit (the visit draw is shared between worlds)
  const pool = [...controlRecords.keys()].filter((userId) => controlRecords.get(userId)!.exposures.length > 0 && (treatmentRecords.get(userId)?.exposures.length ?? 0) > 0);
  const build = (userIds: readonly string[], salt: string) => {
    const config = twoArmDefinition('ab', salt);
    const exposures: ExposureRecord[] = [];
    const events: EventRecord[] = [];
    for (const userId of userIds) {
      const variant = assignVariants(config, { userId, now: ASSIGN_TIME }).variants[0]!.variant;
      const records = (variant === 'control' ? controlRecords : treatmentRecords).get(userId)!;
      exposures.push(...relabel(records.exposures, 'ab', variant));
      events.push(...records.events);
    }
    return { config, log: { exposures, events } };
  };
  const analyze = (userIds: readonly string[], salt: string, preDays?: number) => {
    const { config, log } = build(userIds, salt);
    return analyzeExperiment(log, {
      experiment: 'ab',
      definition: config.experiments[0],
      plan: { primary: options.primary ?? 'plays', windowDays: options.windowDays, plannedUsers: userIds.length, alpha },
      final: true,
      sequential: 'group-sequential',
      surface: options.surface,
      ...(preDays !== undefined ? { preDays } : {}),
    });
  };
  const detected = (readout: ExperimentReadout, which: 'cuped' | 'raw' | 'sequential'): boolean => {
    if (readout.status !== 'ok') return false;
    const primary = readout.metrics.find((metric) => metric.role === 'primary')!;
    const estimate = which === 'raw' ? primary.raw : (primary.cuped ?? primary.raw);
    const direction = (estimate.difference > 0) === (primary.direction === 'increase') ? 'better' : 'worse';
    if (which === 'sequential') return primary.verdict === expect;
    return estimate.pValue <= alpha && direction === expect;
  };
  const points: PowerPoint[] = [];
  const total = options.sampleSizes.length * options.replicates;
  let done = 0;
  for (const size of options.sampleSizes) {
    const users = Math.min(size, pool.length);
    const hits = { cuped: 0, raw: 0, sequential: 0 };
    for (let r = 0; r < options.replicates; r++) {
      const readout = analyze(pickUsers(pool, users, `subset-${size}-${r}`), `ab-${size}-${r}`);
      if (detected(readout, 'cuped')) hits.cuped++;
      if (detected(readout, 'raw')) hits.raw++;
      if (detected(readout, 'sequential')) hits.sequential++;
      options.onProgress?.(++done, total);
    }
    points.push({ users, replicates: options.replicates, power: rate(hits.cuped, options.replicates), powerRaw: rate(hits.raw, options.replicates), powerSequential: rate(hits.sequential, options.replicates) });
  }
  const fullPool = analyze(pool, 'ab-full');
  const primary = fullPool.metrics.find((metric) => metric.role === 'primary');
  const analytic = (comparison: { difference: number; standardError: number } | undefined) => {
    if (!comparison || comparison.difference === 0) return Infinity;
    // SE² ∝ 1/users: users for 80 % power = users · ((z_{α/2} + z_{0.8}) · SE / |Δ|)²
    const zSum = normalQuantile(1 - alpha / 2) + normalQuantile(0.8);
    return Math.round(pool.length * ((zSum * comparison.standardError) / Math.abs(comparison.difference)) ** 2);
  };
  return {
    points,
    usersFor80: {
      cuped: interpolateUsersFor(points.map((point) => ({ users: point.users, power: point.power.rate }))),
      raw: interpolateUsersFor(points.map((point) => ({ users: point.users, power: point.powerRaw!.rate }))),
      sequential: interpolateUsersFor(points.map((point) => ({ users: point.users, power: point.powerSequential!.rate }))),
    },
    fullPool,
    analyticUsersFor80: { cuped: analytic(primary?.cuped ?? primary?.raw), raw: analytic(primary?.raw) },
    cupedReduction: fullPool.metrics.filter((metric) => metric.cuped).map((metric) => ({ metric: metric.metric, varianceReduction: metric.cuped!.varianceReduction, correlation: Math.sqrt(metric.cuped!.varianceReduction) })),
  };
}

export interface InterleavingStudyOptions {
  sampleSizes: readonly number[];
  replicates: number;
  alpha?: number;
  /** the team that should win (default A = control) */
  expectWinner?: 'A' | 'B';
  /** credit window (days after first exposure), as the A/B metric window */
  windowDays?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface InterleavingStudyResult {
  points: PowerPoint[];
  usersFor80?: number;
  fullPool: ReturnType<typeof analyzeInterleaving>;
  analyticUsersFor80: number;
}

/** Interleaving power: subsets of the interleaved world's users, sign test on per-user wins. */
export function runInterleavingStudy(world: WorldLog, options: InterleavingStudyOptions): InterleavingStudyResult {
  const alpha = options.alpha ?? 0.05;
  const winner = options.expectWinner ?? 'A';
  const byUser = recordsByUser(world);
  const pool = [...byUser.keys()].filter((userId) => byUser.get(userId)!.exposures.length > 0);
  const key = world.exposures[0]?.experiments[0]?.key ?? 'interleaving';
  const logOf = (userIds: readonly string[]) => {
    const exposures: ExposureRecord[] = [];
    const events: EventRecord[] = [];
    for (const userId of userIds) {
      const records = byUser.get(userId)!;
      const first = Math.min(...records.exposures.map((exposure) => Date.parse(exposure.time)));
      const until = options.windowDays === undefined ? Infinity : first + options.windowDays * 86_400_000;
      exposures.push(...records.exposures.filter((exposure) => Date.parse(exposure.time) < until));
      events.push(...records.events.filter((event) => Date.parse(event.time) < until));
    }
    return { exposures, events };
  };
  const points: PowerPoint[] = [];
  const total = options.sampleSizes.length * options.replicates;
  let done = 0;
  for (const size of options.sampleSizes) {
    const users = Math.min(size, pool.length);
    let hits = 0;
    for (let r = 0; r < options.replicates; r++) {
      const readout = analyzeInterleaving(logOf(pickUsers(pool, users, `il-${size}-${r}`)), { experiment: key, alpha });
      if (readout.winner === winner) hits++;
      options.onProgress?.(++done, total);
    }
    points.push({ users, replicates: options.replicates, power: rate(hits, options.replicates) });
  }
  const fullPool = analyzeInterleaving(logOf(pool), { experiment: key, alpha });
  // sign test power: decided share q, preference p among decided users
  const decided = (fullPool.winsA + fullPool.winsB) / Math.max(1, fullPool.users);
  const p = fullPool.preferenceA;
  const zA = normalQuantile(1 - alpha / 2);
  const zB = normalQuantile(0.8);
  const analytic = p === 0.5 || decided === 0 ? Infinity : Math.round(((zA * 0.5 + zB * Math.sqrt(p * (1 - p))) / (p - 0.5)) ** 2 / decided);
  return { points, usersFor80: interpolateUsersFor(points.map((point) => ({ users: point.users, power: point.power.rate }))), fullPool, analyticUsersFor80: analytic };
}
