// Does learning from feedback help? Simulated listeners with hidden tastes (acoustic, older,
// danceable, calm — beyond anything they type) ask for playlists, and like, skip or remove tracks
// by that taste. Their feedback goes through the same path the playlists service uses (versions
// + feedback records → `rewardPairsFromFeedback` → `trainRewardModel`), and their satisfaction is
// measured on held-out prompts they never gave feedback on, for growing amounts of feedback.
// Feedback is logged under the system without a reward model (an offline log, as a team would
// have it), so every amount of feedback is judged against the same starting point.
import { Random } from '@mixtape/base';
import { buildCatalogLexicon } from '@mixtape/language';
import type { FeedbackRecord, Plan, PlaylistVersionRecord } from '@mixtape/llm';
import { createOfflinePlanner } from '@mixtape/llm';
import type { PlaylistContext, PlaylistEngine } from '@mixtape/ranking';
import { createPlaylistEngine, createRewardScorer, fulfilPlan, rewardPairsFromFeedback, standardisedTrackFeatures, trackFeatureStats, trainRewardModel, REWARD_TRACK_FEATURES } from '@mixtape/ranking';
import type { ConfidenceInterval } from '../bootstrap';
import { bootstrapMean, pairedBootstrapDifference } from '../bootstrap';
import { evaluateCheck } from './checks';
import type { SuitePrompt } from './types';

/** A hidden taste: weights over the reward model's standardised track features. */
export interface HiddenTaste {
  name: string;
  weights: Partial<Record<(typeof REWARD_TRACK_FEATURES)[number], number>>;
}

export const HIDDEN_TASTES: readonly HiddenTaste[] = [
  { name: 'acoustic', weights: { acousticness: 1 } },
  { name: 'older', weights: { releaseYear: -1 } },
  { name: 'danceable', weights: { danceability: 1 } },
  { name: 'calm', weights: { energy: -0.7, acousticness: 0.3 } },
];

export interface RewardCurveOptions {
  /** prompts the listeners type (feedback prompts and held-out prompts are drawn from them per seed) */
  prompts: readonly SuitePrompt[];
  /** feedback sessions per listener at each point of the curve (default 0, 2, 5, 10, 20) */
  amounts?: readonly number[];
  seeds?: readonly number[];
  /** simulated listeners per seed (default 24, tastes assigned in turn) */
  listeners?: number;
  /** held-out prompts per seed, never given feedback on (default 12) */
  heldOutPrompts?: number;
  /** tracks per playlist (default 20) */
  length?: number;
  /** idiosyncratic taste per (listener, track), standard deviation (default 0.5) */
  noise?: number;
  /** reward weight in fulfilment (default: fulfilment's SCORE_WEIGHTS.reward) */
  rewardWeight?: number;
  onProgress?: (line: string) => void;
}

export interface RewardCurvePoint {
  /** feedback sessions per listener */
  sessions: number;
  /** preference pairs the model was trained on (mean over seeds) */
  pairs: number;
  /** validation pairwise accuracy of the model (mean over seeds; NaN without a model) */
  validationAccuracy: number;
  /** share of held-out playlist tracks the listener likes (utility above their 75th catalog percentile) */
  likedShare: ConfidenceInterval;
  /** mean hidden utility of held-out playlist tracks (standardised units) */
  utility: ConfidenceInterval;
  /** liked share minus the zero-feedback liked share, paired over (seed, listener) */
  likedShareGain: ConfidenceInterval;
  /** held-out prompts whose own checks (genres, exclusions, ranges, years…) all pass, share */
  promptChecks: number;
  /** held-out playlists identical to the zero-feedback ones (1 at zero feedback, by construction of the test) */
  unchangedShare: number;
}

export interface RewardCurveReport {
  catalog: string;
  seeds: number[];
  listeners: number;
  heldOutPrompts: number;
  feedbackPrompts: number;
  points: RewardCurvePoint[];
  /** liked share gain at the largest amount, per taste */
  byTaste: { taste: string; gain: ConfidenceInterval }[];
}

interface Listener {
  id: string;
  taste: HiddenTaste;
  strength: number;
  /** utility of every catalog track */
  utility: Float32Array;
  likeAbove: number;
  dislikeBelow: number;
}

interface HeldOutResult {
  liked: number;
  utility: number;
  checksPassed: boolean;
  trackIds: string;
}

