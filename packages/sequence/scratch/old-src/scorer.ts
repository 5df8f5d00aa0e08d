// Inference: histories → query vectors (the last position's hidden state) → scores of every
// item against the output embeddings. One shared memory, the calling thread only: a scorer is
// cheap enough per call that serving batches concurrent requests instead of adding threads.
import { EngineHost } from './internal/host';
import { roundUp4 } from './internal/layout';
import type { Histories } from './internal/queries';
import { encodeHistories, scoreAllItems, transposeOutput } from './internal/queries';
import type { SequenceModel, SequenceModelConfig } from './model';
import { engineConfig, modelOffsets } from './model';
import { addTransitionPrior } from './transitions';

export type { Histories } from './internal/queries';

export interface SequenceScorerOptions {
  /** most histories encoded in one forward pass (default 128) */
  maxBatch?: number;
}

export interface SequenceScorer {
  readonly config: SequenceModelConfig;
  /**
   * Query vectors (rows.length × dim) of histories[rows[q]] (the last maxLength items are read);
   * `encoded[q]` is 0 for an empty history (its vector is zero).
   */
  encode(histories: Histories, rows: ArrayLike<number>): { vectors: Float32Array; encoded: Uint8Array };
  /** The transformer's logits alone: out[q · numItems + i] = vectors_q · output_i for `count` query vectors. */
  scoreAll(vectors: Float32Array, count: number, out: Float32Array): void;
  /**
   * The served score of every item after histories[rows[q]] (what Up next, radio and eval rank
   * by): the logits plus the model's transition prior from the history's last item. `encoded[q]`
   * is 0 for an empty history (its row is all zeros).
   */
  scoreHistories(histories: Histories, rows: ArrayLike<number>, out: Float32Array): Uint8Array;
  /** The output (scoring) embeddings, numItems × dim — what a vector index is built over. */
  outputEmbeddings(): Float32Array;
}

export function createSequenceScorer(model: SequenceModel, options: SequenceScorerOptions = {}): SequenceScorer {
  const config = model.config;
  const maxBatch = options.maxBatch ?? 128;
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError(`sequence scorer maxBatch: expected a positive integer, got ${maxBatch}`);
  const offsets = modelOffsets(config);
  if (model.parameters.length !== offsets.total) {
    throw new RangeError(`sequence scorer: the model has ${model.parameters.length} parameters, its configuration needs ${offsets.total}`);
  }
  const width = roundUp4(config.numItems);
  const chunk = Math.min(64, maxBatch);
  const host = EngineHost.create({
    config: engineConfig(config),
    threads: 1,
    maxTokens: maxBatch * config.maxLength,
    maxSequences: maxBatch,
    maxCandidates: 4,
    training: false,
    extra: { outputT: config.dim * width, queries: chunk * config.dim, scores: chunk * width },
  });
  host.parameters.set(model.parameters);
  transposeOutput(host, host.extra.outputT!);
  const { f32 } = host.runtime;
  const scorer: SequenceScorer = {
    config,
    encode(histories, rows) {
      const vectors = new Float32Array(rows.length * config.dim);
      const encoded = encodeHistories(host, histories, rows, vectors);
      return { vectors, encoded };
    },
    scoreHistories(histories, rows, out) {
      const { vectors, encoded } = scorer.encode(histories, rows);
      scorer.scoreAll(vectors, rows.length, out);
      for (let q = 0; q < rows.length; q++) {
        const end = histories.offsets[rows[q]! + 1]!;
        if (encoded[q] === 0) out.fill(0, q * config.numItems, (q + 1) * config.numItems);
        else addTransitionPrior(model.transitions, histories.items[end - 1]!, out, q * config.numItems);
      }
      return encoded;
    },
    scoreAll(vectors, count, out) {
      if (vectors.length < count * config.dim) throw new RangeError(`sequence scorer: ${count} queries need ${count * config.dim} values, got ${vectors.length}`);
      if (out.length < count * config.numItems) throw new RangeError(`sequence scorer: the output holds ${out.length} scores, ${count} queries need ${count * config.numItems}`);
      for (let first = 0; first < count; first += chunk) {
        const rows = Math.min(chunk, count - first);
        f32.set(vectors.subarray(first * config.dim, (first + rows) * config.dim), host.extra.queries!);
        scoreAllItems(host, host.extra.queries!, rows, host.extra.outputT!, host.extra.scores!, chunk, out.subarray(first * config.numItems));
      }
    },
    outputEmbeddings() {
      return f32.slice(host.paramBase + offsets.output, host.paramBase + offsets.output + config.numItems * config.dim);
    },
  };
  return scorer;
}
