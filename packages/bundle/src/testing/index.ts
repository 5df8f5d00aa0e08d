// Test helpers: a real bundle from a small synthetic dataset, published to any BundleStore.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishBundle, type BundleStore, type PublishResult } from '@mixtape/artifacts';
import { generateSynthetic, type SyntheticOptions } from '@mixtape/catalog';
import { DEFAULT_TRAIN_OPTIONS, trainServingParts, type TrainOptions } from '../train';
import { writeServingBundle, type ServingBundleInput } from '../write';

export interface TestBundleOptions {
  synthetic?: SyntheticOptions;
  train?: Partial<TrainOptions>;
  version?: string;
  extraFiles?: ServingBundleInput['extraFiles'];
  setLatest?: boolean;
}

/** Generates a small synthetic dataset, trains it for real (deterministic) and publishes it. */
export async function publishTestBundle(store: BundleStore, options: TestBundleOptions = {}): Promise<PublishResult> {
  const data = generateSynthetic({ tracks: 600, users: 60, interactions: 6000, seed: 7, ...options.synthetic });
  const trained = await trainServingParts(
    data.store,
    data.interactions,
    { ...DEFAULT_TRAIN_OPTIONS, dim: 16, epochs: 2, threads: 1, factory: 'Flat', ...options.train },
    () => {},
  );
  const staging = await mkdtemp(join(tmpdir(), 'mixtape-test-bundle-'));
  try {
    const files = await writeServingBundle(join(staging, 'bundle'), {
      ...trained.input,
      source: 'synthetic',
      summary: { test: true },
      extraFiles: options.extraFiles,
    });
    return await publishBundle(store, files, { producer: 'publishTestBundle', version: options.version, setLatest: options.setLatest });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
