// A weighted blend of score-based models. Scores live on different scales (EASE weights,
// ALS dot products, summed cosines), so each component's scores are first mapped per query to
// (s − s₁₀₀) / (s₁ − s₁₀₀), where s₁ and s₁₀₀ are its best and 100th-best scores among the
// items the query may receive: the head of every list lands on [0, 1] and the order of each
// component is kept. Weights are chosen on a validation split, never on test items.
import type { CsrMatrix } from '@mixtape/embeddings';
import type { FitContext, QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';
import { selectTopK } from '@mixtape/base';

export interface BlendComponent {
  model: ScoringRecommender;
  weight: number;
}

export interface BlendOptions {
  /** Rank of the reference score used for normalisation (default 100). */
  referenceRank?: number;
}

export class BlendRecommender extends ScoringRecommender {
  readonly name: string;
  private readonly referenceRank: number;
  private fittedItems: number | undefined;

  constructor(
    private readonly components: BlendComponent[],
    options: BlendOptions = {},
  ) {
    super();
    if (components.length === 0) throw new RangeError('blend needs at least one component');
    for (const c of components) if (!(c.weight > 0)) throw new RangeError(`blend weight of ${c.model.name} must be > 0, got ${c.weight}`);
    this.referenceRank = options.referenceRank ?? 100;
    this.name = `blend(${components.map((c) => `${c.weight}×${c.model.name}`).join(' + ')})`;
  }


  async fit(train: CsrMatrix, context: FitContext = {}): Promise<void> {
    for (const c of this.components) await c.model.fit(train, context);
    const notes = this.components.filter((c) => c.model.notes).map((c) => `${c.model.name}: ${c.model.notes}`);
    this.notes = notes.length > 0 ? notes.join('; ') : undefined;
    this.fittedItems = train.cols;
  }

  protected get numItems(): number {
    return assertFitted(this.fittedItems, this.name);
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const numItems = this.numItems;
    const buffer = new Float32Array(out.length);
    const topItems = new Int32Array(this.referenceRank);
    const topScores = new Float32Array(this.referenceRank);
    const { seeds, rows } = batch;
    for (const { model, weight } of this.components) {
      buffer.fill(0);
      model.scoreBatch(batch, buffer);
      for (let b = 0; b < rows.length; b++) {
        const base = b * numItems;
        for (let e = seeds.indptr[rows[b]!]!; e < seeds.indptr[rows[b]! + 1]!; e++) {
          if (seeds.indices[e]! < numItems) buffer[base + seeds.indices[e]!] = -Infinity;
        }
        const count = selectTopK(buffer, this.referenceRank, topItems, topScores, base, numItems);
        if (count === 0) continue;
        const best = topScores[0]!;
        const reference = topScores[count - 1]!;
        const scale = best > reference ? weight / (best - reference) : weight;
        for (let i = 0; i < numItems; i++) {
          const s = buffer[base + i]!;
          // Excluded items stay excluded; the harness sets them to -Infinity again anyway.
          out[base + i]! += s === -Infinity ? 0 : (s - reference) * scale;
        }
      }
    }
  }
}

export function createBlendRecommender(components: BlendComponent[], options: BlendOptions = {}): BlendRecommender {
  return new BlendRecommender(components, options);
}
