// The served transition prior's back-off levels from a catalog: each track's album and primary
// artist (see transitions.ts). One parser for the option's text, shared by eval and the bundle.
import type { CatalogStore } from '@mixtape/catalog';
import type { TransitionGroup } from './transitions';

export type BackoffLevel = 'album' | 'artist';
export const BACKOFF_LEVELS: readonly BackoffLevel[] = ['album', 'artist'];
/**
 * The levels eval's `sasrec` and the bundle's sequenceModel part use by default: on synthetic
 * next-items (leave-one-out, full catalog, 2,340 test rows) the served score went from level with
 * the transition baseline (paired −0.0012 [−0.0056, 0.0030] NDCG@10) to above it (+0.0215
 * [0.0155, 0.0275]); chosen on validation first (0.2396 vs 0.2267 without; ADR 0012).
 */
export const DEFAULT_BACKOFF_LEVELS: readonly BackoffLevel[] = ['album', 'artist'];

/** "album+artist" | "artist" | "none" … → the levels in order; `where` names the option in errors. */
export function parseBackoffLevels(text: string, where: string): BackoffLevel[] {
  if (text === 'none') return [];
  const levels = text.split('+');
  for (const level of levels) {
    if (!(BACKOFF_LEVELS as readonly string[]).includes(level)) {
      throw new RangeError(`${where}: expected "none" or levels joined by "+" from ${BACKOFF_LEVELS.join(', ')} (e.g. "album+artist"), got "${text}"`);
    }
  }
  if (new Set(levels).size !== levels.length) throw new RangeError(`${where}: a level is named twice in "${text}"`);
  return levels as BackoffLevel[];
}

/** The groups of these levels for the catalog's tracks (item i = track i; a track without an album is in none). */
export function catalogTransitionGroups(store: CatalogStore, levels: readonly BackoffLevel[]): TransitionGroup[] {
  return levels.map((level) =>
    level === 'album'
      ? { name: 'album', of: Int32Array.from(store.columns.trackAlbum) }
      : { name: 'artist', of: Int32Array.from({ length: store.trackCount }, (_, t) => (store.columns.trackArtistOffsets[t + 1]! > store.columns.trackArtistOffsets[t]! ? store.trackPrimaryArtist[t]! : -1)) },
  );
}
