// Interactions as columns with a per-user CSR index, plus the UserHistory view.
import { INTERACTION_TYPES } from './model';
import type { Interaction, InteractionType } from './model';
import type { CatalogStore } from './catalog-store';
import { GrowableArray, columnArrays, growableColumns } from './internal/growable';
import type { GrowableColumns } from './internal/growable';
import { internIndex } from './internal/intern';

/** Stored type code = position in INTERACTION_TYPES (play 0, skip 1, complete 2, save 3, playlist_add 4). */
export const INTERACTION_TYPE_CODE: Readonly<Record<InteractionType, number>> = Object.freeze(
  Object.fromEntries(INTERACTION_TYPES.map((type, code) => [type, code])) as Record<InteractionType, number>,
);

/**
 * One row per event. `user` indexes `userIds`, `track` is a CatalogStore track index, `context`
 * indexes `contexts` (-1 = none). `count` is how many events the row stands for (1 for raw
 * logs; the play count for aggregated sources such as Last.fm user–artist weights).
 * Timestamps are epoch milliseconds in a Float64Array (exact to 2^53).
 */
export interface InteractionColumns {
  userIds: string[];
  contexts: string[];
  user: Int32Array;
  track: Int32Array;
  timestamp: Float64Array;
  type: Uint8Array;
  msPlayed: Uint32Array;
  count: Uint32Array;
  context: Int32Array;
}

export interface InteractionRow {
  userIndex: number;
  trackIndex: number;
  timestamp: number;
  type: InteractionType | number;
  msPlayed?: number;
  count?: number;
  context?: string;
}

/** The number columns of the log by element type, named as in InteractionColumns. */
const EVENT_COLUMNS = {
  user: Int32Array,
  track: Int32Array,
  timestamp: Float64Array,
  type: Uint8Array,
  msPlayed: Uint32Array,
  count: Uint32Array,
  context: Int32Array,
};

/** Appends events into growable columns; user and context strings are dictionary-encoded. */
export class InteractionLogBuilder {
  private readonly userIndexById = new Map<string, number>();
  private readonly contextIndexByName = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly contexts: string[] = [];
  private readonly events: GrowableColumns<typeof EVENT_COLUMNS>;

  constructor(expectedRows = 1024) {
    this.events = growableColumns(EVENT_COLUMNS, expectedRows);
  }

  get length(): number {
    return this.events.user.length;
  }
  get userCount(): number {
    return this.userIds.length;
  }

  /** Index of a user id, registering it when new. */
  userIndex(userId: string): number {
    return internIndex(this.userIds, this.userIndexById, userId);
  }

  contextIndex(context: string): number {
    return internIndex(this.contexts, this.contextIndexByName, context);
  }

  /** Fast path: all values already encoded (type code, context index or -1). */
  pushEncoded(user: number, track: number, timestamp: number, type: number, msPlayed: number, count: number, context: number): void {
    const events = this.events;
    events.user.push(user);
    events.track.push(track);
    events.timestamp.push(timestamp);
    events.type.push(type);
    events.msPlayed.push(msPlayed);
    events.count.push(count);
    events.context.push(context);
  }

  push(row: InteractionRow): void {
    const type = typeof row.type === 'number' ? row.type : INTERACTION_TYPE_CODE[row.type];
    this.pushEncoded(
      row.userIndex,
      row.trackIndex,
      row.timestamp,
      type,
      row.msPlayed ?? 0,
      row.count ?? 1,
      row.context === undefined ? -1 : this.contextIndex(row.context),
    );
  }

  /** Adds a plain Interaction, resolving the track id through the store; false when the track is unknown. */
  pushInteraction(interaction: Interaction, store: CatalogStore): boolean {
    const track = store.trackIndex(interaction.trackId);
    if (track < 0) return false;
    this.push({
      userIndex: this.userIndex(interaction.userId),
      trackIndex: track,
      timestamp: interaction.timestamp,
      type: interaction.type,
      msPlayed: interaction.msPlayed,
      context: interaction.context,
    });
    return true;
  }

  build(): InteractionLog {
    return new InteractionLog({
      userIds: this.userIds.slice(),
      contexts: this.contexts.slice(),
      ...columnArrays(this.events),
    });
  }
}

