// The embedding parts of a bundle: the content encoder, content / item / user vectors and the two
// FAISS indexes. Training is @mixtape/embeddings'; these say where the files live, which parts
// each is built from, and how a service opens them (refusing files that disagree with the catalog).
import { formatProgress, normalizeRows, Random } from '@mixtape/base';
import {
  buildTrackIndex,
  createContentEncoder,
  encodeCatalogContent,
  CONTENT_AUDIO_FEATURES,
  contentFeatureStatsFromSums,
  trainItemVectors,
  trainUserVectors,
  VectorIndex,
  type ContentEncoder,
  type ItemVectors,
  type TrackVectors,
  type UserVectors,
} from '@mixtape/embeddings';
import type { IndexInfo } from '../storage/manifest';
import { definePart, type BundlePart, type PartOptions, type SmokeContext } from '../registry/define';
import { packTypedArrays, unpackTypedArrays } from '../typed-pack';
import { aggregatesPart, type AggregatesPartValue } from './aggregates';
import { datasetPart } from './dataset';

const count = (value: number) => value.toLocaleString('en');

function checkRows(what: string, vectors: TrackVectors, trackCount: number, version: string): void {
  if (vectors.dim <= 0 || vectors.vectors.length !== trackCount * vectors.dim) {
    throw new Error(`bundle ${version}: ${what} hold ${vectors.dim > 0 ? vectors.vectors.length / vectors.dim : '?'} rows of dim ${vectors.dim} for ${trackCount} tracks`);
  }
}

/** The content encoder's standardization from the aggregates' catalog statistics (a pipeline run's or this process's). */
export function featureStatsOf(aggregates: AggregatesPartValue) {
  const stats = aggregates.catalogStats;
  if (!stats) throw new Error('contentEncoder: the aggregates part holds no catalog statistics (opened from a bundle, not built)');
  const sum = new Float64Array(CONTENT_AUDIO_FEATURES.length);
  const sumSquares = new Float64Array(CONTENT_AUDIO_FEATURES.length);
  let tracks = 0;
  CONTENT_AUDIO_FEATURES.forEach((feature, f) => {
    const entry = stats[feature];
    if (!entry) return;
    sum[f] = entry.sum;
    sumSquares[f] = entry.sumSquares;
    tracks = entry.tracks;
  });
  return contentFeatureStatsFromSums(sum, sumSquares, tracks);
}

export const contentEncoderPart = definePart({
  name: 'contentEncoder',
  description: 'the content-vector space: audio-feature statistics and the block layout of content vectors',
  files: { encoder: { path: 'models/content-encoder.json', role: 'model', contentType: 'application/json' } },
  dependsOn: [datasetPart, aggregatesPart],
  build: async ({ inputs, write }): Promise<ContentEncoder> => {
    const encoder = createContentEncoder({ stats: featureStatsOf(inputs.aggregates) });
    await write('encoder', JSON.stringify(encoder));
    return encoder;
  },
  open: async ({ read }): Promise<ContentEncoder> => JSON.parse((await read('encoder')).toString('utf8')) as ContentEncoder,
  summarize: (encoder) => `dim ${encoder.dim}`,
});

export const contentVectorsPart = definePart({
  name: 'contentVectors',
  description: 'trackCount × contentDim content vectors (genres, audio features, era, popularity)',
  files: { vectors: { path: 'vectors/content.pack', role: 'vectors' } },
  dependsOn: [datasetPart, contentEncoderPart],
  build: async ({ inputs, write }): Promise<TrackVectors> => {
    const encoder = inputs.contentEncoder;
    const vectors = encodeCatalogContent(encoder, inputs.dataset.store);
    await write('vectors', packTypedArrays({ vectors }, { dim: encoder.dim }));
    return { vectors, dim: encoder.dim };
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version }): Promise<TrackVectors> => {
    const pack = unpackTypedArrays(await read('vectors'), `${version}: vectors/content.pack`);
    const value = { vectors: pack.arrays.vectors as Float32Array, dim: Number(pack.meta.dim) };
    checkRows('content vectors', value, inputs.dataset.store.trackCount, version);
    return value;
  },
  summarize: (value) => `${count(value.vectors.length / value.dim)} × ${value.dim}`,
});

