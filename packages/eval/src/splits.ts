// Train/test splits. Every split returns train and test in the same row space (users,
// playlists) so that a model is fitted on `train` and each evaluated row is queried with its
// training row; a test item is never in that row's training items (checked by tests).
import type { CsrMatrix } from '@mixtape/embeddings';
import { buildCsr, sortAndMergeRows } from '@mixtape/embeddings';
import { Random, withDefaults } from '@mixtape/base';

export interface Split {
  train: CsrMatrix;
  test: CsrMatrix;
  /**
   * The training part of every row in time order (consecutive repeats of one item merged), for
   * sequence models; same row space as `train`. Only splits of timed data have it.
   */
  sequences?: CsrMatrix;
  /** Rows that have at least one test item, ascending: the evaluated users / playlists. */
  evalRows: Int32Array;
  /** One line describing the protocol, printed in every report. */
  protocol: string;
  /**
   * When the split knows the order of events: the latest training time (or playlist position)
   * of each train entry, aligned with `train.indices`. Models that use recency read it; it
   * never includes a test event.
   */
  trainTime?: Float64Array;
}

class CooBuilder {
  rowIndex: Int32Array;
  colIndex: Int32Array;
  values: Float32Array;
  length = 0;
  constructor(capacity: number) {
    this.rowIndex = new Int32Array(Math.max(capacity, 16));
    this.colIndex = new Int32Array(Math.max(capacity, 16));
    this.values = new Float32Array(Math.max(capacity, 16));
  }
  push(row: number, col: number, value: number): void {
    if (this.length === this.rowIndex.length) {
      const grow = <T extends Int32Array | Float32Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.rowIndex = grow(this.rowIndex, (n) => new Int32Array(n));
      this.colIndex = grow(this.colIndex, (n) => new Int32Array(n));
      this.values = grow(this.values, (n) => new Float32Array(n));
    }
    this.rowIndex[this.length] = row;
    this.colIndex[this.length] = col;
    this.values[this.length] = value;
    this.length++;
  }
  /** The latest `times[e]` pushed for each entry of `matrix` (built from this builder), aligned with its indices. */
  latestTimes(matrix: CsrMatrix, times: Float64Array): Float64Array {
    const out = new Float64Array(matrix.indices.length).fill(Number.NEGATIVE_INFINITY);
    for (let e = 0; e < this.length; e++) {
      const row = this.rowIndex[e]!;
      const col = this.colIndex[e]!;
      let low = matrix.indptr[row]!;
      let high = matrix.indptr[row + 1]! - 1;
      while (low < high) {
        const middle = (low + high) >>> 1;
        if (matrix.indices[middle]! < col) low = middle + 1;
        else high = middle;
      }
      if (times[e]! > out[low]!) out[low] = times[e]!;
    }
    return out;
  }
  build(rows: number, cols: number): CsrMatrix {
    return buildCsr(
      {
        rowIndex: this.rowIndex.subarray(0, this.length),
        colIndex: this.colIndex.subarray(0, this.length),
        values: this.values.subarray(0, this.length),
      },
      { rows, cols, duplicates: 'sum' },
    );
  }
}

function evalRowsOf(test: CsrMatrix): Int32Array {
  let count = 0;
  for (let r = 0; r < test.rows; r++) if (test.indptr[r + 1]! > test.indptr[r]!) count++;
  const rows = new Int32Array(count);
  let w = 0;
  for (let r = 0; r < test.rows; r++) if (test.indptr[r + 1]! > test.indptr[r]!) rows[w++] = r;
  return rows;
}

