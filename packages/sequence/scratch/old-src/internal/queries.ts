// Query side of the model, shared by validation, evaluation and serving: read the last
// ≤ maxLength items of each history, run the forward pass, keep the last position's hidden state
// (the query vector), and score items against the output embeddings with the gemm kernel.
import type { EngineHost } from './host';
import { roundUp4 } from './layout';

/** Histories in CSR form: row r is items[offsets[r] … offsets[r + 1]), oldest first. */
export interface Histories {
  items: Int32Array;
  offsets: Int32Array;
}

/**
 * Query vectors of `rows` (count × dim, row-major) into `out`. A row with an empty history gets
 * a zero vector and `false` in the returned mask.
 */
export function encodeHistories(host: EngineHost, histories: Histories, rows: ArrayLike<number>, out: Float32Array): Uint8Array {
  const { config } = host;
  const { i32, f32 } = host.runtime;
  const { batch } = host;
  const workspace = host.workspaces[0]!;
  const dim = config.dim;
  const length = config.maxLength;
  const encoded = new Uint8Array(rows.length);
  let next = 0;
  while (next < rows.length) {
    // fill one pass: as many sequences as the workspace holds
    let sequences = 0;
    let tokens = 0;
    const firstRow = next;
    i32[batch.sequenceOffsets] = 0;
    while (next < rows.length && sequences < workspace.maxSequences) {
      const row = rows[next]!;
      const end = histories.offsets[row + 1]!;
      const start = Math.max(histories.offsets[row]!, end - length);
      const n = end - start;
      if (tokens + n > workspace.maxTokens) break;
      for (let t = 0; t < n; t++) {
        const item = histories.items[start + t]!;
        if (!(item >= 0 && item < config.numItems)) throw new RangeError(`history of row ${row}: item ${item} outside 0…${config.numItems - 1}`);
        i32[batch.tokens + tokens + t] = item;
        i32[batch.positions + tokens + t] = length - n + t;
        i32[batch.targets + tokens + t] = -1;
      }
      tokens += n;
      sequences++;
      i32[batch.sequenceOffsets + sequences] = tokens;
      next++;
    }
    host.forward(0, sequences, true);
    for (let s = 0; s < sequences; s++) {
      const end = i32[batch.sequenceOffsets + s + 1]!;
      const target = out.subarray((firstRow + s) * dim, (firstRow + s + 1) * dim);
      if (end === i32[batch.sequenceOffsets + s]!) {
        target.fill(0);
        continue;
      }
      encoded[firstRow + s] = 1;
      target.set(f32.subarray(workspace.final + s * dim, workspace.final + (s + 1) * dim));
    }
  }
  return encoded;
}

/** Copies the output embeddings transposed (dim × roundUp4(numItems), zero-padded) into `region`. */
export function transposeOutput(host: EngineHost, region: number): void {
  const { f32 } = host.runtime;
  const { numItems, dim } = host.config;
  const width = roundUp4(numItems);
  const output = host.paramBase + host.offsets.output;
  for (let c = 0; c < dim; c++) {
    const row = region + c * width;
    for (let i = 0; i < numItems; i++) f32[row + i] = f32[output + i * dim + c]!;
    for (let i = numItems; i < width; i++) f32[row + i] = 0;
  }
}

/**
 * Scores of every item for `count` query vectors (count × dim at float offset `queries`):
 * out[q · numItems + i] = query_q · output_i. `outputT` holds transposeOutput; `scratch`
 * holds chunk × roundUp4(numItems) floats.
 */
export function scoreAllItems(host: EngineHost, queries: number, count: number, outputT: number, scratch: number, chunk: number, out: Float32Array): void {
  const { f32, gemm } = host.runtime;
  const { numItems, dim } = host.config;
  const width = roundUp4(numItems);
  for (let first = 0; first < count; first += chunk) {
    const rows = Math.min(chunk, count - first);
    gemm(scratch * 4, (queries + first * dim) * 4, outputT * 4, rows, width, dim, dim * 4, 4, width * 4, width * 4, 0);
    for (let r = 0; r < rows; r++) out.set(f32.subarray(scratch + r * width, scratch + r * width + numItems), (first + r) * numItems);
  }
}