export const itemVectorsPart = definePart({
  name: 'itemVectors',
  description: 'trackCount × dim item2vec vectors (unit rows) over the aggregates\' listening sessions; tracks without plays placed by content',
  files: { vectors: { path: 'vectors/items.pack', role: 'vectors' } },
  options: { dim: 64, epochs: 5, window: 5, negatives: 5 },
  dependsOn: [datasetPart, contentVectorsPart, aggregatesPart],
  build: async ({ inputs, options, settings, write, stage, progress }): Promise<ItemVectors> => {
    const items = await trainItemVectors(inputs.dataset.store, inputs.dataset.interactions, inputs.contentVectors, {
      ...options,
      threads: settings.threads,
      seed: settings.seed,
      onProgress: (event) => progress(`  ${formatProgress(event)}`),
      step: stage,
      corpus: inputs.aggregates.sessions,
    });
    await write('vectors', packTypedArrays(items.hasVector ? { vectors: items.vectors, hasVector: items.hasVector } : { vectors: items.vectors }, { dim: items.dim }));
    return items;
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version }): Promise<ItemVectors> => {
    const pack = unpackTypedArrays(await read('vectors'), `${version}: vectors/items.pack`);
    const value: ItemVectors = { vectors: pack.arrays.vectors as Float32Array, dim: Number(pack.meta.dim) };
    if (pack.arrays.hasVector) value.hasVector = pack.arrays.hasVector as Uint8Array;
    checkRows('item vectors', value, inputs.dataset.store.trackCount, version);
    return value;
  },
  summarize: (value) => `${count(value.vectors.length / value.dim)} × ${value.dim}`,
});

const USER_ARRAYS = ['vectors', 'itemsUsed', 'clusterOffsets', 'clusterCentroids', 'clusterWeights', 'clusterSizes', 'eventClusters'] as const;

