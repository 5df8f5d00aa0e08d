// Typeahead: a sorted list of keys — every entity name from each of its first word starts
// ("crazy in love", "in love", "love") plus "artist title" for tracks — held as typed arrays
// (entity code, word offset, key kind) whose strings are computed on demand from the names.
// A prefix is two binary searches; the range is scanned on numbers only (prior, offset).
import type { EntitySpace } from './entities';

const KIND_NAME = 0;
const KIND_ARTIST_TITLE = 1;
/** word starts per name that become keys (the first three words are what people type) */
const MAX_WORD_STARTS = 3;

export interface SuggestArrays {
  codes: Uint32Array;
  offsets: Uint16Array;
  kinds: Uint8Array;
}

export interface SuggestCandidate {
  code: number;
  /** the key the prefix matched, e.g. "beyonce halo" */
  key: string;
  /** 0..~2: prior + name-start bonus + exact bonus + affinity */
  score: number;
}

/** Prefixes whose key range is longer than this are memoized ("the", "lo"): the scan is paid once. */
const MEMO_RANGE = 2000;
const MEMO_CAPACITY = 20_000;

export class SuggestIndex {
  private readonly memo = new Map<string, SuggestCandidate[]>();

  constructor(
    private readonly entities: EntitySpace,
    readonly arrays: SuggestArrays,
  ) {}

  static build(entities: EntitySpace): SuggestIndex {
    const keys: string[] = [];
    const names = entities.names;
    for (let code = 0; code < entities.size; code++) {
      const name = names[code]!;
      if (name === '') continue;
      let offset = 0;
      for (let start = 0; start < MAX_WORD_STARTS && offset >= 0; start++) {
        if (offset > 0xffff) break;
        // "\u0001" sorts before every key character, so a key sorts before its own extensions
        keys.push(`${name.slice(offset)}\u0001${code}:${offset}:${KIND_NAME}`);
        const space = name.indexOf(' ', offset);
        offset = space < 0 ? -1 : space + 1;
      }
      if (code < entities.trackCount) {
        const artist = entities.primaryArtistName(code);
        if (artist !== '') keys.push(`${artist} ${name}\u0001${code}:0:${KIND_ARTIST_TITLE}`);
      }
    }
    keys.sort();
    const codes = new Uint32Array(keys.length);
    const offsets = new Uint16Array(keys.length);
    const kinds = new Uint8Array(keys.length);
    for (let j = 0; j < keys.length; j++) {
      const key = keys[j]!;
      const [code, offset, kind] = key.slice(key.lastIndexOf('\u0001') + 1).split(':');
      codes[j] = Number(code);
      offsets[j] = Number(offset);
      kinds[j] = Number(kind);
    }
    return new SuggestIndex(entities, { codes, offsets, kinds });
  }

  /**
   * Fills the memo for every prefix of up to `maxLength` characters whose range is long, so the
   * first person to type "t", "th" or "the" does not pay the scan. One pass over the sorted keys.
   */
  prewarm(limit: number, accept: (code: number) => boolean, memoKey: string, maxLength = 3): number {
    let warmed = 0;
    for (let length = 1; length <= maxLength; length++) {
      let previous = '';
      let j = 0;
      while (j < this.size) {
        const key = this.keyAt(j);
        const prefix = key.length >= length ? key.slice(0, length) : '';
        if (prefix === '' || prefix === previous || prefix.endsWith(' ')) {
          j++;
          continue;
        }
        previous = prefix;
        const high = this.upperBound(prefix, j);
        if (high - j > MEMO_RANGE) {
          this.complete(prefix, limit, accept, undefined, memoKey);
          warmed++;
        }
        j = high; // every key of this range shares the prefix: jump past it
      }
    }
    return warmed;
  }

  get size(): number {
    return this.arrays.codes.length;
  }

  keyAt(j: number): string {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KIND_ARTIST_TITLE) return `${this.entities.primaryArtistName(code)} ${name}`;
    const offset = this.arrays.offsets[j]!;
    return offset === 0 ? name : name.slice(offset);
  }

  private keyLengthAt(j: number): number {
    const code = this.arrays.codes[j]!;
    const name = this.entities.names[code]!;
    if (this.arrays.kinds[j] === KIND_ARTIST_TITLE) return this.entities.primaryArtistName(code).length + 1 + name.length;
    return name.length - this.arrays.offsets[j]!;
  }

  /** First position whose key is >= prefix. */
  private lowerBound(prefix: string): number {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keyAt(mid) < prefix) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** First position at or after `from` whose key does not start with prefix. */
  private upperBound(prefix: string, from: number): number {
    let low = from;
    let high = this.size;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.keyAt(mid).startsWith(prefix)) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /**
   * The best `limit` entities with a key starting with `prefix` (normalized), best first.
   * `accept` filters codes (entity types); `boost` adds a per-entity score (personal affinity).
   */
  complete(
    prefix: string,
    limit: number,
    accept: (code: number) => boolean,
    boost?: (code: number) => number,
    /** identifies `accept` for the short-prefix memo; pass it only when there is no boost */
    memoKey?: string,
  ): SuggestCandidate[] {
    if (prefix === '' || limit <= 0) return [];
    const low = this.lowerBound(prefix);
    const high = this.upperBound(prefix, low);
    if (memoKey !== undefined && boost === undefined && high - low > MEMO_RANGE) {
      const key = `${memoKey}|${limit}|${prefix}`;
      let answer = this.memo.get(key);
      if (!answer) {
        answer = this.scan(prefix, low, high, limit, accept);
        if (this.memo.size >= MEMO_CAPACITY) this.memo.clear();
        this.memo.set(key, answer);
      }
      return answer.map((candidate) => ({ ...candidate }));
    }
    return this.scan(prefix, low, high, limit, accept, boost);
  }

  private scan(
    prefix: string,
    low: number,
    high: number,
    limit: number,
    accept: (code: number) => boolean,
    boost?: (code: number) => number,
  ): SuggestCandidate[] {
    const { codes, offsets, kinds } = this.arrays;
    const prior = this.entities.prior;
    // a small sorted top list; ranges can hold 100k entries at 1M tracks, so no per-entry allocation
    const bestCodes: number[] = [];
    const bestScores: number[] = [];
    const bestPositions: number[] = [];
    for (let j = low; j < high; j++) {
      const code = codes[j]!;
      if (!accept(code)) continue;
      let score = prior[code]!;
      if (kinds[j] === KIND_NAME && offsets[j] === 0) score += 0.5; // the name itself starts with it
      if (kinds[j] === KIND_ARTIST_TITLE) score += 0.4; // "artist title": the person typed both
      if (this.keyLengthAt(j) === prefix.length) score += 0.3; // complete word(s), not just a prefix
      if (boost) score += boost(code);
      if (bestScores.length === limit && score <= bestScores[limit - 1]!) continue;
      const existing = bestCodes.indexOf(code);
      if (existing >= 0) {
        if (score <= bestScores[existing]!) continue;
        bestCodes.splice(existing, 1);
        bestScores.splice(existing, 1);
        bestPositions.splice(existing, 1);
      }
      let at = bestScores.length;
      while (at > 0 && bestScores[at - 1]! < score) at--;
      bestCodes.splice(at, 0, code);
      bestScores.splice(at, 0, score);
      bestPositions.splice(at, 0, j);
      if (bestCodes.length > limit) {
        bestCodes.pop();
        bestScores.pop();
        bestPositions.pop();
      }
    }
    return bestCodes.map((code, i) => ({ code, key: this.keyAt(bestPositions[i]!), score: bestScores[i]! }));
  }
}