function checkFraction(name: string, value: number): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be in (0, 1), got ${value}`);
}

/** What every randomly drawn split takes. */
export interface SeededSplitOptions {
  /** Seed of the random draws (default 42): the same seed and data give the same split. */
  seed?: number;
}

export interface UserHoldoutOptions extends SeededSplitOptions {
  /** Share of each user's distinct items held out (default 0.2), rounded, at least 1. */
  testFraction?: number;
  /** Users with fewer distinct items stay in training and are not evaluated (default 5). */
  minItems?: number;
}

const USER_HOLDOUT_DEFAULTS: Required<UserHoldoutOptions> = { testFraction: 0.2, minItems: 5, seed: 42 };

/** User-level random holdout: for each user with ≥ minItems items, a seeded random 20% goes to test. */
export function userHoldoutSplit(interactions: CsrMatrix, options: UserHoldoutOptions = {}): Split {
  const { testFraction, minItems, seed } = withDefaults(USER_HOLDOUT_DEFAULTS, options);
  checkFraction('testFraction', testFraction);
  const matrix = sortAndMergeRows(interactions, 'sum');
  const rng = new Random(seed, 'xoshiro128**');
  const train = new CooBuilder(matrix.indices.length);
  const test = new CooBuilder(Math.ceil(matrix.indices.length * testFraction) + matrix.rows);
  let scratch = new Int32Array(64);
  let evaluatedUsers = 0;
  for (let r = 0; r < matrix.rows; r++) {
    const start = matrix.indptr[r]!;
    const length = matrix.indptr[r + 1]! - start;
    if (length < minItems) {
      for (let e = start; e < start + length; e++) train.push(r, matrix.indices[e]!, matrix.values[e]!);
      continue;
    }
    evaluatedUsers++;
    if (scratch.length < length) scratch = new Int32Array(length * 2);
    const order = scratch.subarray(0, length);
    for (let t = 0; t < length; t++) order[t] = start + t;
    rng.shuffle(order);
    const held = Math.max(1, Math.round(length * testFraction));
    for (let t = 0; t < length; t++) {
      const e = order[t]!;
      (t < held ? test : train).push(r, matrix.indices[e]!, matrix.values[e]!);
    }
  }
  const testMatrix = test.build(matrix.rows, matrix.cols);
  return {
    train: train.build(matrix.rows, matrix.cols),
    test: testMatrix,
    evalRows: evalRowsOf(testMatrix),
    protocol:
      `user-level random holdout: ${Math.round(testFraction * 100)}% of each user's items (seed ${seed}), ` +
      `${evaluatedUsers} users with ≥ ${minItems} items evaluated`,
  };
}

/** Interactions with timestamps, as parallel columns. */
export interface TimedInteractions {
  user: Int32Array;
  item: Int32Array;
  /** Any monotone time (epoch ms). */
  time: Float64Array;
  weight?: Float32Array;
  numUsers: number;
  numItems: number;
}

export interface TemporalSplitOptions {
  /** How many of each user's most recent interactions become test targets (default 5). */
  lastN?: number;
  /** Users with fewer interactions are kept in training only (default lastN + 5). */
  minInteractions?: number;
}

/** Every row's entries ordered by time (ties by input order): a CSR of entry indices. */
function entriesByTime(data: TimedInteractions): CsrMatrix {
  const n = data.user.length;
  if (data.item.length !== n || data.time.length !== n || (data.weight && data.weight.length !== n)) {
    throw new RangeError('timed interactions: user, item, time (and weight) columns must have equal lengths');
  }
  for (let e = 0; e < n; e++) {
    const item = data.item[e]!;
    if (item < 0 || item >= data.numItems) throw new RangeError(`timed interactions: entry ${e} has item ${item}, expected 0..${data.numItems - 1}`);
  }
  const entries = buildCsr(
    { rowIndex: data.user, colIndex: new Int32Array(n).map((_, e) => e) },
    { rows: data.numUsers, cols: Math.max(n, 1), duplicates: 'keep' },
  );
  for (let u = 0; u < data.numUsers; u++) {
    entries.indices.subarray(entries.indptr[u]!, entries.indptr[u + 1]!).sort((a, b) => data.time[a]! - data.time[b]! || a - b);
  }
  return entries;
}

/** Appends rows of ordered items, merging consecutive repeats (a play followed by a save of it is one step). */
class SequenceBuilder {
  private items: number[] = [];
  private readonly indptr: Int32Array;
  constructor(
    private readonly rows: number,
    private readonly cols: number,
  ) {
    this.indptr = new Int32Array(rows + 1);
  }
  /** Items of row `row` in order; rows must be added in ascending order. */
  setRow(row: number, items: ArrayLike<number>, length: number): void {
    for (let r = row; r < this.rows; r++) this.indptr[r + 1] = this.items.length;
    for (let t = 0; t < length; t++) {
      const item = items[t]!;
      if (t > 0 && items[t - 1] === item) continue;
      this.items.push(item);
    }
    for (let r = row; r < this.rows; r++) this.indptr[r + 1] = this.items.length;
  }
  build(): CsrMatrix {
    const indices = Int32Array.from(this.items);
    return { rows: this.rows, cols: this.cols, indptr: this.indptr, indices, values: new Float32Array(indices.length).fill(1) };
  }
}