export const userVectorsPart = definePart({
  name: 'userVectors',
  description: "per-user taste vector and taste clusters (rows = the interaction log's users)",
  files: { vectors: { path: 'vectors/users.pack', role: 'vectors' } },
  dependsOn: [datasetPart, itemVectorsPart],
  build: async ({ inputs, settings, write, progress }): Promise<UserVectors> => {
    const users = trainUserVectors(inputs.dataset.interactions, inputs.itemVectors, { seed: settings.seed, onProgress: (event) => progress(`  ${formatProgress(event)}`) });
    await write('vectors', packTypedArrays(Object.fromEntries(USER_ARRAYS.map((name) => [name, users[name]])), { dim: users.dim, numUsers: users.numUsers }));
    return users;
  },
  openDependsOn: [datasetPart],
  open: async ({ read, inputs, version }): Promise<UserVectors> => {
    const pack = unpackTypedArrays(await read('vectors'), `${version}: vectors/users.pack`);
    const a = pack.arrays;
    const users: UserVectors = {
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
    const userCount = inputs.dataset.interactions.userCount;
    if (users.numUsers !== userCount) throw new Error(`bundle ${version}: user vectors hold ${users.numUsers} users, the interaction log ${userCount}`);
    return users;
  },
  summarize: (users) => `${count(users.numUsers)} users, ${count(users.clusterOffsets[users.numUsers] ?? 0)} taste clusters`,
});

/** FAISS index settings: the factory ("auto" picks by size) and the search parameters stored with it. */
const INDEX_OPTIONS = { factory: 'auto', efSearch: 128, nprobe: 32 } satisfies PartOptions;

/** What a vector-index file says about itself in the manifest. */
export function indexInfo(index: VectorIndex, contains: string): IndexInfo {
  const info = index.info();
  return { dim: info.dim, metric: info.metric, factory: info.factory, count: info.count, contains, params: info.params };
}

function openTrackIndex(buffer: Buffer, trackCount: number, version: string, what: string): VectorIndex {
  const index = VectorIndex.fromBuffer(buffer);
  if (index.size > trackCount) throw new Error(`bundle ${version}: ${what} holds ${index.size} vectors for ${trackCount} tracks`);
  return index;
}

const SMOKE_QUERIES = 32;

/**
 * The FAISS parts' smoke step (run in a child process): deserialize the index as a service does,
 * check it against its manifest entry, then search — FAISS follows stored graph links and list
 * offsets without bounds checks, so a corrupt index with a valid checksum loads fine and crashes
 * on its first search. Both query paths a service uses run: a batch and single queries.
 */
async function smokeTrackIndex({ read, entry, version }: SmokeContext<'index'>, what: string): Promise<string> {
  const expected = entry('index').index;
  const index = VectorIndex.fromBuffer(await read('index'));
  if (expected && (expected.dim !== index.dim || expected.count !== index.size)) {
    throw new Error(`bundle ${version}: ${what} holds ${index.size} vectors of dim ${index.dim}; its manifest entry says ${expected.count} of dim ${expected.dim}`);
  }
  if (index.size === 0) return `${what}: empty`;
  const random = new Random(0x5eed);
  const queries = normalizeRows(Float32Array.from({ length: SMOKE_QUERIES * index.dim }, () => random.gaussian()), index.dim);
  const k = Math.min(10, index.size);
  const batch = index.searchBatch(queries, k);
  for (let i = 0; i < batch.labels.length; i++) {
    const label = batch.labels[i]!;
    if (label < -1 || label >= index.size || (label >= 0 && !Number.isFinite(batch.scores[i]!))) {
      throw new Error(`bundle ${version}: ${what} answered label ${label} (score ${batch.scores[i]}) for a query; it holds ${index.size} vectors`);
    }
  }
  for (let q = 0; q < 4; q++) index.search(queries.subarray(q * index.dim, (q + 1) * index.dim), k);
  return `${count(index.size)} vectors, ${SMOKE_QUERIES + 4} queries`;
}

/** A FAISS index over one vector part's rows (ids = track ids), chosen by size; smoke-searched. */
function trackIndexPart<const Name extends string, const Vectors extends string>(
  name: Name,
  vectorsPart: BundlePart<Vectors, TrackVectors, string, PartOptions>,
  spec: { path: string; what: string; contains: string },
) {
  return definePart({
    name,
    description: `FAISS index over ${spec.contains} (ids = track ids); Flat / HNSW / IVF-PQ by size`,
    files: { index: { path: spec.path, role: 'index' } },
    options: INDEX_OPTIONS,
    dependsOn: [datasetPart, vectorsPart],
    build: async ({ inputs, options, write }): Promise<VectorIndex> => {
      const vectors = (inputs as unknown as Record<Vectors, TrackVectors>)[vectorsPart.name];
      const index = buildTrackIndex(inputs.dataset.store, vectors, options);
      await write('index', index.toBuffer(), { index: indexInfo(index, `${spec.contains} of every track`) });
      return index;
    },
    openDependsOn: [datasetPart],
    open: async ({ read, inputs, version }) => openTrackIndex(await read('index'), inputs.dataset.store.trackCount, version, spec.what),
    smoke: (context) => smokeTrackIndex(context, spec.what),
    summarize: (index) => `${count(index.size)} vectors (${index.info().factory})`,
  });
}

export const itemIndexPart = trackIndexPart('itemIndex', itemVectorsPart, { path: 'indexes/items.faiss', what: 'item index', contains: 'item2vec vectors' });
export const contentIndexPart = trackIndexPart('contentIndex', contentVectorsPart, { path: 'indexes/content.faiss', what: 'content index', contains: 'content vectors' });