/**
 * Interactions ordered by (user, timestamp) — the constructor sorts when needed — with a
 * CSR index: user u's rows are `[userOffsets[u], userOffsets[u+1])`, oldest first.
 */
export class InteractionLog {
  readonly columns: InteractionColumns;
  readonly userOffsets: Uint32Array;
  private userIndexById: Map<string, number> | undefined;

  constructor(columns: InteractionColumns) {
    const rows = columns.user.length;
    for (const name of ['track', 'timestamp', 'type', 'msPlayed', 'count', 'context'] as const) {
      if (columns[name].length !== rows)
        throw new RangeError(`interaction column "${name}" has ${columns[name].length} rows, expected ${rows}`);
    }
    this.columns = sortByUserAndTime(columns);
    const userCount = columns.userIds.length;
    this.userOffsets = new Uint32Array(userCount + 1);
    const user = this.columns.user;
    for (let i = 0; i < rows; i++) {
      const u = user[i]!;
      if (u < 0 || u >= userCount) throw new RangeError(`interaction row ${i}: user index ${u} out of range 0..${userCount - 1}`);
      this.userOffsets[u + 1]!++;
    }
    for (let u = 0; u < userCount; u++) this.userOffsets[u + 1]! += this.userOffsets[u]!;
  }

  get length(): number {
    return this.columns.user.length;
  }
  get userCount(): number {
    return this.columns.userIds.length;
  }

  userIndex(userId: string): number {
    if (!this.userIndexById) {
      this.userIndexById = new Map();
      this.columns.userIds.forEach((id, index) => this.userIndexById!.set(id, index));
    }
    return this.userIndexById.get(userId) ?? -1;
  }
  userId(userIndex: number): string {
    const id = this.columns.userIds[userIndex];
    if (id === undefined) throw new RangeError(`user index ${userIndex} out of range`);
    return id;
  }
  /** Row range of a user (oldest first). */
  rowsOfUser(userIndex: number): { start: number; end: number } {
    return { start: this.userOffsets[userIndex]!, end: this.userOffsets[userIndex + 1]! };
  }

  history(userIndex: number, store: CatalogStore): UserHistory {
    return new UserHistory(this, store, userIndex);
  }

  /** A new log with the selected rows (a mask of length `length`), sharing the user and context dictionaries. */
  select(mask: Uint8Array): InteractionLog {
    if (mask.length !== this.length) throw new RangeError(`mask has ${mask.length} entries, expected ${this.length}`);
    let kept = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) kept++;
    const c = this.columns;
    const out: InteractionColumns = {
      userIds: c.userIds,
      contexts: c.contexts,
      user: new Int32Array(kept),
      track: new Int32Array(kept),
      timestamp: new Float64Array(kept),
      type: new Uint8Array(kept),
      msPlayed: new Uint32Array(kept),
      count: new Uint32Array(kept),
      context: new Int32Array(kept),
    };
    let k = 0;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) continue;
      out.user[k] = c.user[i]!;
      out.track[k] = c.track[i]!;
      out.timestamp[k] = c.timestamp[i]!;
      out.type[k] = c.type[i]!;
      out.msPlayed[k] = c.msPlayed[i]!;
      out.count[k] = c.count[i]!;
      out.context[k] = c.context[i]!;
      k++;
    }
    return new InteractionLog(out);
  }

  /** Row i as a plain Interaction (needs the store to name the track). */
  getInteraction(row: number, store: CatalogStore): Interaction {
    const c = this.columns;
    const context = c.context[row]!;
    const interaction: Interaction = {
      userId: c.userIds[c.user[row]!]!,
      trackId: store.trackId(c.track[row]!),
      timestamp: c.timestamp[row]!,
      type: INTERACTION_TYPES[c.type[row]!]!,
      msPlayed: c.msPlayed[row]!,
    };
    if (context >= 0) interaction.context = c.contexts[context]!;
    return interaction;
  }

  /**
   * Per-user distinct items with weights, as CSR (items sorted ascending within a user):
   * what collaborative filtering and evaluation consume. `weighting`: "count" sums `count`
   * (Last.fm play counts), "binary" gives 1, "msPlayed" sums milliseconds. Rows whose type is
   * not in `types` (default: every type except skip) are ignored.
   */
  userItemMatrix(options: { types?: readonly InteractionType[]; weighting?: 'count' | 'binary' | 'msPlayed' } = {}): UserItemMatrix {
    const allowed = new Uint8Array(INTERACTION_TYPES.length);
    for (const type of options.types ?? INTERACTION_TYPES.filter((t) => t !== 'skip')) allowed[INTERACTION_TYPE_CODE[type]] = 1;
    const weighting = options.weighting ?? 'count';
    const c = this.columns;
    const userCount = this.userCount;
    const offsets = new Uint32Array(userCount + 1);
    const items = new GrowableArray(Int32Array, this.length);
    const weights = new GrowableArray(Float32Array, this.length);
    const scratchItems = new GrowableArray(Int32Array);
    for (let u = 0; u < userCount; u++) {
      const start = this.userOffsets[u]!;
      const end = this.userOffsets[u + 1]!;
      scratchItems.length = 0;
      for (let i = start; i < end; i++) if (allowed[c.type[i]!]) scratchItems.push(i);
      const rows = scratchItems.toArray();
      // sort this user's rows by track, then merge equal tracks
      const tracks = new Int32Array(rows.length);
      for (let k = 0; k < rows.length; k++) tracks[k] = c.track[rows[k]!]!;
      const order = Int32Array.from(tracks.keys()).sort((a, b) => tracks[a]! - tracks[b]! || a - b);
      let previous = -1;
      for (let k = 0; k < order.length; k++) {
        const row = rows[order[k]!]!;
        const track = c.track[row]!;
        const weight = weighting === 'binary' ? 1 : weighting === 'msPlayed' ? c.msPlayed[row]! : c.count[row]!;
        if (track === previous) {
          if (weighting !== 'binary') weights.set(weights.length - 1, weights.get(weights.length - 1) + weight);
        } else {
          items.push(track);
          weights.push(weight);
          previous = track;
        }
      }
      offsets[u + 1] = items.length;
    }
    return { offsets, items: items.toArray(), weights: weights.toArray() };
  }
}

