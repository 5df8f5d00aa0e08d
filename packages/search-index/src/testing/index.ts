// A small hand-made catalog with the cases search must get right (duplicate titles, diacritics,
// "feat.", "&", a known album) plus deterministic filler across decades, genres and moods, so
// tests of this package and of apps/search build a real engine in well under a second.
import { fileURLToPath } from 'node:url';
import { CatalogStore, importTidyTuesday } from '@mixtape/catalog';
import type { Album, Artist, AudioFeatures, Catalog, Track } from '@mixtape/catalog';
import { VectorIndex, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import { buildSearchIndex, type BuildSearchIndexOptions } from '../build';
import type { SearchEngine } from '../engine';

function features(overrides: Partial<AudioFeatures> = {}): AudioFeatures {
  return {
    danceability: 0.6,
    energy: 0.6,
    valence: 0.5,
    tempo: 118,
    acousticness: 0.2,
    instrumentalness: 0.01,
    speechiness: 0.05,
    liveness: 0.15,
    loudness: -6,
    key: 5,
    mode: 1,
    ...overrides,
  };
}

const ARTISTS: Artist[] = [
  { id: 'ar-beyonce', name: 'Beyoncé', genres: ['pop', 'r&b'] },
  { id: 'ar-soil', name: 'Soil', genres: ['rock'] },
  { id: 'ar-lisa', name: 'Lisa Tane', genres: ['pop'] },
  { id: 'ar-jayz', name: 'JAY-Z', genres: ['rap'] },
  { id: 'ar-daft', name: 'Daft Punk', genres: ['electronic'] },
  { id: 'ar-queen', name: 'Queen', genres: ['rock'] },
  { id: 'ar-simon', name: 'Simon & Garfunkel', genres: ['folk'] },
  { id: 'ar-zoe', name: 'Zoé', genres: ['rock'] },
  { id: 'ar-portishead', name: 'Portishead', genres: ['trip hop'] },
];

const ALBUMS: Album[] = [
  { id: 'al-sasha', title: 'I Am... Sasha Fierce', artistId: 'ar-beyonce', releaseDate: '2008-11-14' },
  { id: 'al-discovery', title: 'Discovery', artistId: 'ar-daft', releaseDate: '2001-03-12' },
  { id: 'al-dummy', title: 'Dummy', artistId: 'ar-portishead', releaseDate: '1994-08-22' },
];

const NAMED_TRACKS: Track[] = [
  track('t-halo-beyonce', 'Halo', ['ar-beyonce'], 86, '2008-11-14', ['pop'], { albumId: 'al-sasha' }),
  track('t-crazy', 'Crazy In Love (feat. Jay-Z)', ['ar-beyonce', 'ar-jayz'], 80, '2003-05-18', ['pop']),
  track('t-halo-soil', 'Halo', ['ar-soil'], 35, '2001-08-21', ['rock']),
  track('t-halo-lisa', 'Halo', ['ar-lisa'], 12, '2015-02-01', ['pop']),
  track('t-one-more-time', 'One More Time', ['ar-daft'], 75, '2000-11-13', ['electronic'], { albumId: 'al-discovery' }),
  track('t-digital-love', 'Digital Love', ['ar-daft'], 60, '2001-03-12', ['electronic'], { albumId: 'al-discovery' }),
  track('t-dont-stop', "Don't Stop Me Now", ['ar-queen'], 82, '1978-11-10', ['rock']),
  track('t-boxer', 'The Boxer', ['ar-simon'], 65, '1969-03-21', ['folk'], { features: features({ acousticness: 0.85, energy: 0.35 }) }),
  track('t-electrique', 'Électrique', ['ar-zoe'], 40, '2011-05-01', ['rock']),
  track('t-glory-box', 'Glory Box', ['ar-portishead'], 62, '1994-08-22', ['electronic'], {
    albumId: 'al-dummy',
    subgenres: ['trip hop'],
    features: features({ valence: 0.2, energy: 0.35, tempo: 80 }),
  }),
];

function track(
  id: string,
  title: string,
  artistIds: string[],
  popularity: number,
  releaseDate: string,
  genres: string[],
  extra: Partial<Track> = {},
): Track {
  return {
    id,
    title,
    artistIds,
    durationMs: 210_000,
    explicit: false,
    popularity,
    releaseDate,
    genres,
    subgenres: [],
    features: features(),
    ...extra,
  };
}

const FILLER_WORDS = ['river', 'night', 'gold', 'summer', 'window', 'engine', 'paper', 'stone', 'mirror', 'garden', 'signal', 'velvet'];
const FILLER_GENRES = ['pop', 'rock', 'electronic', 'folk'];

/** The fixture as plain objects: 10 named tracks plus `filler` (default 150) deterministic ones. */
export function createSearchFixtureCatalog(options: { filler?: number } = {}): Catalog {
  const filler = options.filler ?? 150;
  const artists = [...ARTISTS];
  const tracks = [...NAMED_TRACKS];
  for (let a = 0; a < 15; a++) artists.push({ id: `ar-filler-${a}`, name: `${capitalize(FILLER_WORDS[a % 12]!)} Collective ${a}`, genres: [] });
  for (let i = 0; i < filler; i++) {
    const year = 1965 + ((i * 7) % 58); // 1965–2022
    const sad = i % 3 === 0;
    const title = `${capitalize(FILLER_WORDS[i % 12]!)} ${capitalize(FILLER_WORDS[(i * 5 + 3) % 12]!)} ${i}`;
    tracks.push(
      track(`t-filler-${i}`, title, [`ar-filler-${i % 15}`], (i * 37) % 70, `${year}-06-01`, [FILLER_GENRES[i % 4]!], {
        features: features({
          valence: sad ? 0.1 + (i % 5) * 0.03 : 0.6 + (i % 5) * 0.07,
          energy: sad ? 0.3 : 0.75,
          acousticness: i % 4 === 3 ? 0.8 : 0.15,
          tempo: 70 + (i % 9) * 12,
        }),
      }),
    );
  }
  return { artists, albums: [...ALBUMS], tracks };
}

export function createSearchFixtureStore(options: { filler?: number } = {}): CatalogStore {
  return CatalogStore.fromCatalog(createSearchFixtureCatalog(options));
}

/** buildSearchIndex over the fixture store (content vectors built in-process: a small Flat FAISS index). */
export function createSearchFixtureEngine(options: { filler?: number; build?: BuildSearchIndexOptions } = {}): SearchEngine {
  return buildSearchIndex(createSearchFixtureStore(options), options.build);
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** The engine over a real catalog with exact (Flat) dense retrieval: no HNSW build time in tests. */
export function createExactSearchEngine(store: CatalogStore): SearchEngine {
  const encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const index = VectorIndex.build({ dim: encoder.dim, factory: 'Flat', ids: store.columns.trackIds, vectors: encodeCatalogContent(encoder, store) });
  return buildSearchIndex(store, { content: { index, encoder } });
}

/** The TidyTuesday catalog (read in place from ../shared/data, never copied) and its exact engine. */
export async function loadTidyTuesdayEngine(): Promise<{ store: CatalogStore; engine: SearchEngine }> {
  const csv = fileURLToPath(new URL('../../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
  const { store } = await importTidyTuesday(csv);
  return { store, engine: createExactSearchEngine(store) };
}
