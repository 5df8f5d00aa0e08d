// A small generator of listening sessions with known taste structure, for tests and benchmarks:
// items belong to taste groups and, inside a group, to "artists" (runs of consecutive indices).
// A session stays in one group, often plays several tracks of the same artist, and rarely strays.
import { Random } from '@mixtape/base';
import type { SequenceCorpus } from './item2vec';

export interface TasteSessionsOptions {
  numItems: number;
  numGroups: number;
  numSequences: number;
  /** sequence length drawn uniformly in [minLength, maxLength] (defaults 5 and 20) */
  minLength?: number;
  maxLength?: number;
  /** consecutive item indices per artist (default 10) */
  itemsPerArtist?: number;
  /** probability that the next item is by the current item's artist (default 0.4) */
  sameArtistProbability?: number;
  /** probability that the next item comes from any group (default 0.02) */
  strayProbability?: number;
  /** popularity skew inside a group: index ∝ u^skew (default 2; 1 = uniform) */
  popularitySkew?: number;
  seed?: number;
}

export interface TasteSessions {
  corpus: SequenceCorpus;
  numItems: number;
  /** taste group of each item */
  itemGroup: Int32Array;
  /** artist of each item */
  itemArtist: Int32Array;
}

export function generateTasteSessions(options: TasteSessionsOptions): TasteSessions {
  const { numItems, numGroups, numSequences } = options;
  const minLength = options.minLength ?? 5;
  const maxLength = options.maxLength ?? 20;
  const itemsPerArtist = options.itemsPerArtist ?? 10;
  const sameArtist = options.sameArtistProbability ?? 0.4;
  const stray = options.strayProbability ?? 0.02;
  const skew = options.popularitySkew ?? 2;
  if (!Number.isInteger(numGroups) || numGroups < 1) throw new RangeError(`numGroups must be a positive integer, got ${numGroups}`);
  if (!Number.isInteger(numItems) || numItems < numGroups) {
    throw new RangeError(`numItems must be an integer >= numGroups (${numGroups}), got ${numItems}`);
  }
  if (!(minLength >= 1 && maxLength >= minLength)) {
    throw new RangeError(`expected 1 <= minLength <= maxLength, got ${minLength} and ${maxLength}`);
  }
  const random = new Random(options.seed ?? 7, 'mulberry32');

  const itemGroup = new Int32Array(numItems);
  const itemArtist = new Int32Array(numItems);
  const groupStart = new Int32Array(numGroups + 1);
  for (let g = 0; g <= numGroups; g++) groupStart[g] = Math.floor((g * numItems) / numGroups);
  for (let g = 0; g < numGroups; g++) {
    for (let i = groupStart[g] as number; i < (groupStart[g + 1] as number); i++) {
      itemGroup[i] = g;
      itemArtist[i] = Math.floor(i / itemsPerArtist);
    }
  }

  const offsets = new Int32Array(numSequences + 1);
  for (let s = 0; s < numSequences; s++) {
    offsets[s + 1] = (offsets[s] as number) + minLength + random.int(maxLength - minLength + 1);
  }
  const items = new Int32Array(offsets[numSequences] as number);

  const popularItemIn = (group: number): number => {
    const start = groupStart[group] as number;
    const size = (groupStart[group + 1] as number) - start;
    return start + Math.min(size - 1, Math.floor(size * Math.pow(random.next(), skew)));
  };

  for (let s = 0; s < numSequences; s++) {
    const group = random.int(numGroups);
    let current = popularItemIn(group);
    for (let p = offsets[s] as number; p < (offsets[s + 1] as number); p++) {
      items[p] = current;
      const draw = random.next();
      if (draw < stray) {
        current = popularItemIn(random.int(numGroups));
      } else if (draw < stray + sameArtist && itemGroup[current] === group) {
        // another track by the same artist, kept inside the group's range
        const artistStart = Math.max(groupStart[group] as number, (itemArtist[current] as number) * itemsPerArtist);
        const artistEnd = Math.min(groupStart[group + 1] as number, artistStart + itemsPerArtist);
        current = artistEnd > artistStart ? artistStart + random.int(artistEnd - artistStart) : popularItemIn(group);
      } else {
        current = popularItemIn(group);
      }
    }
  }
  return { corpus: { items, offsets }, numItems, itemGroup, itemArtist };
}
