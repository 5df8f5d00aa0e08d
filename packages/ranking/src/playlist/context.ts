// What fulfilment needs from a loaded bundle, and the per-bundle lookups it builds once
// (name maps, label → track maps, genre vocabularies) so a request only does per-request work.
import type { CatalogStore } from '@mixtape/catalog';
import type { ContentEncoder } from '@mixtape/embeddings';
import { chooseFactory, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, trackIndexByLabel, VectorIndex } from '@mixtape/embeddings';
import { songKey, spacedKey } from '@mixtape/language';

/**
 * The catalog and indexes a plan runs against. `@mixtape/bundle`'s opened parts map onto it
 * with `playlistContextFromBundle`; tests build one from a CatalogStore directly.
 */
export interface PlaylistContext {
  /** bundle version (or any label); goes into responses */
  version: string;
  store: CatalogStore;
  contentEncoder: ContentEncoder;
  /** content vectors of the tracks, ids = track ids */
  contentIndex: VectorIndex;
  /** row-major trackCount × contentEncoder.dim; computed from the store when absent */
  contentVectors?: Float32Array;
  /** item2vec (collaborative) index, ids = track ids */
  itemIndex?: VectorIndex;
  /** row-major trackCount × itemDim, row = track index */
  itemVectors?: Float32Array;
  /** a listener's taste vector in the item-vector space; undefined for unknown listeners */
  userVector?: (userId: string) => Float32Array | undefined;
  /**
   * Text → content-space vectors learned from playlist names (the bundle's `semanticModel`
   * part, `@mixtape/search-index`'s SemanticModel): fulfilment reads the prompt words the
   * planner's lexicon did not know through it (FulfilOptions.unreadWords).
   */
  textModel?: PlaylistTextModel;
}

/** What fulfilment needs of a text model: a unit vector in the content space for the words it knows. */
export interface PlaylistTextModel {
  readonly dim: number;
  encode(text: string): { vector: Float32Array; known: string[]; coverage: number } | undefined;
}

export interface BuildPlaylistContextOptions {
  version: string;
  /** FAISS factory; default chooseFactory for the size (Flat below 20k tracks, HNSW32 above) */
  factory?: string;
}

/**
 * A context straight from a catalog when there is no bundle (evaluation, benchmarks, demos):
 * content encoder fitted on the catalog, content vectors, and a FAISS index over them.
 */
export function buildPlaylistContext(store: CatalogStore, options: BuildPlaylistContextOptions): PlaylistContext {
  const contentEncoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const contentVectors = encodeCatalogContent(contentEncoder, store);
  const ids = Array.from({ length: store.trackCount }, (_unused, index) => store.trackId(index));
  const factory = options.factory ?? chooseFactory(store.trackCount, contentEncoder.dim);
  const contentIndex = VectorIndex.build({
    dim: contentEncoder.dim,
    factory,
    ids,
    vectors: contentVectors,
    ...(factory.startsWith('HNSW') ? { params: { efSearch: 128 } } : {}),
  });
  return { version: options.version, store, contentEncoder, contentIndex, contentVectors };
}

/** Precomputed lookups over a PlaylistContext; build once per bundle with `createPlaylistEngine`. */
export interface PlaylistEngine {
  readonly context: PlaylistContext;
  readonly store: CatalogStore;
  readonly contentVectors: Float32Array;
  readonly contentDim: number;
  readonly itemDim: number;
  /** content-index label → track index (-1 when the id is not in the catalog) */
  readonly contentLabelToTrack: Int32Array;
  /** track index → content-index label (-1 when absent) */
  readonly trackToContentLabel: Int32Array;
  readonly itemLabelToTrack: Int32Array | undefined;
  /** folded artist name → artist indices (names are not unique) */
  readonly artistsByName: ReadonlyMap<string, readonly number[]>;
  /** folded genre/subgenre name → genre index */
  readonly genreByName: ReadonlyMap<string, number>;
  /** genre indices used as top-level genres / as subgenres */
  readonly topGenres: ReadonlySet<number>;
  readonly subgenres: ReadonlySet<number>;
  /** popularity percentile per track: 1 = most popular */
  readonly popularityPercentile: Float32Array;
  /** folded "title\u0000primary artist" per track, for duplicate detection */
  readonly dedupeKey: (trackIndex: number) => string;
  /** tracks by spaced title key (built on first use: seed tracks are rare) */
  readonly tracksWithTitle: (title: string) => readonly number[];
  /** genreCount × contentDim unit vectors: the mean content vector of each genre's tracks (built on first use) */
  readonly genreCentroids: () => Float32Array;
  /** tracks carrying a genre, as genre or subgenre */
  readonly genreTrackCount: (genre: number) => number;
}

