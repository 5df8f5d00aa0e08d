// Trains a next-track model file on a snapshot's listening histories, for bench:next --model
// (the bundle part does the same inside `mixtape build`, with a position budget). Progress lines
// carry loss, rate and ETA; every epoch prints its validation NDCG@10.
//
//   pnpm --filter @mixtape/sequence bench:train-model --data /tmp/mixtape-synth-10k --out /tmp/model.bin [--epochs 2 --threads 2 --seed 42]
import { writeFile } from 'node:fs/promises';
import { formatProgress, parseBenchArgs } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import { historiesFromInteractions, serializeSequenceModel, trainSequenceModel } from '../src/index';

const values = parseBenchArgs({ data: undefined, out: undefined, epochs: 2, threads: 2, seed: 42 });
if (!values.data || !values.out) throw new Error('bench:train-model: --data <snapshot dir> and --out <model file> are required');
const snapshot = await readSnapshot(values.data);
const histories = historiesFromInteractions(snapshot.interactions, { lastItems: 100 });
const result = await trainSequenceModel(
  { ...histories, numItems: snapshot.store.trackCount },
  {
    epochs: values.epochs,
    threads: values.threads,
    seed: values.seed,
    validationRows: 1000,
    trainWithPrior: { alpha: 1, mu: 0.04, gamma: 0.5 },
    onProgress: (event) => console.error(`${formatProgress(event)} loss ${event.loss.toFixed(3)}`),
    onEpoch: (record) => console.error(`epoch ${record.epoch}: loss ${record.loss.toFixed(4)}, ${record.seconds.toFixed(1)} s, validation NDCG@10 ${record.validationNdcg10?.toFixed(4)}`),
  },
);
const prior = result.transitionPrior;
console.error(`served prior: ${prior ? JSON.stringify(prior) : 'none'}`);
await writeFile(values.out, serializeSequenceModel(result.model, { bestEpoch: result.bestEpoch }));
console.error(`wrote ${values.out}`);
