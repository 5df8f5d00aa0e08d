// The vectors a Mixtape bundle serves, trained from a catalog and its interaction log: item
// vectors (sessions → item2vec → tracks without plays placed by content → unit rows) and user
// vectors, with the event weights both use. `mixtape build` runs these through its bundle parts.
import { normalizeRows, type ProgressCallback } from '@mixtape/base';
import { INTERACTION_TYPE_CODE, type CatalogStore, type InteractionLog } from '@mixtape/catalog';
import { fillColdStartVectors } from './cold-start';
import { trainItem2Vec, type SequenceCorpus } from './item2vec';
import { buildSessionCorpus } from './sessions';
import { computeUserVectors, type UserVectors } from './user-vectors';
import { chooseFactory, VectorIndex, type SearchParams } from '../vector-index';

/** How much an event says about taste: completes and saves more than plays; skips nothing. */
export const EVENT_WEIGHTS: Readonly<Record<keyof typeof INTERACTION_TYPE_CODE, number>> = {
  play: 1,
  complete: 1.5,
  save: 2,
  playlist_add: 1.5,
  skip: 0,
};

/** EVENT_WEIGHTS per row of an interaction log. */
export function eventWeights(log: InteractionLog): Float32Array {
  const byCode = new Float32Array(8);
  for (const [type, code] of Object.entries(INTERACTION_TYPE_CODE)) byCode[code] = EVENT_WEIGHTS[type as keyof typeof EVENT_WEIGHTS];
  const weights = new Float32Array(log.length);
  const types = log.columns.type;
  for (let i = 0; i < weights.length; i++) weights[i] = byCode[types[i]!]!;
  return weights;
}

/** Row-per-track vectors (row = track index). */
export interface TrackVectors {
  vectors: Float32Array;
  dim: number;
}

export interface ItemVectors extends TrackVectors {
  /** 1 where the vector was learned from plays, 0 where it was placed by content */
  hasVector?: Uint8Array;
}

/** Runs one named step (the bundle build times them); the default just runs it. */
export type StepRunner = <T>(name: string, work: () => T | Promise<T>, detail?: (value: T) => string) => Promise<T>;
const runStep: StepRunner = async (_name, work) => work();

export interface ItemVectorOptions {
  dim: number;
  epochs: number;
  window: number;
  negatives: number;
  threads: number;
  seed: number;
  onProgress?: ProgressCallback;
  step?: StepRunner;
  /** the listening sessions, already cut (the build's aggregates: `@mixtape/pipelines`); default: cut here from the log */
  corpus?: SequenceCorpus;
}

/** Item vectors for every track: item2vec over listening sessions, cold tracks placed by content, unit rows. */
export async function trainItemVectors(store: CatalogStore, log: InteractionLog, content: TrackVectors, options: ItemVectorOptions): Promise<ItemVectors> {
  const step = options.step ?? runStep;
  const corpus = await step(
    'sessions',
    () => {
      if (options.corpus) return options.corpus;
      const weights = eventWeights(log);
      const include = new Uint8Array(weights.length);
      for (let i = 0; i < include.length; i++) include[i] = weights[i]! > 0 ? 1 : 0;
      return buildSessionCorpus(log.columns.track, log.columns.timestamp, log.userOffsets, { include });
    },
    (c) => `${(c.offsets.length - 1).toLocaleString('en')} sessions, ${c.items.length.toLocaleString('en')} plays${options.corpus ? ' (from the aggregates)' : ''}`,
  );
  if (corpus.items.length === 0) throw new Error(`item vectors: ${noListensReason(log)}`);
  const item2vec = await step(
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
        onProgress: options.onProgress,
      }),
    (m) => `${m.hasVector.reduce((a, b) => a + b, 0).toLocaleString('en')} of ${m.numItems.toLocaleString('en')} tracks learned`,
  );
  const filled = await step(
    'cold start',
    () => {
      // A catalog with no audio features, genres or release years (an MPD slice) has no content to
      // project from: the unplayed tracks keep no vector, and the build goes on.
      if (!anyLearnedWithContent(item2vec.hasVector, content)) {
        const vectors = Float32Array.from(item2vec.vectors);
        normalizeRows(vectors, options.dim);
        return { vectors, filled: new Uint8Array(store.trackCount), skipped: 'no played track has content (audio features, genres or a release year) to learn the projection from' };
      }
      const result = fillColdStartVectors(item2vec.vectors, options.dim, content.vectors, content.dim);
      // Unit rows: inner product = cosine for the index, user vectors and ranking features.
      normalizeRows(result.vectors, options.dim);
      return { ...result, skipped: undefined };
    },
    (r) => (r.skipped ? `skipped: ${r.skipped}` : `${r.filled.reduce((a, b) => a + b, 0).toLocaleString('en')} tracks placed by content`),
  );
  return { vectors: filled.vectors, dim: options.dim, hasVector: item2vec.hasVector };
}

