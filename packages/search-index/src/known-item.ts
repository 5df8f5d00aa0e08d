// Known-item order: when someone types a title they know, the entity named exactly so comes
// first ("halo" → the tracks titled Halo, before "Halo Theme" or "Halo (Live)"), then near-exact
// names (every word of the name matched, through typos too, and every query word matched); among
// equal tiers personal affinity, then popularity, then the fused score. A title the user's own
// history points at (an artist they play) joins the first tier when it matched every query word
// (after that artist's exact title). Versions of a title ("- Remastered 2011", "(Live)",
// "(… Remix)") follow the exact titles, grouped right after their original; a query that names a
// version ("echo live") keeps the order the scores gave.
import { searchText } from './normalize';
import type { EntitySpace } from './entities';

/** A fused candidate (engine's Candidate shape). */
export interface RankedCandidate {
  code: number;
  score: number;
  matched: string[];
  /** its lexical hit, when the lexical list had it: which document terms matched, which query words they answer */
  lexical?: { match: Record<string, unknown>; queryTerms: string[] } | undefined;
}

export interface KnownItemContext {
  /** the query as indexed text */
  normalized: string;
  words: readonly string[];
  /** the user's affinity for an entity, 0..1 */
  affinity?: (code: number) => number;
}

/**
 * Tiers: the exact name; the name once typos are corrected ("clekan" → Clean: every word of the
 * name matched, as many words as the query); a version of the exact name ("Echo (Live)" for
 * "echo"); every name word matched.
 */
const TIER_EXACT = 4;
const TIER_CORRECTED = 3;
const TIER_VERSION = 2;
const TIER_NEAR = 1;
/** Affinity at which the user's history outranks the exact-title rule. */
const HISTORY_OVERRIDE = 0.5;
const VERSION_WORDS = /\b(remix|mix|remaster|remastered|live|version|edit|acoustic|demo|mono|stereo|radio|extended|instrumental|reprise|session|unplugged|rework|dub|bonus)\b/i;
/** "Song - Remastered 2011", "Song - Live at Wembley" */
const DASH_SUFFIX = /\s+[-–—]\s+(.*)$/;
/** "(Remix)", "[Live]", "(feat. X)" */
const BRACKETS = /\s*[([]([^)\]]*)[)\]]/g;
const FEATURING = /\b(feat|ft|featuring|with)\b\.?/i;

/** The title without version and featuring marks, and whether the title is a version (remix, live, remaster…). */
export function baseTitle(display: string): { base: string; version: boolean } {
  let version = false;
  let text = display.replace(BRACKETS, (whole, inner: string) => {
    if (VERSION_WORDS.test(inner)) {
      version = true;
      return ' ';
    }
    return FEATURING.test(inner) ? ' ' : whole;
  });
  const dash = DASH_SUFFIX.exec(text);
  if (dash && (VERSION_WORDS.test(dash[1]!) || FEATURING.test(dash[1]!))) {
    if (VERSION_WORDS.test(dash[1]!)) version = true;
    text = text.slice(0, dash.index);
  }
  return { base: searchText(text), version };
}

export function orderKnownItems<T extends RankedCandidate>(entities: EntitySpace, ranked: T[], context: KnownItemContext): T[] {
  if (ranked.length <= 1) return ranked;
  const { normalized, words, affinity } = context;
  const distinctWords = distinctCount(words);
  const prior = entities.prior;
  const count = ranked.length;
  // per candidate (by its position in `ranked`): tier, affinity, in the first tier through the
  // user's history rather than by name, and the base title (computed once, used twice)
  const tiers = new Int8Array(count);
  const affinities = new Float64Array(count);
  const byHistory = new Uint8Array(count);
  const { bases, versions } = baseTitles(entities, ranked);
  for (let i = 0; i < count; i++) {
    const code = ranked[i]!.code;
    const name = entities.names[code]!;
    const hit = ranked[i]!.lexical;
    const everyWord = hit !== undefined && distinctCount(hit.queryTerms) >= distinctWords;
    const personal = affinity ? affinity(code) : 0;
    affinities[i] = personal;
    const base = bases[i];
    let tier = 0;
    if (name === normalized || isTitleWithArtist(entities, code, normalized)) tier = TIER_EXACT;
    else if (base === normalized) tier = TIER_VERSION;
    else if (everyWord && nameCovered(name, hit.match)) tier = wordCount(name) === words.length ? TIER_CORRECTED : TIER_NEAR;
    if (tier < TIER_EXACT && everyWord && personal >= HISTORY_OVERRIDE) {
      tier = TIER_EXACT;
      byHistory[i] = 1;
    }
    tiers[i] = tier;
  }
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => {
    const tierA = tiers[a]!;
    const tierB = tiers[b]!;
    if (tierA !== tierB) return tierB - tierA;
    if (tierA === TIER_EXACT || tierA === TIER_CORRECTED) {
      const codeA = ranked[a]!.code;
      const codeB = ranked[b]!.code;
      if (affinities[a] !== affinities[b]) return affinities[b]! - affinities[a]!;
      if (byHistory[a] !== byHistory[b]) return byHistory[a]! - byHistory[b]!;
      // a title typed alone means the song more often than an album named the same
      const albumA = entities.typeOf(codeA) === 'album' ? 1 : 0;
      const albumB = entities.typeOf(codeB) === 'album' ? 1 : 0;
      if (albumA !== albumB) return albumA - albumB;
      if (prior[codeA] !== prior[codeB]) return prior[codeB]! - prior[codeA]!;
    }
    return a - b;
  });
  // the tier of a candidate in the reordered list (only asked for an album and its track: rare)
  const tierOf = (item: T) => tiers[ranked.indexOf(item)] ?? 0;
  if (words.some((word) => VERSION_WORDS.test(word))) return albumsAfterTheirTracks(entities, order.map((i) => ranked[i]!), words, tierOf);
  return albumsAfterTheirTracks(entities, groupVersions(entities, ranked, order, tiers, bases, versions), words, tierOf);
}

