// Turning per-user event logs into the sequence corpus item2vec trains on: a user's events
// (oldest first) are cut into listening sessions wherever the gap between two events is long.
import type { SequenceCorpus } from './item2vec';

export interface SessionCorpusOptions {
  /** a gap longer than this starts a new session (default 30 minutes) */
  maxGapMs?: number;
  /** sessions with fewer items are dropped (default 2: a single item teaches SGNS nothing) */
  minLength?: number;
  /** longer sessions are cut into pieces of at most this many items (default unlimited) */
  maxLength?: number;
  /** 1 = use the event; 0 = skip it without breaking the session (e.g. skips, non-plays). Default all. */
  include?: Uint8Array;
}

export interface SessionCorpus extends SequenceCorpus {
  /** user index of each sequence */
  sequenceUser: Int32Array;
}

/**
 * Builds a CSR sequence corpus from events grouped by user (`userOffsets`, CSR over the event
 * columns) and sorted by time within each user.
 */
export function buildSessionCorpus(
  items: Int32Array,
  timestamps: Float64Array,
  userOffsets: ArrayLike<number>,
  options: SessionCorpusOptions = {},
): SessionCorpus {
  const maxGapMs = options.maxGapMs ?? 30 * 60_000;
  const minLength = options.minLength ?? 2;
  const maxLength = options.maxLength ?? Number.POSITIVE_INFINITY;
  const include = options.include;
  if (timestamps.length !== items.length) {
    throw new RangeError(`buildSessionCorpus: timestamps has ${timestamps.length} entries for ${items.length} events`);
  }
  if (include && include.length !== items.length) {
    throw new RangeError(`buildSessionCorpus: include has ${include.length} entries for ${items.length} events`);
  }
  if (!(minLength >= 1) || !(maxLength >= minLength)) {
    throw new RangeError(`buildSessionCorpus: expected 1 <= minLength <= maxLength, got ${minLength} and ${maxLength}`);
  }
  const users = userOffsets.length - 1;
  if (users < 0 || userOffsets[0] !== 0 || userOffsets[users] !== items.length) {
    throw new RangeError(`buildSessionCorpus: userOffsets must start at 0 and end at the number of events (${items.length})`);
  }

  // Two passes over the same walk: the first counts, the second fills.
  let sequenceCount = 0;
  let tokenCount = 0;
  let offsets = new Int32Array(0);
  let sequenceUser = new Int32Array(0);
  let out = new Int32Array(0);
  for (let pass = 0; pass < 2; pass++) {
    let sequence = 0;
    let token = 0;
    for (let u = 0; u < users; u++) {
      const start = userOffsets[u] as number;
      const end = userOffsets[u + 1] as number;
      if (end < start) throw new RangeError(`buildSessionCorpus: userOffsets[${u + 1}] = ${end} < userOffsets[${u}] = ${start}`);
      let length = 0;
      let lastTime = Number.NEGATIVE_INFINITY;
      for (let e = start; e <= end; e++) {
        const used = e < end && (!include || include[e] === 1);
        const time = e < end ? (timestamps[e] as number) : Number.POSITIVE_INFINITY;
        const breaks = e === end || (used && (time - lastTime > maxGapMs || length >= maxLength));
        if (breaks) {
          if (length >= minLength) {
            if (pass === 1) {
              sequenceUser[sequence] = u;
              offsets[sequence + 1] = token + length;
            }
            sequence++;
            token += length;
          }
          // a session too short to keep was written past the last kept token and gets overwritten
          length = 0;
        }
        if (used) {
          if (pass === 1) out[token + length] = items[e] as number;
          length++;
          lastTime = time;
        }
      }
    }
    if (pass === 0) {
      sequenceCount = sequence;
      tokenCount = token;
      offsets = new Int32Array(sequenceCount + 1);
      sequenceUser = new Int32Array(sequenceCount);
      // room for a dropped short session written after the last kept token
      out = new Int32Array(tokenCount + Math.max(0, minLength - 1));
    }
  }
  return { items: out.length === tokenCount ? out : out.slice(0, tokenCount), offsets, sequenceUser };
}
