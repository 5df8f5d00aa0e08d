// First-order transition baseline: the next item after the query's last item is scored by how
// often it followed that item in the training sequences (last item → most frequent successors);
// popularity breaks ties and ranks items the last item never led to. Sequence models must beat
// it on full-catalog metrics before their extra machinery counts.
import type { CsrMatrix } from '@mixtape/embeddings';
import { buildCsr, columnCounts } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted, requireSequences } from '../recommender';

interface TransitionState {
  numItems: number;
  /** successors[i] = items that followed i, with counts as values */
  successors: CsrMatrix;
  /** popularity scaled into [0, 0.5): below one observed transition */
  prior: Float32Array;
}

export class TransitionRecommender extends ScoringRecommender {
  readonly name = 'transition (first-order: last item → most frequent successors)';
  private state: TransitionState | undefined;

  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    const sequences = requireSequences(context.sequences, 'transition');
    let pairs = 0;
    for (let r = 0; r < sequences.rows; r++) pairs += Math.max(0, sequences.indptr[r + 1]! - sequences.indptr[r]! - 1);
    const from = new Int32Array(pairs);
    const to = new Int32Array(pairs);
    let p = 0;
    for (let r = 0; r < sequences.rows; r++) {
      for (let e = sequences.indptr[r]!; e + 1 < sequences.indptr[r + 1]!; e++) {
        from[p] = sequences.indices[e]!;
        to[p++] = sequences.indices[e + 1]!;
      }
    }
    const successors = buildCsr({ rowIndex: from, colIndex: to }, { rows: train.cols, cols: train.cols, duplicates: 'sum' });
    const prior = popularityBelow(train, 0.5);
    this.notes = `${pairs} transitions between consecutive training items`;
    this.state = { numItems: train.cols, successors, prior };
  }

  protected get numItems(): number {
    return assertFitted(this.state, this.name).numItems;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const { numItems, successors, prior } = assertFitted(this.state, this.name);
    const sequences = requireSequences(batch.sequences, 'transition');
    for (let b = 0; b < batch.rows.length; b++) {
      const row = batch.rows[b]!;
      const base = b * numItems;
      out.set(prior, base);
      const end = sequences.indptr[row + 1]!;
      if (end === sequences.indptr[row]!) continue;
      const last = sequences.indices[end - 1]!;
      for (let e = successors.indptr[last]!; e < successors.indptr[last + 1]!; e++) out[base + successors.indices[e]!]! += successors.values[e]!;
    }
  }
}

/** Each item's listener count scaled into [0, scale): a tie-break below the scores it sits under. */
export function popularityBelow(train: CsrMatrix, scale: number): Float32Array {
  const users = columnCounts(train);
  let max = 0;
  for (const count of users) max = Math.max(max, count);
  return Float32Array.from(users, (count) => (scale * count) / (max + 1));
}

export function createTransitionRecommender(): TransitionRecommender {
  return new TransitionRecommender();
}
