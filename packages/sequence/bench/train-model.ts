// Trains a next-track model file on a snapshot's listening histories, for bench:next --model
// (the bundle part does the same inside `mixtape build`, with a position budget). Progress lines
// carry loss, rate and ETA; every epoch prints its validation NDCG@10. The served prior backs off
// to the catalog's album and artist as the part's default does (--backoff none: no back-off);
// --from <model file> re-fits only the prior of a trained model (no training); give it the --seed and
// --validation-rows the model was trained with (default 42 / 1000, this script's training defaults),
// or the prior is chosen on rows whose targets the model was trained on (a model file that records
// its rows — trained since session 9 — is refused with other ones).
//
//   pnpm --filter @mixtape/sequence bench:train-model --data /tmp/mixtape-synth-10k --out /tmp/model.bin [--epochs 2 --threads 2 --seed 42 --backoff album+artist]
//   pnpm --filter @mixtape/sequence bench:train-model --data /tmp/mixtape-synth-50k --from /tmp/seq6/model-50k.bin --out /tmp/seq8/model-50k-backoff.bin
import { readFile, writeFile } from 'node:fs/promises';
import { formatProgress, parseBenchArgs } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import {
  DEFAULT_BACKOFF_LEVELS,
  catalogTransitionGroups,
  describeTransitionSettings,
  deserializeSequenceModel,
  historiesFromInteractions,
  parseBackoffLevels,
  refitTransitionPrior,
  serializeSequenceModel,
  trainSequenceModel,
} from '../src/index';

const values = parseBenchArgs({ data: undefined, out: undefined, from: undefined, backoff: DEFAULT_BACKOFF_LEVELS.join('+'), epochs: 2, threads: 2, seed: 42, 'validation-rows': 1000 });
if (!values.data || !values.out) throw new Error('bench:train-model: --data <snapshot dir> and --out <model file> are required');
const snapshot = await readSnapshot(values.data);
const histories = historiesFromInteractions(snapshot.interactions, { lastItems: 100 });
const transitionGroups = catalogTransitionGroups(snapshot.store, parseBackoffLevels(String(values.backoff), '--backoff'));
if (values.from) {
  const trained = deserializeSequenceModel(await readFile(values.from), values.from);
  const refit = refitTransitionPrior(trained, { ...histories, numItems: snapshot.store.trackCount }, { validationRows: values['validation-rows'], seed: values.seed, groups: transitionGroups });
  const { validationNdcg10, modelValidationNdcg10 } = refit.report;
  console.error(`served prior ${describeTransitionSettings(refit.report.settings)}: validation NDCG@10 ${validationNdcg10!.toFixed(4)} (model alone ${modelValidationNdcg10!.toFixed(4)}), ${refit.model.transitions?.items.length ?? 0} successor pairs`);
  await writeFile(values.out, serializeSequenceModel(refit.model, { refitFrom: values.from }));
  console.error(`wrote ${values.out}`);
  process.exit(0);
}
const result = await trainSequenceModel(
  { ...histories, numItems: snapshot.store.trackCount },
  {
    epochs: values.epochs,
    threads: values.threads,
    seed: values.seed,
    validationRows: values['validation-rows'],
    transitionGroups,
    trainWithPrior: { alpha: 1, mu: 0.04, gamma: 0.5 },
    onProgress: (event) => console.error(`${formatProgress(event)} loss ${event.loss.toFixed(3)}`),
    onEpoch: (record) => console.error(`epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, validation NDCG@10 ${record.validationNdcg10?.toFixed(4)}`),
  },
);
const prior = result.transitionPrior;
console.error(`served prior: ${prior ? JSON.stringify(prior) : 'none'}`);
await writeFile(values.out, serializeSequenceModel(result.model, { bestEpoch: result.bestEpoch }));
console.error(`wrote ${values.out}`);
