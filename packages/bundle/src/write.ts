// Writes the serving parts of a bundle into a staging directory, ready for publishBundle.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { IndexInfo, PublishFileInput } from '@mixtape/artifacts';
import { writeSnapshot, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import type { ContentEncoder, UserVectors, VectorIndex } from '@mixtape/embeddings';
import { BUNDLE_LAYOUT } from './layout';
import { packTypedArrays, type TypedArrayRecord } from './typed-pack';

export interface ServingBundleInput {
  store: CatalogStore;
  interactions: InteractionLog;
  /** where the dataset came from (e.g. "synthetic", "lastfm-hetrec") */
  source: string;
  contentEncoder: ContentEncoder;
  /** trackCount × contentEncoder.dim, row = track index */
  contentVectors: Float32Array;
  /** content vectors in FAISS, ids = track ids */
  contentIndex: VectorIndex;
  /** trackCount × itemDim (item2vec, cold rows filled from content), row = track index */
  itemVectors?: Float32Array;
  itemDim?: number;
  /** 1 where the item vector was learned from plays, 0 where it was filled from content */
  itemHasVector?: Uint8Array;
  itemIndex?: VectorIndex;
  /** rows follow the InteractionLog's user indices */
  userVectors?: UserVectors;
  /** what the build did (settings, timings, counts): models/build.json */
  summary: Record<string, unknown>;
  /** more files an app reads with its own package (search index, ranker model…) */
  extraFiles?: ReadonlyArray<{ path: string; data: Buffer | string; role?: string }>;
}

function indexInfo(index: VectorIndex, contains: string): IndexInfo {
  const info = index.info();
  return { dim: info.dim, metric: info.metric, factory: info.factory, count: info.count, contains, params: info.params };
}

/** Writes every part under `dir` (which must not exist yet) and returns the publish list. */
export async function writeServingBundle(dir: string, input: ServingBundleInput): Promise<PublishFileInput[]> {
  const files: PublishFileInput[] = [];
  const put = async (path: string, data: Buffer | string, description: Omit<PublishFileInput, 'path' | 'localPath'>) => {
    const localPath = join(dir, path);
    await mkdir(dirname(localPath), { recursive: true });
    await writeFile(localPath, data);
    files.push({ path, localPath, ...description });
  };

  const datasetDir = join(dir, BUNDLE_LAYOUT.datasetDir);
  await writeSnapshot(datasetDir, { store: input.store, interactions: input.interactions, source: input.source });
  for (const name of ['metadata.json', 'catalog.bin', 'interactions.bin']) {
    files.push({
      path: `${BUNDLE_LAYOUT.datasetDir}/${name}`,
      localPath: join(datasetDir, name),
      role: name === 'metadata.json' ? 'metadata' : 'catalog',
    });
  }

  await put(BUNDLE_LAYOUT.contentEncoder, JSON.stringify(input.contentEncoder), { role: 'model', contentType: 'application/json' });
  await put(BUNDLE_LAYOUT.contentVectors, packTypedArrays({ vectors: input.contentVectors }, { dim: input.contentEncoder.dim }), {
    role: 'vectors',
  });
  await put(BUNDLE_LAYOUT.contentIndex, input.contentIndex.toBuffer(), { role: 'index', index: indexInfo(input.contentIndex, 'content vectors of every track') });

  if (input.itemVectors && input.itemDim) {
    const arrays: TypedArrayRecord = { vectors: input.itemVectors };
    if (input.itemHasVector) arrays.hasVector = input.itemHasVector;
    await put(BUNDLE_LAYOUT.itemVectors, packTypedArrays(arrays, { dim: input.itemDim }), { role: 'vectors' });
  }
  if (input.itemIndex) {
    await put(BUNDLE_LAYOUT.itemIndex, input.itemIndex.toBuffer(), { role: 'index', index: indexInfo(input.itemIndex, 'item2vec vectors of every track') });
  }
  if (input.userVectors) {
    const users = input.userVectors;
    await put(
      BUNDLE_LAYOUT.userVectors,
      packTypedArrays(
        {
          vectors: users.vectors,
          itemsUsed: users.itemsUsed,
          clusterOffsets: users.clusterOffsets,
          clusterCentroids: users.clusterCentroids,
          clusterWeights: users.clusterWeights,
          clusterSizes: users.clusterSizes,
          eventClusters: users.eventClusters,
        },
        { dim: users.dim, numUsers: users.numUsers },
      ),
      { role: 'vectors' },
    );
  }
  for (const extra of input.extraFiles ?? []) await put(extra.path, extra.data, { role: extra.role ?? 'model' });
  await put(BUNDLE_LAYOUT.buildSummary, JSON.stringify(input.summary, null, 2), { role: 'metadata', contentType: 'application/json' });
  return files;
}
