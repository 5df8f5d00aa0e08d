// The readout of one A/B experiment from its log: who was enrolled in which variant (first
// exposure), a sample-ratio check that blocks everything when the split is broken, per-user
// metrics over a fixed window after each user's first exposure, Welch / delta-method
// comparisons, CUPED with the same metric in a pre-period, daily sequential looks (group
// sequential with Lan–DeMets alpha spending, or mSPRT always-valid p-values), Holm across
// success metrics, and guardrails. Pure: records in, a JSON-ready readout out.
import { lowerBound } from '@mixtape/base';
import type { AnalysisPlan, ExperimentDefinition } from './definitions';
import type { EventRecord, ExposureRecord } from './log';
import { METRICS, METRIC_NAMES } from './metrics';
import type { MetricName } from './metrics';
import { normalQuantile, normalUpperTail } from './stats/distributions';
import { holmAdjust } from './stats/multiple';
import { groupSequentialBoundaries, msprtSequence } from './stats/sequential';
import { cupedAdjust, linearizeRatio, ratioEstimate, sampleRatioCheck, summarize, welchTest, zTest } from './stats/tests';
import type { Comparison, SampleRatioCheck } from './stats/tests';

export const DAY_MS = 86_400_000;

export type SequentialMethod = 'group-sequential' | 'msprt';

export interface AnalyzeOptions {
  /** experiment key (as logged) */
  experiment: string;
  /** the definition, when at hand: weights for the SRM check, the analysis plan */
  definition?: ExperimentDefinition;
  /** overrides of the definition's analysis plan */
  plan?: Partial<AnalysisPlan>;
  /** expected share per variant for the SRM check (default: the definition's weights, else equal) */
  weights?: Readonly<Record<string, number>>;
  /** days before each user's first exposure that form the CUPED pre-period (default 14; 0 turns CUPED off) */
  preDays?: number;
  /** analysis time, epoch ms (default: the latest record) */
  end?: number;
  /**
   * Sequential method of the decision (default: group-sequential when plannedUsers is known,
   * else mSPRT). Both are always reported.
   */
  sequential?: SequentialMethod;
  /** this readout is the last one: the group-sequential look spends all remaining α */
  final?: boolean;
  /** mSPRT mixing scale: the relative effect the test is tuned for (default 0.05 = 5 %) */
  msprtEffect?: number;
  /** SRM p-value threshold that blocks the readout (default 0.001) */
  srmThreshold?: number;
  /** compute only these metrics (default: all; the plan's metrics are always included) */
  metrics?: readonly MetricName[];
  /** count only events from this surface (e.g. "home": plays started from Home shelves), in the pre-period too */
  surface?: string;
}

export interface VariantCount {
  key: string;
  /** users enrolled (first exposure) */
  users: number;
  /** users whose metric window is complete at the analysis time */
  analyzed: number;
  expectedShare: number;
}

export interface SequentialLookReadout {
  /** look time (ISO) */
  at: string;
  users: number;
  estimate: number;
  standardError: number;
  z: number;
  /** mSPRT always-valid p-value so far */
  msprtPValue: number;
  /** group sequential: spending time and boundary of this look */
  fraction?: number;
  boundary?: number;
  crossed?: boolean;
}

export interface MetricReadout {
  metric: MetricName;
  label: string;
  kind: 'mean' | 'ratio';
  direction: 'increase' | 'decrease';
  role: 'primary' | 'secondary' | 'guardrail' | 'monitor';
  variant: string;
  raw: Comparison;
  cuped?: Comparison & { theta: number; varianceReduction: number };
  /** the estimate decisions use: CUPED when a pre-period exists, else raw */
  decisionEstimate: 'cuped' | 'raw';
  /** fixed-horizon p-value of the decision estimate, Holm-adjusted across success metrics × treatments */
  adjustedPValue?: number;
  sequential: {
    method: SequentialMethod;
    msprtPValue: number;
    /** always-valid interval of the difference (mSPRT) */
    msprtInterval: [number, number];
    /** group sequential: the first look whose |z| crossed its boundary */
    crossedAt?: string;
    /** α the metric was tested at (α / success metrics for group sequential) */
    alpha: number;
    looks: SequentialLookReadout[];
  };
  /** significant in the good / bad direction under the sequential decision rule */
  verdict: 'better' | 'worse' | 'not-significant';
  guardrail?: { margin: number; passed: boolean; bound: number };
}

