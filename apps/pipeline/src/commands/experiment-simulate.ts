// `mixtape experiment simulate` and `mixtape experiment study`: the listener simulator behind
// docs/results/experiments-simulation.md. `simulate` trains what `mixtape build` trains (item2vec,
// FAISS, the Home ranker) on a synthetic dataset, plays its listeners (with their ground-truth
// taste) against real Home engines under the trained ranker, a degraded one and interleaved
// pages, and writes each world's exposure and event logs. `study` reads those logs and runs the
// A/A, A/B power, interleaving power and CUPED studies with the real analysis.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import os from 'node:os';
import type { Command } from 'commander';
import { formatProgress } from '@mixtape/base';
import { readSnapshot, tasteFromExtras } from '@mixtape/catalog';
import { itemIndexPart, itemVectorsPart } from '@mixtape/bundle';
import { buildTrackIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, setFaissThreads, trainItemVectors } from '@mixtape/embeddings';
import {
  SIMULATION_DAY_MS,
  createSimulatedListeners,
  degradeRankerModel,
  runAaStudy,
  runAbStudy,
  runInterleavingStudy,
  simulateHomeWorlds,
} from '@mixtape/eval';
import type { AaStudyResult, AbStudyResult, InterleavingStudyResult, Rate, WorldLog, WorldName, WorldState } from '@mixtape/eval';
import { bucketOf, createJsonlLogSink, readExperimentLog } from '@mixtape/experiments';
import type { EventRecord, ExposureRecord } from '@mixtape/experiments';
import { buildHomeParts, chooseHomePopularity, createHomeEngine, createHomeIndex } from '@mixtape/ranking';
import type { HomeEngine } from '@mixtape/ranking';
import { integerFlag, integerListFlag, numberFlag } from './command-kit';
import type { CommandIo } from './command-kit';

const WORLDS: readonly WorldName[] = ['control', 'treatment', 'interleaved'];

interface SimulateFlags {
  data: string;
  worlds: string;
  users: number;
  interleavingUsers: number;
  days: number;
  preDays: number;
  degrade: number;
  seed: number;
  only?: string;
  threads: number;
}

interface StudyFlags {
  worlds: string;
  surface: string;
  out: string;
  name: string;
  aa: number;
  windowDays: number;
  replicates: number;
  sizes: number[];
  interleavingSizes: number[];
  studies: string;
}

function elapsed(started: number): string {
  return `${((performance.now() - started) / 1000).toFixed(0)} s`;
}

