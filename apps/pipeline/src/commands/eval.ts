// `mixtape eval`: offline evaluation on the full catalog — splits a dataset for a task, fits
// the listed models, prints a markdown table (metric ± 95% CI, fit time, protocol) or JSON,
// and writes <name>.md, <name>.svg and <name>.json to --out (default ./eval-results).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { formatProgress, type Logger } from '@mixtape/base';
import { IMPORT_FORMATS, importDataset, type ImportFormat } from '@mixtape/catalog';
import {
  DatasetError,
  EVAL_TASKS,
  createModelRegistry,
  datasetFromInteractionLog,
  formatMarkdownReport,
  formatSplitTable,
  isEvalTaskName,
  loadEvalDataset,
  poolExperimentResults,
  renderSvgChart,
  resultToJson,
  runEvalTask,
} from '@mixtape/eval';
import type { EvalDataset, ModelRegistry } from '@mixtape/eval';
import { BENCHMARK_SPLITS, QUALITY_TASKS, isQualityTask, runQualityTask } from './eval-quality';
import type { BenchmarkSplit } from './eval-quality';
import { integerFlag, integerListFlag, parseNumber, progressLog } from './command-kit';

interface EvalCommandOptions {
  data: string;
  format?: ImportFormat;
  task: string;
  models: string;
  k: string;
  seed: string;
  json?: boolean;
  out: string;
  name?: string;
  compare?: string;
  validation?: boolean;
  validationSeeds?: string;
  bootstrap: string;
  testFraction: string;
  minItems: string;
  lastN: string;
  leaveOneOut?: boolean;
  sampledNegatives?: string;
  testPlaylists: string;
  quiet?: boolean;
  rows: 'user' | 'context';
  split: BenchmarkSplit;
  showFailures?: boolean;
  seeds: string;
  listeners: string;
}

/** Model log lines (the Home stack's training stages) as "[model] message" on the progress stream. */
function lineLogger(log: (line: string) => void): Logger {
  const write = (objOrMessage: object | string, message?: string): void => {
    const text = typeof objOrMessage === 'string' ? objOrMessage : message;
    const model = typeof objOrMessage === 'object' && 'model' in objOrMessage ? String((objOrMessage as { model: unknown }).model) : undefined;
    if (text) log(model ? `[${model}] ${text}` : `[eval] ${text}`);
  };
  return { info: write, warn: write, error: write, debug: () => {} };
}

/** A snapshot or raw Last.fm / MPD folder, or raw input of any import format named by --format (imported in memory, nothing written). */
async function loadRankingDataset(path: string, format: ImportFormat | undefined, rowsBy: 'user' | 'context', signal: AbortSignal): Promise<EvalDataset> {
  if (format) {
    const imported = await importDataset(format, path, { signal });
    return datasetFromInteractionLog(imported.interactions, imported.store, { name: format, source: path, rowsBy });
  }
  return loadEvalDataset(path, { signal, rowsBy }).catch((error: unknown) => {
    if (error instanceof DatasetError) error.message += ` (raw data in another import format: name it with --format, e.g. --format tidytuesday)`;
    throw error;
  });
}

