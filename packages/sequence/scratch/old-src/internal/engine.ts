// The numeric engine of the sequence model: forward and backward passes of a SASRec-style
// causal transformer over a ragged batch of sequences, with the matrix products in the wasm
// `gemm` kernel and everything O(tokens · dim) in plain loops.
//
// These functions also run inside worker threads whose source is built from their
// `toString()` (see ./host.ts), so each must stay self-contained: no imports (types only),
// no module-scope values, no closures, no nested functions or arrow functions (some TypeScript
// runners inject `__name(...)` helpers into those, which do not exist in the worker). They call
// each other by name, and may pass one another by name (forEachAttentionHead's per-head pass);
// ENGINE_FUNCTIONS lists them all.
//
// Memory: one shared WebAssembly.Memory. Every buffer is an absolute element offset into the
// f32 / i32 / u8 views of it; the kernel takes byte addresses (offset · 4).

export type GemmFunction = (
  c: number,
  a: number,
  b: number,
  m: number,
  n: number,
  k: number,
  aRowStride: number,
  aColStride: number,
  ldb: number,
  ldc: number,
  accumulate: number,
) => void;

export interface EngineConfig {
  numItems: number;
  dim: number;
  heads: number;
  /** hidden size of the position-wise feed-forward layer */
  ffDim: number;
  blocks: number;
  maxLength: number;
  /** output layer = item embeddings (SASRec) */
  tied: boolean;
  dropout: number;
  /** the query adds the last item's embedding (·√d) after the final layer norm */
  lastItemResidual: boolean;
}

/** Float offsets of one block's parameters, relative to a parameter (or gradient) base. */
export interface BlockOffsets {
  ln1Gain: number;
  ln1Bias: number;
  qkvWeight: number;
  qkvBias: number;
  outWeight: number;
  outBias: number;
  ln2Gain: number;
  ln2Bias: number;
  ffWeight1: number;
  ffBias1: number;
  ffWeight2: number;
  ffBias2: number;
}

export interface ParameterOffsets {
  item: number;
  position: number;
  /** = item when tied */
  output: number;
  blocks: BlockOffsets[];
  finalGain: number;
  finalBias: number;
  /** floats, a multiple of 4 */
  total: number;
}

/** Per-thread activation buffers (absolute offsets; masks are byte offsets into the u8 view). */
export interface Workspace {
  maxTokens: number;
  maxSequences: number;
  /** candidate slots (a multiple of 4) */
  maxCandidates: number;
  stream: number[];
  mid: number[];
  ln1: number[];
  ln1Stats: number[];
  qkv: number[];
  probs: number[];
  context: number[];
  ln2: number[];
  ln2Stats: number[];
  hidden: number[];
  final: number;
  finalStats: number;
  embedMask: number;
  attnMask: number[];
  ffMask: number[];
  gradStream: number;
  gradWide: number;
  gradNarrow: number;
  gradContext: number;
  weightT: number;
  keyT: number;
  scores: number;
  candidates: number;
  candidatesT: number;
  logits: number;
  candidateGrad: number;
  positiveGrad: number;
}

/** Shared batch inputs (i32 offsets for ids, f32 offset for logQ). */
export interface BatchBuffers {
  tokens: number;
  positions: number;
  /** next item at each token, -1 = no loss at this position */
  targets: number;
  /** sequence s owns tokens [sequenceOffsets[s], sequenceOffsets[s + 1]) */
  sequenceOffsets: number;
  /** candidate item ids (−1 = padding slot) */
  candidates: number;
  /** log sampling probability of every item (f32, numItems) */
  itemLogQ: number;
}

export interface EngineContext {
  f32: Float32Array;
  i32: Int32Array;
  u8: Uint8Array;
  /** a seeded stream of uniform integers in [0, 2³²) (@mixtape/base's mulberry32) */
  stream: (seed: number) => () => number;
  gemm: GemmFunction;
  config: EngineConfig;
  offsets: ParameterOffsets;
  workspace: Workspace;
  batch: BatchBuffers;
  /** absolute float offset of the parameters */
  paramBase: number;
}

export interface ShardJob {
  firstSequence: number;
  endSequence: number;
  seed: number;
  step: number;
  training: boolean;
  /** candidate slots in use (a multiple of 4); with fullSoftmax = every item, in order */
  candidateCount: number;
  fullSoftmax: boolean;
  /** 1 / (targets in the whole batch): the loss is a mean over the batch */
  lossScale: number;
  /** absolute float offset of this thread's gradient buffer */
  gradBase: number;
  /**
   * inference only: the last block and the final layer norm run for each sequence's last
   * position alone (the query vectors); workspace.final row s − firstSequence holds sequence s's
   */
  queryOnly?: boolean;
  /** training with the transition prior inside the softmax (product of experts) */
  prior?: PriorJob;
}