/**
 * Temporal last-N split: each user's last N interactions (by time) are the test; everything
 * before is training. Test items the user already had earlier are dropped from the test
 * (seen items are excluded from recommendations, so a re-listen cannot be a hit).
 */
export function temporalLastNSplit(data: TimedInteractions, options: TemporalSplitOptions = {}): Split {
  const lastN = options.lastN ?? 5;
  const minInteractions = options.minInteractions ?? lastN + 5;
  const n = data.user.length;
  const entries = entriesByTime(data);
  const train = new CooBuilder(n);
  const trainTimes = new Float64Array(n);
  const test = new CooBuilder(data.numUsers * lastN);
  const sequences = new SequenceBuilder(data.numUsers, data.numItems);
  const seenInTrain = new Uint8Array(data.numItems);
  let scratch = new Int32Array(64);
  let droppedRepeats = 0;
  let evaluatedUsers = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const start = entries.indptr[u]!;
    const length = entries.indptr[u + 1]! - start;
    const order = entries.indices.subarray(start, start + length);
    const cut = length >= minInteractions ? length - lastN : length;
    if (cut < length) evaluatedUsers++;
    if (scratch.length < cut) scratch = new Int32Array(cut * 2);
    for (let t = 0; t < cut; t++) {
      const e = order[t]!;
      const item = data.item[e]!;
      seenInTrain[item] = 1;
      scratch[t] = item;
      trainTimes[train.length] = data.time[e]!;
      train.push(u, item, data.weight ? data.weight[e]! : 1);
    }
    sequences.setRow(u, scratch, cut);
    for (let t = cut; t < length; t++) {
      const item = data.item[order[t]!]!;
      if (seenInTrain[item] === 1) droppedRepeats++;
      else test.push(u, item, 1);
    }
    for (let t = 0; t < cut; t++) seenInTrain[data.item[order[t]!]!] = 0;
  }
  const testMatrix = sortAndMergeRows(test.build(data.numUsers, data.numItems), 'max');
  const trainMatrix = train.build(data.numUsers, data.numItems);
  return {
    train: trainMatrix,
    test: testMatrix,
    sequences: sequences.build(),
    evalRows: evalRowsOf(testMatrix),
    trainTime: train.latestTimes(trainMatrix, trainTimes),
    protocol:
      `temporal last-${lastN}: each user's last ${lastN} interactions by time are the test, earlier ones train; ` +
      `${evaluatedUsers} users with ≥ ${minInteractions} interactions; ${droppedRepeats} test repeats of already-seen items dropped`,
  };
}

export interface LeaveOneOutOptions {
  /** Rows with fewer items (after merging consecutive repeats) stay in training only (default 3). */
  minLength?: number;
  /**
   * Validation split: the second-to-last item is the target, the last is not used at all
   * (SASRec's protocol for choosing hyper-parameters and epochs).
   */
  validation?: boolean;
}

/**
 * Leave-one-out (the SASRec protocol): each row's items in time order, consecutive repeats
 * merged; the last item is the test, everything before it trains (and is the query). A row whose
 * last item already occurred earlier is not evaluated (seen items are excluded from rankings).
 */
export function leaveOneOutSplit(data: TimedInteractions, options: LeaveOneOutOptions = {}): Split {
  const minLength = options.minLength ?? 3;
  const entries = entriesByTime(data);
  const train = new CooBuilder(data.user.length);
  const test = new CooBuilder(data.numUsers);
  const sequences = new SequenceBuilder(data.numUsers, data.numItems);
  let items = new Int32Array(64);
  let weights = new Float32Array(64);
  let evaluated = 0;
  let repeats = 0;
  let short = 0;
  for (let u = 0; u < data.numUsers; u++) {
    const start = entries.indptr[u]!;
    const length = entries.indptr[u + 1]! - start;
    if (items.length < length) {
      items = new Int32Array(length * 2);
      weights = new Float32Array(length * 2);
    }
    // merge consecutive repeats, summing their weights
    let merged = 0;
    for (let t = 0; t < length; t++) {
      const e = entries.indices[start + t]!;
      const weight = data.weight ? data.weight[e]! : 1;
      if (merged > 0 && items[merged - 1] === data.item[e]) weights[merged - 1]! += weight;
      else {
        items[merged] = data.item[e]!;
        weights[merged++] = weight;
      }
    }
    if (options.validation && merged > 0) merged--; // the real test item is never seen
    let cut = merged;
    if (merged >= minLength) {
      const target = items[merged - 1]!;
      let repeat = false;
      for (let t = 0; t < merged - 1 && !repeat; t++) repeat = items[t] === target;
      cut = merged - 1;
      if (repeat) repeats++;
      else {
        test.push(u, target, 1);
        evaluated++;
      }
    } else if (merged > 0) short++;
    for (let t = 0; t < cut; t++) train.push(u, items[t]!, weights[t]!);
    sequences.setRow(u, items, cut);
  }
  const testMatrix = test.build(data.numUsers, data.numItems);
  const which = options.validation ? 'second-to-last item (VALIDATION; the last is unused)' : 'last item';
  return {
    train: train.build(data.numUsers, data.numItems),
    test: testMatrix,
    sequences: sequences.build(),
    evalRows: evalRowsOf(testMatrix),
    protocol:
      `leave-one-out (SASRec): each row's items in time order with consecutive repeats merged; the ${which} is the test, ` +
      `every earlier item trains and is the query; ${evaluated} rows evaluated, ${repeats} rows whose target repeats an earlier item ` +
      `and ${short} rows with < ${minLength} items not evaluated`,
  };
}

