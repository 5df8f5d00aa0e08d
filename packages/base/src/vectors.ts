// Dot products and L2 norms over Float32Array rows (row-major matrices, a row given by its
// offset). Sums accumulate in float64 in index order, so results do not depend on the caller.

function checkRow(what: string, values: Float32Array, offset: number, dim: number): void {
  if (offset < 0 || offset + dim > values.length) {
    throw new RangeError(`${what}: row [${offset}, ${offset + dim}) is outside an array of ${values.length} values`);
  }
}

/** Inner product of `dim` values of `left` from `leftOffset` and of `right` from `rightOffset`. */
export function dot(left: Float32Array, leftOffset: number, right: Float32Array, rightOffset: number, dim: number): number {
  // four products per iteration, added one by one in d order: the same sum as the plain loop, with
  // a quarter of the loop overhead (Home pages take ~10⁴ of these)
  let sum = 0;
  let d = 0;
  for (; d + 4 <= dim; d += 4) {
    sum += left[leftOffset + d]! * right[rightOffset + d]!;
    sum += left[leftOffset + d + 1]! * right[rightOffset + d + 1]!;
    sum += left[leftOffset + d + 2]! * right[rightOffset + d + 2]!;
    sum += left[leftOffset + d + 3]! * right[rightOffset + d + 3]!;
  }
  for (; d < dim; d++) sum += left[leftOffset + d]! * right[rightOffset + d]!;
  return sum;
}

/**
 * `out[i] = dot(matrix row rows[i], vector)` for i < count (rows of `dim` values). Four rows at a
 * time: each sum is still `dot`'s (products added one by one in d order, the same doubles), but the
 * four independent chains of adds overlap instead of each waiting on its own previous add.
 */
export function dotRowsInto(matrix: Float32Array, rows: Int32Array, count: number, dim: number, vector: Float32Array, out: Float64Array): void {
  if (count > rows.length || count > out.length) throw new RangeError(`dotRowsInto: ${count} rows asked, ${rows.length} given and room for ${out.length}`);
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o0 = rows[i]! * dim;
    const o1 = rows[i + 1]! * dim;
    const o2 = rows[i + 2]! * dim;
    const o3 = rows[i + 3]! * dim;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let d = 0; d < dim; d++) {
      const x = vector[d]!;
      s0 += matrix[o0 + d]! * x;
      s1 += matrix[o1 + d]! * x;
      s2 += matrix[o2 + d]! * x;
      s3 += matrix[o3 + d]! * x;
    }
    out[i] = s0;
    out[i + 1] = s1;
    out[i + 2] = s2;
    out[i + 3] = s3;
  }
  for (; i < count; i++) out[i] = dot(matrix, rows[i]! * dim, vector, 0, dim);
}

/** Squared L2 norm of `dim` values from `offset` (default: the whole array). */
export function squaredNorm(values: Float32Array, offset = 0, dim = values.length - offset): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const v = values[offset + d]!;
    sum += v * v;
  }
  return sum;
}

/** L2 norm of `dim` values from `offset` (default: the whole array). */
export function l2Norm(values: Float32Array, offset = 0, dim = values.length - offset): number {
  return Math.sqrt(squaredNorm(values, offset, dim));
}

/**
 * Scales `dim` values from `offset` (default: the whole array) to unit L2 norm in place; an
 * all-zero row stays zero. Returns `values`.
 */
export function normalizeInPlace(values: Float32Array, offset = 0, dim = values.length - offset): Float32Array {
  checkRow('normalizeInPlace', values, offset, dim);
  const sum = squaredNorm(values, offset, dim);
  if (sum === 0) return values;
  const scale = 1 / Math.sqrt(sum);
  for (let d = 0; d < dim; d++) values[offset + d]! *= scale;
  return values;
}

/** Scales every row of a row-major matrix to unit L2 norm in place; all-zero rows stay zero. */
export function normalizeRows(vectors: Float32Array, dim: number): Float32Array {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`normalizeRows: dim must be a positive integer, got ${dim}`);
  if (vectors.length % dim !== 0) {
    throw new RangeError(`normalizeRows: length ${vectors.length} is not a multiple of dim ${dim}`);
  }
  for (let offset = 0; offset < vectors.length; offset += dim) normalizeInPlace(vectors, offset, dim);
  return vectors;
}

/** Cosine similarity of two rows given by offsets into (possibly different) matrices; 0 when either is all zeros. */
export function cosineBetween(left: Float32Array, leftOffset: number, right: Float32Array, rightOffset: number, dim: number): number {
  let product = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let d = 0; d < dim; d++) {
    const x = left[leftOffset + d]!;
    const y = right[rightOffset + d]!;
    product += x * y;
    leftNorm += x * x;
    rightNorm += y * y;
  }
  if (leftNorm === 0 || rightNorm === 0) return 0;
  return product / Math.sqrt(leftNorm * rightNorm);
}

/** Cosine similarity of rows `a` and `b` of one row-major matrix (0 when either row is all zeros). */
export function cosineSimilarity(vectors: Float32Array, dim: number, a: number, b: number): number {
  return cosineBetween(vectors, a * dim, vectors, b * dim, dim);
}