/** Words that ask for an album: the album keeps the place its score gave it. */
const ALBUM_WORDS = /^(album|albums|lp|lps)$/;
/** How far below an album its track may sit for the album to move after it (same tier aside). */
const NEAR_POSITIONS = 2;

/**
 * An album named like one of its own artist's tracks (a single's release, a title track) goes
 * right after that track when it was ranked just above it: the song is the known item, the album
 * only holds it. Titles typed with the artist and a typo ("nightlight illenlium") otherwise rank
 * the shorter album document first. The album stays where it is when its track is further down
 * (more than NEAR_POSITIONS, unless both are in the same known-item tier — `tierOf`, when the
 * caller has tiers), when the query asks for an album ("thriller album"), or when a query word
 * matched the album and not the track: then the album is what was asked for, and moving it would
 * bury it behind every other artist's song of that name. Other albums, and albums of another
 * artist, keep their place.
 */
export function albumsAfterTheirTracks<T extends { code: number; lexical?: RankedCandidate['lexical'] }>(
  entities: EntitySpace,
  list: T[],
  words: readonly string[],
  tierOf?: (item: T) => number,
): T[] {
  if (words.some((word) => ALBUM_WORDS.test(word))) return list;
  const albumStart = entities.trackCount + entities.artistCount;
  let albums = 0;
  for (const item of list) if (item.code >= albumStart) albums++;
  if (albums === 0) return list;
  const names = entities.names;
  const albumArtist = entities.store.columns.albumArtist;
  const primary = entities.store.trackPrimaryArtist;
  const known = knownBaseTitles(entities);
  // for each album ranked above its track: the position of that track
  const after = new Int32Array(list.length).fill(-1);
  const moved: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const code = list[i]!.code;
    if (code < albumStart) continue;
    const name = names[code]!;
    const artist = albumArtist[code - albumStart]!;
    for (let j = i + 1; j < list.length; j++) {
      const track = list[j]!.code;
      if (track >= entities.trackCount || primary[track] !== artist) continue;
      if (names[track] === name || trackBase(entities, known, track) === name) {
        if (albumBelongsAfter(list[i]!, list[j]!, j - i, tierOf)) {
          after[i] = j;
          moved.push(i);
        }
        break;
      }
    }
  }
  if (moved.length === 0) return list;
  const out: T[] = [];
  for (let j = 0; j < list.length; j++) {
    if (after[j]! >= 0) continue;
    out.push(list[j]!);
    for (const i of moved) if (after[i] === j) out.push(list[i]!);
  }
  return out;
}

/** See albumsAfterTheirTracks: the track is close below the album (or in its tier) and the album matched no query word the track did not. */
function albumBelongsAfter<T extends { lexical?: RankedCandidate['lexical'] }>(album: T, track: T, distance: number, tierOf: ((item: T) => number) | undefined): boolean {
  if (album.lexical) {
    const trackWords = track.lexical?.queryTerms ?? [];
    for (const word of album.lexical.queryTerms) if (!trackWords.includes(word)) return false;
  }
  if (distance <= NEAR_POSITIONS) return true;
  if (!tierOf) return false;
  const tier = tierOf(album);
  return tier > 0 && tier === tierOf(track);
}

/**
 * Typeahead's order with the versions of a title right after its original, originals first (the
 * completions of one prefix form a single tier); unchanged when the typed words name a version.
 */
export function groupVersionsInOrder<T extends { code: number }>(entities: EntitySpace, ranked: T[], words: readonly string[]): T[] {
  if (ranked.length <= 1) return ranked;
  if (words.some((word) => VERSION_WORDS.test(word))) return albumsAfterTheirTracks(entities, ranked, words);
  const { bases, versions } = baseTitles(entities, ranked);
  return albumsAfterTheirTracks(entities, groupVersions(entities, ranked, Array.from({ length: ranked.length }, (_, i) => i), new Int8Array(ranked.length), bases, versions), words);
}

