// validation-only runner: the eval `sasrec` fit (leave-one-out training split, seed 42, 2 threads,
// the trainer's 1,000 validation rows) — never reads the test items.
import { writeFileSync } from 'node:fs';
import { loadEvalDataset, splitForTask } from '../src/index';
import { serializeSequenceModel, trainSequenceModel } from '@mixtape/sequence';
const dataset = await loadEvalDataset(process.env.DATA ?? '/tmp/mixtape-synth-10k');
const split = splitForTask(dataset, 'next-items', { nextItems: 'leave-one-out', validation: false, seed: 42 });
const s = split.sequences!;
const extra = JSON.parse(process.argv[2] ?? '{}');
const base = { model: { dropout: 0.3 }, negatives: 2048, learningRate: 0.005, patience: 3, validationRows: 1000, threads: 2, seed: 42, trainWithPrior: { alpha: 1, mu: 0.04, gamma: 0.5 }, transitionPrior: true };
const options = { ...base, ...extra, model: { ...base.model, ...(extra.model ?? {}) } };
console.log('options', JSON.stringify(options), new Date().toISOString());
const t0 = performance.now();
const r = await trainSequenceModel({ items: s.indices, offsets: s.indptr, numItems: dataset.numItems }, {
  ...options,
  onEpoch: (e) => console.log(`ep ${e.epoch} loss ${e.loss.toFixed(4)} ${e.seconds.toFixed(1)}s val ${e.validationNdcg10?.toFixed(4)} hr ${e.validationHitRate10?.toFixed(3)} ${new Date().toISOString()}`),
});
console.log('best epoch', r.bestEpoch, 'prior', JSON.stringify(r.transitionPrior), 's', ((performance.now() - t0) / 1000).toFixed(1));
if (process.env.SAVE) writeFileSync(process.env.SAVE, serializeSequenceModel(r.model));
