// `mixtape playlists train-reward`: the prompted-playlist reward model, trained on demand from the
// playlists service's store (likes, skips, removals, refinements → preference pairs → pairwise
// Bradley–Terry). The file it writes ships in a bundle with `mixtape build --set
// playlistReward.file=<file>` (or the build trains it itself with `--set playlistReward.feedback=<dir>`).
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadQualityCatalog } from '@mixtape/eval';
import { readPlaylistLog } from '@mixtape/llm';
import type { RewardModel } from '@mixtape/ranking';
import { REWARD_INTENT_FEATURES, REWARD_TRACK_FEATURES, rewardPairsFromFeedback, serializeRewardModel, trainRewardModel } from '@mixtape/ranking';
import { integerFlag, numberFlag, progressLog } from './command-kit';

interface TrainRewardCommandOptions {
  feedback: string;
  data: string;
  out: string;
  seed: number;
  validationShare: number;
  steps: number;
  json?: boolean;
  quiet?: boolean;
}

/** Markdown: what the model was trained on, the L2 search, the held-out figures and the strongest weights. */
export function formatRewardTraining(model: RewardModel, source: string): string {
  const { training } = model;
  const fixed = (value: number, digits = 3) => (Number.isNaN(value) ? '—' : value.toFixed(digits));
  const strongest = model.weights
    .map((weight, k) => ({ weight, intent: REWARD_INTENT_FEATURES[Math.floor(k / REWARD_TRACK_FEATURES.length)]!, track: REWARD_TRACK_FEATURES[k % REWARD_TRACK_FEATURES.length]! }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, 8);
  return [
    `## Playlist reward model — ${source}`,
    '',
    `${training.pairs.toLocaleString('en')} preference pairs (${Object.entries(training.sources).map(([name, count]) => `${name} ${count.toLocaleString('en')}`).join(', ')}) from ${training.playlists.toLocaleString('en')} playlists of ${training.listeners} listeners; seed ${training.seed}; L2 ${training.l2}.`,
    '',
    '| split | pairs | log loss (no model: 0.693) | pairwise accuracy |',
    '| --- | ---: | ---: | ---: |',
    `| validation (${training.validation.playlists} held-out playlists) | ${training.validation.pairs.toLocaleString('en')} | ${fixed(training.validation.logLoss)} | ${fixed(training.validation.accuracy)} |`,
    `| all pairs (the shipped fit) | ${training.train.pairs.toLocaleString('en')} | ${fixed(training.train.logLoss)} | ${fixed(training.train.accuracy)} |`,
    '',
    ...(training.search.length > 0
      ? ['| L2 | validation log loss | validation accuracy |', '| ---: | ---: | ---: |', ...training.search.map((entry) => `| ${entry.l2} | ${fixed(entry.validationLogLoss)} | ${fixed(entry.validationAccuracy)} |`), '']
      : []),
    'Strongest shared weights (intent × track feature, standardised):',
    '',
    '| intent | track feature | weight |',
    '| --- | --- | ---: |',
    ...strongest.map((entry) => `| ${entry.intent} | ${entry.track} | ${entry.weight >= 0 ? '+' : ''}${entry.weight.toFixed(3)} |`),
    '',
  ].join('\n');
}

export function registerPlaylistsCommand(program: Command): Command {
  const playlists = program.command('playlists').description('Prompted playlists: learning from listeners\u2019 feedback');
  playlists
    .command('train-reward')
    .description('Train the playlist reward model from the playlists service\u2019s store (likes, skips, removals, refinements → preference pairs)')
    .requiredOption('--feedback <path>', 'the playlist store: PLAYLISTS_DATA_DIR of the playlists service, or its playlists.jsonl')
    .requiredOption('--data <path>', 'the catalog the playlists were served from: a dataset directory, or a TidyTuesday spotify_songs.csv (or its folder)')
    .option('--out <file>', 'where the model is written (ship it with: mixtape build --set playlistReward.file=<file>)', 'playlist-reward.json')
    .option('--seed <n>', 'seed of the validation split', numberFlag('--seed', Number.isInteger, 'an integer', true), 1)
    .option('--validation-share <f>', 'share of playlists held out to choose the L2 strength and report accuracy', numberFlag('--validation-share', (n) => n >= 0 && n < 1, 'a number in [0, 1)'), 0.2)
    .option('--steps <n>', 'full-batch optimisation steps', integerFlag('--steps'), 300)
    .option('--json', 'print the model file instead of the markdown summary')
    .option('--quiet', 'no progress lines on stderr')
    .action(async (options: TrainRewardCommandOptions) => {
      const { seed, validationShare, steps } = options;
      const log = progressLog(options.quiet);
      const feedbackPath = resolve(options.feedback);
      const playlistLog = await readPlaylistLog(feedbackPath);
      log(`[train-reward] ${playlistLog.path}: ${playlistLog.versions.length} versions, ${playlistLog.feedback.length} feedback records${playlistLog.tornLastLine ? ' (a torn last line skipped)' : ''}`);
      const { store, name } = await loadQualityCatalog(resolve(options.data));
      log(`[train-reward] catalog ${name}: ${store.trackCount.toLocaleString('en')} tracks`);
      const extraction = rewardPairsFromFeedback(store, playlistLog.versions, playlistLog.feedback);
      if (extraction.unknownTracks > 0) log(`[train-reward] ${extraction.unknownTracks} tracks of the store are not in this catalog (skipped): is --data the catalog the service served?`);
      const started = performance.now();
      const model = trainRewardModel(store, extraction.pairs, { seed, validationShare, steps });
      if (!model) {
        throw new Error(`${playlistLog.path}: no preference pairs (no track likes, skips, removals or refinements yet); nothing to train — without feedback fulfilment stays as it is`);
      }
      log(`[train-reward] trained on ${model.training.pairs} pairs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const out = resolve(options.out);
      await mkdir(dirname(out), { recursive: true });
      const text = serializeRewardModel(model);
      await writeFile(out, text);
      log(`[train-reward] wrote ${out} (ship it: mixtape build --set playlistReward.file=${options.out})`);
      process.stdout.write(options.json ? text : formatRewardTraining(model, playlistLog.path));
    });
  return playlists;
}
