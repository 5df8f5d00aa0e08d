// EASE (Steck 2019) weights: B = I − P · diagMat(1 / diag(P)), P = (XᵀX + λI)⁻¹ over the items
// with enough listeners (the dense inverse is O(n³)). The inverse runs in LAPACK through
// @mixtape/native when its addon is built (OpenBLAS potrf + potri), else in the blocked JS loop of
// @mixtape/base. Shared by @mixtape/eval's EASE baseline and Home's neighbour lists.
import { invertSpdInPlace } from '@mixtape/base';
import { choleskyInverse, isNativeAvailable } from '@mixtape/native';
import { columnCounts } from './csr';
import type { CsrMatrix } from './csr';
import type { FitControl } from './neighbor-graph';

export interface EaseWeightOptions {
  /** L2 regularisation λ added to the Gram diagonal (default 50). */
  lambda?: number;
  /** Items need at least this many training users to enter the dense model (default 2). */
  minItemUsers?: number;
  /** Largest dense model (default 8,000 items); above it the most popular eligible items are kept. */
  maxItems?: number;
  /** block size of the JS inverse (default 64) */
  blockSize?: number;
}

/** The dense EASE weights over the modelled items (what the recommender scores with, and what neighbour lists are cut from). */
export interface EaseWeights {
  /** catalog item → row/column in `weights`, or -1 outside the model */
  modelIndex: Int32Array;
  /** model row/column → catalog item */
  modelItems: Int32Array;
  /** n × n, row = seed item, column = target item, zero diagonal */
  weights: Float32Array;
  /** which items the model covers and why, for reports */
  notes: string;
  /** how the inverse was computed */
  solver: 'lapack' | 'js';
}

/**
 * Fits EASE's closed form over the items with ≥ minItemUsers training users (the most popular
 * maxItems of them): Gram of binary X + λI, SPD inverse — LAPACK through @mixtape/native when
 * the addon is built (n³ flops in OpenBLAS), else the blocked pure-JS inverse.
 */
export function fitEaseWeights(train: CsrMatrix, options: EaseWeightOptions = {}, context: FitControl & { logger?: { info(object: object, message: string): void } } = {}): EaseWeights {
  const lambda = options.lambda ?? 50;
  const minItemUsers = options.minItemUsers ?? 2;
  const maxItems = options.maxItems ?? 8_000;
  const numItems = train.cols;
  const itemUsers = columnCounts(train);
  const modelIndex = new Int32Array(numItems).fill(-1);
  let eligible = 0;
  for (let i = 0; i < numItems; i++) if (itemUsers[i]! >= minItemUsers) eligible++;
  let chosen = new Int32Array(eligible);
  for (let i = 0, w = 0; i < numItems; i++) if (itemUsers[i]! >= minItemUsers) chosen[w++] = i;
  // Above maxItems keep the most popular eligible items (ties to the lower index).
  if (eligible > maxItems) {
    chosen = chosen.sort((a, b) => itemUsers[b]! - itemUsers[a]! || a - b).slice(0, maxItems).sort();
  }
  const n = chosen.length;
  let threshold = n === 0 ? minItemUsers : Number.POSITIVE_INFINITY;
  for (let m = 0; m < n; m++) {
    modelIndex[chosen[m]!] = m;
    threshold = Math.min(threshold, itemUsers[chosen[m]!]!);
  }
  const notes =
    `dense model over ${n} of ${numItems} items (≥ ${threshold} training users` +
    `${eligible > maxItems ? `, capped at maxItems ${maxItems}` : ''}); the others are ranked below them by popularity`;
  const modelItems = new Int32Array(n);
  for (let i = 0; i < numItems; i++) if (modelIndex[i]! >= 0) modelItems[modelIndex[i]!] = i;
  context.logger?.info({ model: 'EASE', modelledItems: n, catalogItems: numItems }, 'EASE: building Gram matrix');
  // Lower triangle of XᵀX (binary X) + λI.
  const gram = new Float64Array(n * n);
  const rowItems = new Int32Array(numItems);
  for (let u = 0; u < train.rows; u++) {
    let count = 0;
    for (let e = train.indptr[u]!; e < train.indptr[u + 1]!; e++) {
      const m = modelIndex[train.indices[e]!]!;
      if (m >= 0) rowItems[count++] = m;
    }
    for (let a = 0; a < count; a++) {
      const ia = rowItems[a]!;
      for (let b = 0; b <= a; b++) {
        const ib = rowItems[b]!;
        if (ia >= ib) gram[ia * n + ib]! += 1;
        else gram[ib * n + ia]! += 1;
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) gram[j * n + i] = gram[i * n + j]!;
  for (let i = 0; i < n; i++) gram[i * n + i]! += lambda;
  context.signal?.throwIfAborted();
  let solver: EaseWeights['solver'] = 'js';
  let inverse: Float64Array;
  if (n > 0 && isNativeAvailable()) {
    choleskyInverse(gram, n);
    inverse = gram;
    solver = 'lapack';
  } else {
    inverse = invertSpdInPlace(gram, n, { blockSize: options.blockSize ?? 64, signal: context.signal, onProgress: context.onProgress });
  }
  const weights = new Float32Array(n * n);
  const inverseDiagonal = new Float64Array(n);
  for (let j = 0; j < n; j++) inverseDiagonal[j] = 1 / inverse[j * n + j]!;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) weights[row + j] = i === j ? 0 : -inverse[row + j]! * inverseDiagonal[j]!;
  }
  return { modelIndex, modelItems, weights, notes, solver };
}

