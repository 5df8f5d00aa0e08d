// Trains the Home ranker on a published bundle and prints the validation table:
//   pnpm --filter @mixtape/home exec tsx --conditions @mixtape/source bench/train-ranker.ts file://$PWD/.data/bundles
import { formatProgress } from '@mixtape/base';
import { trainHomeRanker } from '@mixtape/ranking';
import { openHomeBundle } from './load-bundle';

const uri = process.argv[2] ?? `file://${process.cwd()}/../../.data/bundles`;
const maxUsers = Number(process.argv[3] ?? 1500);
const bundle = await openHomeBundle(uri);
const { dataset, itemVectors, itemIndex } = bundle.parts;
const { store, interactions } = dataset;
console.log(`bundle ${bundle.version}: ${store.trackCount} tracks, ${interactions.userCount} users, ${interactions.length} events`);
const { report } = await trainHomeRanker(
  { store, interactions, itemVectors: itemVectors.vectors, itemDim: itemVectors.dim, itemIndex },
  { maxUsers, onProgress: (event) => console.log(formatProgress(event)) },
);
console.log(JSON.stringify(report, null, 2));