/** Registers `mixtape eval` on a commander program (the baselines and the production Home stack, `home-stack`); pass a registry to add models. */
export function registerEvalCommand(program: Command, registry: ModelRegistry = createModelRegistry()): Command {
  return program
    .command('eval')
    .description('Offline evaluation: full-catalog ranking with training items excluded, bootstrap CIs over users')
    .requiredOption('--data <dir>', 'snapshot directory (mixtape data generate|import), a raw Last.fm HetRec / MPD folder, or raw input of the --format named')
    .addOption(new Option('--format <format>', 'the import format of a raw --data file or folder, read in memory (default: a snapshot directory, a Last.fm HetRec / MPD folder, or for the catalog tasks TidyTuesday’s spotify_songs.csv)').choices([...IMPORT_FORMATS]))
    .addOption(
      new Option('--task <task>', 'evaluation task (search and prompts run the quality suites over a catalog)')
        .choices([...EVAL_TASKS, ...QUALITY_TASKS])
        .default('user-holdout'),
    )
    .option('--models <list>', `comma-separated model specs, e.g. "ease:lambda=200" (known: ${registry.names.join(', ')})`, 'popularity,item-knn,als,ease')
    .option('--k <list>', 'cutoffs', '10,50')
    .option('--seed <n>', 'seed of the split, models and bootstrap', '42')
    .option('--json', 'print JSON instead of markdown')
    .option('--out <dir>', 'where <name>.md, <name>.svg and <name>.json are written', 'eval-results')
    .option('--name <base>', 'file name base for --out (default <dataset>-<task>)')
    .option('--compare <model>', 'reference model (name prefix) for paired comparisons; a comma-separated list gives one table each', 'item-knn')
    .option('--validation', 'evaluate on a validation split carved from training, for tuning (user-holdout and playlist-continuation: the same protocol again on the training part; next-items: the events before the test ones, or the second-to-last item with --leave-one-out)')
    .option('--validation-seeds <list>', 'user-holdout and playlist-continuation: several validation splits of the same training part, one per seed (e.g. 8,9,10); the report pools them (each row once, its metrics averaged over its splits) and adds a per-split table; implies --validation')
    .option('--bootstrap <n>', 'bootstrap resamples', '1000')
    .option('--test-fraction <f>', 'user-holdout: share of each user’s items held out', '0.2')
    .option('--min-items <n>', 'user-holdout: users need at least this many items', '5')
    .option('--last-n <n>', 'next-items: most recent interactions per user as targets', '5')
    .option('--leave-one-out', 'next-items: the SASRec protocol — each row’s last item is the test (consecutive repeats merged)')
    .option('--sampled-negatives <n>', 'also report HitRate/NDCG against n sampled negatives per row (SASRec’s tables; full-catalog figures stay the ones that count)')
    .option('--test-playlists <f>', 'playlist-continuation: share of playlists used for test', '0.1')
    .addOption(new Option('--rows <kind>', 'rows are users (MPD playlists are pseudo-users) or interaction contexts').choices(['user', 'context']).default('user'))
    .addOption(new Option('--split <set>', 'prompt-benchmark: dev (for planner work) or test (held out: evaluate only, never tune on it)').choices([...BENCHMARK_SPLITS]).default('dev'))
    .option('--seeds <list>', 'reward-curve: seeds, each a new draw of listeners, held-out prompts and feedback', '1,2,3')
    .option('--listeners <n>', 'reward-curve: simulated listeners per seed', '24')
    .option('--show-failures', 'prompt suites: list every failed check (default on, except for the held-out test set)')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (options: EvalCommandOptions) => {
      if (isQualityTask(options.task)) {
        const seed = parseNumber('--seed', options.seed, Number.isInteger, 'an integer', true);
        const { markdown, dataset } = await runQualityTask(options.task, resolve(options.data), {
          seed,
          format: options.format,
          split: options.split,
          seeds: integerListFlag('--seeds')(options.seeds),
          listeners: integerFlag('--listeners')(options.listeners),
          ...(options.showFailures ? { showFailures: true } : {}),
          log: progressLog(options.quiet),
        });
        process.stdout.write(markdown);
        await mkdir(options.out, { recursive: true });
        // <dataset>-<task>, as --name says and the ranking tasks do: "quality-search" made a second catalog's run overwrite the first's
        const base = join(options.out, options.name ?? `${dataset}-${options.task}${options.task === 'prompt-benchmark' ? `-${options.split}` : ''}`);
        await writeFile(`${base}.md`, markdown);
        progressLog(options.quiet)(`[eval] wrote ${base}.md`);
        return;
      }
      if (!isEvalTaskName(options.task)) throw new Error(`--task: expected one of ${EVAL_TASKS.join(', ')}, got "${options.task}"`);
      const task = options.task;
      const ks = integerListFlag('--k')(options.k);
      const seed = parseNumber('--seed', options.seed, Number.isInteger, 'an integer', true);
      const bootstrapSamples = integerFlag('--bootstrap', 10)(options.bootstrap);
      const testFraction = parseNumber('--test-fraction', options.testFraction, (n) => n > 0 && n < 1, 'a number in (0, 1)', false);
      const minItems = parseNumber('--min-items', options.minItems, (n) => Number.isInteger(n) && n >= 2, 'an integer ≥ 2', true);
      const lastN = integerFlag('--last-n')(options.lastN);
      const testPlaylists = parseNumber('--test-playlists', options.testPlaylists, (n) => n > 0 && n < 1, 'a number in (0, 1)', false);
      const sampledNegatives =
        options.sampledNegatives === undefined ? undefined : integerFlag('--sampled-negatives')(options.sampledNegatives);
      if (options.leaveOneOut && task !== 'next-items') throw new Error(`--leave-one-out: only for --task next-items, got --task ${task}`);
      const validationSeeds = options.validationSeeds === undefined ? undefined : integerListFlag('--validation-seeds')(options.validationSeeds);
      if (validationSeeds && task === 'next-items') throw new Error('--validation-seeds: only for --task user-holdout or playlist-continuation (next-items has one validation split: the events before the test ones)');
      if (validationSeeds && new Set(validationSeeds).size !== validationSeeds.length) throw new Error(`--validation-seeds: each seed once, got ${options.validationSeeds}`);
      const models = registry.createAll(options.models, { seed });
      const controller = new AbortController();
      const onSignal = (): void => controller.abort(new Error('interrupted'));
      process.once('SIGINT', onSignal);
      const log = progressLog(options.quiet);
      try {
        const dataset = await loadRankingDataset(resolve(options.data), options.format, options.rows, controller.signal);
        log(`[eval] ${dataset.name}: ${dataset.numRows} ${dataset.rowKind}, ${dataset.numItems} items, ${dataset.row.length} interactions`);
        const evaluate = (validationSeed?: number) => runEvalTask(dataset, {
          task,
          models: validationSeed === undefined ? models : registry.createAll(options.models, { seed }),
          ks,
          seed,
          bootstrapSamples,
          testFraction,
          minItems,
          lastN,
          nextItems: options.leaveOneOut ? 'leave-one-out' : 'last-n',
          sampledNegatives,
          testPlaylists,
          validation: options.validation || validationSeeds !== undefined,
          ...(validationSeed === undefined ? {} : { validationSeed }),
          signal: controller.signal,
          logger: lineLogger(log),
          onProgress: (event) => log(`[eval] ${formatProgress(event)}`),
        });
        let result: Awaited<ReturnType<typeof runEvalTask>>;
        let perSplit: Awaited<ReturnType<typeof runEvalTask>>[] | undefined;
        if (validationSeeds) {
          perSplit = [];
          for (const validationSeed of validationSeeds) {
            log(`[eval] validation split ${perSplit.length + 1}/${validationSeeds.length} (seed ${validationSeed})`);
            perSplit.push(await evaluate(validationSeed));
          }
          result = poolExperimentResults(perSplit, { labels: validationSeeds.map((s) => `seed ${s}`), bootstrap: { samples: bootstrapSamples, seed: seed + 1000 } });
        } else {
          result = await evaluate();
        }
        const command = [
          'pnpm mixtape eval',
          `--data ${options.data}`,
          // every flag that changes the figures, so the printed command reproduces them (raw input needs its --format to run at all)
          ...(options.format ? [`--format ${options.format}`] : []),
          `--task ${task}`,
          `--models ${options.models}`,
          `--k ${ks.join(',')}`,
          `--seed ${seed}`,
          ...(options.rows !== 'user' ? [`--rows ${options.rows}`] : []),
          ...(options.leaveOneOut ? ['--leave-one-out'] : []),
          ...(task === 'next-items' && !options.leaveOneOut && options.lastN !== '5' ? [`--last-n ${options.lastN}`] : []),
          ...(sampledNegatives ? [`--sampled-negatives ${sampledNegatives}`] : []),
          ...(testFraction !== 0.2 ? [`--test-fraction ${testFraction}`] : []),
          ...(minItems !== 5 ? [`--min-items ${minItems}`] : []),
          ...(testPlaylists !== 0.1 ? [`--test-playlists ${testPlaylists}`] : []),
          ...(bootstrapSamples !== 1000 ? [`--bootstrap ${bootstrapSamples}`] : []),
          ...(validationSeeds ? [`--validation-seeds ${validationSeeds.join(',')}`] : options.validation ? ['--validation'] : []),
          // a display name with spaces ("home stack (…)") is quoted so the printed command runs as shown
          ...(options.compare && options.compare !== 'item-knn' ? [`--compare ${/[\s()]/.test(options.compare) ? `'${options.compare}'` : options.compare}`] : []),
          `--out ${options.out}`,
          ...(options.name ? [`--name ${options.name}`] : []),
        ].join(' ');
        let markdown = formatMarkdownReport(result, { command, compareAgainst: options.compare });
        if (perSplit && validationSeeds) {
          const minK = result.ks[0]!;
          const reference = options.compare?.split(',')[0]?.trim();
          markdown += `\nEach validation split on its own (a decision should hold on most of them, not only on the pool):\n\n${formatSplitTable(perSplit, validationSeeds.map((s) => `seed ${s}`), [`NDCG@${minK}`, `Recall@${minK}`], reference)}`;
        }
        const json = JSON.stringify(perSplit ? { ...(resultToJson(result) as object), splits: perSplit.map(resultToJson) } : resultToJson(result), null, 2);
        process.stdout.write(options.json ? `${json}\n` : markdown);
        await mkdir(options.out, { recursive: true });
        const base = join(options.out, options.name ?? `${dataset.name}-${task}${options.leaveOneOut ? '-loo' : ''}${options.validation || validationSeeds ? '-validation' : ''}`);
        await writeFile(`${base}.md`, markdown);
        await writeFile(`${base}.svg`, renderSvgChart(result));
        await writeFile(`${base}.json`, `${json}\n`);
        log(`[eval] wrote ${base}.md, .svg, .json`);
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
    });
}
