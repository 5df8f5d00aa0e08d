// Cold start: items without plays have no item2vec vector, but every item has a content vector.
// A ridge regression from content space to item2vec space, fitted on the items that have both,
// places cold items where their look-alikes live, so they can sit in the same ANN index.
import { l2Norm, solveSpdInPlace } from '@mixtape/base';

export interface ContentProjection {
  contentDim: number;
  itemDim: number;
  /** contentDim × itemDim, row-major: itemVector ≈ contentVector · weights */
  weights: Float32Array;
  /** items the map was fitted on */
  fittedOn: number;
}

export interface ContentProjectionOptions {
  /** L2 penalty λ on the weights (default 1) */
  ridge?: number;
  /** fit to unit-length item vectors (default true: the index compares directions) */
  normalizeTargets?: boolean;
}

/**
 * Fits the content → item-vector map on every item with a non-zero item vector and a non-zero
 * content vector. `contentVectors` and `itemVectors` are row-major over the same item indices.
 */
export function fitContentProjection(
  contentVectors: Float32Array,
  contentDim: number,
  itemVectors: Float32Array,
  itemDim: number,
  options: ContentProjectionOptions = {},
): ContentProjection {
  const numItems = contentVectors.length / contentDim;
  if (!Number.isInteger(numItems) || itemVectors.length !== numItems * itemDim) {
    throw new RangeError(
      `content projection: ${contentVectors.length / contentDim} content rows (dim ${contentDim}) but ${itemVectors.length / itemDim} item rows (dim ${itemDim}); both must cover the same items`,
    );
  }
  const ridge = options.ridge ?? 1;
  if (!(ridge >= 0)) throw new RangeError(`content projection: ridge must be >= 0, got ${ridge}`);
  const normalizeTargets = options.normalizeTargets ?? true;
  const gram = new Float64Array(contentDim * contentDim);
  const cross = new Float64Array(contentDim * itemDim);
  let fittedOn = 0;
  for (let i = 0; i < numItems; i++) {
    const itemNorm = l2Norm(itemVectors, i * itemDim, itemDim);
    if (itemNorm === 0 || l2Norm(contentVectors, i * contentDim, contentDim) === 0) continue;
    fittedOn++;
    const scale = normalizeTargets ? 1 / itemNorm : 1;
    for (let p = 0; p < contentDim; p++) {
      const x = contentVectors[i * contentDim + p] as number;
      if (x === 0) continue;
      for (let q = p; q < contentDim; q++) gram[p * contentDim + q] = (gram[p * contentDim + q] as number) + x * (contentVectors[i * contentDim + q] as number);
      for (let q = 0; q < itemDim; q++) cross[p * itemDim + q] = (cross[p * itemDim + q] as number) + x * (itemVectors[i * itemDim + q] as number) * scale;
    }
  }
  if (fittedOn === 0) throw new RangeError('content projection: no item has both a content vector and an item vector');
  for (let p = 0; p < contentDim; p++) {
    for (let q = 0; q < p; q++) gram[p * contentDim + q] = gram[q * contentDim + p] as number;
    gram[p * contentDim + p] = (gram[p * contentDim + p] as number) + ridge;
  }
  try {
    solveSpdInPlace(gram, contentDim, cross, itemDim);
  } catch (error) {
    throw new RangeError('content projection: the normal equations are not positive definite; raise `ridge`', { cause: error });
  }
  return { contentDim, itemDim, weights: Float32Array.from(cross), fittedOn };
}

/** Maps content rows into item-vector space: rows × projection.itemDim (not normalized). */
export function projectContent(projection: ContentProjection, contentVectors: Float32Array): Float32Array {
  const { contentDim, itemDim, weights } = projection;
  if (contentVectors.length % contentDim !== 0) {
    throw new RangeError(`projectContent: length ${contentVectors.length} is not a multiple of the content dim ${contentDim}`);
  }
  const rows = contentVectors.length / contentDim;
  const out = new Float32Array(rows * itemDim);
  for (let r = 0; r < rows; r++) {
    for (let p = 0; p < contentDim; p++) {
      const x = contentVectors[r * contentDim + p] as number;
      if (x === 0) continue;
      for (let q = 0; q < itemDim; q++) out[r * itemDim + q] = (out[r * itemDim + q] as number) + x * (weights[p * itemDim + q] as number);
    }
  }
  return out;
}

/**
 * Returns a copy of `itemVectors` where every all-zero row (an item without plays) is replaced by
 * its projected content vector, scaled to the median norm of the trained rows. `filled` marks them.
 */
export function fillColdStartVectors(
  itemVectors: Float32Array,
  itemDim: number,
  contentVectors: Float32Array,
  contentDim: number,
  options: ContentProjectionOptions = {},
): { vectors: Float32Array; filled: Uint8Array; projection: ContentProjection } {
  const projection = fitContentProjection(contentVectors, contentDim, itemVectors, itemDim, options);
  const numItems = itemVectors.length / itemDim;
  const vectors = Float32Array.from(itemVectors);
  const filled = new Uint8Array(numItems);
  const norms = new Float32Array(numItems);
  let trained = 0;
  for (let i = 0; i < numItems; i++) {
    const norm = l2Norm(itemVectors, i * itemDim, itemDim);
    if (norm > 0) norms[trained++] = norm;
  }
  const sorted = norms.subarray(0, trained).sort();
  const targetNorm = trained > 0 ? (sorted[Math.floor(trained / 2)] as number) : 1;
  for (let i = 0; i < numItems; i++) {
    if (l2Norm(itemVectors, i * itemDim, itemDim) > 0) continue;
    const projected = projectContent(projection, contentVectors.subarray(i * contentDim, (i + 1) * contentDim));
    const norm = l2Norm(projected, 0, itemDim);
    if (norm === 0) continue;
    const scale = targetNorm / norm;
    for (let q = 0; q < itemDim; q++) vectors[i * itemDim + q] = (projected[q] as number) * scale;
    filled[i] = 1;
  }
  return { vectors, filled, projection };
}
