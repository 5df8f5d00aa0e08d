// Where everything lives in the one shared wasm memory: parameters, optimizer state, per-thread
// gradients, the shared batch inputs and per-thread activations. Offsets are in 4-byte units
// (the f32 and i32 views share them); dropout masks are bytes.
import type { BatchBuffers, BlockOffsets, EngineConfig, ParameterOffsets, Workspace } from './engine';

const ALIGN = 16; // floats: 64-byte cache lines

export const roundUp4 = (value: number): number => Math.ceil(value / 4) * 4;

/** A bump allocator over float offsets, every block 64-byte aligned. */
export class Arena {
  private next: number;
  constructor(start = 0) {
    this.next = Math.ceil(start / ALIGN) * ALIGN;
  }
  take(floats: number): number {
    const offset = this.next;
    this.next = Math.ceil((offset + Math.max(floats, 1)) / ALIGN) * ALIGN;
    return offset;
  }
  get size(): number {
    return this.next;
  }
}

/** Offsets of every parameter tensor relative to the start of a parameter vector. */
export function parameterOffsets(config: EngineConfig): ParameterOffsets {
  const { numItems, dim, ffDim, blocks, maxLength } = config;
  let next = 0;
  const take = (floats: number): number => {
    const offset = next;
    next += floats;
    return offset;
  };
  const item = take(numItems * dim);
  const position = take(maxLength * dim);
  const blockOffsets: BlockOffsets[] = [];
  for (let b = 0; b < blocks; b++) {
    blockOffsets.push({
      ln1Gain: take(dim),
      ln1Bias: take(dim),
      qkvWeight: take(dim * 3 * dim),
      qkvBias: take(3 * dim),
      outWeight: take(dim * dim),
      outBias: take(dim),
      ln2Gain: take(dim),
      ln2Bias: take(dim),
      ffWeight1: take(dim * ffDim),
      ffBias1: take(ffDim),
      ffWeight2: take(ffDim * dim),
      ffBias2: take(dim),
    });
  }
  const finalGain = take(dim);
  const finalBias = take(dim);
  const output = config.tied ? item : take(numItems * dim);
  return { item, position, output, blocks: blockOffsets, finalGain, finalBias, total: roundUp4(next) };
}

/** Named tensors of a parameter vector (for initialisation, export and the PyTorch reference). */
export function parameterTensors(config: EngineConfig, offsets: ParameterOffsets): Array<{ name: string; offset: number; shape: number[] }> {
  const { numItems, dim, ffDim, maxLength } = config;
  const tensors = [
    { name: 'item', offset: offsets.item, shape: [numItems, dim] },
    { name: 'position', offset: offsets.position, shape: [maxLength, dim] },
  ];
  offsets.blocks.forEach((o, b) => {
    tensors.push(
      { name: `block${b}.ln1.gain`, offset: o.ln1Gain, shape: [dim] },
      { name: `block${b}.ln1.bias`, offset: o.ln1Bias, shape: [dim] },
      { name: `block${b}.qkv.weight`, offset: o.qkvWeight, shape: [dim, 3 * dim] },
      { name: `block${b}.qkv.bias`, offset: o.qkvBias, shape: [3 * dim] },
      { name: `block${b}.out.weight`, offset: o.outWeight, shape: [dim, dim] },
      { name: `block${b}.out.bias`, offset: o.outBias, shape: [dim] },
      { name: `block${b}.ln2.gain`, offset: o.ln2Gain, shape: [dim] },
      { name: `block${b}.ln2.bias`, offset: o.ln2Bias, shape: [dim] },
      { name: `block${b}.ff1.weight`, offset: o.ffWeight1, shape: [dim, ffDim] },
      { name: `block${b}.ff1.bias`, offset: o.ffBias1, shape: [ffDim] },
      { name: `block${b}.ff2.weight`, offset: o.ffWeight2, shape: [ffDim, dim] },
      { name: `block${b}.ff2.bias`, offset: o.ffBias2, shape: [dim] },
    );
  });
  tensors.push({ name: 'final.gain', offset: offsets.finalGain, shape: [dim] }, { name: 'final.bias', offset: offsets.finalBias, shape: [dim] });
  if (!config.tied) tensors.push({ name: 'output', offset: offsets.output, shape: [numItems, dim] });
  return tensors;
}

export interface WorkspaceSize {
  maxTokens: number;
  maxSequences: number;
  maxCandidates: number;
  /** false: inference only (no dropout masks, gradients or loss buffers) */
  training: boolean;
}

/** Allocates one thread's activation buffers from the arena. */
export function allocateWorkspace(arena: Arena, config: EngineConfig, size: WorkspaceSize): Workspace {
  const { dim, ffDim, blocks, heads, maxLength } = config;
  const tokens = Math.max(1, size.maxTokens);
  const rows = (width: number) => arena.take(tokens * width);
  const perBlock = (width: number) => Array.from({ length: blocks }, () => rows(width));
  const maskBytes = (width: number) => arena.take(Math.ceil((tokens * width) / 4)) * 4;
  const length4 = roundUp4(maxLength);
  const candidates = size.training ? roundUp4(size.maxCandidates) : 4;
  const trainRows = (width: number) => (size.training ? rows(width) : arena.take(4));
  const workspace: Workspace = {
    maxTokens: tokens,
    maxSequences: size.maxSequences,
    maxCandidates: candidates,
    stream: Array.from({ length: blocks + 1 }, () => rows(dim)),
    mid: perBlock(dim),
    ln1: perBlock(dim),
    ln1Stats: perBlock(2),
    qkv: perBlock(3 * dim),
    probs: Array.from({ length: blocks }, () => arena.take(size.maxSequences * heads * maxLength * length4)),
    context: perBlock(dim),
    ln2: perBlock(dim),
    ln2Stats: perBlock(2),
    hidden: perBlock(ffDim),
    final: rows(dim),
    finalStats: rows(2),
    embedMask: size.training ? maskBytes(dim) : 0,
    attnMask: Array.from({ length: blocks }, () => (size.training ? maskBytes(dim) : 0)),
    ffMask: Array.from({ length: blocks }, () => (size.training ? maskBytes(dim) : 0)),
    gradStream: trainRows(dim),
    gradWide: trainRows(Math.max(3 * dim, ffDim)),
    gradNarrow: trainRows(dim),
    gradContext: trainRows(dim),
    weightT: arena.take(Math.max(3 * dim * dim, dim * ffDim)),
    keyT: arena.take((dim / heads) * length4),
    scores: arena.take(maxLength * length4),
    candidates: arena.take(candidates * dim),
    candidatesT: arena.take(candidates * dim),
    logits: size.training ? rows(candidates) : arena.take(4),
    candidateGrad: arena.take(candidates * dim),
    positiveGrad: rows(1),
  };
  return workspace;
}

/** Shared batch inputs for up to `maxTokens` tokens, `maxSequences` sequences and the candidates. */
export function allocateBatch(arena: Arena, config: EngineConfig, maxTokens: number, maxSequences: number, maxCandidates: number): BatchBuffers {
  return {
    tokens: arena.take(maxTokens),
    positions: arena.take(maxTokens),
    targets: arena.take(maxTokens),
    sequenceOffsets: arena.take(maxSequences + 1),
    candidates: arena.take(roundUp4(maxCandidates)),
    itemLogQ: arena.take(config.numItems),
  };
}
