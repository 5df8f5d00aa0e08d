// Which popularity Home reads: the catalog's, or listener counts in the log. An importer that
// counted popularity from the dataset's own events (MPD, Last.fm) gives a number that includes
// every event — in ranker training, the held-out labels of each fold too: a candidate whose
// catalog popularity exceeds what the fold's log shows is likely a label, and the trees learn
// that. Counting from the log the index is built on removes it, in training and serving alike.
import { popularityCountedFromInteractions } from '@mixtape/catalog';
import type { CatalogStore } from '@mixtape/catalog';

export const HOME_POPULARITY_SETTINGS = ['auto', 'catalog', 'log'] as const;
export type HomePopularitySetting = (typeof HOME_POPULARITY_SETTINGS)[number];

export interface HomePopularityChoice {
  popularity: 'catalog' | 'log';
  /** why this one (the build's progress and `mixtape bundle show` print it) */
  reason: string;
}

/**
 * 'auto': the log's listener counts when the dataset says its popularity was counted from its
 * interactions, or when the catalog's popularity is the same for every track (no popularity in
 * the source); the catalog's otherwise (an external figure such as Spotify's). 'catalog' / 'log'
 * as given.
 */
export function chooseHomePopularity(store: CatalogStore, metadata: { source: string; details?: Record<string, unknown> }, setting: string = 'auto'): HomePopularityChoice {
  if (!(HOME_POPULARITY_SETTINGS as readonly string[]).includes(setting)) {
    throw new RangeError(`homeRanker.popularity: expected one of ${HOME_POPULARITY_SETTINGS.join(', ')} (auto: the log's listener counts when the dataset's popularity came from its own events), got "${setting}"`);
  }
  if (setting === 'catalog') return { popularity: 'catalog', reason: 'set by homeRanker.popularity=catalog' };
  if (setting === 'log') return { popularity: 'log', reason: 'set by homeRanker.popularity=log' };
  if (popularityCountedFromInteractions(metadata)) {
    return { popularity: 'log', reason: `the ${metadata.source} importer counted the catalog’s popularity from the same events, held-out ones included` };
  }
  const values = store.columns.trackPopularity;
  let constant = true;
  for (let t = 1; t < store.trackCount && constant; t++) constant = values[t] === values[0];
  if (constant) return { popularity: 'log', reason: `the catalog gives every track the same popularity (${store.trackCount > 0 ? values[0] : 'no tracks'})` };
  return { popularity: 'catalog', reason: `the ${metadata.source} data’s own figure, not counted from its events` };
}

/** "the log's listener counts" / "the catalog's popularity": what a choice reads, for messages. */
export function describeHomePopularity(popularity: 'catalog' | 'log' | undefined): string {
  return popularity === 'log' ? 'the log’s listener counts' : 'the catalog’s popularity';
}
