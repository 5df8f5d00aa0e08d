// The training half of `mixtape build`: dataset → item2vec, content vectors, user vectors, FAISS
// indexes → everything a serving bundle holds. Pure of I/O except progress lines.
import { formatProgress, normalizeRows } from '@mixtape/base';
import { INTERACTION_TYPE_CODE, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import type { ServingBundleInput } from './write';
import {
  VectorIndex,
  buildSessionCorpus,
  chooseFactory,
  computeUserVectors,
  createContentEncoder,
  encodeCatalogContent,
  fillColdStartVectors,
  fitCatalogFeatureStats,
  trainItem2Vec,
  type SearchParams,
} from '@mixtape/embeddings';

export interface TrainOptions {
  dim: number;
  epochs: number;
  window: number;
  negatives: number;
  threads: number;
  seed: number;
  /** efSearch for HNSW indexes / nprobe for IVF, stored with the index */
  efSearch: number;
  nprobe: number;
  /** index factory override ("auto" picks by size) */
  factory: string;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  dim: 64,
  epochs: 5,
  window: 5,
  negatives: 5,
  threads: 2,
  seed: 1,
  efSearch: 128,
  nprobe: 32,
  factory: 'auto',
};

/** How much an event says about taste: completes and saves more than plays; skips nothing. */
export const EVENT_WEIGHTS: Readonly<Record<keyof typeof INTERACTION_TYPE_CODE, number>> = {
  play: 1,
  complete: 1.5,
  save: 2,
  playlist_add: 1.5,
  skip: 0,
};

export type ProgressLine = (line: string) => void;

export interface StageTiming {
  stage: string;
  seconds: number;
  detail: string;
}

export interface TrainResult {
  input: Omit<ServingBundleInput, 'source' | 'summary' | 'extraFiles'>;
  timings: StageTiming[];
}

function searchParamsFor(factory: string, options: TrainOptions): SearchParams {
  if (factory.startsWith('HNSW')) return { efSearch: options.efSearch };
  if (factory.startsWith('IVF')) return { nprobe: options.nprobe };
  return {};
}

export function eventWeights(log: InteractionLog): Float32Array {
  const byCode = new Float32Array(8);
  for (const [type, code] of Object.entries(INTERACTION_TYPE_CODE)) byCode[code] = EVENT_WEIGHTS[type as keyof typeof EVENT_WEIGHTS];
  const weights = new Float32Array(log.length);
  const types = log.columns.type;
  for (let i = 0; i < weights.length; i++) weights[i] = byCode[types[i]!]!;
  return weights;
}

export async function trainServingParts(store: CatalogStore, log: InteractionLog, options: TrainOptions, progress: ProgressLine): Promise<TrainResult> {
  const timings: StageTiming[] = [];
  const stage = async <T>(name: string, work: () => Promise<T> | T, detail: (result: T) => string): Promise<T> => {
    progress(`▶ ${name} …`);
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    timings.push({ stage: name, seconds, detail: detail(result) });
    progress(`✔ ${name} (${seconds.toFixed(1)} s) ${detail(result)}`);
    return result;
  };
  const trackIds = Array.from({ length: store.trackCount }, (_, i) => store.trackId(i));
  const weights = eventWeights(log);

  const corpus = await stage(
    'sessions',
    () => {
      const include = new Uint8Array(weights.length);
      for (let i = 0; i < include.length; i++) include[i] = weights[i]! > 0 ? 1 : 0;
      return buildSessionCorpus(log.columns.track, log.columns.timestamp, log.userOffsets, { include });
    },
    (c) => `${(c.offsets.length - 1).toLocaleString('en')} sessions, ${c.items.length.toLocaleString('en')} plays`,
  );

  const item2vec = await stage(
    'item2vec',
    () =>
      trainItem2Vec(corpus, {
        numItems: store.trackCount,
        dim: options.dim,
        window: options.window,
        negatives: options.negatives,
        epochs: options.epochs,
        threads: options.threads,
        seed: options.seed,
        onProgress: (p) => progress(`  ${formatProgress(p)}`),
      }),
    (m) => `${m.hasVector.reduce((a, b) => a + b, 0).toLocaleString('en')} of ${m.numItems.toLocaleString('en')} tracks learned`,
  );

  const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const contentVectors = await stage('content vectors', () => encodeCatalogContent(encoder, store), () => `${store.trackCount.toLocaleString('en')} × ${encoder.dim}`);

  const items = await stage(
    'cold start',
    () => {
      const filled = fillColdStartVectors(item2vec.vectors, options.dim, contentVectors, encoder.dim);
      // Unit rows: inner product = cosine for the index, user vectors and ranking features.
      normalizeRows(filled.vectors, options.dim);
      return filled;
    },
    (r) => `${r.filled.reduce((a, b) => a + b, 0).toLocaleString('en')} tracks placed by content`,
  );

  const users = await stage(
    'user vectors',
    () =>
      computeUserVectors({ items: log.columns.track, offsets: log.userOffsets, timestamps: log.columns.timestamp, weights }, items.vectors, options.dim, {
        seed: options.seed,
        onProgress: (p) => progress(`  ${formatProgress(p)}`),
      }),
    (u) => `${u.numUsers.toLocaleString('en')} users, ${(u.clusterOffsets[u.numUsers] ?? 0).toLocaleString('en')} taste clusters`,
  );

  const itemFactory = options.factory === 'auto' ? chooseFactory(store.trackCount, options.dim) : options.factory;
  const itemIndex = await stage(
    `item index (${itemFactory})`,
    () => VectorIndex.build({ dim: options.dim, factory: itemFactory, metric: 'ip', ids: trackIds, vectors: items.vectors, params: searchParamsFor(itemFactory, options) }),
    (index) => `${index.size.toLocaleString('en')} vectors`,
  );
  const contentFactory = options.factory === 'auto' ? chooseFactory(store.trackCount, encoder.dim) : options.factory;
  const contentIndex = await stage(
    `content index (${contentFactory})`,
    () => VectorIndex.build({ dim: encoder.dim, factory: contentFactory, metric: 'ip', ids: trackIds, vectors: contentVectors, params: searchParamsFor(contentFactory, options) }),
    (index) => `${index.size.toLocaleString('en')} vectors`,
  );

  return {
    input: {
      store,
      interactions: log,
      contentEncoder: encoder,
      contentVectors,
      contentIndex,
      itemVectors: items.vectors,
      itemDim: options.dim,
      itemHasVector: item2vec.hasVector,
      itemIndex,
      userVectors: users,
    },
    timings,
  };
}
