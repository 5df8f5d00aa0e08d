// Turns a downloaded, verified bundle into serving state: CatalogStore, vectors, FAISS indexes.
import { mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { BundleManifest, LoadedBundle } from '@mixtape/artifacts';
import { readSnapshot, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import { VectorIndex, type ContentEncoder, type UserVectors } from '@mixtape/embeddings';
import { BUNDLE_LAYOUT, type BundleParts } from './layout';
import { unpackTypedArrays } from './typed-pack';

export interface ServingBundle {
  version: string;
  manifest: BundleManifest;
  store: CatalogStore;
  /** present when the `interactions` part was loaded */
  interactions?: InteractionLog;
  contentEncoder: ContentEncoder;
  contentVectors?: Float32Array;
  contentIndex?: VectorIndex;
  itemDim: number;
  itemVectors?: Float32Array;
  itemHasVector?: Uint8Array;
  itemIndex?: VectorIndex;
  /** rows follow `interactions`' user indices */
  users?: UserVectors;
  summary: Record<string, unknown>;
  /** milliseconds spent per part, for logs and /metrics */
  timings: Record<string, number>;
  /** local path of another bundle file (loaded through `parts.extraPaths`) */
  localPath(bundlePath: string): string;
}

export interface OpenServingBundleOptions {
  parts: BundleParts;
  /** scratch space for the dataset view (symlinks into the cache) */
  workDir: string;
}

async function readPack(bundle: LoadedBundle, path: string) {
  return unpackTypedArrays(await readFile(bundle.file(path).localPath), `${bundle.version}:${path}`);
}

export async function openServingBundle(bundle: LoadedBundle, options: OpenServingBundleOptions): Promise<ServingBundle> {
  const { parts } = options;
  const timings: Record<string, number> = {};
  const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    try {
      return await work();
    } finally {
      timings[name] = Math.round(performance.now() - started);
    }
  };

  // The snapshot reader wants one directory; cached files are named by checksum, so link them.
  const dataset = await timed('dataset', async () => {
    await mkdir(options.workDir, { recursive: true });
    const view = await mkdtemp(join(options.workDir, `view-${bundle.version}-`));
    try {
      const names = ['metadata.json', 'catalog.bin', 'interactions.bin'];
      for (const name of names) await symlink(bundle.file(`${BUNDLE_LAYOUT.datasetDir}/${name}`).localPath, join(view, name));
      return await readSnapshot(view);
    } finally {
      await rm(view, { recursive: true, force: true });
    }
  });

  const contentEncoder = JSON.parse(await readFile(bundle.file(BUNDLE_LAYOUT.contentEncoder).localPath, 'utf8')) as ContentEncoder;
  const summary = JSON.parse(await readFile(bundle.file(BUNDLE_LAYOUT.buildSummary).localPath, 'utf8')) as Record<string, unknown>;

  const serving: ServingBundle = {
    version: bundle.version,
    manifest: bundle.manifest,
    store: dataset.store,
    interactions: parts.interactions ? dataset.interactions : undefined,
    contentEncoder,
    itemDim: 0,
    summary,
    timings,
    localPath: (path) => bundle.file(path).localPath,
  };

  if (parts.contentVectors) {
    serving.contentVectors = (await timed('contentVectors', () => readPack(bundle, BUNDLE_LAYOUT.contentVectors))).arrays.vectors as Float32Array;
  }
  if (parts.contentIndex) {
    serving.contentIndex = await timed('contentIndex', async () => VectorIndex.fromBuffer(await readFile(bundle.file(BUNDLE_LAYOUT.contentIndex).localPath)));
  }
  if (parts.itemVectors) {
    const pack = await timed('itemVectors', () => readPack(bundle, BUNDLE_LAYOUT.itemVectors));
    serving.itemVectors = pack.arrays.vectors as Float32Array;
    serving.itemHasVector = pack.arrays.hasVector as Uint8Array | undefined;
    serving.itemDim = Number(pack.meta.dim);
  }
  if (parts.itemIndex) {
    serving.itemIndex = await timed('itemIndex', async () => VectorIndex.fromBuffer(await readFile(bundle.file(BUNDLE_LAYOUT.itemIndex).localPath)));
    serving.itemDim ||= serving.itemIndex.dim;
  }
  if (parts.userVectors) {
    const pack = await timed('userVectors', () => readPack(bundle, BUNDLE_LAYOUT.userVectors));
    const a = pack.arrays;
    serving.users = {
      dim: Number(pack.meta.dim),
      numUsers: Number(pack.meta.numUsers),
      vectors: a.vectors as Float32Array,
      itemsUsed: a.itemsUsed as Int32Array,
      clusterOffsets: a.clusterOffsets as Int32Array,
      clusterCentroids: a.clusterCentroids as Float32Array,
      clusterWeights: a.clusterWeights as Float32Array,
      clusterSizes: a.clusterSizes as Int32Array,
      eventClusters: a.eventClusters as Int32Array,
    };
  }
  checkConsistency(serving);
  return serving;
}

/** A bundle whose parts disagree is refused rather than served half-wrong. */
function checkConsistency(serving: ServingBundle): void {
  const tracks = serving.store.trackCount;
  const problems: string[] = [];
  if (serving.contentVectors && serving.contentVectors.length !== tracks * serving.contentEncoder.dim) {
    problems.push(`content vectors hold ${serving.contentVectors.length / serving.contentEncoder.dim} rows for ${tracks} tracks`);
  }
  if (serving.itemVectors && serving.itemVectors.length !== tracks * serving.itemDim) {
    problems.push(`item vectors hold ${serving.itemVectors.length / serving.itemDim} rows for ${tracks} tracks`);
  }
  for (const [name, index] of [['content', serving.contentIndex], ['item', serving.itemIndex]] as const) {
    if (index && index.size > tracks) problems.push(`${name} index holds ${index.size} vectors for ${tracks} tracks`);
  }
  if (serving.users && serving.interactions && serving.users.numUsers !== serving.interactions.userCount) {
    problems.push(`user vectors hold ${serving.users.numUsers} users, interactions ${serving.interactions.userCount}`);
  }
  if (problems.length > 0) throw new Error(`bundle ${serving.version} is inconsistent: ${problems.join('; ')}`);
}
