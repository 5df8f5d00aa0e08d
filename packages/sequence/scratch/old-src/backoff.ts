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

/**
 * Album titles and artist names that group unrelated tracks (compilations, unknown metadata):
 * a track whose album or primary artist has one of these names (folded: case, accents,
 * punctuation) is in no group at that level, so "Various Artists" boosts nothing as "same artist".
 */
export const PLACEHOLDER_GROUP_NAMES: readonly string[] = ['', 'various artists', 'various', 'various artist', 'unknown', 'unknown artist', 'unknown album', 'n a'];

function foldName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Whether an album title or artist name is a placeholder (see PLACEHOLDER_GROUP_NAMES). */
export function isPlaceholderGroupName(name: string | undefined): boolean {
  return PLACEHOLDER_GROUP_NAMES.includes(foldName(name ?? ''));
}

/**
 * The groups of these levels for the catalog's tracks (item i = track i). A track without an album
 * or artist, or whose album/artist is a placeholder (isPlaceholderGroupName), is in none.
 */
export function catalogTransitionGroups(store: CatalogStore, levels: readonly BackoffLevel[]): TransitionGroup[] {
  const { trackAlbum, trackArtistOffsets, albumTitles, artistNames } = store.columns;
  const real = (names: readonly string[]) => names.map((name) => !isPlaceholderGroupName(name));
  return levels.map((level) => {
    if (level === 'album') {
      const albumReal = real(albumTitles);
      return { name: 'album', of: Int32Array.from({ length: store.trackCount }, (_, t) => (trackAlbum[t]! >= 0 && albumReal[trackAlbum[t]!] ? trackAlbum[t]! : -1)) };
    }
    const artistReal = real(artistNames);
    return {
      name: 'artist',
      of: Int32Array.from({ length: store.trackCount }, (_, t) => (trackArtistOffsets[t + 1]! > trackArtistOffsets[t]! && artistReal[store.trackPrimaryArtist[t]!] ? store.trackPrimaryArtist[t]! : -1)),
    };
  });
}
