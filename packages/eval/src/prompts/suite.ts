// Runs prompts through a planner and fulfilment over a real catalog and checks every playlist:
// the prompt's own checks plus the structural ones every playlist owes (no duplicate songs,
// tracks from the catalog, artists spaced apart, the requested length). A prompt is satisfied
// when all of its checks pass; rates are reported per class.
import { performance } from 'node:perf_hooks';
import { buildCatalogLexicon } from '@mixtape/language';
import type { Plan, PlanProvider } from '@mixtape/llm';
import { createOfflinePlanner } from '@mixtape/llm';
import type { Fulfilment, PlaylistContext, PlaylistEngine } from '@mixtape/ranking';
import { createPlaylistEngine, fulfilPlan, minimumArtistGap } from '@mixtape/ranking';
import type { CheckResult } from './checks';
import { evaluateCheck } from './checks';
import type { SuitePrompt } from './types';

export interface PromptOutcome {
  prompt: string;
  class: string;
  planner: string;
  title: string;
  description: string;
  trackCount: number;
  checks: CheckResult[];
  satisfied: boolean;
  unfulfilled: Fulfilment['unfulfilled'];
  relaxed: string[];
  plan: Plan;
  planMs: number;
  fulfilMs: number;
}

export interface ClassRate {
  class: string;
  prompts: number;
  satisfied: number;
  /** satisfied / prompts */
  rate: number;
  checksPassed: number;
  checks: number;
}

export interface PromptSuiteReport {
  catalog: string;
  planner: string;
  /** label of the prompt set ("dev", "test", "legacy") */
  suite: string;
  outcomes: PromptOutcome[];
  classes: ClassRate[];
  overall: ClassRate;
}

export interface PromptSuiteOptions {
  /** label in the report; default "prompts" */
  suite?: string;
  /** default: the offline planner over the catalog's lexicon */
  planner?: PlanProvider;
  /** class order in the report; unknown classes follow in order of appearance */
  classOrder?: readonly string[];
  onProgress?: (event: { done: number; total: number; prompt: string; elapsedMs: number }) => void;
  signal?: AbortSignal;
}

const STRUCTURAL = new Set(['no duplicate songs', 'tracks from the catalog', 'artist spacing', 'requested length']);

/** Runs every prompt through planner → fulfilment and checks the playlists. */
export async function runPromptSuite(
  source: PlaylistContext | PlaylistEngine,
  prompts: readonly SuitePrompt[],
  options: PromptSuiteOptions = {},
): Promise<PromptSuiteReport> {
  const engine = 'contentLabelToTrack' in source ? source : createPlaylistEngine(source);
  const planner = options.planner ?? createOfflinePlanner({ lexicon: buildCatalogLexicon(engine.store) });
  const outcomes: PromptOutcome[] = [];
  const started = performance.now();
  for (const item of prompts) {
    options.signal?.throwIfAborted();
    const planStarted = performance.now();
    const planned = await planner.plan({ prompt: item.prompt, ...(item.length !== undefined ? { trackCount: item.length } : {}), ...(options.signal ? { signal: options.signal } : {}) });
    const planMs = performance.now() - planStarted;
    const fulfilment = fulfilPlan(engine, planned.plan);
    const subject = { engine, plan: planned.plan, fulfilment };
    const checks = [...item.checks.map((check) => evaluateCheck(subject, check)), ...structuralChecks(engine, item, planned.plan, fulfilment)];
    outcomes.push({
      prompt: item.prompt,
      class: item.class,
      planner: planned.planner,
      title: fulfilment.title,
      description: fulfilment.description,
      trackCount: fulfilment.tracks.length,
      checks,
      satisfied: checks.every((check) => check.passed),
      unfulfilled: fulfilment.unfulfilled,
      relaxed: fulfilment.relaxed,
      plan: planned.plan,
      planMs,
      fulfilMs: fulfilment.costs.total,
    });
    options.onProgress?.({ done: outcomes.length, total: prompts.length, prompt: item.prompt, elapsedMs: performance.now() - started });
  }
  const order = [...(options.classOrder ?? [])];
  for (const outcome of outcomes) if (!order.includes(outcome.class)) order.push(outcome.class);
  const classes = order.filter((name) => outcomes.some((outcome) => outcome.class === name)).map((name) => rateOf(name, outcomes.filter((outcome) => outcome.class === name)));
  return { catalog: engine.context.version, planner: planner.name, suite: options.suite ?? 'prompts', outcomes, classes, overall: rateOf('overall', outcomes) };
}