export async function runRewardCurve(source: PlaylistContext | PlaylistEngine, options: RewardCurveOptions): Promise<RewardCurveReport> {
  const engine = 'contentLabelToTrack' in source ? source : createPlaylistEngine(source);
  const { store } = engine;
  const amounts = [...(options.amounts ?? [0, 2, 5, 10, 20])].sort((a, b) => a - b);
  if (amounts[0] !== 0) amounts.unshift(0);
  const seeds = [...(options.seeds ?? [1, 2, 3])];
  const listenerCount = options.listeners ?? 24;
  const heldOutCount = options.heldOutPrompts ?? 12;
  const length = options.length ?? 20;
  const noise = options.noise ?? 0.5;
  const log = options.onProgress ?? (() => {});
  if (options.prompts.length <= heldOutCount + 2) throw new RangeError(`runRewardCurve: need more than ${heldOutCount + 2} prompts, got ${options.prompts.length}`);

  const planner = createOfflinePlanner({ lexicon: buildCatalogLexicon(store) });
  const plans = new Map<string, Plan>();
  for (const item of options.prompts) if (!plans.has(item.prompt)) plans.set(item.prompt, (await planner.plan({ prompt: item.prompt, trackCount: length })).plan);
  const features = standardisedTrackFeatures(store, trackFeatureStats(store));
  const dim = REWARD_TRACK_FEATURES.length;

  // per point: per (seed, listener) values, in the same order at every point (paired)
  const liked = amounts.map(() => [] as number[]);
  const utility = amounts.map(() => [] as number[]);
  const checks = amounts.map(() => [] as number[]);
  const unchanged = amounts.map(() => [] as number[]);
  const pairs = amounts.map(() => [] as number[]);
  const accuracy = amounts.map(() => [] as number[]);
  const tasteOf: string[] = [];
  const started = performance.now();

  for (const seed of seeds) {
    const random = new Random(seed * 7919 + 17);
    const order = options.prompts.map((item) => item).sort((a, b) => a.prompt.localeCompare(b.prompt));
    for (let i = order.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const heldOut = order.slice(0, heldOutCount);
    const feedbackPrompts = order.slice(heldOutCount);

    const listeners: Listener[] = [];
    for (let l = 0; l < listenerCount; l++) {
      const taste = HIDDEN_TASTES[l % HIDDEN_TASTES.length]!;
      const strength = 0.8 + random.next() * 0.6;
      const values = new Float32Array(store.trackCount);
      const noiseRandom = new Random(seed * 1_000_003 + l);
      for (let track = 0; track < store.trackCount; track++) {
        let value = 0;
        for (const [name, weight] of Object.entries(taste.weights)) value += weight * features[track * dim + REWARD_TRACK_FEATURES.indexOf(name as (typeof REWARD_TRACK_FEATURES)[number])]!;
        values[track] = strength * value + noise * gaussian(noiseRandom);
      }
      const sorted = Float32Array.from(values).sort();
      listeners.push({ id: `sim-${seed}-${l}`, taste, strength, utility: values, likeAbove: sorted[Math.floor(sorted.length * 0.75)]!, dislikeBelow: sorted[Math.floor(sorted.length * 0.25)]! });
      tasteOf.push(taste.name);
    }

    // The feedback log: each listener's sessions, served without a reward model.
    const maxSessions = amounts.at(-1)!;
    const sessions: { listener: number; version: PlaylistVersionRecord; feedback: FeedbackRecord[] }[][] = listeners.map(() => []);
    const behaviour = new Random(seed * 31 + 5);
    for (let s = 0; s < maxSessions; s++) {
      for (let l = 0; l < listeners.length; l++) {
        const listener = listeners[l]!;
        const item = feedbackPrompts[behaviour.int(feedbackPrompts.length)]!;
        const plan = plans.get(item.prompt)!;
        const fulfilment = fulfilPlan(engine, plan, { userId: listener.id });
        const playlistId = `${listener.id}-s${s}`;
        const createdAt = s * 1000 + l;
        const version: PlaylistVersionRecord = { playlistId, version: 1, parentVersion: null, prompt: item.prompt, plan, planner: 'offline', trackIds: fulfilment.tracks.map((track) => track.trackId), userId: listener.id, createdAt };
        const feedback: FeedbackRecord[] = [];
        for (const track of fulfilment.trackIndices) {
          const value = listener.utility[track]!;
          const signal = value >= listener.likeAbove ? (behaviour.next() < 0.6 ? 'like' : null) : value <= listener.dislikeBelow ? (behaviour.next() < 0.3 ? 'remove' : behaviour.next() < 0.5 ? 'skip' : null) : null;
          if (signal) feedback.push({ playlistId, version: 1, trackId: store.trackId(track), signal, userId: listener.id, createdAt });
        }
        sessions[l]!.push({ listener: l, version, feedback });
      }
      if ((s + 1) % 5 === 0 || s + 1 === maxSessions) log(`[reward-curve] seed ${seed}: feedback session ${s + 1}/${maxSessions} for ${listeners.length} listeners (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }

    let baseline: HeldOutResult[][] | undefined;
    for (let a = 0; a < amounts.length; a++) {
      const amount = amounts[a]!;
      const versions = sessions.flatMap((list) => list.slice(0, amount).map((session) => session.version));
      const feedback = sessions.flatMap((list) => list.slice(0, amount).flatMap((session) => session.feedback));
      const extraction = rewardPairsFromFeedback(store, versions, feedback);
      const model = trainRewardModel(store, extraction.pairs, { seed });
      const scorer = model ? createRewardScorer(model, store) : undefined;
      const results = listeners.map((listener) =>
        heldOut.map((item): HeldOutResult => {
          const plan = plans.get(item.prompt)!;
          const fulfilment = fulfilPlan(engine, plan, { userId: listener.id, ...(scorer ? { reward: scorer } : {}), ...(options.rewardWeight !== undefined ? { weights: { reward: options.rewardWeight } } : {}) });
          let likedCount = 0;
          let total = 0;
          for (const track of fulfilment.trackIndices) {
            const value = listener.utility[track]!;
            total += value;
            if (value >= listener.likeAbove) likedCount++;
          }
          const n = Math.max(1, fulfilment.trackIndices.length);
          const passed = item.checks.every((check) => evaluateCheck({ engine, plan, fulfilment }, check).passed);
          return { liked: likedCount / n, utility: total / n, checksPassed: passed, trackIds: fulfilment.tracks.map((track) => track.trackId).join(',') };
        }),
      );
      baseline ??= results;
      for (let l = 0; l < listeners.length; l++) {
        const rows = results[l]!;
        liked[a]!.push(meanOf(rows.map((row) => row.liked)));
        utility[a]!.push(meanOf(rows.map((row) => row.utility)));
        checks[a]!.push(meanOf(rows.map((row) => (row.checksPassed ? 1 : 0))));
        unchanged[a]!.push(meanOf(rows.map((row, p) => (row.trackIds === baseline![l]![p]!.trackIds ? 1 : 0))));
      }
      pairs[a]!.push(extraction.pairs.length);
      accuracy[a]!.push(model ? model.training.validation.accuracy : Number.NaN);
      log(`[reward-curve] seed ${seed}: ${amount} sessions per listener → ${extraction.pairs.length} pairs, validation accuracy ${model ? model.training.validation.accuracy.toFixed(3) : '—'}, liked share ${meanOf(liked[a]!.slice(-listeners.length)).toFixed(3)} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    }
  }

  const last = amounts.length - 1;
  const points = amounts.map((sessionsPerListener, a): RewardCurvePoint => ({
    sessions: sessionsPerListener,
    pairs: meanOf(pairs[a]!),
    validationAccuracy: meanOf(accuracy[a]!),
    likedShare: bootstrapMean(Float64Array.from(liked[a]!)),
    utility: bootstrapMean(Float64Array.from(utility[a]!)),
    likedShareGain: pairedBootstrapDifference(Float64Array.from(liked[a]!), Float64Array.from(liked[0]!)),
    promptChecks: meanOf(checks[a]!),
    unchangedShare: meanOf(unchanged[a]!),
  }));
  const byTaste = HIDDEN_TASTES.map((taste) => {
    const rows = tasteOf.map((name, i) => (name === taste.name ? i : -1)).filter((i) => i >= 0);
    return { taste: taste.name, gain: pairedBootstrapDifference(Float64Array.from(rows, (i) => liked[last]![i]!), Float64Array.from(rows, (i) => liked[0]![i]!)) };
  });
  return {
    catalog: engine.context.version,
    seeds,
    listeners: listenerCount,
    heldOutPrompts: heldOutCount,
    feedbackPrompts: options.prompts.length - heldOutCount,
    points,
    byTaste,
  };
}

/** Markdown: the learning curve and the gain per hidden taste. */
export function formatRewardCurveReport(report: RewardCurveReport): string {
  const ci = (value: ConfidenceInterval, digits = 3) => `${value.mean.toFixed(digits)} [${value.lower.toFixed(digits)}, ${value.upper.toFixed(digits)}]`;
  const signed = (value: ConfidenceInterval) => `${value.mean >= 0 ? '+' : ''}${value.mean.toFixed(3)} [${value.lower.toFixed(3)}, ${value.upper.toFixed(3)}]`;
  const lines = [
    `## Learning from feedback — ${report.catalog}: ${report.listeners} simulated listeners × ${report.seeds.length} seeds (${report.seeds.join(', ')}), ${report.heldOutPrompts} held-out prompts per seed (${report.feedbackPrompts} others for feedback)`,
    '',
    '| feedback sessions per listener | preference pairs | validation pair accuracy | liked share of held-out tracks [95% CI] | gain vs no feedback (paired) [95% CI] | mean hidden utility [95% CI] | held-out prompts with every check passing | playlists unchanged |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...report.points.map(
      (point) =>
        `| ${point.sessions} | ${Math.round(point.pairs).toLocaleString('en')} | ${Number.isNaN(point.validationAccuracy) ? '— (no model)' : point.validationAccuracy.toFixed(3)} | ${ci(point.likedShare)} | ${point.sessions === 0 ? '—' : signed(point.likedShareGain)} | ${ci(point.utility)} | ${(point.promptChecks * 100).toFixed(1)}% | ${(point.unchangedShare * 100).toFixed(1)}% |`,
    ),
    '',
    `Gain in liked share at ${report.points.at(-1)!.sessions} sessions per listener, by hidden taste:`,
    '',
    '| hidden taste | gain [95% CI] |',
    '| --- | ---: |',
    ...report.byTaste.map((row) => `| ${row.taste} | ${signed(row.gain)} |`),
    '',
  ];
  return lines.join('\n');
}

function meanOf(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    sum += value;
    count++;
  }
  return count > 0 ? sum / count : Number.NaN;
}

function gaussian(random: Random): number {
  const u = Math.max(1e-12, random.next());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
