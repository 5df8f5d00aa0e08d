// A real bundle for tests: the dataset and embedding parts (plus any others asked for) from a small
// synthetic dataset, trained for real and published to any store.
import type { KeyObject } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, writeSnapshot, type SyntheticOptions } from '@mixtape/catalog';
import { EMBEDDING_PARTS } from '../parts/index';
import { buildBundle } from '../registry/build';
import type { AnyPart } from '../registry/define';
import { createPartRegistry } from '../registry/registry';
import { publishBundle, type PublishResult } from '../storage/publish';
import type { BundleStore } from '../storage/stores/types';

export interface TestBundleOptions {
  synthetic?: SyntheticOptions;
  /** the dataset's metadata as an importer would write it (default source "synthetic", no details) */
  dataset?: { source: string; details?: Record<string, unknown> };
  /** per-part option overrides (defaults: dim 16, 2 epochs, Flat indexes) */
  options?: Record<string, Record<string, string | number | boolean>>;
  /** more parts to build and publish beside the embedding parts (their dependencies come along) */
  parts?: readonly AnyPart[];
  version?: string;
  setLatest?: boolean;
  /** Ed25519 private key: the manifest is signed (manifest.sig) */
  signingKey?: KeyObject;
  /**
   * Rewrites built files before publishing, by bundle path: the manifest's checksums (and the
   * signature) then cover the changed bytes — a bundle that is bad as published, not damaged later.
   */
  tamper?: Record<string, (bytes: Buffer) => Uint8Array>;
}

/** Generates a small synthetic dataset, trains it for real (deterministic, one thread) and publishes it. */
export async function publishTestBundle(store: BundleStore, options: TestBundleOptions = {}): Promise<PublishResult> {
  const data = generateSynthetic({ tracks: 600, users: 60, interactions: 6000, seed: 7, ...options.synthetic });
  const staging = await mkdtemp(join(tmpdir(), 'mixtape-test-bundle-'));
  try {
    const datasetDir = join(staging, 'dataset');
    await writeSnapshot(datasetDir, { store: data.store, interactions: data.interactions, source: 'synthetic', ...options.dataset });
    const registry = createPartRegistry([...EMBEDDING_PARTS, ...(options.parts ?? [])]);
    const built = await buildBundle(registry, {
      directory: join(staging, 'bundle'),
      settings: { threads: 1 },
      options: {
        ...options.options,
        dataset: { directory: datasetDir },
        itemVectors: { dim: 16, epochs: 2, ...options.options?.itemVectors },
        itemIndex: { factory: 'Flat', ...options.options?.itemIndex },
        contentIndex: { factory: 'Flat', ...options.options?.contentIndex },
      },
    });
    for (const [path, change] of Object.entries(options.tamper ?? {})) {
      const file = built.files.find((candidate) => candidate.path === path);
      if (!file) throw new Error(`publishTestBundle: tamper names "${path}", which the build did not write; it wrote ${built.files.map((candidate) => candidate.path).join(', ')}`);
      await writeFile(file.localPath, change(await readFile(file.localPath)));
    }
    return await publishBundle(store, built.files, {
      producer: 'publishTestBundle',
      version: options.version,
      setLatest: options.setLatest,
      signingKey: options.signingKey,
      metadata: { test: true, tracks: data.store.trackCount, build: built.summary() },
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