/** CSR user → items: user u's items are `items[offsets[u] .. offsets[u+1])` with `weights` alongside. */
export interface UserItemMatrix {
  offsets: Uint32Array;
  items: Int32Array;
  weights: Float32Array;
}

const PLAY = INTERACTION_TYPE_CODE.play;
const COMPLETE = INTERACTION_TYPE_CODE.complete;
const SKIP = INTERACTION_TYPE_CODE.skip;
const SAVE = INTERACTION_TYPE_CODE.save;

/** A read-only view of one user's events, newest-first helpers over the log's columns. */
export class UserHistory {
  readonly start: number;
  readonly end: number;

  constructor(
    readonly log: InteractionLog,
    readonly store: CatalogStore,
    readonly userIndex: number,
  ) {
    const range = log.rowsOfUser(userIndex);
    this.start = range.start;
    this.end = range.end;
  }

  get userId(): string {
    return this.log.userId(this.userIndex);
  }
  get eventCount(): number {
    return this.end - this.start;
  }
  /** Timestamp of the latest event, undefined when the user has none. */
  get lastActive(): number | undefined {
    return this.end > this.start ? this.log.columns.timestamp[this.end - 1] : undefined;
  }

  /** Distinct tracks from play/complete events, most recent first. */
  recentPlays(limit = 50): Int32Array {
    return this.distinctNewestFirst((type) => type === PLAY || type === COMPLETE, limit);
  }
  /** Distinct saved tracks, most recent first. */
  saves(limit = Number.POSITIVE_INFINITY): Int32Array {
    return this.distinctNewestFirst((type) => type === SAVE, limit);
  }
  /** Distinct skipped tracks, most recent first. */
  skips(limit = Number.POSITIVE_INFINITY): Int32Array {
    return this.distinctNewestFirst((type) => type === SKIP, limit);
  }
  /** Every distinct track the user touched in a positive way (anything but skip). */
  positiveTracks(): Int32Array {
    return this.distinctNewestFirst((type) => type !== SKIP, Number.POSITIVE_INFINITY);
  }

  /** Artists by summed positive weight (count; saves count triple), highest first. */
  topArtists(limit = 10): { indices: Int32Array; scores: Float32Array } {
    const scores = new Map<number, number>();
    this.forEachPositive((track, weight) => {
      const artists = this.store.artistsOfTrack(track);
      for (let j = 0; j < artists.length; j++) scores.set(artists[j]!, (scores.get(artists[j]!) ?? 0) + weight);
    });
    return topOf(scores, limit);
  }