export function registerSimulationCommands(command: Command, io: CommandIo): void {
  command
    .command('simulate')
    .description('play a synthetic dataset’s listeners (ground-truth taste) against real Home engines: trained ranker, degraded ranker, interleaved; write each world’s logs')
    .requiredOption('--data <dir>', 'synthetic snapshot (mixtape data generate): needs the ground-truth taste')
    .requiredOption('--worlds <dir>', 'where <world>/exposures-*.jsonl, events-*.jsonl and simulation.json are written')
    .option('--users <n>', 'listeners simulated (a hash-chosen subset of the dataset’s users)', integerFlag('--users'), 2000)
    .option('--interleaving-users <n>', 'listeners of the interleaved world (the first of the same subset; it needs fewer)', integerFlag('--interleaving-users'), 600)
    .option('--days <n>', 'experiment days', integerFlag('--days'), 9)
    .option('--pre-days <n>', 'days simulated before the start (the CUPED pre-period)', integerFlag('--pre-days', 0), 3)
    .option('--degrade <s>', 'treatment = trained ranker blended with popularity-only at this strength (0–1)', numberFlag('--degrade', (n) => n >= 0 && n <= 1, 'a number in [0, 1]'), 1)
    .option('--seed <n>', 'seed of the listeners’ randomness and training', integerFlag('--seed', 0), 1)
    .option('--only <list>', `worlds to simulate (${WORLDS.join(', ')}; default all)`)
    .option('--threads <n>', 'item2vec training threads', integerFlag('--threads'), Math.min(2, os.availableParallelism()))
    .action(async (flags: SimulateFlags) => {
      const started = performance.now();
      const progress = (line: string) => io.stderr(`[simulate] ${line}\n`);
      const { users, days, preDays, seed, threads, degrade: strength } = flags;
      const worlds = (flags.only ?? WORLDS.join(',')).split(',').map((name) => name.trim()) as WorldName[];
      const unknown = worlds.filter((name) => !WORLDS.includes(name));
      if (unknown.length > 0) throw new Error(`--only: unknown world ${unknown.join(', ')} (known: ${WORLDS.join(', ')})`);

      const snapshot = await readSnapshot(resolve(flags.data));
      const taste = tasteFromExtras(snapshot.extras);
      if (!taste) throw new Error(`${flags.data}: no ground-truth taste (taste.* extras); simulate needs a synthetic dataset from \`mixtape data generate\``);
      progress(`${snapshot.store.trackCount} tracks, ${snapshot.interactions.userCount} users, ${snapshot.interactions.length} events`);
      setFaissThreads(1);
      // The item vectors and index `mixtape build` makes (its itemVectors / itemIndex part defaults).
      const { store, interactions } = snapshot;
      const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
      const content = { vectors: encodeCatalogContent(encoder, store), dim: encoder.dim };
      const items = await trainItemVectors(store, interactions, content, { ...itemVectorsPart.options, threads, seed, onProgress: (event) => progress(formatProgress(event)) });
      const itemIndex = buildTrackIndex(store, items, itemIndexPart.options);
      // the popularity `mixtape build` chooses (homeRanker.popularity auto)
      const data = { store, interactions, itemVectors: items.vectors, itemDim: items.dim, itemIndex, popularity: chooseHomePopularity(store, snapshot.metadata).popularity };
      // what `mixtape build` gives Home: the LambdaMART heads, then neighbour lists and factors over the whole log
      const home = await buildHomeParts(data, { seed, requireRanker: true, onProgress: (event) => progress(formatProgress(event)) });
      const model = home.ranker;
      const report = home.report!;
      progress(`ranker: ${model.kind} (${report.heads.map((head) => head.objective).join(', ')}), validation NDCG@10 ${report.validationNdcg10.served}`);
      const degraded = degradeRankerModel(model, strength);
      const index = createHomeIndex({ ...data, neighbours: home.neighbours, factors: home.factors, factorIndex: home.factorIndex });
      const listeners = createSimulatedListeners(store, interactions, taste);
      const chosen = Array.from({ length: listeners.userCount }, (_, user) => user)
        .sort((a, b) => bucketOf(`simulate-${seed}`, `user-${a}`, 0x7fffffff) - bucketOf(`simulate-${seed}`, `user-${b}`, 0x7fffffff) || a - b)
        .slice(0, users)
        .sort((a, b) => a - b);
      const start = Math.ceil((index.referenceTime + 1) / SIMULATION_DAY_MS) * SIMULATION_DAY_MS + preDays * SIMULATION_DAY_MS;
      // engines share the index (vectors, FAISS, co-listening); each world has its own listener state
      const createEngine = (arm: 'control' | 'treatment', state: WorldState): HomeEngine => createHomeEngine(index, { model: arm === 'control' ? model : degraded, ...state });
      const interleavingUsers = chosen.slice(0, flags.interleavingUsers);
      await mkdir(flags.worlds, { recursive: true });
      const summary: Record<string, unknown> = {
        data: flags.data,
        tracks: store.trackCount,
        datasetUsers: interactions.userCount,
        users,
        interleavingUsers: interleavingUsers.length,
        days,
        preDays,
        start: new Date(start).toISOString(),
        seed,
        degrade: strength,
        ranker: { kind: model.kind, validationNdcg10: report.validationNdcg10 },
        browsing: listeners.browsing,
        worlds: {} as Record<string, unknown>,
      };
      for (const name of worlds) {
        const worldStarted = performance.now();
        const worldUsers = name === 'interleaved' ? interleavingUsers : chosen;
        let last = 0;
        const logs = await simulateHomeWorlds({
          listeners,
          createEngine,
          users: worldUsers,
          start,
          days,
          preDays,
          seed,
          worlds: [name],
          onProgress: (world, day, total, pages) => {
            const seconds = (performance.now() - worldStarted) / 1000;
            if (seconds - last < 10 && day < total) return;
            last = seconds;
            progress(`${world}: day ${day}/${total}, ${pages} pages, ${(pages / Math.max(seconds, 1e-3)).toFixed(1)} pages/s, ETA ${((seconds / day) * (total - day)).toFixed(0)} s`);
          },
        });
        const world = logs[name]!;
        const sink = createJsonlLogSink({ directory: join(flags.worlds, name) });
        await sink.append([...world.exposures, ...world.events]);
        await sink.close();
        (summary.worlds as Record<string, unknown>)[name] = { pages: world.pages, exposures: world.exposures.length, events: world.events.length, users: worldUsers.length, homePlaysPerUser: homePlays(world) / worldUsers.length, seconds: Math.round((performance.now() - worldStarted) / 1000) };
        progress(`${name}: ${world.pages} pages, ${world.exposures.length} exposures, ${world.events.length} events in ${elapsed(worldStarted)}`);
      }
      // worlds simulated by earlier runs (--only) stay listed when their settings match
      const previous = await readFile(join(flags.worlds, 'simulation.json'), 'utf8').then((text) => JSON.parse(text) as typeof summary, () => undefined);
      const same = (a: Record<string, unknown>, b: Record<string, unknown>) => ['data', 'users', 'interleavingUsers', 'days', 'preDays', 'seed', 'degrade'].every((key) => a[key] === b[key]);
      if (previous && same(previous, summary)) summary.worlds = { ...(previous.worlds as object), ...(summary.worlds as object) };
      await writeFile(join(flags.worlds, 'simulation.json'), `${JSON.stringify(summary, null, 2)}\n`);
      progress(`done in ${elapsed(started)} (load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')})`);
    });

  command
    .command('study')
    .description('A/A false-positive rates, A/B and interleaving power, CUPED variance reduction — from the worlds `simulate` wrote')
    .requiredOption('--worlds <dir>', 'the --worlds directory of `mixtape experiment simulate`')
    .option('--out <dir>', 'where <name>.md and <name>.json are written', 'docs/results')
    .option('--name <base>', 'file name base', 'experiments-simulation')
    .option('--studies <list>', 'aa, ab, interleaving (default all three)', 'aa,ab,interleaving')
    .option('--aa <n>', 'A/A experiments (a new assignment salt each)', integerFlag('--aa'), 200)
    .option('--window-days <n>', 'metric window after first exposure', integerFlag('--window-days'), 5)
    .option('--surface <name>', 'count events of this surface only (home: plays from Home shelves; "all" for every event)', 'home')
    .option('--replicates <n>', 'assignments per sample size in the power studies', integerFlag('--replicates'), 100)
    .option('--sizes <list>', 'A/B sample sizes (users, both arms)', integerListFlag('--sizes'), [200, 400, 800, 1200, 1600, 2000])
    .option('--interleaving-sizes <list>', 'interleaving sample sizes (users)', integerListFlag('--interleaving-sizes'), [25, 50, 100, 150, 200, 300, 400])
    .action(async (flags: StudyFlags) => {
      const started = performance.now();
      const progress = (line: string) => io.stderr(`[study] ${line}\n`);
      const simulation = JSON.parse(await readFile(join(flags.worlds, 'simulation.json'), 'utf8')) as Record<string, unknown>;
      const studies = new Set(flags.studies.split(',').map((s) => s.trim()));
      const { windowDays } = flags;
      const surface = flags.surface === 'all' ? undefined : flags.surface;
      const load = async (name: WorldName): Promise<WorldLog> => {
        const records = await readExperimentLog([join(flags.worlds, name)]);
        return { exposures: records.filter((r): r is ExposureRecord => r.kind === 'exposure'), events: records.filter((r): r is EventRecord => r.kind === 'event'), pages: 0 };
      };
      const ticker = (label: string) => {
        const t0 = performance.now();
        let last = 0;
        return (done: number, total: number) => {
          const seconds = (performance.now() - t0) / 1000;
          if (seconds - last < 15 && done < total) return;
          last = seconds;
          progress(`${label}: ${done}/${total}, ${(done / Math.max(seconds, 1e-3)).toFixed(2)}/s, ETA ${((seconds / done) * (total - done)).toFixed(0)} s`);
        };
      };
      const result: StudyResult = { simulation, settings: { windowDays, surface: surface ?? 'all' }, loadAverage: os.loadavg() };
      const control = studies.has('aa') || studies.has('ab') ? await load('control') : undefined;
      if (studies.has('aa')) {
        result.aa = runAaStudy(control!, { experiments: flags.aa, windowDays, surface, onProgress: ticker('A/A') });
        progress(`A/A: fixed ${pct(result.aa.fixedHorizon)}, group sequential ${pct(result.aa.groupSequential)}, mSPRT ${pct(result.aa.msprt)}, peeking ${pct(result.aa.naivePeeking)}`);
      }
      if (studies.has('ab')) {
        const treatment = await load('treatment');
        result.ab = runAbStudy(control!, treatment, { sampleSizes: flags.sizes, replicates: flags.replicates, windowDays, surface, onProgress: ticker('A/B') });
        progress(`A/B: 80 % power at ${result.ab.usersFor80.cuped ?? '>max'} users (CUPED), ${result.ab.usersFor80.raw ?? '>max'} (raw)`);
      }
      if (studies.has('interleaving')) {
        const interleaved = await load('interleaved');
        result.interleaving = runInterleavingStudy(interleaved, { sampleSizes: flags.interleavingSizes, replicates: flags.replicates, windowDays, onProgress: ticker('interleaving') });
        progress(`interleaving: 80 % power at ${result.interleaving.usersFor80 ?? '>max'} users`);
      }
      result.seconds = Math.round((performance.now() - started) / 1000);
      await mkdir(flags.out, { recursive: true });
      const commandLine = `pnpm mixtape experiment study --worlds ${flags.worlds} --studies ${flags.studies} --aa ${flags.aa} --window-days ${flags.windowDays} --surface ${flags.surface} --replicates ${flags.replicates} --sizes ${flags.sizes} --interleaving-sizes ${flags.interleavingSizes} --out ${flags.out} --name ${flags.name}`;
      const markdown = formatStudyMarkdown(result, commandLine);
      await writeFile(join(flags.out, `${flags.name}.md`), markdown);
      await writeFile(join(flags.out, `${flags.name}.json`), `${JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2)}\n`);
      io.stdout(markdown);
      progress(`wrote ${join(flags.out, flags.name)}.md, .json in ${elapsed(started)}`);
    });
}

