// Test-only recommenders: an oracle that knows the test items (must score 1.0 on every
// accuracy metric) — used to check the harness, never exported from the package.
import type { CsrMatrix } from '@mixtape/embeddings';
import type { QueryBatch } from '../recommender';
import { ScoringRecommender, assertFitted } from '../recommender';

export class OracleRecommender extends ScoringRecommender {
  readonly name = 'oracle';
  private items: number | undefined;
  constructor(private readonly test: CsrMatrix) {
    super();
  }
  async fit(train: CsrMatrix): Promise<void> {
    this.items = train.cols;
  }
  protected get numItems(): number {
    return assertFitted(this.items, this.name);
  }
  scoreBatch(batch: QueryBatch, out: Float32Array): void {
    const numItems = this.numItems;
    for (let b = 0; b < batch.rows.length; b++) {
      const row = batch.rows[b]!;
      for (let e = this.test.indptr[row]!; e < this.test.indptr[row + 1]!; e++) out[b * numItems + this.test.indices[e]!] = 1;
    }
  }
}

/** A small random users × items binary matrix with planted co-listening clusters. */
export function plantedClusters(options: { users: number; itemsPerCluster: number; clusters: number; perUser: number; seed: number }): {
  rowIndex: Int32Array;
  colIndex: Int32Array;
  rows: number;
  cols: number;
} {
  const { users, itemsPerCluster, clusters, perUser } = options;
  let state = options.seed >>> 0 || 1;
  const next = (): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const rowIndex = new Int32Array(users * perUser);
  const colIndex = new Int32Array(users * perUser);
  let e = 0;
  for (let u = 0; u < users; u++) {
    const cluster = u % clusters;
    const chosen = new Set<number>();
    while (chosen.size < perUser) chosen.add(cluster * itemsPerCluster + Math.floor(next() * itemsPerCluster));
    for (const item of chosen) {
      rowIndex[e] = u;
      colIndex[e] = item;
      e++;
    }
  }
  return { rowIndex, colIndex, rows: users, cols: clusters * itemsPerCluster };
}
