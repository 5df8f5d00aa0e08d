// Most-popular baseline: every query gets the items with the most training users.
import type { CsrMatrix } from '@mixtape/embeddings';
import { columnCounts } from '@mixtape/embeddings';
import type { QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';

export class PopularityRecommender extends ScoringRecommender {
  readonly name = 'popularity';
  private popularity: Float32Array | undefined;

  async fit(train: CsrMatrix): Promise<void> {
    const counts = columnCounts(train);
    this.popularity = Float32Array.from(counts);
  }

  protected get numItems(): number {
    return assertFitted(this.popularity, this.name).length;
  }

  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const popularity = assertFitted(this.popularity, this.name);
    for (let b = 0; b < batch.rows.length; b++) out.set(popularity, b * popularity.length);
  }
}

export function createPopularityRecommender(): PopularityRecommender {
  return new PopularityRecommender();
}
