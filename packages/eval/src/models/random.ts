// Uniform random ranking: the floor every model must clear, and a check on the metric code
// (its expected Recall@K is known analytically).
import type { CsrMatrix } from '@mixtape/embeddings';
import type { QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';
import { Random } from '@mixtape/base';

export class RandomRecommender extends ScoringRecommender {
  readonly name = 'random';
  private items: number | undefined;
  private rng: Random;

  constructor(private readonly seed = 7) {
    super();
    this.rng = new Random(seed, 'xoshiro128**');
  }

  async fit(train: CsrMatrix): Promise<void> {
    this.items = train.cols;
    this.rng = new Random(this.seed, 'xoshiro128**');
  }

  protected get numItems(): number {
    return assertFitted(this.items, this.name);
  }

  scoreBatch(_batch: QueryBatch, out: Float32Array): void {
    for (let i = 0; i < out.length; i++) out[i] = this.rng.next();
  }
}

export function createRandomRecommender(seed = 7): RandomRecommender {
  return new RandomRecommender(seed);
}
