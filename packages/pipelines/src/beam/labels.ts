// The Home ranker's split and labels for one listener — one function, run by the Beam pipeline's
// per-user step and by the single-process path (so both write the same `ranker-labels`). The rule
// is @mixtape/ranking's trainHomeRanker's: a temporal split holds out each listener's latest
// `holdoutFraction` of events (listeners with ≥ 5 events); a random split holds out the
// (listener, track) pairs whose seeded hash falls below the fraction — here a hash of the ids, so a
// worker decides it without the dataset's row numbers. Labels per held-out track: played (a
// non-skip event), saved (save / playlist_add), skipped (skips only, never played), and the
// listening share (complete = 1, play / skip = ms played ÷ duration), summed in time order, capped at 1.
import { captures } from './captures';

/** Label flags of one held-out track. */
export const LABEL_FLAGS = Object.freeze({ played: 1, saved: 2, skipped: 4 });

/** One listener's held-out tracks under one split: [track, flags, listening share]. */
export interface RankerLabelRecord {
  user: string;
  split: 'temporal' | 'random';
  /** the listener's events (the reader checks the dataset has as many) */
  events: number;
  /** events before the split (temporal) / outside the held-out pairs (random) */
  past: number;
  labels: [string, number, number][];
}

/** A uniform number in [0, 1) from (user id, track id, seed): FNV-1a over both ids, then murmur3's finalizer. */
export function holdoutUnit(user: string, track: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let k = 0; k < user.length; k++) h = Math.imul(h ^ user.charCodeAt(k), 0x01000193);
  h = Math.imul(h ^ 0xff, 0x01000193);
  for (let k = 0; k < track.length; k++) h = Math.imul(h ^ track.charCodeAt(k), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

/** The labels of the held-out rows (`held[i]` 1), in order of each track's first held-out event. */
function collectLabels(
  tracks: readonly string[],
  types: ArrayLike<number>,
  msPlayed: ArrayLike<number>,
  durations: ArrayLike<number>,
  held: Uint8Array,
  codes: { play: number; skip: number; complete: number; save: number; playlistAdd: number },
): { past: number; labels: [string, number, number][] } {
  const order: string[] = [];
  const flags = new Map<string, number>();
  const listen = new Map<string, number>();
  let past = 0;
  for (let i = 0; i < tracks.length; i++) {
    if (!held[i]) {
      past++;
      continue;
    }
    const track = tracks[i]!;
    const type = types[i]!;
    if (!flags.has(track)) order.push(track);
    let flag = (flags.get(track) ?? 0) | (type === codes.skip ? 4 : 1);
    if (type === codes.save || type === codes.playlistAdd) flag |= 2;
    flags.set(track, flag);
    const duration = durations[i]!;
    const share = type === codes.complete ? 1 : type === codes.play || type === codes.skip ? (duration > 0 ? Math.min(1, msPlayed[i]! / duration) : 0) : 0;
    if (share > 0) listen.set(track, Math.min(1, (listen.get(track) ?? 0) + share));
  }
  // a track played after the split is not a skip label, whatever else happened to it
  const labels = order.map((track): [string, number, number] => [track, flags.get(track)! & 1 ? flags.get(track)! & 3 : flags.get(track)!, listen.get(track) ?? 0]);
  return { past, labels };
}

/**
 * One listener's events, oldest first (parallel arrays; `durations` per event) → the temporal
 * and the random split's label records (a record only when the split holds something out).
 */
export function rankerLabelsOf(
  user: string,
  tracks: readonly string[],
  types: ArrayLike<number>,
  msPlayed: ArrayLike<number>,
  durations: ArrayLike<number>,
  options: { holdoutFraction: number; holdoutSeed: number },
  codes: { play: number; skip: number; complete: number; save: number; playlistAdd: number },
): RankerLabelRecord[] {
  const n = tracks.length;
  const out: RankerLabelRecord[] = [];
  const held = new Uint8Array(n);
  if (n >= 5) {
    held.fill(1, n - Math.max(1, Math.round(n * options.holdoutFraction)));
    out.push({ user, split: 'temporal', events: n, ...collectLabels(tracks, types, msPlayed, durations, held, codes) });
  }
  for (let i = 0; i < n; i++) held[i] = holdoutUnit(user, tracks[i]!, options.holdoutSeed) < options.holdoutFraction ? 1 : 0;
  const random = collectLabels(tracks, types, msPlayed, durations, held, codes);
  if (random.labels.length > 0) out.push({ user, split: 'random', events: n, ...random });
  return out;
}

captures(holdoutUnit, () => ({ Math }));
captures(collectLabels, () => ({ Map, Math }));
captures(rankerLabelsOf, () => ({ holdoutUnit, collectLabels, Uint8Array, Math }));
