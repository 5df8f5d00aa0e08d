// Train/test splits over an InteractionLog, deterministic by seed. Both halves keep the same
// user dictionary, so user index u means the same person in train and test.
import { INTERACTION_TYPES } from './model';
import type { InteractionType } from './model';
import { INTERACTION_TYPE_CODE } from './interactions';
import type { InteractionLog } from './interactions';
import { Random } from '@mixtape/base';

export interface Split {
  train: InteractionLog;
  test: InteractionLog;
  /** users that contributed at least one test row */
  testUsers: Int32Array;
}

const DEFAULT_TEST_TYPES: readonly InteractionType[] = ['play', 'complete', 'save', 'playlist_add'];

function typeMask(types: readonly InteractionType[]): Uint8Array {
  const mask = new Uint8Array(INTERACTION_TYPES.length);
  for (const type of types) mask[INTERACTION_TYPE_CODE[type]] = 1;
  return mask;
}

function finish(log: InteractionLog, testMask: Uint8Array, trainMask: Uint8Array): Split {
  const test = log.select(testMask);
  const users: number[] = [];
  for (let u = 0; u < test.userCount; u++) if (test.userOffsets[u + 1]! > test.userOffsets[u]!) users.push(u);
  return { train: log.select(trainMask), test, testUsers: Int32Array.from(users) };
}

export interface LeaveLastNOptions {
  /** test events per user (default 1) */
  n?: number;
  /** which event types can be test targets (default: everything but skip) */
  testTypes?: readonly InteractionType[];
  /** users need at least this many eligible events to be split (default n + 1); others stay in train */
  minEvents?: number;
}

/**
 * Per-user temporal leave-last-N: each user's last N eligible events are the test set; train
 * keeps only what happened before the first of them (so nothing from the test period leaks).
 */
export function splitLeaveLastN(log: InteractionLog, options: LeaveLastNOptions = {}): Split {
  const n = options.n ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  const minEvents = options.minEvents ?? n + 1;
  const eligible = typeMask(options.testTypes ?? DEFAULT_TEST_TYPES);
  const type = log.columns.type;
  const trainMask = new Uint8Array(log.length);
  const testMask = new Uint8Array(log.length);
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    let eligibleCount = 0;
    for (let i = start; i < end; i++) if (eligible[type[i]!]) eligibleCount++;
    if (eligibleCount < minEvents) {
      trainMask.fill(1, start, end);
      continue;
    }
    let taken = 0;
    let firstTest = end;
    for (let i = end - 1; i >= start && taken < n; i--) {
      if (!eligible[type[i]!]) continue;
      testMask[i] = 1;
      taken++;
      firstTest = i;
    }
    trainMask.fill(1, start, firstTest);
  }
  return finish(log, testMask, trainMask);
}

export interface RandomHoldoutOptions {
  /** share of each user's distinct items held out (default 0.2) */
  fraction?: number;
  seed?: number;
  /** users with fewer distinct eligible items stay entirely in train (default 5) */
  minItems?: number;
  testTypes?: readonly InteractionType[];
}

/**
 * Random per-user holdout by item: for each user, round(fraction × distinct items) items (at
 * least one) go to test with every row that touches them, so a held-out item is never seen in
 * training. Deterministic by seed.
 */
export function splitRandomHoldout(log: InteractionLog, options: RandomHoldoutOptions = {}): Split {
  const fraction = options.fraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new RangeError(`fraction must be in (0, 1), got ${fraction}`);
  const minItems = options.minItems ?? 5;
  const random = new Random(options.seed ?? 42);
  const eligible = typeMask(options.testTypes ?? DEFAULT_TEST_TYPES);
  const { type, track } = log.columns;
  const trainMask = new Uint8Array(log.length);
  const testMask = new Uint8Array(log.length);
  const heldOut = new Set<number>();
  for (let u = 0; u < log.userCount; u++) {
    const { start, end } = log.rowsOfUser(u);
    // distinct eligible items in first-seen order (deterministic)
    const seen = new Set<number>();
    for (let i = start; i < end; i++) if (eligible[type[i]!]) seen.add(track[i]!);
    if (seen.size < minItems) {
      trainMask.fill(1, start, end);
      continue;
    }
    const items = Int32Array.from(seen);
    const testCount = Math.max(1, Math.round(fraction * items.length));
    // partial Fisher–Yates: the first testCount positions are a uniform sample
    for (let k = 0; k < testCount; k++) {
      const j = k + random.int(items.length - k);
      const swap = items[k]!;
      items[k] = items[j]!;
      items[j] = swap;
    }
    heldOut.clear();
    for (let k = 0; k < testCount; k++) heldOut.add(items[k]!);
    for (let i = start; i < end; i++) {
      if (heldOut.has(track[i]!)) testMask[i] = eligible[type[i]!]!;
      else trainMask[i] = 1;
    }
  }
  return finish(log, testMask, trainMask);
}

export interface TimeCutoffOptions {
  /** epoch ms, Date or ISO text: events before it train, events at or after it test */
  cutoff: number | Date | string;
  testTypes?: readonly InteractionType[];
}

/** Global time cutoff. */
export function splitByTime(log: InteractionLog, options: TimeCutoffOptions): Split {
  const cutoff =
    typeof options.cutoff === 'number' ? options.cutoff : options.cutoff instanceof Date ? options.cutoff.getTime() : Date.parse(options.cutoff);
  if (Number.isNaN(cutoff)) throw new RangeError(`cutoff "${String(options.cutoff)}" is not a date`);
  const eligible = typeMask(options.testTypes ?? DEFAULT_TEST_TYPES);
  const { type, timestamp } = log.columns;
  const trainMask = new Uint8Array(log.length);
  const testMask = new Uint8Array(log.length);
  for (let i = 0; i < log.length; i++) {
    if (timestamp[i]! < cutoff) trainMask[i] = 1;
    else testMask[i] = eligible[type[i]!]!;
  }
  return finish(log, testMask, trainMask);
}