export interface PlaylistContinuationOptions extends SeededSplitOptions {
  /** Share of eligible playlists used as test playlists (default 0.1). */
  testFraction?: number;
  /** Share of each test playlist hidden from its end (default 0.2), rounded, at least 1. */
  hideFraction?: number;
  /** Playlists with fewer tracks are never test playlists (default 5). */
  minTracks?: number;
}

const PLAYLIST_CONTINUATION_DEFAULTS: Required<PlaylistContinuationOptions> = { testFraction: 0.1, hideFraction: 0.2, minTracks: 5, seed: 42 };

/**
 * Playlist continuation: a seeded random share of playlists are test playlists; the last 20%
 * of each (by position) is hidden, the rest are its seeds. Training = all other playlists in
 * full + the seeds of test playlists. `playlists` must keep tracks in playlist order
 * (build it with duplicates: 'keep').
 */
export function playlistContinuationSplit(playlists: CsrMatrix, options: PlaylistContinuationOptions = {}): Split {
  const { testFraction, hideFraction, minTracks, seed } = withDefaults(PLAYLIST_CONTINUATION_DEFAULTS, options);
  checkFraction('testFraction', testFraction);
  checkFraction('hideFraction', hideFraction);
  const eligible: number[] = [];
  for (let p = 0; p < playlists.rows; p++) if (playlists.indptr[p + 1]! - playlists.indptr[p]! >= minTracks) eligible.push(p);
  const order = new Random(seed, 'xoshiro128**').shuffle(Int32Array.from(eligible));
  const isTest = new Uint8Array(playlists.rows);
  const testCount = Math.round(order.length * testFraction);
  for (let t = 0; t < testCount; t++) isTest[order[t]!] = 1;
  const train = new CooBuilder(playlists.indices.length);
  const trainPositions = new Float64Array(playlists.indices.length);
  const test = new CooBuilder(playlists.indices.length * hideFraction + playlists.rows);
  const inSeeds = new Uint8Array(playlists.cols);
  for (let p = 0; p < playlists.rows; p++) {
    const start = playlists.indptr[p]!;
    const end = playlists.indptr[p + 1]!;
    const cut = isTest[p] === 1 ? end - Math.max(1, Math.round((end - start) * hideFraction)) : end;
    for (let e = start; e < cut; e++) {
      inSeeds[playlists.indices[e]!] = 1;
      trainPositions[train.length] = e - start;
      train.push(p, playlists.indices[e]!, playlists.values[e]!);
    }
    for (let e = cut; e < end; e++) if (inSeeds[playlists.indices[e]!] === 0) test.push(p, playlists.indices[e]!, 1);
    for (let e = start; e < cut; e++) inSeeds[playlists.indices[e]!] = 0;
  }
  const testMatrix = sortAndMergeRows(test.build(playlists.rows, playlists.cols), 'max');
  const trainMatrix = train.build(playlists.rows, playlists.cols);
  return {
    train: trainMatrix,
    test: testMatrix,
    evalRows: evalRowsOf(testMatrix),
    trainTime: train.latestTimes(trainMatrix, trainPositions),
    protocol:
      `playlist continuation: ${testCount} test playlists (${Math.round(testFraction * 100)}% of those with ≥ ${minTracks} tracks, seed ${seed}); ` +
      `last ${Math.round(hideFraction * 100)}% of each hidden, the rest are seeds; other playlists train in full`,
  };
}
