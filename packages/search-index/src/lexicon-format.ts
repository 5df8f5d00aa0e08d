// The catalog lexicon's artist part, stored with the search index: building it at load means
// per-artist feature profiles over every track and a folded key per artist name (over a second
// at a million tracks). The rest of the lexicon (curated vocabulary, genres) is rebuilt at load
// from the catalog's genre columns, which takes milliseconds and keeps "recent" relative to now.
import type { CatalogStore } from '@mixtape/catalog';
import { buildLexicon, catalogVocabulary, type ArtistRef, type Lexicon } from '@mixtape/language';

type ArtistEntry = Lexicon['artists'] extends ReadonlyMap<string, infer E> ? E : never;
type Profile = NonNullable<ArtistRef['profile']>;
const PROFILE_KEYS = ['energy', 'valence', 'danceability', 'tempo', 'acousticness', 'year'] as const satisfies readonly (keyof Profile)[];

/** The artist maps as flat arrays: keys as text, entries and refs as indices (artist ids as catalog indices). */
export interface LexiconArtistArrays {
  maxArtistTokens: number;
  /** the `artists` map's keys, in order */
  keys: string[];
  /** per key: ref index, standalone (0/1) */
  entries: Uint32Array;
  /** the `artistsCompact` map's keys and the index of the entry each names */
  compactKeys: string[];
  compactEntries: Uint32Array;
  /** ref r's artists are refArtists[refStarts[r], refStarts[r+1]) (catalog artist indices) */
  refStarts: Uint32Array;
  refArtists: Uint32Array;
  /** PROFILE_KEYS.length values per ref; NaN = absent */
  profiles: Float64Array;
}

export function lexiconArtistArrays(lexicon: Lexicon, store: CatalogStore): LexiconArtistArrays {
  const refs: ArtistRef[] = [];
  const refIndex = new Map<ArtistRef, number>();
  const entryIndex = new Map<ArtistEntry, number>();
  const keys: string[] = [];
  const entries = new Uint32Array(2 * lexicon.artists.size);
  for (const [key, entry] of lexicon.artists) {
    let r = refIndex.get(entry.ref);
    if (r === undefined) {
      r = refs.length;
      refs.push(entry.ref);
      refIndex.set(entry.ref, r);
    }
    entries[2 * keys.length] = r;
    entries[2 * keys.length + 1] = entry.standalone ? 1 : 0;
    entryIndex.set(entry, keys.length);
    keys.push(key);
  }
  const compactKeys: string[] = [];
  const compactEntries = new Uint32Array(lexicon.artistsCompact.size);
  for (const [key, entry] of lexicon.artistsCompact) {
    const at = entryIndex.get(entry);
    if (at === undefined) throw new Error(`lexicon: compact artist key "${key}" names an entry the artist map does not hold`);
    compactEntries[compactKeys.length] = at;
    compactKeys.push(key);
  }
  const refStarts = new Uint32Array(refs.length + 1);
  const artists: number[] = [];
  const profiles = new Float64Array(refs.length * PROFILE_KEYS.length).fill(Number.NaN);
  refs.forEach((ref, r) => {
    for (const id of ref.ids) {
      const index = store.artistIndex(id);
      if (index < 0) throw new Error(`lexicon: artist id "${id}" is not in the catalog`);
      artists.push(index);
    }
    refStarts[r + 1] = artists.length;
    PROFILE_KEYS.forEach((name, f) => {
      const value = ref.profile?.[name];
      if (value !== undefined) profiles[r * PROFILE_KEYS.length + f] = value;
    });
  });
  return { maxArtistTokens: lexicon.maxArtistTokens, keys, entries, compactKeys, compactEntries, refStarts, refArtists: Uint32Array.from(artists), profiles };
}

/** The catalog lexicon from stored artist arrays plus the vocabulary and genres rebuilt from the catalog. */
export function lexiconFromArrays(arrays: LexiconArtistArrays, store: CatalogStore): Lexicon {
  const { keys, entries, compactKeys, compactEntries, refStarts, refArtists, profiles } = arrays;
  const refCount = refStarts.length - 1;
  if (entries.length !== 2 * keys.length || compactEntries.length !== compactKeys.length || profiles.length !== refCount * PROFILE_KEYS.length) {
    throw new Error('lexicon: artist arrays disagree in length');
  }
  const columns = store.columns;
  // the vocabulary without artists: genre sets from the track columns, no artist profiles
  const base = buildLexicon(
    catalogVocabulary({ columns: { genreNames: columns.genreNames, trackGenres: columns.trackGenres, trackSubgenres: columns.trackSubgenres, artistIds: [], artistNames: [] } }),
  );
  const refs = new Array<ArtistRef>(refCount);
  for (let r = 0; r < refCount; r++) {
    const ids: string[] = [];
    for (let j = refStarts[r]!; j < refStarts[r + 1]!; j++) {
      const artist = refArtists[j]!;
      if (artist >= store.artistCount) throw new Error(`lexicon: artist index ${artist} of ${store.artistCount}`);
      ids.push(columns.artistIds[artist]!);
    }
    if (ids.length === 0) throw new Error(`lexicon: artist ref ${r} has no artists`);
    const ref: ArtistRef = { name: columns.artistNames[refArtists[refStarts[r]!]!]!, ids };
    let profile: Profile | undefined;
    for (let f = 0; f < PROFILE_KEYS.length; f++) {
      const value = profiles[r * PROFILE_KEYS.length + f]!;
      if (Number.isNaN(value)) continue;
      profile ??= {};
      profile[PROFILE_KEYS[f]!] = value;
    }
    if (profile) ref.profile = profile;
    refs[r] = ref;
  }
  const artists = new Map<string, ArtistEntry>();
  const entryList = new Array<ArtistEntry>(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const ref = refs[entries[2 * i]!];
    if (!ref) throw new Error(`lexicon: artist key "${keys[i]}" names ref ${entries[2 * i]} of ${refCount}`);
    const entry: ArtistEntry = { ref, standalone: entries[2 * i + 1] === 1 };
    entryList[i] = entry;
    artists.set(keys[i]!, entry);
  }
  const artistsCompact = new Map<string, ArtistEntry>();
  for (let i = 0; i < compactKeys.length; i++) {
    const entry = entryList[compactEntries[i]!];
    if (!entry) throw new Error(`lexicon: compact key "${compactKeys[i]}" names entry ${compactEntries[i]} of ${keys.length}`);
    artistsCompact.set(compactKeys[i]!, entry);
  }
  return { ...base, artists, artistsCompact, maxArtistTokens: arrays.maxArtistTokens };
}
