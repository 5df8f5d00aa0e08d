// A small synthetic dataset trained for real (item2vec + FAISS, as `mixtape build` does) for
// the Home tests; built once per test file.
import { DEFAULT_TRAIN_OPTIONS, trainServingParts } from '@mixtape/bundle';
import { generateSynthetic } from '@mixtape/catalog';
import type { SyntheticDataset } from '@mixtape/catalog';
import type { HomeData } from '../src/index';

export interface HomeFixture {
  data: HomeData;
  dataset: SyntheticDataset;
}

let cached: Promise<HomeFixture> | undefined;
export function loadHomeFixture(): Promise<HomeFixture> {
  cached ??= (async () => {
    const dataset = generateSynthetic({ tracks: 1500, users: 150, interactions: 24_000, seed: 11 });
    const trained = await trainServingParts(
      dataset.store,
      dataset.interactions,
      { ...DEFAULT_TRAIN_OPTIONS, dim: 24, epochs: 3, threads: 1, factory: 'Flat' },
      () => {},
    );
    const { itemVectors, itemDim, itemIndex } = trained.input;
    if (!itemVectors || !itemDim || !itemIndex) throw new Error('trainServingParts returned no item vectors');
    return { dataset, data: { store: dataset.store, interactions: dataset.interactions, itemVectors, itemDim, itemIndex } };
  })();
  return cached;
}