  /** Genres (track genres and subgenres; artist genres when the track has none), highest first. */
  topGenres(limit = 10): { indices: Int32Array; scores: Float32Array } {
    const scores = new Map<number, number>();
    this.forEachPositive((track, weight) => {
      const { genres, subgenres } = this.store.genresOfTrack(track);
      if (genres.length + subgenres.length === 0) {
        const artistGenres = this.store.genresOfArtist(this.store.trackPrimaryArtist[track]!);
        for (let j = 0; j < artistGenres.length; j++) scores.set(artistGenres[j]!, (scores.get(artistGenres[j]!) ?? 0) + weight);
        return;
      }
      for (let j = 0; j < genres.length; j++) scores.set(genres[j]!, (scores.get(genres[j]!) ?? 0) + weight);
      for (let j = 0; j < subgenres.length; j++) scores.set(subgenres[j]!, (scores.get(subgenres[j]!) ?? 0) + weight);
    });
    return topOf(scores, limit);
  }

  private forEachPositive(visit: (track: number, weight: number) => void): void {
    const c = this.log.columns;
    for (let i = this.start; i < this.end; i++) {
      const type = c.type[i]!;
      if (type === SKIP) continue;
      visit(c.track[i]!, type === SAVE ? 3 * c.count[i]! : c.count[i]!);
    }
  }

  private distinctNewestFirst(accept: (type: number) => boolean, limit: number): Int32Array {
    const c = this.log.columns;
    const seen = new Set<number>();
    const out = new GrowableArray(Int32Array, 64);
    for (let i = this.end - 1; i >= this.start && out.length < limit; i--) {
      if (!accept(c.type[i]!)) continue;
      const track = c.track[i]!;
      if (seen.has(track)) continue;
      seen.add(track);
      out.push(track);
    }
    return out.toArray();
  }
}

function topOf(scores: Map<number, number>, limit: number): { indices: Int32Array; scores: Float32Array } {
  const entries = [...scores.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, limit);
  return { indices: Int32Array.from(entries, (e) => e[0]), scores: Float32Array.from(entries, (e) => e[1]) };
}

/** Stable sort of all columns by (user, timestamp) — skipped when already in order. */
function sortByUserAndTime(columns: InteractionColumns): InteractionColumns {
  const { user, timestamp } = columns;
  const rows = user.length;
  let sorted = true;
  for (let i = 1; i < rows && sorted; i++) {
    const du = user[i]! - user[i - 1]!;
    if (du < 0 || (du === 0 && timestamp[i]! < timestamp[i - 1]!)) sorted = false;
  }
  if (sorted) return columns;
  // counting sort by user (stable), then sort each user's segment by time where needed
  const userCount = columns.userIds.length;
  const offsets = new Uint32Array(userCount + 1);
  for (let i = 0; i < rows; i++) offsets[user[i]! + 1]!++;
  for (let u = 0; u < userCount; u++) offsets[u + 1]! += offsets[u]!;
  const cursor = offsets.slice(0, userCount);
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[cursor[user[i]!]!++] = i;
  for (let u = 0; u < userCount; u++) {
    const start = offsets[u]!;
    const end = offsets[u + 1]!;
    let inOrder = true;
    for (let k = start + 1; k < end && inOrder; k++) if (timestamp[order[k]!]! < timestamp[order[k - 1]!]!) inOrder = false;
    if (!inOrder) order.subarray(start, end).sort((a, b) => timestamp[a]! - timestamp[b]! || a - b);
  }
  return {
    userIds: columns.userIds,
    contexts: columns.contexts,
    user: permute(columns.user, order),
    track: permute(columns.track, order),
    timestamp: permute(columns.timestamp, order),
    type: permute(columns.type, order),
    msPlayed: permute(columns.msPlayed, order),
    count: permute(columns.count, order),
    context: permute(columns.context, order),
  };
}

function permute<T extends Int32Array | Float64Array | Uint8Array | Uint32Array>(values: T, order: Int32Array): T {
  const out = new (values.constructor as new (length: number) => T)(values.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!]!;
  return out;
}
