// Personal affinity: the artists and genres a user plays, with weights in (0, 1]. Kept as ids and
// names (not store indices) so a profile survives a bundle swap; the engine resolves it per query.
import type { CatalogStore, UserHistory } from '@mixtape/catalog';

export interface UserAffinity {
  /** artist ids the user plays, weight in (0, 1] (1 = their most played) */
  artists: readonly { id: string; weight: number }[];
  /** genre or subgenre names the user plays, weight in (0, 1] */
  genres: readonly { name: string; weight: number }[];
}

export interface AffinityFromHistoryOptions {
  /** top artists kept (default 50) */
  artists?: number;
  /** top genres kept (default 20) */
  genres?: number;
}

/** The user's top artists and genres from their listening history, weights scaled so the top one is 1. */
export function affinityFromHistory(history: UserHistory, options: AffinityFromHistoryOptions = {}): UserAffinity {
  const store = history.store;
  const artists = history.topArtists(options.artists ?? 50);
  const genres = history.topGenres(options.genres ?? 20);
  const artistMax = artists.scores[0] ?? 0;
  const genreMax = genres.scores[0] ?? 0;
  return {
    artists: Array.from(artists.indices, (artist, i) => ({ id: store.artistId(artist), weight: artistMax > 0 ? artists.scores[i]! / artistMax : 0 })).filter(
      (entry) => entry.weight > 0,
    ),
    genres: Array.from(genres.indices, (genre, i) => ({ name: store.genreName(genre), weight: genreMax > 0 ? genres.scores[i]! / genreMax : 0 })).filter(
      (entry) => entry.weight > 0,
    ),
  };
}

/** A UserAffinity resolved against one store: index → weight. Unknown ids and names are dropped. */
export interface ResolvedAffinity {
  artists: Map<number, number>;
  genres: Map<number, number>;
}

export function resolveAffinity(store: CatalogStore, affinity: UserAffinity): ResolvedAffinity {
  const artists = new Map<number, number>();
  for (const { id, weight } of affinity.artists) {
    const index = store.artistIndex(id);
    if (index >= 0 && weight > 0) artists.set(index, Math.min(1, weight));
  }
  const genres = new Map<number, number>();
  for (const { name, weight } of affinity.genres) {
    const index = store.genreIndex(name);
    if (index >= 0 && weight > 0) genres.set(index, Math.min(1, weight));
  }
  return { artists, genres };
}
