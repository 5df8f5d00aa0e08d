// Listening histories for the model, from a catalog InteractionLog (rows ordered by user, time):
// each user's tracks oldest first, skips dropped (a skip is not a choice to continue from), and
// consecutive repeats of one track merged (a play followed by a save of it is one step).
import { INTERACTION_TYPE_CODE } from '@mixtape/catalog';
import type { InteractionLog } from '@mixtape/catalog';
import type { Histories } from './internal/queries';

export interface HistoryOptions {
  /** keep only each user's most recent N items (default: all) */
  lastItems?: number;
}

/** Histories, and how many were longer than `lastItems` plays (after skips and repeats are dropped) and cut. */
export interface ListeningHistories extends Histories {
  truncated: number;
}

export function historiesFromInteractions(log: InteractionLog, options: HistoryOptions = {}): ListeningHistories {
  const { track, type } = log.columns;
  const skip = INTERACTION_TYPE_CODE.skip;
  const limit = options.lastItems ?? Infinity;
  const items = new Int32Array(log.length);
  const offsets = new Int32Array(log.userCount + 1);
  let written = 0;
  let truncated = 0;
  for (let u = 0; u < log.userCount; u++) {
    const start = written;
    for (let e = log.userOffsets[u]!; e < log.userOffsets[u + 1]!; e++) {
      if (type[e] === skip) continue;
      if (written > start && items[written - 1] === track[e]) continue;
      items[written++] = track[e]!;
    }
    if (written - start > limit) {
      items.copyWithin(start, written - limit, written);
      written = start + limit;
      truncated++;
    }
    offsets[u + 1] = written;
  }
  return { items: items.slice(0, written), offsets, truncated };
}

/** Appends events (track, type, oldest first) to a history with the same rules. */
export function extendHistory(history: ArrayLike<number>, events: ReadonlyArray<{ track: number; type: number }>): Int32Array {
  const out = new Int32Array(history.length + events.length);
  let written = 0;
  for (let t = 0; t < history.length; t++) out[written++] = history[t]!;
  for (const event of events) {
    if (event.type === INTERACTION_TYPE_CODE.skip) continue;
    if (written > 0 && out[written - 1] === event.track) continue;
    out[written++] = event.track;
  }
  return out.subarray(0, written);
}
