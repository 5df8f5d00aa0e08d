// Where a next-item model wins and loses: each held-out target of a synthetic snapshot labelled by
// the generator's ground truth (how the session chose it: album continuation, artist run, …), by
// whether a skipped play sat between it and the query's last item (skips are not in the
// sequences), and by its catalog relation to that last item. Reports NDCG@10 per label.
import type { CatalogStore, GroundTruthSequence, InteractionLog } from '@mixtape/catalog';
import { INTERACTION_TYPE_CODE, SEQUENCE_TRANSITIONS } from '@mixtape/catalog';
import { parseSideInputLevels } from '@mixtape/sequence';
import type { SideInputLevel, TransitionPriorSettings } from '@mixtape/sequence';
import { DEFAULT_TRAINING_PRIOR } from './models/sasrec';

export type TargetRelation = 'album next' | 'album other' | 'same artist' | 'same genre' | 'other';

export interface NextItemTargetLabel {
  /** the generator's SEQUENCE_TRANSITIONS name of the target event (albumNext, artistRun, …) */
  transition: string;
  /** a skipped play of the listener sat between the query's last item and the target */
  skipBefore: boolean;
  /** the target is the catalog's next track of the last item's album, another of its tracks, … */
  relation: TargetRelation;
}

const TRANSITION_NAMES = new Map<number, string>(Object.entries(SEQUENCE_TRANSITIONS).map(([name, code]) => [code, name]));

/**
 * Labels the target at `positions[q]` of row `rows[q]` of `sequences` (rows = the log's users; a
 * row = their non-skip events in time order with consecutive repeats merged, as the eval splits
 * build it). The row's items are checked against the log, so a mismatched snapshot is refused.
 */
export function labelNextItemTargets(
  log: InteractionLog,
  truth: GroundTruthSequence,
  store: CatalogStore,
  sequences: { indptr: Int32Array; indices: Int32Array },
  rows: ArrayLike<number>,
  positions: ArrayLike<number>,
): NextItemTargetLabel[] {
  const { user, track, timestamp, type } = log.columns;
  if (truth.transition.length !== user.length) throw new RangeError(`ground truth: ${truth.transition.length} transitions for ${user.length} log events`);
  // events per user in time order (ties by log order), as entriesByTime orders them
  const offsets = new Int32Array(log.userCount + 1);
  for (let e = 0; e < user.length; e++) offsets[user[e]! + 1]!++;
  for (let u = 0; u < log.userCount; u++) offsets[u + 1]! += offsets[u]!;
  const events = new Int32Array(user.length);
  const fill = offsets.slice(0, log.userCount);
  for (let e = 0; e < user.length; e++) events[fill[user[e]!]!++] = e;
  const skip = INTERACTION_TYPE_CODE.skip;
  const album = store.columns.trackAlbum;
  const genreOf = (t: number) => store.columns.trackGenres[store.columns.trackGenreOffsets[t]!];
  return Array.from(rows, (row, q) => {
    const list = Array.from(events.subarray(offsets[row]!, offsets[row + 1]!)).sort((a, b) => timestamp[a]! - timestamp[b]! || a - b);
    const position = positions[q]!;
    if (!(position >= 1)) throw new RangeError(`row ${row}: target position ${position}, expected ≥ 1 (the target needs a previous item)`);
    // merged non-skip events up to the target, and where each sits in `list`
    const merged: number[] = [];
    const at: number[] = [];
    for (let k = 0; k < list.length && merged.length <= position; k++) {
      const e = list[k]!;
      if (type[e] === skip || (merged.length > 0 && track[merged[merged.length - 1]!] === track[e])) continue;
      merged.push(e);
      at.push(k);
    }
    const start = sequences.indptr[row]!;
    if (merged.length <= position || start + position >= sequences.indptr[row + 1]!) throw new RangeError(`row ${row}: position ${position} is past the row's ${merged.length} merged log events`);
    for (let p = 0; p <= position; p++) {
      if (track[merged[p]!] !== sequences.indices[start + p]) throw new RangeError(`row ${row}, position ${p}: the sequence has item ${sequences.indices[start + p]} but the log's event has track ${track[merged[p]!]} — not the split of this log`);
    }
    const targetEvent = merged[position]!;
    const target = track[targetEvent]!;
    const last = track[merged[position - 1]!]!;
    let skipBefore = false;
    for (let k = at[position - 1]! + 1; k < at[position]! && !skipBefore; k++) skipBefore = type[list[k]!] === skip;
    let relation: TargetRelation = 'other';
    if (album[target]! >= 0 && album[target] === album[last]) {
      const order = store.tracksByAlbum(album[last]!);
      relation = order.indexOf(target) === order.indexOf(last) + 1 ? 'album next' : 'album other';
    } else if (store.trackPrimaryArtist[target] === store.trackPrimaryArtist[last]) relation = 'same artist';
    else if (genreOf(target) !== undefined && genreOf(target) === genreOf(last)) relation = 'same genre';
    return { transition: TRANSITION_NAMES.get(truth.transition[targetEvent]!) ?? `code ${truth.transition[targetEvent]}`, skipBefore, relation };
  });
}