export interface ExperimentReadout {
  experiment: string;
  control: string;
  status: 'ok' | 'blocked-srm' | 'insufficient-data';
  message?: string;
  period: { start: string; end: string; days: number };
  /** events counted only from this surface */
  surface?: string;
  plan: AnalysisPlan;
  preDays: number;
  sequentialMethod: SequentialMethod;
  variants: VariantCount[];
  srm: SampleRatioCheck;
  /** users logged in more than one variant (excluded) */
  crossovers: number;
  metrics: MetricReadout[];
  decision: { verdict: 'ship' | 'no-ship' | 'inconclusive' | 'blocked'; reasons: string[] };
}

/** Counts per user over a window; rates are computed from these. */
interface UserCounts {
  listens: number;
  plays: number;
  completes: number;
  skips: number;
  saves: number;
  minutes: number;
}

interface UserEvents {
  times: number[];
  types: string[];
  ms: number[];
}

function emptyCounts(): UserCounts {
  return { listens: 0, plays: 0, completes: 0, skips: 0, saves: 0, minutes: 0 };
}

function countEvents(events: UserEvents | undefined, from: number, to: number): UserCounts {
  const counts = emptyCounts();
  if (!events) return counts;
  // events are sorted by time: binary search the start
  for (let i = lowerBound(events.times, from); i < events.times.length && events.times[i]! < to; i++) {
    const type = events.types[i];
    if (type === 'play' || type === 'complete' || type === 'skip') counts.listens++;
    if (type === 'play' || type === 'complete') counts.plays++;
    if (type === 'complete') counts.completes++;
    if (type === 'skip') counts.skips++;
    if (type === 'save') counts.saves++;
    counts.minutes += (events.ms[i] ?? 0) / 60_000;
  }
  return counts;
}

/** The per-user value of a mean metric, or the numerator / denominator of a ratio metric. */
function metricParts(metric: MetricName, counts: UserCounts): { y: number; x: number } {
  switch (metric) {
    case 'plays':
      return { y: counts.plays, x: 1 };
    case 'listening_minutes':
      return { y: counts.minutes, x: 1 };
    case 'saves':
      return { y: counts.saves, x: 1 };
    case 'listens':
      return { y: counts.listens, x: 1 };
    case 'completion_rate':
      return { y: counts.completes, x: counts.listens };
    case 'skip_rate':
      return { y: counts.skips, x: counts.listens };
  }
}

interface ArmData {
  y: Float64Array;
  x: Float64Array;
  preY: Float64Array;
  preX: Float64Array;
}

interface Estimate {
  raw: Comparison;
  cuped?: Comparison & { theta: number; varianceReduction: number };
}

