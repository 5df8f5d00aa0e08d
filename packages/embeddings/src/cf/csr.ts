// Compressed sparse row matrices over typed arrays: users (or playlists / sessions) × items, the
// input of the collaborative models here and of every split, model and metric in @mixtape/eval.

/** A sparse rows × cols matrix. Row r owns indices/values in [indptr[r], indptr[r + 1]). */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

/** Parallel columns describing entries: entry e is (rowIndex[e], colIndex[e]) with value values[e]. */
export interface CooColumns {
  rowIndex: Int32Array;
  colIndex: Int32Array;
  /** Defaults to 1 for every entry. */
  values?: Float32Array;
}

/** What to do with repeated (row, col) pairs. */
export type DuplicatePolicy = 'sum' | 'max' | 'last' | 'keep';

export interface BuildCsrOptions {
  rows: number;
  cols: number;
  /**
   * 'keep' keeps every entry in input order inside its row (playlists and sessions, where the
   * order is the data). The others sort each row by column and merge repeats. Default 'sum'.
   */
  duplicates?: DuplicatePolicy;
}

/** Builds a CSR matrix from coordinate columns; rejects out-of-range coordinates with their position. */
export function buildCsr(columns: CooColumns, options: BuildCsrOptions): CsrMatrix {
  const { rowIndex, colIndex, values } = columns;
  const { rows, cols } = options;
  const duplicates = options.duplicates ?? 'sum';
  const n = rowIndex.length;
  if (colIndex.length !== n || (values !== undefined && values.length !== n)) {
    throw new RangeError(
      `buildCsr: column lengths differ (rowIndex ${n}, colIndex ${colIndex.length}, values ${values?.length ?? 'absent'})`,
    );
  }
  if (!Number.isInteger(rows) || rows < 0 || !Number.isInteger(cols) || cols < 0) {
    throw new RangeError(`buildCsr: rows and cols must be non-negative integers (got ${rows} × ${cols})`);
  }
  const counts = new Int32Array(rows + 1);
  for (let e = 0; e < n; e++) {
    const r = rowIndex[e]!;
    const c = colIndex[e]!;
    if (r < 0 || r >= rows) throw new RangeError(`buildCsr: entry ${e} has row ${r}, expected 0..${rows - 1}`);
    if (c < 0 || c >= cols) throw new RangeError(`buildCsr: entry ${e} has column ${c}, expected 0..${cols - 1}`);
    counts[r + 1]!++;
  }
  for (let r = 0; r < rows; r++) counts[r + 1]! += counts[r]!;
  const indptr = counts.slice();
  const cursor = counts.subarray(0, rows).slice();
  const indices = new Int32Array(n);
  const outValues = new Float32Array(n);
  // Stable counting sort by row keeps the input order inside each row.
  for (let e = 0; e < n; e++) {
    const slot = cursor[rowIndex[e]!]!++;
    indices[slot] = colIndex[e]!;
    outValues[slot] = values === undefined ? 1 : values[e]!;
  }
  const matrix: CsrMatrix = { rows, cols, indptr, indices, values: outValues };
  return duplicates === 'keep' ? matrix : sortAndMergeRows(matrix, duplicates);
}

/** Sorts every row by column and merges repeated columns with the given policy. */
export function sortAndMergeRows(matrix: CsrMatrix, policy: Exclude<DuplicatePolicy, 'keep'> = 'sum'): CsrMatrix {
  const { rows, cols, indptr, indices, values } = matrix;
  const outIndptr = new Int32Array(rows + 1);
  const outIndices = new Int32Array(indices.length);
  const outValues = new Float32Array(indices.length);
  let order = new Int32Array(16);
  let write = 0;
  for (let r = 0; r < rows; r++) {
    const start = indptr[r]!;
    const length = indptr[r + 1]! - start;
    if (order.length < length) order = new Int32Array(length * 2);
    const rowOrder = order.subarray(0, length);
    for (let t = 0; t < length; t++) rowOrder[t] = start + t;
    // Stable sort on column so that 'last' means the last entry in input order.
    rowOrder.sort((a, b) => indices[a]! - indices[b]! || a - b);
    let previous = -1;
    for (let t = 0; t < length; t++) {
      const e = rowOrder[t]!;
      const c = indices[e]!;
      const v = values[e]!;
      if (c === previous) {
        const last = write - 1;
        if (policy === 'sum') outValues[last]! += v;
        else if (policy === 'max') outValues[last] = Math.max(outValues[last]!, v);
        else outValues[last] = v;
      } else {
        outIndices[write] = c;
        outValues[write] = v;
        write++;
        previous = c;
      }
    }
    outIndptr[r + 1] = write;
  }
  return {
    rows,
    cols,
    indptr: outIndptr,
    indices: outIndices.slice(0, write),
    values: outValues.slice(0, write),
  };
}