/** Markdown table of the mean per group (and the group's sum, i.e. its share of the total) for each scored column. */
export function breakdownTable(title: string, groupOf: (q: number) => string, rows: number, columns: Record<string, ArrayLike<number>>): string {
  const groups = new Map<string, number[]>();
  for (let q = 0; q < rows; q++) {
    const key = groupOf(q);
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(q);
  }
  const names = Object.keys(columns);
  const lines = [`| ${title} | rows | ${names.join(' | ')} |`, `| --- | ---: | ${names.map(() => '---:').join(' | ')} |`];
  for (const [key, members] of [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))) {
    const cells = names.map((name) => {
      let sum = 0;
      for (const q of members) sum += columns[name]![q]!;
      return `${(sum / members.length).toFixed(4)} (${sum.toFixed(1)})`;
    });
    lines.push(`| ${key} | ${members.length} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** What `diagnose:next-items --train NAME=FILE:key=value…` trains (eval's sasrec defaults otherwise). */
export interface DiagnoseTraining {
  epochs: number;
  patience: number;
  trainWithPrior: TransitionPriorSettings | 'alone' | undefined;
  sideInputs: SideInputLevel[];
  /** checkpoint file (resumed when it exists): a short screen can be continued to a longer run — the result is the uninterrupted run's, so it is not part of the recipe */
  checkpoint?: string;
  /** the options as recorded in the model file (`diagnoseTraining`), compared before a file is reused */
  recipe: { epochs: number; patience: number; trainWithPrior: string; sideInputs: string };
}

const TRAIN_KEYS = ['epochs', 'patience', 'trainWithPrior', 'sideInputs', 'checkpoint'];

/** Parses `--train`'s key=value pairs; an unknown key or a bad value is refused, naming the spec. */
export function diagnoseTrainingOf(name: string, given: Record<string, string>): DiagnoseTraining {
  for (const key of Object.keys(given)) {
    if (!TRAIN_KEYS.includes(key)) throw new RangeError(`--train ${name}: unknown option "${key}"; expected ${TRAIN_KEYS.join(', ')}`);
  }
  const integer = (key: string, fallback: number): number => {
    const value = given[key] === undefined ? fallback : Number(given[key]);
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`--train ${name}: ${key} must be an integer ≥ 1, got "${given[key]}"`);
    return value;
  };
  const prior = given.trainWithPrior ?? 'default';
  if (!['alone', 'none', 'default'].includes(prior)) throw new RangeError(`--train ${name}: trainWithPrior must be "alone", "none" or "default", got "${prior}"`);
  const sideInputs = given.sideInputs === undefined ? [] : parseSideInputLevels(given.sideInputs, `--train ${name}: sideInputs`);
  const epochs = integer('epochs', 12);
  const patience = integer('patience', 3);
  return {
    epochs,
    patience,
    trainWithPrior: prior === 'alone' ? 'alone' : prior === 'none' ? undefined : DEFAULT_TRAINING_PRIOR,
    sideInputs,
    ...(given.checkpoint ? { checkpoint: given.checkpoint } : {}),
    recipe: { epochs, patience, trainWithPrior: prior, sideInputs: sideInputs.join('+') || 'none' },
  };
}

/**
 * Refuses to reuse a model file trained otherwise: `stored` is the file's recorded recipe
 * (`meta.diagnoseTraining`, absent in files of other tools), `wanted` this run's (the training
 * options plus the validation rows, seed and back-off levels).
 */
export function checkDiagnoseRecipe(file: string, name: string, stored: unknown, wanted: Record<string, unknown>): void {
  const have = stored === undefined ? undefined : JSON.stringify(stored);
  if (have !== JSON.stringify(wanted)) {
    throw new RangeError(`${file}: exists, trained with ${have ?? 'no recorded diagnose options'}, but --train ${name} asks for ${JSON.stringify(wanted)}; remove the file or name another`);
  }
}
