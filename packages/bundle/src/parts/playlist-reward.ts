// The prompted-playlist reward model as a bundle part (issue 18.4): a pairwise model learnt from
// listeners' feedback that the playlists service uses to re-rank fulfilment candidates within
// each plan's constraints. Either shipped from a file trained on demand (`mixtape playlists
// train-reward --out reward.json`, then `--set playlistReward.file=reward.json`) or trained in
// the build from a playlist store (`--set playlistReward.feedback=.data/playlists`). Absent
// unless one is given — and absent when the store holds no usable feedback: no feedback, no change.
import { readFile } from 'node:fs/promises';
import { readPlaylistLog } from '@mixtape/llm';
import type { RewardModel } from '@mixtape/ranking';
import { parseRewardModel, rewardPairsFromFeedback, serializeRewardModel, trainRewardModel } from '@mixtape/ranking';
import { definePart } from '../registry/define';
import { datasetPart } from './dataset';

export const playlistRewardPart = definePart({
  name: 'playlistReward',
  description: 'reward model for prompted playlists, learnt from feedback (Bradley–Terry over plan intent × track features); absent unless playlistReward.file or playlistReward.feedback is set',
  files: { model: { path: 'models/playlist-reward.json', role: 'model', contentType: 'application/json' } },
  optional: true,
  options: { file: '', feedback: '', seed: 1 },
  dependsOn: [datasetPart],
  build: async ({ inputs, options, write, progress, stage, signal, absent }): Promise<RewardModel | undefined> => {
    if (options.file && options.feedback) throw new Error('part "playlistReward": set file (a trained model) or feedback (a playlist store to train from), not both');
    if (options.file) {
      const text = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`part "playlistReward": cannot read ${options.file} (${error.code === 'ENOENT' ? 'no such file' : error.message})`, { cause: error });
      });
      const model = parseRewardModel(text, options.file);
      await write('model', serializeRewardModel(model));
      return model;
    }
    if (!options.feedback) return absent('no reward model or feedback given (--set playlistReward.file=MODEL or playlistReward.feedback=PLAYLIST_STORE)');
    const { store } = inputs.dataset;
    const log = await stage('read playlist store', () => readPlaylistLog(options.feedback, { signal }), (value) => `${value.versions.length} versions, ${value.feedback.length} feedback records`);
    const extraction = rewardPairsFromFeedback(store, log.versions, log.feedback);
    if (extraction.unknownTracks > 0) progress(`playlistReward: ${extraction.unknownTracks} feedback tracks are not in this catalog (skipped)`);
    const model = await stage('train reward model', () => trainRewardModel(store, extraction.pairs, { seed: options.seed }), (value) => (value ? `${value.training.pairs} pairs, validation accuracy ${value.training.validation.accuracy.toFixed(3)}` : 'no pairs'));
    if (!model) return absent(`the playlist store ${options.feedback} holds no usable feedback (fulfilment unchanged)`);
    await write('model', serializeRewardModel(model));
    return model;
  },
  open: async ({ read, version }): Promise<RewardModel> => parseRewardModel((await read('model')).toString('utf8'), `bundle ${version}: models/playlist-reward.json`),
  summarize: (model) => `${model.training.pairs.toLocaleString('en')} pairs from ${model.training.playlists.toLocaleString('en')} playlists, ${model.training.listeners} listeners, validation accuracy ${Number.isNaN(model.training.validation.accuracy) ? '—' : model.training.validation.accuracy.toFixed(3)}`,
});