/** The transpose (items × users); rows of the result come out sorted by column. */
export function transposeCsr(matrix: CsrMatrix): CsrMatrix {
  const { rows, cols, indptr, indices, values } = matrix;
  const counts = new Int32Array(cols + 1);
  for (let e = 0; e < indices.length; e++) counts[indices[e]! + 1]!++;
  for (let c = 0; c < cols; c++) counts[c + 1]! += counts[c]!;
  const cursor = counts.subarray(0, cols).slice();
  const outIndices = new Int32Array(indices.length);
  const outValues = new Float32Array(indices.length);
  for (let r = 0; r < rows; r++) {
    for (let e = indptr[r]!; e < indptr[r + 1]!; e++) {
      const slot = cursor[indices[e]!]!++;
      outIndices[slot] = r;
      outValues[slot] = values[e]!;
    }
  }
  return { rows: cols, cols: rows, indptr: counts, indices: outIndices, values: outValues };
}

/** Number of stored entries in row r. */
export function rowLength(matrix: CsrMatrix, row: number): number {
  return matrix.indptr[row + 1]! - matrix.indptr[row]!;
}

/** A view of row r's column indices (no copy). */
export function rowIndices(matrix: CsrMatrix, row: number): Int32Array {
  return matrix.indices.subarray(matrix.indptr[row]!, matrix.indptr[row + 1]!);
}

/** A view of row r's values (no copy). */
export function rowValues(matrix: CsrMatrix, row: number): Float32Array {
  return matrix.values.subarray(matrix.indptr[row]!, matrix.indptr[row + 1]!);
}

/** Same pattern with every value set to 1 (implicit feedback: "listened or not"). */
export function binarize(matrix: CsrMatrix): CsrMatrix {
  return { ...matrix, values: new Float32Array(matrix.values.length).fill(1) };
}

/** Number of non-zero entries per column (for items: how many users touched each item). */
export function columnCounts(matrix: CsrMatrix): Int32Array {
  const counts = new Int32Array(matrix.cols);
  for (let e = 0; e < matrix.indices.length; e++) counts[matrix.indices[e]!]!++;
  return counts;
}

/** Keeps only the listed rows, in the given order (row i of the result is rows[i] of the input). */
export function selectRows(matrix: CsrMatrix, rows: Int32Array): CsrMatrix {
  const indptr = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) indptr[i + 1] = indptr[i]! + rowLength(matrix, rows[i]!);
  const indices = new Int32Array(indptr[rows.length]!);
  const values = new Float32Array(indices.length);
  for (let i = 0; i < rows.length; i++) {
    const start = matrix.indptr[rows[i]!]!;
    const end = matrix.indptr[rows[i]! + 1]!;
    indices.set(matrix.indices.subarray(start, end), indptr[i]!);
    values.set(matrix.values.subarray(start, end), indptr[i]!);
  }
  return { rows: rows.length, cols: matrix.cols, indptr, indices, values };
}

/** An empty rows × cols matrix. */
export function emptyCsr(rows: number, cols: number): CsrMatrix {
  return { rows, cols, indptr: new Int32Array(rows + 1), indices: new Int32Array(0), values: new Float32Array(0) };
}
