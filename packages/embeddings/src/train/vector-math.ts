// Row-major Float32Array helpers shared by the trainers.

/** Scales every row of a row-major matrix to unit L2 norm in place; all-zero rows stay zero. */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`normalizeRows: dim must be a positive integer, got ${dim}`);
  if (vectors.length % dim !== 0) {
    throw new RangeError(`normalizeRows: length ${vectors.length} is not a multiple of dim ${dim}`);
  }
  for (let offset = 0; offset < vectors.length; offset += dim) {
    let sum = 0;
    for (let k = 0; k < dim; k++) {
      const v = vectors[offset + k] as number;
      sum += v * v;
    }
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let k = 0; k < dim; k++) vectors[offset + k] = (vectors[offset + k] as number) * scale;
  }
  return vectors;
}

/** Cosine similarity of row `a` and row `b` (0 when either row is all zeros). */
export function cosineSimilarity(vectors: Float32Array, dim: number, a: number, b: number): number {
  return cosineBetween(vectors, a * dim, vectors, b * dim, dim);
}

/** Cosine similarity of two rows given by offsets into (possibly different) matrices. */
export function cosineBetween(
  left: Float32Array,
  leftOffset: number,
  right: Float32Array,
  rightOffset: number,
  dim: number,
): number {
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let k = 0; k < dim; k++) {
    const x = left[leftOffset + k] as number;
    const y = right[rightOffset + k] as number;
    dot += x * y;
    leftNorm += x * x;
    rightNorm += y * y;
  }
  if (leftNorm === 0 || rightNorm === 0) return 0;
  return dot / Math.sqrt(leftNorm * rightNorm);
}