/** Builds the per-bundle lookups. Linear in catalog size; ~100 ms for 50k tracks. */
export function createPlaylistEngine(context: PlaylistContext): PlaylistEngine {
  const { store } = context;
  const trackCount = store.trackCount;
  const contentDim = context.contentEncoder.dim;
  if (context.contentIndex.dim !== contentDim) {
    throw new RangeError(`playlist context: contentIndex has dim ${context.contentIndex.dim}, the content encoder ${contentDim}`);
  }
  const contentVectors = context.contentVectors ?? encodeCatalogContent(context.contentEncoder, store);
  if (contentVectors.length !== trackCount * contentDim) {
    throw new RangeError(`playlist context: contentVectors has ${contentVectors.length} values, expected ${trackCount} × ${contentDim}`);
  }
  if (context.textModel && context.textModel.dim !== contentDim) {
    throw new RangeError(`playlist context: textModel has dim ${context.textModel.dim}, the content encoder ${contentDim}`);
  }
  const contentLabelToTrack = trackIndexByLabel(context.contentIndex, store);
  const trackToContentLabel = new Int32Array(trackCount).fill(-1);
  for (let label = 0; label < contentLabelToTrack.length; label++) {
    const track = contentLabelToTrack[label]!;
    if (track >= 0) trackToContentLabel[track] = label;
  }
  let itemDim = 0;
  if (context.itemVectors) {
    if (context.itemVectors.length % Math.max(1, trackCount) !== 0) {
      throw new RangeError(`playlist context: itemVectors has ${context.itemVectors.length} values, not a multiple of ${trackCount} tracks`);
    }
    itemDim = context.itemVectors.length / trackCount;
  }
  const itemLabelToTrack = context.itemIndex ? trackIndexByLabel(context.itemIndex, store) : undefined;

  const artistsByName = new Map<string, number[]>();
  for (let artist = 0; artist < store.artistCount; artist++) {
    const key = spacedKey(store.artistName(artist));
    const list = artistsByName.get(key);
    if (list) list.push(artist);
    else artistsByName.set(key, [artist]);
  }
  const genreByName = new Map<string, number>();
  for (let genre = 0; genre < store.genreCount; genre++) genreByName.set(spacedKey(store.genreName(genre)), genre);
  const { columns } = store;
  const topGenres = new Set<number>(columns.trackGenres);
  const subgenres = new Set<number>(columns.trackSubgenres);

  const popularityPercentile = new Float32Array(trackCount);
  for (let track = 0; track < trackCount; track++) popularityPercentile[track] = 1 - store.popularityRank(track) / Math.max(1, trackCount - 1);

  const dedupeKeys: (string | undefined)[] = new Array<string | undefined>(trackCount);
  const dedupeKey = (track: number): string => {
    let key = dedupeKeys[track];
    if (key === undefined) {
      key = `${songKey(store.trackTitle(track))}\u0000${store.trackPrimaryArtist[track]!}`;
      dedupeKeys[track] = key;
    }
    return key;
  };

  let titleIndex: Map<string, number[]> | undefined;
  const tracksWithTitle = (title: string): readonly number[] => {
    if (!titleIndex) {
      titleIndex = new Map();
      for (let track = 0; track < trackCount; track++) {
        const key = spacedKey(store.trackTitle(track));
        const list = titleIndex.get(key);
        if (list) list.push(track);
        else titleIndex.set(key, [track]);
      }
    }
    return titleIndex.get(spacedKey(title)) ?? [];
  };

  let centroids: Float32Array | undefined;
  const genreCentroids = (): Float32Array => {
    if (centroids) return centroids;
    const sums = new Float32Array(store.genreCount * contentDim);
    for (let track = 0; track < trackCount; track++) {
      const { genres, subgenres } = store.genresOfTrack(track);
      for (const list of [genres, subgenres]) {
        for (let j = 0; j < list.length; j++) {
          const base = list[j]! * contentDim;
          for (let d = 0; d < contentDim; d++) sums[base + d]! += contentVectors[track * contentDim + d]!;
        }
      }
    }
    for (let genre = 0; genre < store.genreCount; genre++) {
      let norm = 0;
      for (let d = 0; d < contentDim; d++) norm += sums[genre * contentDim + d]! ** 2;
      const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
      for (let d = 0; d < contentDim; d++) sums[genre * contentDim + d]! *= scale;
    }
    centroids = sums;
    return sums;
  };
  const genreTrackCount = (genre: number): number => store.tracksByGenre(genre).length;

  return {
    context,
    store,
    contentVectors,
    contentDim,
    itemDim,
    contentLabelToTrack,
    trackToContentLabel,
    itemLabelToTrack,
    artistsByName,
    genreByName,
    topGenres,
    subgenres,
    popularityPercentile,
    dedupeKey,
    tracksWithTitle,
    genreCentroids,
    genreTrackCount,
  };
}

