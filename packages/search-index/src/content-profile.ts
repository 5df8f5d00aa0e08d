// How much the catalog's content vectors can say, measured from the catalog itself: a dense list
// ranked by cosine over fields the catalog does not have (an MPD slice: no audio features, genres
// or release years) is arbitrary, and fused into the lexical list it only dilutes it (the
// "playlist name → its tracks" task on such a catalog: −41 % Recall@50 against lexical only).
// A block of the content vector (audio features + key, genres, subgenres, decade) can rank only if
// tracks differ in it — some carry it and some do not, or they carry different values; a query
// vector is as informative as the share of its mass on such blocks (a genre block only when some
// track carries a genre the query asks for). Coverage is not a weight: a rare field ("trip hop" on
// a few tracks) ranks exactly the tracks that have it.
import type { CatalogStore } from '@mixtape/catalog';
import type { ContentBlock, ContentEncoder } from '@mixtape/embeddings';
import { spacedKey } from '@mixtape/language';

export interface ContentProfile {
  /** share of tracks with audio features (0 when no two tracks differ in them) */
  audio: number;
  /** share of tracks with at least one genre (0 when no two tracks differ in their genres) */
  genre: number;
  subgenre: number;
  /** share of tracks with a release year (0 when no two tracks differ in decade) */
  decade: number;
  /** share of tracks with a release year (a year range can filter only when some have one) */
  years: number;
  /** @internal genre key (as the content encoder hashes it) → bit 1: a track carries it as a genre, bit 2: as a subgenre */
  readonly genresOnTracks: ReadonlyMap<string, number>;
}

export function measureContentProfile(store: CatalogStore): ContentProfile {
  const trackCount = store.trackCount;
  const columns = store.columns;
  const onTracks = new Uint8Array(store.genreCount);
  let withFeatures = 0;
  let featuresDiffer = false;
  let firstWithFeatures = -1;
  const featureCount = trackCount > 0 ? columns.trackFeatures.length / trackCount : 0;
  let withGenre = 0;
  let withSubgenre = 0;
  let withYear = 0;
  let firstDecade = -1;
  let decadesDiffer = false;
  for (let t = 0; t < trackCount; t++) {
    if (columns.trackHasFeatures[t] === 1) {
      withFeatures++;
      if (firstWithFeatures < 0) firstWithFeatures = t;
      else if (!featuresDiffer) {
        for (let f = 0; f < featureCount; f++) {
          if (columns.trackFeatures[t * featureCount + f] !== columns.trackFeatures[firstWithFeatures * featureCount + f]) featuresDiffer = true;
        }
      }
    }
    // straight from the columns: no per-track views (a million tracks at load)
    const genreStart = columns.trackGenreOffsets[t]!;
    const genreEnd = columns.trackGenreOffsets[t + 1]!;
    const subgenreStart = columns.trackSubgenreOffsets[t]!;
    const subgenreEnd = columns.trackSubgenreOffsets[t + 1]!;
    if (genreEnd > genreStart) withGenre++;
    if (subgenreEnd > subgenreStart) withSubgenre++;
    for (let j = genreStart; j < genreEnd; j++) onTracks[columns.trackGenres[j]!]! |= 1;
    for (let j = subgenreStart; j < subgenreEnd; j++) onTracks[columns.trackSubgenres[j]!]! |= 2;
    const year = store.trackReleaseYear[t]!;
    if (year > 0) {
      withYear++;
      const decade = Math.floor(year / 10);
      if (firstDecade < 0) firstDecade = decade;
      else if (decade !== firstDecade) decadesDiffer = true;
    }
  }
  let genreKinds = 0;
  let subgenreKinds = 0;
  const genresOnTracks = new Map<string, number>();
  for (let g = 0; g < onTracks.length; g++) {
    const bits = onTracks[g]!;
    if (bits === 0) continue;
    if (bits & 1) genreKinds++;
    if (bits & 2) subgenreKinds++;
    const key = spacedKey(store.genreName(g));
    genresOnTracks.set(key, (genresOnTracks.get(key) ?? 0) | bits);
  }
  const share = (count: number): number => (trackCount === 0 ? 0 : count / trackCount);
  // a block differs between tracks when some have it and some not, or when its values differ
  const partly = (count: number): boolean => count > 0 && count < trackCount;
  return {
    audio: featuresDiffer || partly(withFeatures) ? share(withFeatures) : 0,
    genre: genreKinds >= 2 || partly(withGenre) ? share(withGenre) : 0,
    subgenre: subgenreKinds >= 2 || partly(withSubgenre) ? share(withSubgenre) : 0,
    decade: decadesDiffer || partly(withYear) ? share(withYear) : 0,
    years: share(withYear),
    genresOnTracks,
  };
}

/**
 * 0..1: the share of a content-space vector's squared mass on blocks in which tracks differ.
 * `askedGenres` (when the vector comes from named genres) counts
 * the genre blocks only if a track carries one of them — a genre the catalog never uses hashes
 * into buckets other genres share.
 */
export function contentInformativeness(
  profile: ContentProfile,
  encoder: ContentEncoder,
  vector: Float32Array,
  askedGenres?: { genres: readonly string[]; subgenres: readonly string[] },
): number {
  const { audio, key, genre, subgenre, decade } = encoder.layout;
  const mass = (block: ContentBlock): number => {
    let sum = 0;
    for (let k = block.offset; k < block.offset + block.length; k++) sum += vector[k]! ** 2;
    return sum;
  };
  const known = (list: readonly string[] | undefined, bit: number): boolean => list === undefined || list.some((name) => ((profile.genresOnTracks.get(spacedKey(name)) ?? 0) & bit) !== 0);
  const parts: [number, number][] = [
    [mass(audio) + mass(key), profile.audio],
    [mass(genre), known(askedGenres?.genres, 1) ? profile.genre : 0],
    [mass(subgenre), known(askedGenres?.subgenres, 2) ? profile.subgenre : 0],
    [mass(decade), profile.decade],
  ];
  let total = 0;
  let informative = 0;
  for (const [weight, coverage] of parts) {
    total += weight;
    if (coverage > 0) informative += weight;
  }
  return total === 0 ? 0 : informative / total;
}