function homePlays(world: WorldLog): number {
  return world.events.filter((event) => event.shelf !== undefined && (event.type === 'play' || event.type === 'complete')).length;
}

function pct(rate: Rate): string {
  return `${(100 * rate.rate).toFixed(1)} %`;
}
function rateCell(rate: Rate): string {
  return `${(100 * rate.rate).toFixed(1)} % [${(100 * rate.interval[0]).toFixed(1)}, ${(100 * rate.interval[1]).toFixed(1)}] (${rate.count}/${rate.total})`;
}

export interface StudyResult {
  simulation: Record<string, unknown>;
  settings: { windowDays: number; surface: string };
  aa?: AaStudyResult;
  ab?: AbStudyResult;
  interleaving?: InterleavingStudyResult;
  loadAverage: number[];
  seconds?: number;
}

export function formatStudyMarkdown(result: StudyResult, command: string): string {
  const s = result.simulation as { users: number; days: number; preDays: number; tracks: number; datasetUsers: number; degrade: number; seed: number; ranker: { kind: string } };
  const lines: string[] = ['# Experiments on simulated listeners', ''];
  lines.push(
    `${s.users} listeners of a synthetic dataset (${s.tracks} tracks, ${s.datasetUsers} users) with their ground-truth taste, ${s.preDays} pre-period days + ${s.days} experiment days, ` +
      `played against real Home engines (candidates + features + the trained ${s.ranker.kind} ranker, shelf bandit, live events). Treatment: the same ranker blended with a popularity-only ranker at strength ${s.degrade}. ` +
      'Each world holds every listener’s potential outcomes (same pre-period and same listening outside Home), so any random assignment is a valid experiment; each study draws new assignment salts and user subsets and runs the real analysis (`@mixtape/experiments`). ' +
      `Primary metric: plays per user in the ${result.settings.windowDays} days after first exposure, ${result.settings.surface === 'all' ? 'all listening' : `events from ${result.settings.surface} only`}; CUPED covariate: the same metric in the 14 days before first exposure.`,
    '',
  );
  if (result.aa) {
    const aa = result.aa;
    lines.push(`## (a) A/A experiments: false-positive rate at α = 5 %`, '');
    lines.push(`${aa.experiments} A/A experiments (50/50, a new salt each) over the control world's ${aa.users} users; up to ${aa.looks} daily looks.`, '');
    lines.push('| test | false-positive rate [95 % CI] |', '| --- | --- |');
    lines.push(`| fixed horizon, one look at the end (Welch, CUPED) | ${rateCell(aa.fixedHorizon)} |`);
    lines.push(`| fixed horizon, one look at the end (Welch, raw) | ${rateCell(aa.fixedHorizonRaw)} |`);
    lines.push(`| **group sequential, daily looks** (Lan–DeMets O'Brien–Fleming spending) | ${rateCell(aa.groupSequential)} |`);
    lines.push(`| mSPRT always-valid p, daily looks | ${rateCell(aa.msprt)} |`);
    lines.push(`| fixed-horizon test read at every daily look (peeking) | ${rateCell(aa.naivePeeking)} |`);
    lines.push(`| SRM alarms (p < 0.001) | ${rateCell(aa.srmAlarms)} |`);
    lines.push('');
    lines.push('| metric (fixed horizon) | false-positive rate |', '| --- | --- |');
    for (const row of aa.perMetric) lines.push(`| ${row.metric} | ${rateCell(row.rate)} |`);
    lines.push('');
  }
  if (result.ab) {
    const ab = result.ab;
    const primary = ab.fullPool.metrics.find((metric) => metric.role === 'primary');
    lines.push('## (b) A/B: trained ranker vs degraded ranker', '');
    if (primary) {
      const chosen = primary.cuped ?? primary.raw;
      lines.push(
        `Full pool (${ab.fullPool.variants.reduce((sum, v) => sum + v.analyzed, 0)} users, one assignment): plays per user control ${primary.raw.control.toFixed(2)}, treatment ${primary.raw.treatment.toFixed(2)}, ` +
          `difference ${(100 * primary.raw.relative).toFixed(2)} % [${(100 * primary.raw.relativeInterval[0]).toFixed(2)}, ${(100 * primary.raw.relativeInterval[1]).toFixed(2)}] raw, ` +
          `${(100 * chosen.relative).toFixed(2)} % [${(100 * chosen.relativeInterval[0]).toFixed(2)}, ${(100 * chosen.relativeInterval[1]).toFixed(2)}] with CUPED.`,
        '',
      );
    }
    lines.push('| users (both arms) | power, Welch + CUPED | power, Welch raw | power, group sequential (CUPED) |', '| ---: | --- | --- | --- |');
    for (const point of ab.points) lines.push(`| ${point.users} | ${rateCell(point.power)} | ${rateCell(point.powerRaw!)} | ${rateCell(point.powerSequential!)} |`);
    lines.push('');
    lines.push(
      `**Users needed for 80 % power** (interpolated on the curve): ${ab.usersFor80.cuped ?? 'beyond the largest size'} with CUPED, ${ab.usersFor80.raw ?? 'beyond the largest size'} without, ${ab.usersFor80.sequential ?? 'beyond the largest size'} under the group-sequential rule. ` +
        `Analytic from the full pool's effect and standard error: ${ab.analyticUsersFor80.cuped} with CUPED, ${ab.analyticUsersFor80.raw} without.`,
      '',
    );
    lines.push(`## (d) CUPED variance reduction (full pool; covariate = the same metric in the 14 days before first exposure, of which ${s.preDays} simulated days precede the start)`, '');
    lines.push('| metric | variance reduction | correlation with the pre-period |', '| --- | ---: | ---: |');
    for (const row of ab.cupedReduction) lines.push(`| ${row.metric} | ${(100 * row.varianceReduction).toFixed(1)} % | ${row.correlation.toFixed(3)} |`);
    lines.push('');
  }
  if (result.interleaving) {
    const il = result.interleaving;
    lines.push('## (c) Team-draft interleaving of the same two rankers', '');
    lines.push(
      `Full pool: ${il.fullPool.users} users, control (A) won ${il.fullPool.winsA}, degraded (B) won ${il.fullPool.winsB}, ties ${il.fullPool.ties}; A preferred by ${(100 * il.fullPool.preferenceA).toFixed(1)} % [${(100 * il.fullPool.preferenceInterval[0]).toFixed(1)}, ${(100 * il.fullPool.preferenceInterval[1]).toFixed(1)}] of decided users, Δ_AB = ${il.fullPool.deltaAB.toFixed(3)}, sign test p = ${il.fullPool.pValue.toExponential(2)}.`,
      '',
    );
    lines.push('| users | power (sign test, correct winner) |', '| ---: | --- |');
    for (const point of il.points) lines.push(`| ${point.users} | ${rateCell(point.power)} |`);
    lines.push('');
    lines.push(`**Users needed for 80 % power**: ${il.usersFor80 ?? 'beyond the largest size'} (interpolated); analytic from the full pool: ${il.analyticUsersFor80}.`, '');
  }
  if (result.ab && result.interleaving) {
    // each estimate against the same kind: simulated (interpolated on the power curve; – beyond the largest size) and analytic
    const il = result.interleaving;
    const ilSimulated = il.usersFor80;
    const ratio = (users: number | undefined, base: number | undefined) => (users !== undefined && base !== undefined ? `${(users / base).toFixed(1)}×` : '–');
    lines.push('## A/B vs interleaving', '');
    lines.push('| design | users for 80 % power, simulated | ratio | users for 80 % power, analytic | ratio |', '| --- | ---: | ---: | ---: | ---: |');
    const row = (label: string, simulated: number | undefined, analytic: number) =>
      lines.push(`| ${label} | ${simulated ?? '–'} | ${ratio(simulated, ilSimulated)} | ${analytic} | ${ratio(analytic, il.analyticUsersFor80)} |`);
    row('A/B, Welch raw', result.ab.usersFor80.raw, result.ab.analyticUsersFor80.raw);
    row('A/B, Welch + CUPED', result.ab.usersFor80.cuped, result.ab.analyticUsersFor80.cuped);
    row('interleaving, sign test', ilSimulated, il.analyticUsersFor80);
    lines.push('');
  }
  lines.push(`Load average during the study: ${result.loadAverage.map((v) => v.toFixed(1)).join(', ')}${result.seconds !== undefined ? `; ${result.seconds} s` : ''}.`, '');
  lines.push(`Command: \`${command}\``, '');
  return `${lines.join('\n')}\n`;
}
