// One recording, several catalog rows: tracks with the same normalized title and primary artist
// (compilations, playlist rows). Built once with the index and stored with it, so a hit finds its
// recording's rows without walking an artist's thousands of tracks or a common title's
// thousands of namesakes: a CSR over the recordings that have two rows or more, rows most
// popular first (the first is the canonical id).
import type { EntitySpace } from './entities';

export interface RecordingArrays {
  /** per track: its group, or −1 when its recording has one row */
  groupOf: Int32Array;
  /** group g's rows are rows[offsets[g], offsets[g + 1]) */
  offsets: Uint32Array;
  /** track indices, most popular first (ties: lower index first) */
  rows: Uint32Array;
}

export class Recordings {
  constructor(readonly arrays: RecordingArrays) {}

  get groupCount(): number {
    return this.arrays.offsets.length - 1;
  }

  /** The rows of a track's recording, most popular first, or undefined when it has only this one. */
  rowsOf(track: number): Uint32Array | undefined {
    const group = this.arrays.groupOf[track] ?? -1;
    if (group < 0) return undefined;
    return this.arrays.rows.subarray(this.arrays.offsets[group]!, this.arrays.offsets[group + 1]!);
  }

  static build(entities: EntitySpace): Recordings {
    const trackCount = entities.trackCount;
    const primaryArtist = entities.store.trackPrimaryArtist;
    const names = entities.names;
    // first row of each (title, artist); later rows point at it
    const firstOf = new Map<string, number>();
    const head = new Int32Array(trackCount).fill(-1);
    const size = new Uint32Array(trackCount);
    for (let track = 0; track < trackCount; track++) {
      const name = names[track]!;
      if (name === '') continue;
      const key = `${primaryArtist[track]!}\u0000${name}`;
      const first = firstOf.get(key);
      if (first === undefined) firstOf.set(key, track);
      else {
        head[track] = first;
        head[first] = first;
        size[first]!++;
      }
    }
    firstOf.clear();
    const groupOf = new Int32Array(trackCount).fill(-1);
    let groups = 0;
    let total = 0;
    for (let track = 0; track < trackCount; track++) {
      if (head[track] === track) {
        groupOf[track] = groups++;
        total += size[track]! + 1;
      }
    }
    const offsets = new Uint32Array(groups + 1);
    for (let track = 0; track < trackCount; track++) {
      if (head[track] !== track) continue;
      const group = groupOf[track]!;
      offsets[group + 1] = offsets[group]! + size[track]! + 1;
    }
    const rows = new Uint32Array(total);
    const fill = offsets.slice(0, groups);
    for (let track = 0; track < trackCount; track++) {
      if (head[track]! < 0) continue;
      const group = groupOf[head[track]!]!;
      groupOf[track] = group;
      rows[fill[group]!] = track;
      fill[group]!++;
    }
    const prior = entities.prior;
    for (let g = 0; g < groups; g++) {
      const members = rows.subarray(offsets[g]!, offsets[g + 1]!);
      members.set(Array.from(members).sort((a, b) => prior[b]! - prior[a]! || a - b));
    }
    return new Recordings({ groupOf, offsets, rows });
  }
}