/** Raw and CUPED comparisons of one metric between two arms. */
export function compareArms(kind: 'mean' | 'ratio', control: ArmData, treatment: ArmData, alpha: number, withCuped: boolean): Estimate {
  if (kind === 'mean') {
    const raw = welchTest(summarize(control.y), summarize(treatment.y), alpha);
    if (!withCuped) return { raw };
    const adjusted = cupedAdjust({ y: control.y, x: control.preY }, { y: treatment.y, x: treatment.preY });
    const cuped = welchTest(summarize(adjusted.control), summarize(adjusted.treatment), alpha);
    return { raw, cuped: { ...cuped, theta: adjusted.theta, varianceReduction: adjusted.varianceReduction } };
  }
  const c = ratioEstimate(control.y, control.x);
  const t = ratioEstimate(treatment.y, treatment.x);
  const raw = zTest(c.ratio, c.variance, t.ratio, t.variance, alpha);
  if (!withCuped) return { raw };
  // CUPED on the linearized ratio (Deng et al.): covariate = the same ratio linearized in the pre-period
  const pooledPre = ratioEstimate(concat(control.preY, treatment.preY), concat(control.preX, treatment.preX));
  if (!(pooledPre.denominatorMean > 0)) return { raw };
  const lc = linearizeRatio(control.y, control.x, c.ratio, c.denominatorMean);
  const lt = linearizeRatio(treatment.y, treatment.x, t.ratio, t.denominatorMean);
  const pc = linearizeRatio(control.preY, control.preX, pooledPre.ratio, pooledPre.denominatorMean);
  const pt = linearizeRatio(treatment.preY, treatment.preX, pooledPre.ratio, pooledPre.denominatorMean);
  const adjusted = cupedAdjust({ y: lc, x: pc }, { y: lt, x: pt });
  const sc = summarize(adjusted.control);
  const st = summarize(adjusted.treatment);
  const controlRatio = c.ratio + sc.mean;
  const treatmentRatio = t.ratio + st.mean;
  const cuped = zTest(controlRatio, sc.variance / sc.n, treatmentRatio, st.variance / st.n, alpha);
  return { raw, cuped: { ...cuped, theta: adjusted.theta, varianceReduction: adjusted.varianceReduction } };
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function iso(time: number): string {
  return new Date(time).toISOString();
}

/** Analyzes one experiment's exposures and events. */
export function analyzeExperiment(input: { exposures: readonly ExposureRecord[]; events: readonly EventRecord[] }, options: AnalyzeOptions): ExperimentReadout {
  const definition = options.definition;
  const plan: AnalysisPlan = {
    primary: 'plays',
    secondary: [],
    guardrails: [],
    alpha: 0.05,
    windowDays: 7,
    ...definition?.analysis,
    ...Object.fromEntries(Object.entries(options.plan ?? {}).filter(([, value]) => value !== undefined)),
  };
  const alpha = plan.alpha;
  const preDays = options.preDays ?? 14;

  // ---- enrollment: the variant of each user's first exposure
  const enrolled = new Map<string, { first: number; variant: string; crossed: boolean }>();
  let latest = 0;
  for (const exposure of input.exposures) {
    const time = Date.parse(exposure.time);
    latest = Math.max(latest, time);
    const ref = exposure.experiments.find((candidate) => candidate.key === options.experiment);
    if (!ref) continue;
    const entry = enrolled.get(exposure.userId);
    if (!entry) enrolled.set(exposure.userId, { first: time, variant: ref.variant, crossed: false });
    else {
      if (entry.variant !== ref.variant) entry.crossed = true;
      if (time < entry.first) {
        entry.first = time;
        entry.variant = ref.variant;
      }
    }
  }
  const eventsByUser = new Map<string, UserEvents>();
  const sortedEvents = [...input.events].map((event) => ({ event, time: Date.parse(event.time) })).sort((a, b) => a.time - b.time);
  for (const { event, time } of sortedEvents) {
    latest = Math.max(latest, time);
    if (!enrolled.has(event.userId)) continue;
    if (options.surface !== undefined && event.surface !== options.surface) continue;
    let entry = eventsByUser.get(event.userId);
    if (!entry) eventsByUser.set(event.userId, (entry = { times: [], types: [], ms: [] }));
    entry.times.push(time);
    entry.types.push(event.type);
    entry.ms.push(event.msPlayed ?? 0);
  }
  const end = options.end ?? latest;
  const crossovers = [...enrolled.values()].filter((entry) => entry.crossed).length;
  const users = [...enrolled.entries()].filter(([, entry]) => !entry.crossed && entry.first <= end);

  const variantKeys = definition
    ? definition.variants.map((variant) => variant.key)
    : [...new Set(users.map(([, entry]) => entry.variant))].sort((a, b) => (a === 'control' ? -1 : b === 'control' ? 1 : a.localeCompare(b)));
  const control = plan.control ?? (variantKeys.includes('control') ? 'control' : variantKeys[0] ?? 'control');
  const weightOf = (key: string) => options.weights?.[key] ?? definition?.variants.find((variant) => variant.key === key)?.weight ?? 1;
  const totalWeight = variantKeys.reduce((sum, key) => sum + weightOf(key), 0);
  const start = users.length > 0 ? Math.min(...users.map(([, entry]) => entry.first)) : end;
  const windowMs = plan.windowDays * DAY_MS;
  const matureBy = (time: number) => (first: number) => first + windowMs <= time;

  const variants: VariantCount[] = variantKeys.map((key) => ({
    key,
    users: users.filter(([, entry]) => entry.variant === key).length,
    analyzed: users.filter(([, entry]) => entry.variant === key && matureBy(end)(entry.first)).length,
    expectedShare: weightOf(key) / totalWeight,
  }));
  const unknownVariants = [...new Set(users.map(([, entry]) => entry.variant))].filter((key) => !variantKeys.includes(key));
  const srm = sampleRatioCheck(
    variants.map((variant) => variant.users),
    variantKeys.map(weightOf),
    options.srmThreshold ?? 0.001,
  );
  const sequentialMethod: SequentialMethod = options.sequential ?? (plan.plannedUsers !== undefined ? 'group-sequential' : 'msprt');
  const base = {
    experiment: options.experiment,
    control,
    period: { start: iso(start), end: iso(end), days: Math.max(0, (end - start) / DAY_MS) },
    ...(options.surface !== undefined ? { surface: options.surface } : {}),
    plan,
    preDays,
    sequentialMethod,
    variants,
    srm,
    crossovers,
  };
  if (unknownVariants.length > 0 || srm.mismatch) {
    const message =
      unknownVariants.length > 0
        ? `logged variants ${unknownVariants.map((v) => `"${v}"`).join(', ')} are not in the definition (${variantKeys.join(', ')}): assignment or logging is broken`
        : `sample ratio mismatch: ${variants.map((v) => `${v.key} ${v.users}`).join(' / ')} users against expected shares ${variants.map((v) => `${(100 * v.expectedShare).toFixed(1)} %`).join(' / ')} (χ² = ${srm.chiSquare.toFixed(2)}, p = ${srm.pValue.toExponential(2)} < ${srm.threshold}). Assignment, exposure logging or filtering is broken; no metric is reported until the cause is found.`;
    return { ...base, status: 'blocked-srm', message, metrics: [], decision: { verdict: 'blocked', reasons: [message] } };
  }
  if (!variantKeys.includes(control)) throw new RangeError(`control variant "${control}" is not among the variants (${variantKeys.join(', ')})`);
  const treatments = variantKeys.filter((key) => key !== control);
  const tooFew = variants.filter((variant) => variant.analyzed < 2);
  if (tooFew.length > 0) {
    const message = `not enough users with a complete ${plan.windowDays}-day window yet (${variants.map((v) => `${v.key}: ${v.analyzed}`).join(', ')}); read again later`;
    return { ...base, status: 'insufficient-data', message, metrics: [], decision: { verdict: 'inconclusive', reasons: [message] } };
  }

  // ---- per-user data at a look time: users whose window is complete, counts in their window
  const preCounts = new Map(users.map(([userId, entry]) => [userId, preDays > 0 ? countEvents(eventsByUser.get(userId), entry.first - preDays * DAY_MS, entry.first) : emptyCounts()]));
  const countsCache = new Map<number, { variant: string; post: UserCounts; pre: UserCounts }[]>();
  const countsAt = (time: number) => {
    let rows = countsCache.get(time);
    if (!rows) {
      rows = [];
      for (const [userId, entry] of users) {
        if (entry.first + windowMs > time) continue;
        rows.push({ variant: entry.variant, post: countEvents(eventsByUser.get(userId), entry.first, entry.first + windowMs), pre: preCounts.get(userId)! });
      }
      countsCache.set(time, rows);
    }
    return rows;
  };
  const armsAt = (time: number, metric: MetricName): Map<string, ArmData> => {
    const byVariant = new Map<string, { y: number[]; x: number[]; preY: number[]; preX: number[] }>();
    for (const key of variantKeys) byVariant.set(key, { y: [], x: [], preY: [], preX: [] });
    for (const row of countsAt(time)) {
      const post = metricParts(metric, row.post);
      const pre = metricParts(metric, row.pre);
      const arm = byVariant.get(row.variant)!;
      arm.y.push(post.y);
      arm.x.push(post.x);
      arm.preY.push(pre.y);
      arm.preX.push(pre.x);
    }
    return new Map([...byVariant].map(([key, arm]) => [key, { y: Float64Array.from(arm.y), x: Float64Array.from(arm.x), preY: Float64Array.from(arm.preY), preX: Float64Array.from(arm.preX) }]));
  };
  const hasPrePeriod = preDays > 0 && [...preCounts.values()].some((counts) => counts.listens + counts.saves > 0);

  const roles = new Map<MetricName, MetricReadout['role']>();
  for (const name of METRIC_NAMES) roles.set(name, 'monitor');
  for (const guardrail of plan.guardrails) roles.set(guardrail.metric, 'guardrail');
  for (const name of plan.secondary) roles.set(name, 'secondary');
  roles.set(plan.primary, 'primary');
  const computed = METRIC_NAMES.filter((name) => !options.metrics || options.metrics.includes(name) || roles.get(name) !== 'monitor');
  const successMetrics = computed.filter((name) => roles.get(name) === 'primary' || roles.get(name) === 'secondary');
  const familySize = successMetrics.length * treatments.length;

  // daily looks from the first day with mature users in every arm, plus the analysis time
  const lookTimes: number[] = [];
  for (let time = start + windowMs + DAY_MS; time < end; time += DAY_MS) lookTimes.push(time);
  lookTimes.push(end);

  const readouts: MetricReadout[] = [];
  for (const metric of computed) {
    const arms = armsAt(end, metric);
    const definitionOf = METRICS[metric];
    const role = roles.get(metric)!;
    for (const variant of treatments) {
      const estimate = compareArms(definitionOf.kind, arms.get(control)!, arms.get(variant)!, alpha, hasPrePeriod);
      const decisionEstimate = estimate.cuped ? 'cuped' : 'raw';
      const chosen = estimate.cuped ?? estimate.raw;
      // sequential looks (success metrics and guardrails; monitors get the final look only)
      const sequentialAlpha = sequentialMethod === 'group-sequential' && (role === 'primary' || role === 'secondary') ? alpha / familySize : alpha;
      const times = role === 'monitor' ? [end] : lookTimes;
      const looks: SequentialLookReadout[] = [];
      for (const time of times) {
        const lookArms = time === end ? arms : armsAt(time, metric);
        const c = lookArms.get(control)!;
        const t = lookArms.get(variant)!;
        if (c.y.length < 2 || t.y.length < 2) continue;
        const look = compareArms(definitionOf.kind, c, t, alpha, hasPrePeriod);
        const value = look.cuped ?? look.raw;
        if (!(value.standardError > 0)) continue;
        const analyzed = c.y.length + t.y.length;
        if (looks.length > 0 && analyzed <= looks[looks.length - 1]!.users) continue; // no new users, no new information
        looks.push({ at: iso(time), users: analyzed, estimate: value.difference, standardError: value.standardError, z: value.difference / value.standardError, msprtPValue: 1 });
      }
      const tau = (options.msprtEffect ?? 0.05) * Math.abs(chosen.control || 1);
      const msprt = msprtSequence(
        looks.map((look) => ({ at: look.at, estimate: look.estimate, variance: look.standardError ** 2 })),
        { tau2: tau * tau, alpha: sequentialAlpha },
      );
      msprt.forEach((result, k) => (looks[k]!.msprtPValue = result.pValue));
      let crossedAt: string | undefined;
      if (sequentialMethod === 'group-sequential' && looks.length > 0) {
        const planned = plan.plannedUsers;
        const lastUsers = looks[looks.length - 1]!.users;
        const fractions = looks.map((look, k) => {
          const isLast = k === looks.length - 1;
          if (isLast && options.final) return 1;
          return planned ? Math.min(1, look.users / planned) : look.users / lastUsers;
        });
        // stop at the first look that reaches fraction 1 (the final analysis)
        const lastIndex = fractions.findIndex((fraction) => fraction >= 1);
        const used = lastIndex >= 0 ? looks.slice(0, lastIndex + 1) : looks;
        // information ∝ analyzed users (i.i.d. users; a variance-based measure would be noisy early on)
        const monotone = used.map((look, k) => ({ information: look.users, fraction: fractions[k]! }));
        const bounds = groupSequentialBoundaries(monotone, { alpha: sequentialAlpha });
        bounds.forEach((bound, k) => {
          const look = used[k]!;
          look.fraction = bound.fraction;
          look.boundary = bound.boundary;
          look.crossed = Math.abs(look.z) >= bound.boundary;
          if (look.crossed && crossedAt === undefined) crossedAt = look.at;
        });
        if (used.length < looks.length) looks.splice(used.length);
      }
      const lastMsprt = msprt[msprt.length - 1];
      readouts.push({
        metric,
        label: definitionOf.label,
        kind: definitionOf.kind,
        direction: definitionOf.direction,
        role,
        variant,
        raw: estimate.raw,
        ...(estimate.cuped ? { cuped: estimate.cuped } : {}),
        decisionEstimate,
        sequential: {
          method: sequentialMethod,
          msprtPValue: lastMsprt?.pValue ?? 1,
          msprtInterval: lastMsprt?.interval ?? [-Infinity, Infinity],
          ...(crossedAt ? { crossedAt } : {}),
          alpha: sequentialAlpha,
          looks,
        },
        verdict: 'not-significant',
      });
    }
  }

  // ---- multiple testing across success metrics × treatments, verdicts, guardrails
  const success = readouts.filter((readout) => readout.role === 'primary' || readout.role === 'secondary');
  const fixedAdjusted = holmAdjust(success.map((readout) => (readout.cuped ?? readout.raw).pValue));
  const msprtAdjusted = holmAdjust(success.map((readout) => readout.sequential.msprtPValue));
  success.forEach((readout, i) => {
    readout.adjustedPValue = fixedAdjusted[i]!;
    const significant = sequentialMethod === 'group-sequential' ? readout.sequential.crossedAt !== undefined : msprtAdjusted[i]! <= alpha;
    if (sequentialMethod === 'msprt') readout.sequential.msprtPValue = msprtAdjusted[i]!;
    readout.verdict = significant ? verdictOf(readout) : 'not-significant';
  });
  for (const readout of readouts) {
    if (readout.role === 'primary' || readout.role === 'secondary') continue;
    const significant = readout.role === 'guardrail' ? significantSequentially(readout, sequentialMethod, alpha) : (readout.cuped ?? readout.raw).pValue <= alpha;
    readout.verdict = significant ? verdictOf(readout) : 'not-significant';
  }
  for (const guardrail of plan.guardrails) {
    for (const readout of readouts.filter((r) => r.metric === guardrail.metric && r.role === 'guardrail')) {
      const chosen = readout.cuped ?? readout.raw;
      // one-sided (1 − α) bound of the relative change on the harmful side
      const z = normalQuantile(1 - alpha);
      const relativeSe = Number.isFinite(chosen.relative) ? (chosen.relativeInterval[1] - chosen.relativeInterval[0]) / (2 * normalQuantile(1 - alpha / 2)) : Number.NaN;
      const harmful = readout.direction === 'increase' ? chosen.relative - z * relativeSe : chosen.relative + z * relativeSe;
      const passed = guardrail.margin > 0 ? (readout.direction === 'increase' ? harmful > -guardrail.margin : harmful < guardrail.margin) : readout.verdict !== 'worse';
      readout.guardrail = { margin: guardrail.margin, passed, bound: harmful };
    }
  }

  const reasons: string[] = [];
  const failedGuardrails = readouts.filter((readout) => readout.guardrail && !readout.guardrail.passed);
  const primary = readouts.filter((readout) => readout.role === 'primary');
  let verdict: ExperimentReadout['decision']['verdict'];
  if (failedGuardrails.length > 0) {
    verdict = 'no-ship';
    for (const readout of failedGuardrails) {
      reasons.push(
        readout.guardrail!.margin > 0
          ? `guardrail ${readout.metric} (${readout.variant}): cannot rule out a change worse than ${(100 * readout.guardrail!.margin).toFixed(1)} % (bound ${(100 * readout.guardrail!.bound).toFixed(2)} %)`
          : `guardrail ${readout.metric} (${readout.variant}) is significantly worse`,
      );
    }
  } else if (primary.some((readout) => readout.verdict === 'worse')) {
    verdict = 'no-ship';
    reasons.push(`primary metric ${plan.primary} is significantly worse`);
  } else if (primary.some((readout) => readout.verdict === 'better')) {
    verdict = 'ship';
    reasons.push(`primary metric ${plan.primary} is significantly better (${sequentialMethod}) and no guardrail failed`);
  } else {
    verdict = 'inconclusive';
    reasons.push(`primary metric ${plan.primary}: no significant difference yet (${sequentialMethod})`);
  }
  return { ...base, status: 'ok', metrics: readouts, decision: { verdict, reasons } };
}

function significantSequentially(readout: MetricReadout, method: SequentialMethod, alpha: number): boolean {
  return method === 'group-sequential' ? readout.sequential.crossedAt !== undefined : readout.sequential.msprtPValue <= alpha;
}

function verdictOf(readout: MetricReadout): 'better' | 'worse' {
  const difference = (readout.cuped ?? readout.raw).difference;
  const up = difference > 0;
  return (readout.direction === 'increase') === up ? 'better' : 'worse';
}

/** Two-sided p-value of a z statistic (exported for reports and the simulator). */
export function twoSidedP(z: number): number {
  return 2 * normalUpperTail(Math.abs(z));
}
