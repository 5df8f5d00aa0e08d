// The production Home stack (candidates + learned ranker) against baselines under the eval
// harness's protocol (full catalog, seeded split, bootstrap CIs):
//   pnpm --filter @mixtape/home exec tsx --conditions @mixtape/source bench/quality.ts \
//     ../../../shared/data/lastfm-hetrec2k user-holdout ease:lambda=50 [homeStackOptionsJson]
import { createModelRegistry, formatMarkdownReport, loadEvalDataset, runEvalTask } from '@mixtape/eval';
import type { EvalTaskName, Recommender } from '@mixtape/eval';
import { createHomeStackRecommender } from '@mixtape/ranking';

const [dataPath, task = 'user-holdout', baselines = 'rp3beta:beta=0.3', stackOptions = '{}'] = process.argv.slice(2);
if (!dataPath) throw new Error('usage: quality.ts <dataset dir> [task] [baseline specs] [home stack options JSON]');
const dataset = await loadEvalDataset(dataPath);
const models: Recommender[] = [...createModelRegistry().createAll(baselines), createHomeStackRecommender(JSON.parse(stackOptions) as object)];
const started = performance.now();
const result = await runEvalTask(dataset, {
  task: task as EvalTaskName,
  models,
  ks: [10, 50],
  seed: 42,
  onProgress: (progress) => {
    if (progress.done === 0 || progress.done === progress.total) console.error(`${progress.phase} ${progress.done}/${progress.total ?? '?'}`);
  },
});
console.log(formatMarkdownReport(result, { compareAgainst: models[0]!.name }));
console.error(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