/**
 * The transition prior as the loss sees it: absolute element offsets of shared arrays (i32:
 * offsets, items, slotHead, slotNext; f32: counts, totals, q). Each position's own transition is
 * left out of the counts (leave-one-out), so the model never learns to trust a count of itself.
 */
export interface PriorJob {
  alpha: number;
  mu: number;
  /** successors of item i: items/counts [offsets[i], offsets[i + 1]) */
  offsets: number;
  items: number;
  counts: number;
  /** Σ counts of item i */
  totals: number;
  /** q(j) = (n_j + 1)^γ / mean */
  q: number;
  /** sampled softmax: first candidate slot holding item j (−1 none), then slotNext[slot] */
  slotHead: number;
  slotNext: number;
}

export interface ShardResult {
  loss: number;
  targets: number;
}

/** The seed of one dropout stream, mixed from three integers (splitmix-style). */
export function streamSeed(a: number, b: number, c: number): number {
  let h = (a ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  h = (h + Math.imul(c + 0x165667b1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** dst[c · dstStride + r] = src[r · srcStride + c]; columns r ≥ rows of dst are zeroed up to dstStride. */
export function transposeInto(f32: Float32Array, src: number, rows: number, cols: number, srcStride: number, dst: number, dstStride: number): void {
  for (let c = 0; c < cols; c++) {
    const out = dst + c * dstStride;
    for (let r = 0; r < rows; r++) f32[out + r] = f32[src + r * srcStride + c]!;
    for (let r = rows; r < dstStride; r++) f32[out + r] = 0;
  }
}

export function layerNormForward(f32: Float32Array, x: number, y: number, stats: number, gain: number, bias: number, rows: number, dim: number): void {
  for (let r = 0; r < rows; r++) {
    const row = x + r * dim;
    let mean = 0;
    for (let c = 0; c < dim; c++) mean += f32[row + c]!;
    mean /= dim;
    let variance = 0;
    for (let c = 0; c < dim; c++) {
      const centered = f32[row + c]! - mean;
      variance += centered * centered;
    }
    const rstd = 1 / Math.sqrt(variance / dim + 1e-5);
    f32[stats + 2 * r] = mean;
    f32[stats + 2 * r + 1] = rstd;
    const out = y + r * dim;
    for (let c = 0; c < dim; c++) f32[out + c] = (f32[row + c]! - mean) * rstd * f32[gain + c]! + f32[bias + c]!;
  }
}

/** dx += ∂L/∂x of y = LayerNorm(x); gain and bias gradients accumulate. */
export function layerNormBackward(
  f32: Float32Array,
  x: number,
  stats: number,
  dy: number,
  gain: number,
  dGain: number,
  dBias: number,
  dx: number,
  rows: number,
  dim: number,
): void {
  for (let r = 0; r < rows; r++) {
    const mean = f32[stats + 2 * r]!;
    const rstd = f32[stats + 2 * r + 1]!;
    const row = x + r * dim;
    const grad = dy + r * dim;
    let sumD = 0;
    let sumDX = 0;
    for (let c = 0; c < dim; c++) {
      const xhat = (f32[row + c]! - mean) * rstd;
      const g = f32[grad + c]!;
      const dxhat = g * f32[gain + c]!;
      f32[dGain + c]! += g * xhat;
      f32[dBias + c]! += g;
      sumD += dxhat;
      sumDX += dxhat * xhat;
    }
    sumD /= dim;
    sumDX /= dim;
    const out = dx + r * dim;
    for (let c = 0; c < dim; c++) {
      const xhat = (f32[row + c]! - mean) * rstd;
      f32[out + c]! += rstd * (f32[grad + c]! * f32[gain + c]! - sumD - xhat * sumDX);
    }
  }
}

/** y = x · W + b (x rows × inDim, W inDim × outDim). */
export function linearForward(context: EngineContext, x: number, weight: number, bias: number, y: number, rows: number, inDim: number, outDim: number): void {
  const f32 = context.f32;
  for (let r = 0; r < rows; r++) {
    const out = y + r * outDim;
    for (let c = 0; c < outDim; c++) f32[out + c] = f32[bias + c]!;
  }
  context.gemm(y * 4, x * 4, weight * 4, rows, outDim, inDim, inDim * 4, 4, outDim * 4, outDim * 4, 1);
}

/** dW += xᵀ·dy, db += Σ dy, and dx = dy · Wᵀ (added to dx when accumulate). */
export function linearBackward(
  context: EngineContext,
  x: number,
  dy: number,
  weight: number,
  dWeight: number,
  dBias: number,
  dx: number,
  rows: number,
  inDim: number,
  outDim: number,
  accumulate: number,
): void {
  const f32 = context.f32;
  const weightT = context.workspace.weightT;
  transposeInto(f32, weight, inDim, outDim, outDim, weightT, inDim);
  context.gemm(dx * 4, dy * 4, weightT * 4, rows, inDim, outDim, outDim * 4, 4, inDim * 4, inDim * 4, accumulate);
  context.gemm(dWeight * 4, x * 4, dy * 4, inDim, outDim, rows, 4, inDim * 4, outDim * 4, outDim * 4, 1);
  for (let r = 0; r < rows; r++) {
    const row = dy + r * outDim;
    for (let c = 0; c < outDim; c++) f32[dBias + c]! += f32[row + c]!;
  }
}

/**
 * Draws a keep mask (1 = kept) for `count` values from `next` and scales the kept ones by
 * 1 / (1 − p); with residual ≥ 0, also adds the residual stream (values = residual + dropout(values)).
 */
export function dropoutForward(f32: Float32Array, u8: Uint8Array, next: () => number, values: number, mask: number, count: number, p: number, residual: number): void {
  const scale = 1 / (1 - p);
  const threshold = p * 4294967296;
  for (let e = 0; e < count; e++) {
    const keep = next() >= threshold;
    u8[mask + e] = keep ? 1 : 0;
    const value = keep ? f32[values + e]! * scale : 0;
    f32[values + e] = residual >= 0 ? value + f32[residual + e]! : value;
  }
}

/**
 * dropoutForward over `values` (dim wide, shard-relative rows) for each sequence of the shard,
 * each with its own stream (seed + step, sequence, `streamId`) so a sequence's masks do not
 * depend on how the batch is sharded; `residual` ≥ 0 adds that stream's rows (−1: none).
 */
export function dropoutSequences(context: EngineContext, job: ShardJob, firstToken: number, streamId: number, values: number, mask: number, residual: number): void {
  const { f32, i32, u8, config, batch } = context;
  const dim = config.dim;
  for (let s = job.firstSequence; s < job.endSequence; s++) {
    const start = i32[batch.sequenceOffsets + s]! - firstToken;
    const end = i32[batch.sequenceOffsets + s + 1]! - firstToken;
    const next = context.stream(streamSeed(job.seed + job.step, s, streamId));
    dropoutForward(f32, u8, next, values + start * dim, mask + start * dim, (end - start) * dim, config.dropout, residual >= 0 ? residual + start * dim : -1);
  }
}

/** Item embedding · √d + position embedding (+ dropout when training). */
export function embedForward(context: EngineContext, job: ShardJob, firstToken: number, tokens: number): void {
  const { f32, i32, config, offsets, workspace, batch } = context;
  const dim = config.dim;
  const scale = Math.sqrt(dim);
  const out = workspace.stream[0]!;
  const item = context.paramBase + offsets.item;
  const position = context.paramBase + offsets.position;
  for (let m = 0; m < tokens; m++) {
    const row = item + i32[batch.tokens + firstToken + m]! * dim;
    const pos = position + i32[batch.positions + firstToken + m]! * dim;
    const dst = out + m * dim;
    for (let c = 0; c < dim; c++) f32[dst + c] = f32[row + c]! * scale + f32[pos + c]!;
  }
  if (job.training && config.dropout > 0) dropoutSequences(context, job, firstToken, 1, out, workspace.embedMask, -1);
}

/** One head of one sequence, as forEachAttentionHead hands it to the per-head pass (one object, refilled). */
export interface AttentionHead {
  /** the sequence's first token (relative to the shard's first), its length, and the length rounded up to 4 */
  start: number;
  n: number;
  n4: number;
  head: number;
  headDim: number;
  /** row stride of qkv: 3 · dim */
  stride: number;
  /** 1 / √headDim */
  scale: number;
  /** this head's query, key and value columns at the sequence's first token, and its probability matrix (n × n4) */
  q: number;
  k: number;
  v: number;
  probs: number;
}

/**
 * Calls `pass(context, block, head)` for every head of every non-empty sequence of the shard in
 * block `block`. `pass` must be one of ENGINE_FUNCTIONS (the workers know functions by name).
 */
export function forEachAttentionHead(
  context: EngineContext,
  job: ShardJob,
  block: number,
  firstToken: number,
  pass: (context: EngineContext, block: number, head: AttentionHead) => void,
): void {
  const { i32, config, workspace, batch } = context;
  const dim = config.dim;
  const heads = config.heads;
  const headDim = dim / heads;
  const stride = 3 * dim;
  const qkv = workspace.qkv[block]!;
  const probsBase = workspace.probs[block]!;
  const slot = config.maxLength * (Math.ceil(config.maxLength / 4) * 4);
  const at: AttentionHead = { start: 0, n: 0, n4: 0, head: 0, headDim, stride, scale: 1 / Math.sqrt(headDim), q: 0, k: 0, v: 0, probs: 0 };
  for (let s = job.firstSequence; s < job.endSequence; s++) {
    const start = i32[batch.sequenceOffsets + s]! - firstToken;
    const n = i32[batch.sequenceOffsets + s + 1]! - firstToken - start;
    if (n === 0) continue;
    at.start = start;
    at.n = n;
    at.n4 = Math.ceil(n / 4) * 4;
    for (let h = 0; h < heads; h++) {
      at.head = h;
      at.q = qkv + start * stride + h * headDim;
      at.k = at.q + dim;
      at.v = at.q + 2 * dim;
      at.probs = probsBase + ((s - job.firstSequence) * heads + h) * slot;
      pass(context, block, at);
    }
  }
}

/** Causal attention of one head of one sequence: probs = softmax(q · kᵀ · scale), context columns = probs · v. */
export function attentionForward(context: EngineContext, block: number, at: AttentionHead): void {
  const { f32, config, workspace } = context;
  const { n, n4, headDim, stride, scale, q, k, v, probs } = at;
  const dim = config.dim;
  const keyT = workspace.keyT;
  transposeInto(f32, k, n, headDim, stride, keyT, n4);
  context.gemm(probs * 4, q * 4, keyT * 4, n, n4, headDim, stride * 4, 4, n4 * 4, n4 * 4, 0);
  for (let r = 0; r < n; r++) {
    const row = probs + r * n4;
    let max = -Infinity;
    for (let c = 0; c <= r; c++) {
      const value = f32[row + c]! * scale;
      f32[row + c] = value;
      if (value > max) max = value;
    }
    let sum = 0;
    for (let c = 0; c <= r; c++) {
      const e = Math.exp(f32[row + c]! - max);
      f32[row + c] = e;
      sum += e;
    }
    const inverse = 1 / sum;
    for (let c = 0; c <= r; c++) f32[row + c]! *= inverse;
    for (let c = r + 1; c < n4; c++) f32[row + c] = 0;
  }
  const contextOut = workspace.context[block]! + at.start * dim + at.head * headDim;
  context.gemm(contextOut * 4, probs * 4, v * 4, n, headDim, n, n4 * 4, 4, stride * 4, dim * 4, 0);
}

/** One head of one sequence from ∂L/∂context (gradContext) to ∂L/∂qkv (gradWide, fully written). */
export function attentionBackward(context: EngineContext, _block: number, at: AttentionHead): void {
  const { f32, config, workspace } = context;
  const { n, n4, headDim, stride, scale, q, k, v, probs } = at;
  const dim = config.dim;
  const valueT = workspace.keyT;
  const scores = workspace.scores;
  const dq = workspace.gradWide + at.start * stride + at.head * headDim;
  const dk = dq + dim;
  const dv = dq + 2 * dim;
  const dc = workspace.gradContext + at.start * dim + at.head * headDim;
  // dP = dC · Vᵀ ; dV = Pᵀ · dC
  transposeInto(f32, v, n, headDim, stride, valueT, n4);
  context.gemm(scores * 4, dc * 4, valueT * 4, n, n4, headDim, dim * 4, 4, n4 * 4, n4 * 4, 0);
  context.gemm(dv * 4, probs * 4, dc * 4, n, headDim, n, 4, n4 * 4, dim * 4, stride * 4, 0);
  // dS = P ⊙ (dP − Σ dP ⊙ P) · scale
  for (let r = 0; r < n; r++) {
    const p = probs + r * n4;
    const g = scores + r * n4;
    let dot = 0;
    for (let c = 0; c <= r; c++) dot += f32[p + c]! * f32[g + c]!;
    for (let c = 0; c <= r; c++) f32[g + c] = f32[p + c]! * (f32[g + c]! - dot) * scale;
    for (let c = r + 1; c < n4; c++) f32[g + c] = 0;
  }
  // dQ = dS · K ; dK = dSᵀ · Q
  context.gemm(dq * 4, scores * 4, k * 4, n, headDim, n, n4 * 4, 4, stride * 4, stride * 4, 0);
  context.gemm(dk * 4, scores * 4, q * 4, n, headDim, n, 4, n4 * 4, stride * 4, stride * 4, 0);
}

/** Applies the saved keep mask (scaled) of a dropout to a gradient, in place. */
export function dropoutBackward(f32: Float32Array, u8: Uint8Array, values: number, mask: number, count: number, p: number): void {
  const scale = 1 / (1 - p);
  for (let e = 0; e < count; e++) f32[values + e] = u8[mask + e] === 1 ? f32[values + e]! * scale : 0;
}

/** Forward pass of the shard's sequences; leaves the final hidden states in workspace.final. */
export function forwardShard(context: EngineContext, job: ShardJob): void {
  const { f32, i32, config, offsets, workspace, batch } = context;
  const dim = config.dim;
  const ff = config.ffDim;
  const firstToken = i32[batch.sequenceOffsets + job.firstSequence]!;
  const tokens = i32[batch.sequenceOffsets + job.endSequence]! - firstToken;
  const dropout = job.training && config.dropout > 0;
  const base = context.paramBase;
  embedForward(context, job, firstToken, tokens);
  for (let b = 0; b < config.blocks; b++) {
    if (job.queryOnly && b === config.blocks - 1) {
      queryBlockForward(context, job, firstToken, tokens);
      return;
    }
    const o = offsets.blocks[b]!;
    const input = workspace.stream[b]!;
    const mid = workspace.mid[b]!;
    layerNormForward(f32, input, workspace.ln1[b]!, workspace.ln1Stats[b]!, base + o.ln1Gain, base + o.ln1Bias, tokens, dim);
    linearForward(context, workspace.ln1[b]!, base + o.qkvWeight, base + o.qkvBias, workspace.qkv[b]!, tokens, dim, 3 * dim);
    forEachAttentionHead(context, job, b, firstToken, attentionForward);
    linearForward(context, workspace.context[b]!, base + o.outWeight, base + o.outBias, mid, tokens, dim, dim);
    if (dropout) dropoutSequences(context, job, firstToken, 2 + 3 * b, mid, workspace.attnMask[b]!, input);
    else for (let e = 0; e < tokens * dim; e++) f32[mid + e]! += f32[input + e]!;
    layerNormForward(f32, mid, workspace.ln2[b]!, workspace.ln2Stats[b]!, base + o.ln2Gain, base + o.ln2Bias, tokens, dim);
    const hidden = workspace.hidden[b]!;
    linearForward(context, workspace.ln2[b]!, base + o.ffWeight1, base + o.ffBias1, hidden, tokens, dim, ff);
    for (let e = 0; e < tokens * ff; e++) if (f32[hidden + e]! < 0) f32[hidden + e] = 0;
    if (dropout) {
      const scale = 1 / (1 - config.dropout);
      for (let s = job.firstSequence; s < job.endSequence; s++) {
        const start = i32[batch.sequenceOffsets + s]! - firstToken;
        const end = i32[batch.sequenceOffsets + s + 1]! - firstToken;
        const next = context.stream(streamSeed(job.seed + job.step, s, 3 + 3 * b));
        const threshold = config.dropout * 4294967296;
        for (let e = start * ff; e < end * ff; e++) f32[hidden + e] = next() >= threshold ? f32[hidden + e]! * scale : 0;
      }
    }
    const output = workspace.stream[b + 1]!;
    linearForward(context, hidden, base + o.ffWeight2, base + o.ffBias2, output, tokens, ff, dim);
    if (dropout) dropoutSequences(context, job, firstToken, 4 + 3 * b, output, workspace.ffMask[b]!, mid);
    else for (let e = 0; e < tokens * dim; e++) f32[output + e]! += f32[mid + e]!;
  }
  layerNormForward(f32, workspace.stream[config.blocks]!, workspace.final, workspace.finalStats, base + offsets.finalGain, base + offsets.finalBias, tokens, dim);
  if (config.lastItemResidual) {
    // a direct path from the current item to the output embeddings (a factorised first-order
    // transition term), untouched by dropout and the layer norms
    for (let m = 0; m < tokens; m++) addItemResidual(context, workspace.final + m * dim, i32[batch.tokens + firstToken + m]!);
  }
}

/** The last-item residual of one query row: f32[dst…] += E[item] · √d. */
export function addItemResidual(context: EngineContext, dst: number, item: number): void {
  const { f32, config } = context;
  const dim = config.dim;
  const scale = Math.sqrt(dim);
  const row = context.paramBase + context.offsets.item + item * dim;
  for (let c = 0; c < dim; c++) f32[dst + c]! += f32[row + c]! * scale;
}

/**
 * The last block for each sequence's last position only (inference): keys and values of every
 * position, then attention, feed-forward and the final layer norm of one row per sequence,
 * compacted to rows 0… of the workspace buffers. Leaves the query vectors in workspace.final.
 */
export function queryBlockForward(context: EngineContext, job: ShardJob, firstToken: number, tokens: number): void {
  const { f32, i32, config, offsets, workspace, batch } = context;
  const dim = config.dim;
  const ff = config.ffDim;
  const heads = config.heads;
  const headDim = dim / heads;
  const stride = 3 * dim;
  const scale = 1 / Math.sqrt(headDim);
  const base = context.paramBase;
  const b = config.blocks - 1;
  const o = offsets.blocks[b]!;
  const input = workspace.stream[b]!;
  const qkv = workspace.qkv[b]!;
  const contextRows = workspace.context[b]!;
  const mid = workspace.mid[b]!;
  const weights = workspace.scores;
  const count = job.endSequence - job.firstSequence;
  layerNormForward(f32, input, workspace.ln1[b]!, workspace.ln1Stats[b]!, base + o.ln1Gain, base + o.ln1Bias, tokens, dim);
  linearForward(context, workspace.ln1[b]!, base + o.qkvWeight, base + o.qkvBias, qkv, tokens, dim, 3 * dim);
  for (let s = 0; s < count; s++) {
    const start = i32[batch.sequenceOffsets + job.firstSequence + s]! - firstToken;
    const end = i32[batch.sequenceOffsets + job.firstSequence + s + 1]! - firstToken;
    const out = contextRows + s * dim;
    if (end === start) {
      for (let c = 0; c < dim; c++) f32[out + c] = 0;
      continue;
    }
    const last = end - 1;
    for (let h = 0; h < heads; h++) {
      const q = qkv + last * stride + h * headDim;
      let max = -Infinity;
      for (let t = start; t < end; t++) {
        const k = qkv + t * stride + dim + h * headDim;
        let dot = 0;
        for (let c = 0; c < headDim; c++) dot += f32[q + c]! * f32[k + c]!;
        dot *= scale;
        f32[weights + t - start] = dot;
        if (dot > max) max = dot;
      }
      let sum = 0;
      for (let t = start; t < end; t++) {
        const e = Math.exp(f32[weights + t - start]! - max);
        f32[weights + t - start] = e;
        sum += e;
      }
      const row = out + h * headDim;
      for (let c = 0; c < headDim; c++) f32[row + c] = 0;
      for (let t = start; t < end; t++) {
        const p = f32[weights + t - start]! / sum;
        const v = qkv + t * stride + 2 * dim + h * headDim;
        for (let c = 0; c < headDim; c++) f32[row + c]! += p * f32[v + c]!;
      }
    }
  }
  // mid = stream(last) + Wo · context ; out = mid + W2 · relu(W1 · LN2(mid))
  linearForward(context, contextRows, base + o.outWeight, base + o.outBias, mid, count, dim, dim);
  for (let s = 0; s < count; s++) {
    const end = i32[batch.sequenceOffsets + job.firstSequence + s + 1]! - firstToken;
    const start = i32[batch.sequenceOffsets + job.firstSequence + s]! - firstToken;
    const from = input + Math.max(start, end - 1) * dim;
    for (let c = 0; c < dim; c++) f32[mid + s * dim + c]! += end > start ? f32[from + c]! : 0;
  }
  layerNormForward(f32, mid, workspace.ln2[b]!, workspace.ln2Stats[b]!, base + o.ln2Gain, base + o.ln2Bias, count, dim);
  const hidden = workspace.hidden[b]!;
  linearForward(context, workspace.ln2[b]!, base + o.ffWeight1, base + o.ffBias1, hidden, count, dim, ff);
  for (let e = 0; e < count * ff; e++) if (f32[hidden + e]! < 0) f32[hidden + e] = 0;
  const output = workspace.stream[b + 1]!;
  linearForward(context, hidden, base + o.ffWeight2, base + o.ffBias2, output, count, ff, dim);
  for (let e = 0; e < count * dim; e++) f32[output + e]! += f32[mid + e]!;
  layerNormForward(f32, output, workspace.final, workspace.finalStats, base + offsets.finalGain, base + offsets.finalBias, count, dim);
  if (config.lastItemResidual) {
    for (let s = 0; s < count; s++) {
      const end = i32[batch.sequenceOffsets + job.firstSequence + s + 1]!;
      if (end > i32[batch.sequenceOffsets + job.firstSequence + s]!) addItemResidual(context, workspace.final + s * dim, i32[batch.tokens + end - 1]!);
    }
  }
}

/**
 * Softmax cross-entropy of every target against the candidates (sampled, log-Q corrected, the
 * target scored separately; or every item). Writes ∂L/∂final into gradStream and accumulates
 * the output-embedding gradient. Returns the summed (unscaled) loss.
 */
export function softmaxLoss(context: EngineContext, job: ShardJob, firstToken: number, tokens: number): ShardResult {
  const { f32, i32, config, offsets, workspace, batch } = context;
  const dim = config.dim;
  const count = job.candidateCount;
  const output = context.paramBase + offsets.output;
  const dOutput = job.gradBase + offsets.output;
  const candidates = workspace.candidates;
  const logits = workspace.logits;
  const final = workspace.final;
  const positiveGrad = workspace.positiveGrad;
  for (let j = 0; j < count; j++) {
    const id = i32[batch.candidates + j]!;
    const row = candidates + j * dim;
    if (id < 0) for (let c = 0; c < dim; c++) f32[row + c] = 0;
    else for (let c = 0; c < dim; c++) f32[row + c] = f32[output + id * dim + c]!;
  }
  transposeInto(f32, candidates, count, dim, dim, workspace.candidatesT, count);
  context.gemm(logits * 4, final * 4, workspace.candidatesT * 4, tokens, count, dim, dim * 4, 4, count * 4, count * 4, 0);
  let loss = 0;
  let targets = 0;
  const scale = job.lossScale;
  for (let m = 0; m < tokens; m++) {
    const target = i32[batch.targets + firstToken + m]!;
    const row = logits + m * count;
    if (target < 0) {
      for (let j = 0; j < count; j++) f32[row + j] = 0;
      f32[positiveGrad + m] = 0;
      continue;
    }
    targets++;
    let positive = 0;
    let max = -Infinity;
    // the prior's boost of each candidate that followed this position's item (leave-one-out counts)
    let targetBoost = 0;
    const prior = job.prior;
    if (prior) {
      const item = i32[batch.tokens + firstToken + m]!;
      const total = f32[prior.totals + item]! - 1;
      for (let e = i32[prior.offsets + item]!; e < i32[prior.offsets + item + 1]!; e++) {
        const j = i32[prior.items + e]!;
        const c = f32[prior.counts + e]! - (j === target ? 1 : 0);
        if (c <= 0) continue;
        const boost = prior.alpha * Math.log1p(c / (total + 1) / (prior.mu * f32[prior.q + j]!));
        if (j === target) targetBoost = boost;
        if (job.fullSoftmax) f32[row + j]! += boost;
        else for (let slot = i32[prior.slotHead + j]!; slot >= 0; slot = i32[prior.slotNext + slot]!) f32[row + slot]! += boost;
      }
    }
    if (job.fullSoftmax) {
      for (let j = 0; j < count; j++) {
        if (i32[batch.candidates + j]! < 0) f32[row + j] = -Infinity;
        else if (f32[row + j]! > max) max = f32[row + j]!;
      }
      positive = f32[row + target]!;
    } else {
      const h = final + m * dim;
      const t = output + target * dim;
      for (let c = 0; c < dim; c++) positive += f32[h + c]! * f32[t + c]!;
      positive += targetBoost - f32[batch.itemLogQ + target]!;
      max = positive;
      for (let j = 0; j < count; j++) {
        const id = i32[batch.candidates + j]!;
        if (id < 0 || id === target) f32[row + j] = -Infinity;
        else {
          const value = f32[row + j]! - f32[batch.itemLogQ + id]!;
          f32[row + j] = value;
          if (value > max) max = value;
        }
      }
    }
    let sum = job.fullSoftmax ? 0 : Math.exp(positive - max);
    for (let j = 0; j < count; j++) {
      const e = Math.exp(f32[row + j]! - max);
      f32[row + j] = e;
      sum += e;
    }
    loss += Math.log(sum) + max - positive;
    const inverse = 1 / sum;
    const factor = inverse * scale;
    for (let j = 0; j < count; j++) f32[row + j]! *= factor;
    if (job.fullSoftmax) {
      f32[row + target]! -= scale;
      f32[positiveGrad + m] = 0;
    } else {
      f32[positiveGrad + m] = (Math.exp(positive - max) * inverse - 1) * scale;
    }
  }
  // ∂final = ∂logits · candidates (+ ∂positive · target row)
  const dFinal = workspace.gradStream;
  context.gemm(dFinal * 4, logits * 4, candidates * 4, tokens, dim, count, count * 4, 4, dim * 4, dim * 4, 0);
  // ∂candidates = ∂logitsᵀ · final, scattered into the output rows
  context.gemm(workspace.candidateGrad * 4, logits * 4, final * 4, count, dim, tokens, 4, count * 4, dim * 4, dim * 4, 0);
  for (let j = 0; j < count; j++) {
    const id = i32[batch.candidates + j]!;
    if (id < 0) continue;
    const src = workspace.candidateGrad + j * dim;
    const dst = dOutput + id * dim;
    for (let c = 0; c < dim; c++) f32[dst + c]! += f32[src + c]!;
  }
  if (!job.fullSoftmax) {
    for (let m = 0; m < tokens; m++) {
      const g = f32[positiveGrad + m]!;
      if (g === 0) continue;
      const target = i32[batch.targets + firstToken + m]!;
      const h = final + m * dim;
      const t = output + target * dim;
      const dh = dFinal + m * dim;
      const dt = dOutput + target * dim;
      for (let c = 0; c < dim; c++) {
        f32[dh + c]! += g * f32[t + c]!;
        f32[dt + c]! += g * f32[h + c]!;
      }
    }
  }
  return { loss, targets };
}

/** Backward pass from ∂L/∂final (in gradStream) to every parameter gradient of this thread. */
export function backwardShard(context: EngineContext, job: ShardJob, firstToken: number, tokens: number): void {
  const { f32, i32, u8, config, offsets, workspace, batch } = context;
  const dim = config.dim;
  const ff = config.ffDim;
  const base = context.paramBase;
  const grads = job.gradBase;
  const dropout = config.dropout;
  const dStream = workspace.gradStream;
  const dNarrow = workspace.gradNarrow;
  const dWide = workspace.gradWide;
  const scale = Math.sqrt(dim);
  const dItem = grads + offsets.item;
  if (config.lastItemResidual) {
    for (let m = 0; m < tokens; m++) {
      const g = dStream + m * dim;
      const item = dItem + i32[batch.tokens + firstToken + m]! * dim;
      for (let c = 0; c < dim; c++) f32[item + c]! += scale * f32[g + c]!;
    }
  }
  // final layer norm: ∂stream = LN_backward(∂final)
  f32.copyWithin(dNarrow, dStream, dStream + tokens * dim);
  f32.fill(0, dStream, dStream + tokens * dim);
  layerNormBackward(f32, workspace.stream[config.blocks]!, workspace.finalStats, dNarrow, base + offsets.finalGain, grads + offsets.finalGain, grads + offsets.finalBias, dStream, tokens, dim);
  for (let b = config.blocks - 1; b >= 0; b--) {
    const o = offsets.blocks[b]!;
    // feed-forward branch: stream[b+1] = mid + drop(W2 · drop(relu(W1 · LN2(mid))))
    f32.copyWithin(dNarrow, dStream, dStream + tokens * dim);
    if (dropout > 0) dropoutBackward(f32, u8, dNarrow, workspace.ffMask[b]!, tokens * dim, dropout);
    const hidden = workspace.hidden[b]!;
    linearBackward(context, hidden, dNarrow, base + o.ffWeight2, grads + o.ffWeight2, grads + o.ffBias2, dWide, tokens, ff, dim, 0);
    const keep = dropout > 0 ? 1 / (1 - dropout) : 1;
    for (let e = 0; e < tokens * ff; e++) f32[dWide + e] = f32[hidden + e]! > 0 ? f32[dWide + e]! * keep : 0;
    linearBackward(context, workspace.ln2[b]!, dWide, base + o.ffWeight1, grads + o.ffWeight1, grads + o.ffBias1, dNarrow, tokens, dim, ff, 0);
    layerNormBackward(f32, workspace.mid[b]!, workspace.ln2Stats[b]!, dNarrow, base + o.ln2Gain, grads + o.ln2Gain, grads + o.ln2Bias, dStream, tokens, dim);
    // attention branch: mid = stream[b] + drop(Wo · attention(Wqkv · LN1(stream[b])))
    f32.copyWithin(dNarrow, dStream, dStream + tokens * dim);
    if (dropout > 0) dropoutBackward(f32, u8, dNarrow, workspace.attnMask[b]!, tokens * dim, dropout);
    linearBackward(context, workspace.context[b]!, dNarrow, base + o.outWeight, grads + o.outWeight, grads + o.outBias, workspace.gradContext, tokens, dim, dim, 0);
    forEachAttentionHead(context, job, b, firstToken, attentionBackward);
    linearBackward(context, workspace.ln1[b]!, dWide, base + o.qkvWeight, grads + o.qkvWeight, grads + o.qkvBias, dNarrow, tokens, dim, 3 * dim, 0);
    layerNormBackward(f32, workspace.stream[b]!, workspace.ln1Stats[b]!, dNarrow, base + o.ln1Gain, grads + o.ln1Gain, grads + o.ln1Bias, dStream, tokens, dim);
  }
  // embeddings: ∂item[token] += √d · ∂x, ∂position[pos] += ∂x
  if (dropout > 0) dropoutBackward(f32, u8, dStream, workspace.embedMask, tokens * dim, dropout);
  const dPosition = grads + offsets.position;
  for (let m = 0; m < tokens; m++) {
    const g = dStream + m * dim;
    const item = dItem + i32[batch.tokens + firstToken + m]! * dim;
    const pos = dPosition + i32[batch.positions + firstToken + m]! * dim;
    for (let c = 0; c < dim; c++) {
      f32[item + c]! += scale * f32[g + c]!;
      f32[pos + c]! += f32[g + c]!;
    }
  }
}

/** One training shard: zero this thread's gradients, forward, loss, backward. */
export function trainShard(context: EngineContext, job: ShardJob): ShardResult {
  const { f32, i32, batch } = context;
  f32.fill(0, job.gradBase, job.gradBase + context.offsets.total);
  if (job.endSequence <= job.firstSequence) return { loss: 0, targets: 0 };
  const firstToken = i32[batch.sequenceOffsets + job.firstSequence]!;
  const tokens = i32[batch.sequenceOffsets + job.endSequence]! - firstToken;
  forwardShard(context, job);
  const result = softmaxLoss(context, job, firstToken, tokens);
  backwardShard(context, job, firstToken, tokens);
  return result;
}

/** Every function above, in the order the worker source declares them. */
export const ENGINE_FUNCTIONS = [
  streamSeed,
  transposeInto,
  layerNormForward,
  layerNormBackward,
  linearForward,
  linearBackward,
  dropoutForward,
  dropoutSequences,
  dropoutBackward,
  embedForward,
  forEachAttentionHead,
  attentionForward,
  attentionBackward,
  addItemResidual,
  forwardShard,
  queryBlockForward,
  softmaxLoss,
  backwardShard,
  trainShard,
] as const;
