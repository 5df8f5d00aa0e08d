// Shared vocabulary of the Home stack: candidate sources, shelf types, dayparts.
import type { CatalogStore, InteractionLog } from '@mixtape/catalog';
import type { VectorIndex } from '@mixtape/embeddings';
import type { ItemFactors, NeighbourLists } from './item-models';
import type { ListenerState } from './listeners';

/**
 * Every candidate source; a candidate keeps one score (and one provenance) per source. The first
 * four merge offline item → item neighbour lists (NEIGHBOUR_SOURCES, same order); `factors` is
 * ANN retrieval over learned user/item factors. `successor` ("what follows this track") merges the
 * successor lists over the most recent plays.
 */
export const HOME_SOURCES = [
  'ease',
  'rp3beta',
  'coListening',
  'itemVectors',
  'factors',
  'topArtist',
  'similarArtist',
  'newRelease',
  'deepCatalog',
  'popularInGenre',
  'jumpBackIn',
  'daypart',
  'tasteCluster',
  'popular',
  // appended later, so its feature columns sit at the end of HOME_FEATURES (older rankers still load)
  'successor',
  // appended (session 7): the next-track model's answer for the listener's recent plays
  'sequence',
] as const;
export type HomeSource = (typeof HOME_SOURCES)[number];
export const SOURCE_INDEX: Readonly<Record<HomeSource, number>> = Object.freeze(
  Object.fromEntries(HOME_SOURCES.map((name, index) => [name, index])) as Record<HomeSource, number>,
);
export const SOURCE_COUNT = HOME_SOURCES.length;

export const SHELF_TYPES = [
  'made-for-you',
  'because-you-played',
  'because-you-like',
  'new-releases',
  'discover',
  'jump-back-in',
  'popular-in-genre',
  'daypart',
  'popular',
] as const;
export type ShelfType = (typeof SHELF_TYPES)[number];

export const DAYPARTS = ['morning', 'afternoon', 'evening', 'night'] as const;
export type Daypart = (typeof DAYPARTS)[number];

/** Morning 05–11, afternoon 12–16, evening 17–21, night 22–04 (UTC hours). */
export function daypartOfHour(hour: number): Daypart {
  if (hour >= 5 && hour < 12) return 'morning';
  if (hour >= 12 && hour < 17) return 'afternoon';
  if (hour >= 17 && hour < 22) return 'evening';
  return 'night';
}
export function daypartIndex(daypart: Daypart): number {
  return DAYPARTS.indexOf(daypart);
}

/** What the Home stack reads from a serving bundle (a `ServingBundle` fits). */
export interface HomeData {
  store: CatalogStore;
  /** the logged history; without it every user is a cold-start user */
  interactions?: InteractionLog;
  /** trackCount × itemDim, unit rows */
  itemVectors: Float32Array;
  itemDim: number;
  /** FAISS index over item vectors, ids = track ids */
  itemIndex: VectorIndex;
  /** offline item → item neighbour lists (bundle part); without them those sources are silent */
  neighbours?: NeighbourLists;
  /** learned user/item factors (bundle part); rows of `users` follow `interactions`' users */
  factors?: ItemFactors;
  /** FAISS index over `factors.items` (ids = track ids); built from them when absent */
  factorIndex?: VectorIndex;
  /** per-listener taste clusters and ANN answers computed at build (bundle part); rows follow `interactions`' users */
  listeners?: ListenerState;
  /**
   * 'catalog' (default): the catalog's popularity. 'log': listener counts in `interactions` —
   * for evaluation on catalogs whose popularity an importer derived from the whole dataset
   * (Last.fm, MPD), which would leak held-out interactions. It sets the popularity feature, the
   * chart and the order of each artist's and genre's tracks (`artistTracks`, `genreTracks`).
   */
  popularity?: 'catalog' | 'log';
}

/** One event of a user, as the profile builder reads it (log rows and live events alike). */
export interface UserEvent {
  track: number;
  timestamp: number;
  /** INTERACTION_TYPE_CODE: play 0, skip 1, complete 2, save 3, playlist_add 4 */
  type: number;
  msPlayed: number;
  /** events this one stands for (aggregated logs such as Last.fm play counts; default 1) */
  count?: number;
}