/**
 * Per candidate: a track's base title (undefined for artists and albums) and whether it is a
 * version. A title without brackets or dashes is its own base, its normalized name (most titles:
 * no regular expression runs for them).
 */
function baseTitles(entities: EntitySpace, ranked: readonly { code: number }[]): { bases: (string | undefined)[]; versions: Uint8Array } {
  const bases: (string | undefined)[] = new Array<string | undefined>(ranked.length);
  const versions = new Uint8Array(ranked.length);
  const known = knownBaseTitles(entities);
  for (let i = 0; i < ranked.length; i++) {
    const code = ranked[i]!.code;
    if (code >= entities.trackCount) continue;
    bases[i] = trackBase(entities, known, code);
    versions[i] = known.versions[code]!;
  }
  return { bases, versions };
}

/** A track's base title, worked out once per engine (see knownBaseTitles). */
function trackBase(entities: EntitySpace, known: { bases: string[]; versions: Int8Array }, code: number): string {
  if (known.versions[code] === UNKNOWN) {
    const display = entities.displayName(code);
    if (!/[([\-–—]/.test(display)) {
      known.bases[code] = entities.names[code]!;
      known.versions[code] = 0;
    } else {
      const title = baseTitle(display);
      known.bases[code] = title.base;
      known.versions[code] = title.version ? 1 : 0;
    }
  }
  return known.bases[code]!;
}

/**
 * Base titles worked out so far, per track (kept for the engine's life: a title is parsed once,
 * not on every query that ranks it). `versions` is UNKNOWN until then.
 */
const UNKNOWN = -1;
const baseTitleCache = new WeakMap<EntitySpace, { bases: string[]; versions: Int8Array }>();
function knownBaseTitles(entities: EntitySpace): { bases: string[]; versions: Int8Array } {
  let known = baseTitleCache.get(entities);
  if (!known) {
    known = { bases: new Array<string>(entities.trackCount), versions: new Int8Array(entities.trackCount).fill(UNKNOWN) };
    baseTitleCache.set(entities, known);
  }
  return known;
}

/** How many different values (a query's few words: no set). */
export function distinctCount(values: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values.indexOf(values[i]!) === i) count++;
  return count;
}

/** "halo beyonce" / "beyonce halo" for Beyoncé's Halo. */
function isTitleWithArtist(entities: EntitySpace, code: number, normalized: string): boolean {
  if (code >= entities.trackCount) return false;
  const name = entities.names[code]!;
  if (normalized.length <= name.length || !normalized.includes(name)) return false;
  const artist = entities.primaryArtistName(code);
  return normalized === `${name} ${artist}` || normalized === `${artist} ${name}`;
}

function wordCount(name: string): number {
  let count = 1;
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) === 32) count++;
  return count;
}

/** Every word of the name was matched by some query variant (exactly or through a typo or completion). */
function nameCovered(name: string, match: Record<string, unknown>): boolean {
  for (const word of name.split(' ')) if (!(word in match)) return false;
  return true;
}

/**
 * Versions of a track stay right after its original: within a tier, the first member of a
 * (base title, primary artist) group pulls the other members up behind it, originals first —
 * unless the query itself names a version ("live", "remix"), which the order already honours
 * (the caller checks). `order` lists candidate positions in `ranked`, best first.
 */
function groupVersions<T extends { code: number }>(
  entities: EntitySpace,
  ranked: readonly T[],
  order: readonly number[],
  tiers: Int8Array,
  bases: readonly (string | undefined)[],
  versions: Uint8Array,
): T[] {
  // most lists hold no two candidates with one base title: then nothing moves (checked without
  // building the tier + base + artist keys)
  const baseCount = new Map<string, number>();
  let shared = false;
  for (const base of bases) {
    if (base === undefined || base === '') continue;
    const count = (baseCount.get(base) ?? 0) + 1;
    baseCount.set(base, count);
    if (count > 1) shared = true;
  }
  if (!shared) return order.map((i) => ranked[i]!);
  const primary = entities.store.trackPrimaryArtist;
  const keys: (string | undefined)[] = new Array<string | undefined>(ranked.length);
  const groupSize = new Map<string, number>();
  for (let i = 0; i < ranked.length; i++) {
    const base = bases[i];
    if (base === undefined || base === '' || baseCount.get(base)! <= 1) continue;
    const key = `${tiers[i]}\u0000${base}\u0000${primary[ranked[i]!.code]}`;
    keys[i] = key;
    groupSize.set(key, (groupSize.get(key) ?? 0) + 1);
  }
  const out: T[] = [];
  const placed = new Uint8Array(ranked.length);
  for (const i of order) {
    if (placed[i]) continue;
    const key = keys[i];
    if (key === undefined || groupSize.get(key)! <= 1) {
      out.push(ranked[i]!);
      placed[i] = 1;
      continue;
    }
    const members = order.filter((other) => keys[other] === key);
    for (const member of [...members.filter((m) => !versions[m]), ...members.filter((m) => versions[m])]) {
      out.push(ranked[member]!);
      placed[member] = 1;
    }
  }
  return out;
}
