// The served transition prior's back-off levels from a catalog: each track's album and primary
// artist (see transitions.ts); and the transformer's side inputs, which add two item attributes
// (a track's position on its album, its popularity rank among its artist's tracks). One parser
// per option's text, shared by eval and the bundle.
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
  return parseLevelList(text, where, BACKOFF_LEVELS, 'album+artist');
}

/** Shared by the back-off and side-input options: "none" or distinct levels from `allowed` joined by "+". */
function parseLevelList<Level extends string>(text: string, where: string, allowed: readonly Level[], example: string): Level[] {
  if (text === 'none') return [];
  const levels = text.split('+');
  for (const level of levels) {
    if (!(allowed as readonly string[]).includes(level)) {
      throw new RangeError(`${where}: expected "none" or levels joined by "+" from ${allowed.join(', ')} (e.g. "${example}"), got "${text}"`);
    }
  }
  if (new Set(levels).size !== levels.length) throw new RangeError(`${where}: a level is named twice in "${text}"`);
  return levels as Level[];
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

/**
 * Side inputs of the transformer (trainSequenceModel's `sideInputs`): the back-off levels (a
 * learned embedding per album / artist) and two positional attributes, each a small group id per
 * track — `albumPosition`: its index in the album's track list in **catalog order**
 * (store.tracksByAlbum; albums of ≥ 2 tracks, a single has none) — the running order only where
 * the catalog lists albums in running order (the synthetic generator does; an import lists an
 * album's tracks in first-seen order, so there it is not a track number); `artistRank`: its rank
 * among its primary artist's tracks by the **training plays** the caller passes (competition
 * ranking: 1 + … the number of the artist's tracks played more, so ties share a rank and the
 * catalog's order never decides), never the catalog's popularity — an import counts that over the
 * whole log, test period included. Both are capped at SIDE_INPUT_POSITIONS − 1, so the tables stay small.
 */
export type SideInputLevel = BackoffLevel | 'albumPosition' | 'artistRank';
export const SIDE_INPUT_LEVELS: readonly SideInputLevel[] = ['album', 'artist', 'albumPosition', 'artistRank'];
/** positional side inputs share one group from this index on (the 16th track of an album and later) */
export const SIDE_INPUT_POSITIONS = 16;

/** "album+artist+albumPosition" | "none" … → the levels in order; `where` names the option in errors. */
export function parseSideInputLevels(text: string, where: string): SideInputLevel[] {
  return parseLevelList(text, where, SIDE_INPUT_LEVELS, 'album+artist+albumPosition');
}

/**
 * The side-input groups of these levels for the catalog's tracks (item i = track i): album and
 * artist as catalogTransitionGroups (placeholders in none); albumPosition / artistRank as above —
 * a track of a placeholder album / artist has no position there either. `plays` (one per track,
 * e.g. trainingPlayCounts of the training histories) is required for artistRank.
 */
export function catalogSideInputs(store: CatalogStore, levels: readonly SideInputLevel[], plays?: ArrayLike<number>): TransitionGroup[] {
  const cap = SIDE_INPUT_POSITIONS - 1;
  return levels.map((level) => {
    if (level === 'album' || level === 'artist') return catalogTransitionGroups(store, [level])[0]!;
    const of = new Int32Array(store.trackCount).fill(-1);
    if (level === 'albumPosition') {
      const albumReal = store.columns.albumTitles.map((title) => !isPlaceholderGroupName(title));
      for (let album = 0; album < store.albumCount; album++) {
        const tracks = store.tracksByAlbum(album);
        if (tracks.length < 2 || !albumReal[album]) continue;
        tracks.forEach((track, index) => (of[track] = Math.min(index, cap)));
      }
    } else {
      if (!plays || plays.length !== store.trackCount) {
        throw new RangeError(
          `side input artistRank: expected the training plays of each of the catalog's ${store.trackCount} tracks (ranks are counted over the training interactions only: a catalog's popularity may count test-period plays), got ${plays ? `${plays.length} counts` : 'none'}`,
        );
      }
      const { artistNames, trackArtistOffsets } = store.columns;
      const byArtist = new Map<number, number[]>();
      for (let track = 0; track < store.trackCount; track++) {
        if (trackArtistOffsets[track + 1]! <= trackArtistOffsets[track]!) continue;
        const artist = store.trackPrimaryArtist[track]!;
        if (isPlaceholderGroupName(artistNames[artist])) continue;
        const tracks = byArtist.get(artist);
        if (tracks) tracks.push(track);
        else byArtist.set(artist, [track]);
      }
      for (const tracks of byArtist.values()) {
        // rank = how many of the artist's tracks were played more: ties share a rank (no order of the catalog leaks in)
        tracks.sort((a, b) => plays[b]! - plays[a]!);
        let rank = 0;
        tracks.forEach((track, index) => {
          if (index > 0 && plays[track]! < plays[tracks[index - 1]!]!) rank = index;
          of[track] = Math.min(rank, cap);
        });
      }
    }
    return { name: level, of };
  });
}