/** Why a log gives item2vec nothing: what it holds, what was expected, what to do. */
function noListensReason(log: InteractionLog): string {
  const counts = new Map<string, number>();
  const codes = Object.entries(INTERACTION_TYPE_CODE);
  for (let i = 0; i < log.length; i++) {
    const name = codes.find(([, code]) => code === log.columns.type[i])?.[0] ?? 'unknown';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const held = log.length === 0 ? 'the interaction log is empty' : `the interaction log has ${log.length.toLocaleString('en')} events (${[...counts].map(([name, n]) => `${name} ${n.toLocaleString('en')}`).join(', ')}) and none is a listen`;
  return `${held}; expected play, complete, save or playlist_add events (skips say nothing about taste) — import a log with listens (mixtape data import --format events …)`;
}

/** Whether some track has both a learned vector and a non-zero content vector (what the cold-start projection fits on). */
function anyLearnedWithContent(hasVector: Uint8Array, content: TrackVectors): boolean {
  for (let t = 0; t < hasVector.length; t++) {
    if (hasVector[t] !== 1) continue;
    for (let d = t * content.dim; d < (t + 1) * content.dim; d++) if (content.vectors[d] !== 0) return true;
  }
  return false;
}

/** User vectors and taste clusters from the log's weighted events over the item vectors. */
export function trainUserVectors(log: InteractionLog, items: TrackVectors, options: { seed: number; onProgress?: ProgressCallback }): UserVectors {
  return computeUserVectors(
    { items: log.columns.track, offsets: log.userOffsets, timestamps: log.columns.timestamp, weights: eventWeights(log) },
    items.vectors,
    items.dim,
    options,
  );
}

export interface TrackIndexOptions {
  /** a FAISS factory string, or "auto" (Flat < 20k ≤ HNSW32 < 5M ≤ IVF-PQ) */
  factory: string;
  /** stored with HNSW indexes */
  efSearch: number;
  /** stored with IVF indexes */
  nprobe: number;
  /** an HNSW graph built on one thread, the same on every run (VectorIndex.build's `deterministic`) */
  deterministic?: boolean;
}

/** A FAISS inner-product index over row-per-track vectors, ids = the catalog's track ids. */
export function buildTrackIndex(store: CatalogStore, vectors: TrackVectors, options: TrackIndexOptions): VectorIndex {
  const trackIds = Array.from({ length: store.trackCount }, (_, i) => store.trackId(i));
  // every row zero (content vectors of a catalog without features, genres or years): nothing to
  // search by, and an HNSW graph over identical points builds pathologically slowly (221 s for 28k)
  const factory = options.factory === 'auto' ? (vectors.vectors.some((value) => value !== 0) ? chooseFactory(trackIds.length, vectors.dim) : 'Flat') : options.factory;
  const params: SearchParams = factory.startsWith('HNSW') ? { efSearch: options.efSearch } : factory.startsWith('IVF') ? { nprobe: options.nprobe } : {};
  return VectorIndex.build({ dim: vectors.dim, factory, metric: 'ip', ids: trackIds, vectors: vectors.vectors, params, deterministic: options.deterministic });
}
