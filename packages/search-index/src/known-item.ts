// Known-item order: when someone types a title they know, the entity named exactly so comes
// first ("halo" → the tracks titled Halo, before "Halo Theme" or "Halo (Live)"), then near-exact
// names (every word of the name matched, through typos too, and every query word matched); among
// equal tiers personal affinity, then popularity, then the fused score. A title the user's own
// history points at (an artist they play) joins the first tier when it matched every query word
// (after that artist's exact title). Versions of a title ("- Remastered 2011", "(Live)",
// "(… Remix)") follow the exact titles, grouped right after their original; a query that names a
// version ("echo live") keeps the order the scores gave.
import { nameText } from '@mixtape/language';
import type { EntitySpace } from './entities';

/** A fused candidate (engine's Candidate shape). */
export interface RankedCandidate {
  code: number;
  score: number;
  matched: string[];
}

export interface KnownItemContext {
  /** the query as indexed text */
  normalized: string;
  words: readonly string[];
  /** lexical hits by code: which document terms matched, which query words they answer */
  lexical: ReadonlyMap<number, { match: Record<string, unknown>; queryTerms: string[] }>;
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
  return { base: nameText(text), version };
}

export function orderKnownItems<T extends RankedCandidate>(entities: EntitySpace, ranked: T[], context: KnownItemContext): T[] {
  if (ranked.length <= 1) return ranked;
  const { normalized, words, lexical, affinity } = context;
  const distinctWords = new Set(words).size;
  const prior = entities.prior;
  const tiers = new Map<number, number>();
  const affinities = new Map<number, number>();
  /** in the first tier through the user's history rather than by name */
  const byHistory = new Set<number>();
  for (const candidate of ranked) {
    const code = candidate.code;
    const name = entities.names[code]!;
    const hit = lexical.get(code);
    const everyWord = hit !== undefined && new Set(hit.queryTerms).size >= distinctWords;
    const personal = affinity ? affinity(code) : 0;
    affinities.set(code, personal);
    let tier = 0;
    if (name === normalized || isTitleWithArtist(entities, code, normalized)) tier = TIER_EXACT;
    else if (code < entities.trackCount && baseTitle(entities.displayName(code)).base === normalized) tier = TIER_VERSION;
    else if (everyWord && nameCovered(name, hit.match)) tier = wordCount(name) === words.length ? TIER_CORRECTED : TIER_NEAR;
    if (tier < TIER_EXACT && everyWord && personal >= HISTORY_OVERRIDE) {
      tier = TIER_EXACT;
      byHistory.add(code);
    }
    tiers.set(code, tier);
  }
  const position = new Map(ranked.map((candidate, index) => [candidate.code, index]));
  const sorted = [...ranked].sort((a, b) => {
    const tierA = tiers.get(a.code)!;
    const tierB = tiers.get(b.code)!;
    if (tierA !== tierB) return tierB - tierA;
    if (tierA === TIER_EXACT || tierA === TIER_CORRECTED) {
      // a title typed alone means the song more often than an album named the same
      const albumA = entities.typeOf(a.code) === 'album' ? 1 : 0;
      const albumB = entities.typeOf(b.code) === 'album' ? 1 : 0;
      const affinityA = affinities.get(a.code)!;
      const affinityB = affinities.get(b.code)!;
      if (affinityA !== affinityB) return affinityB - affinityA;
      const historyA = byHistory.has(a.code) ? 1 : 0;
      const historyB = byHistory.has(b.code) ? 1 : 0;
      if (historyA !== historyB) return historyA - historyB;
      if (albumA !== albumB) return albumA - albumB;
      if (prior[a.code] !== prior[b.code]) return prior[b.code]! - prior[a.code]!;
    }
    return position.get(a.code)! - position.get(b.code)!;
  });
  return groupVersions(entities, sorted, tiers, words);
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
 * unless the query itself names a version ("live", "remix"), which the order already honours.
 */
function groupVersions<T extends RankedCandidate>(entities: EntitySpace, ranked: T[], tiers: Map<number, number>, words: readonly string[]): T[] {
  if (words.some((word) => VERSION_WORDS.test(word))) return ranked;
  const keys = new Map<number, { key: string; version: boolean }>();
  const groupSize = new Map<string, number>();
  for (const candidate of ranked) {
    const code = candidate.code;
    if (code >= entities.trackCount) continue;
    const { base, version } = baseTitle(entities.displayName(code));
    if (base === '') continue;
    const key = `${tiers.get(code)}\u0000${base}\u0000${entities.store.trackPrimaryArtist[code]}`;
    keys.set(code, { key, version });
    groupSize.set(key, (groupSize.get(key) ?? 0) + 1);
  }
  const out: T[] = [];
  const placed = new Set<number>();
  for (const candidate of ranked) {
    if (placed.has(candidate.code)) continue;
    const entry = keys.get(candidate.code);
    if (!entry || groupSize.get(entry.key)! <= 1) {
      out.push(candidate);
      placed.add(candidate.code);
      continue;
    }
    const members = ranked.filter((other) => keys.get(other.code)?.key === entry.key);
    const originals = members.filter((member) => !keys.get(member.code)!.version);
    const versions = members.filter((member) => keys.get(member.code)!.version);
    for (const member of [...originals, ...versions]) {
      out.push(member);
      placed.add(member.code);
    }
  }
  return out;
}