function rateOf(name: string, outcomes: readonly PromptOutcome[]): ClassRate {
  const satisfied = outcomes.filter((outcome) => outcome.satisfied).length;
  const checks = outcomes.flatMap((outcome) => outcome.checks);
  return {
    class: name,
    prompts: outcomes.length,
    satisfied,
    rate: outcomes.length > 0 ? satisfied / outcomes.length : 1,
    checksPassed: checks.filter((check) => check.passed).length,
    checks: checks.length,
  };
}

function structuralChecks(engine: PlaylistEngine, item: SuitePrompt, plan: Plan, fulfilment: Fulfilment): CheckResult[] {
  const { store } = engine;
  const ids = fulfilment.tracks.map((track) => track.trackId);
  const songs = new Set(Array.from(fulfilment.trackIndices, (track) => engine.dedupeKey(track)));
  const checks: CheckResult[] = [
    { check: 'no duplicate songs', passed: new Set(ids).size === ids.length && songs.size === ids.length, detail: `${ids.length} tracks, ${new Set(ids).size} ids, ${songs.size} songs` },
    { check: 'tracks from the catalog', passed: ids.length > 0 && ids.every((id) => store.hasTrack(id)), detail: `${ids.filter((id) => store.hasTrack(id)).length}/${ids.length}` },
  ];
  if (!item.restrictsArtists) {
    const gap = minimumArtistGap(store, fulfilment.trackIndices);
    checks.push({ check: 'artist spacing', passed: gap >= 2, detail: `closest repeat of an artist: ${Number.isFinite(gap) ? `${gap} tracks between` : 'none'} (need ≥ 2)` });
  }
  const hasLengthCheck = item.checks.some((check) => check.kind === 'trackCount' || check.kind === 'durationMinutes');
  if (plan.targetMinutes === null && !hasLengthCheck) {
    const passed = item.allowShort ? ids.length > 0 && ids.length <= plan.trackCount : ids.length === plan.trackCount;
    checks.push({ check: 'requested length', passed, detail: `${ids.length} of ${plan.trackCount}` });
  }
  return checks;
}

export interface FormatPromptSuiteOptions {
  /** list every failed check per prompt (keep off for the held-out test set while tuning) */
  showFailures?: boolean;
}

/** Markdown: prompts satisfied per class, checks passed, fulfilment time, and (optionally) failures. */
export function formatPromptSuiteReport(report: PromptSuiteReport, options: FormatPromptSuiteOptions = {}): string {
  const percent = (rate: number): string => `${(rate * 100).toFixed(1)}%`;
  const row = (entry: ClassRate, bold = false): string => {
    const b = (text: string): string => (bold ? `**${text}**` : text);
    return `| ${b(entry.class)} | ${b(`${entry.satisfied}/${entry.prompts}`)} | ${b(percent(entry.rate))} | ${entry.checksPassed}/${entry.checks} |`;
  };
  const lines = [
    `## Prompt suite "${report.suite}" — ${report.catalog}, planner ${report.planner}`,
    '',
    `${report.overall.prompts} prompts; **${percent(report.overall.rate)}** satisfied (every check passed); checks passed ${report.overall.checksPassed}/${report.overall.checks} (${percent(report.overall.checksPassed / Math.max(1, report.overall.checks))}).`,
    '',
    '| class | prompts satisfied | rate | checks passed |',
    '| --- | ---: | ---: | ---: |',
    ...report.classes.map((entry) => row(entry)),
    row(report.overall, true),
    '',
  ];
  const times = report.outcomes.map((outcome) => outcome.fulfilMs).sort((a, b) => a - b);
  if (times.length > 0) lines.push(`Fulfilment time per prompt: median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms.`, '');
  if (options.showFailures) {
    const failed = report.outcomes.filter((outcome) => !outcome.satisfied);
    if (failed.length > 0) {
      lines.push('Failed checks:', '', '| class | prompt | check | measured |', '| --- | --- | --- | --- |');
      for (const outcome of failed) {
        for (const check of outcome.checks.filter((entry) => !entry.passed)) {
          lines.push(`| ${outcome.class} | ${outcome.prompt} | ${check.check}${STRUCTURAL.has(check.check) ? ' (structural)' : ''} | ${check.detail.replace(/\|/g, '/')} |`);
        }
      }
      lines.push('');
    }
  } else if (report.overall.satisfied < report.overall.prompts) {
    lines.push(`(${report.overall.prompts - report.overall.satisfied} prompts unsatisfied; per-prompt failures not shown.)`, '');
  }
  return lines.join('\n');
}
