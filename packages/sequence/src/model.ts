// The model: a SASRec-family causal transformer (Kang & McAuley 2018) with pre-norm blocks.
//   x_t   = E[item_t]·√d + P[position_t]                       (dropout)
//   block = x + drop(Wo · causalAttention(Wqkv · LN1(x)))
//           x + drop(W2 · drop(relu(W1 · LN2(x))))
//   h_t   = LN_final(x_t) (+ E[item_t]·√d with lastItemResidual);  score(j | t) = h_t · O_j   (O = E when tied)
// Positions are right-aligned: the most recent item of a sequence is always at maxLength − 1,
// so training windows and serving queries see the same positions.
import { Random } from '@mixtape/base';
import type { EngineConfig, ParameterOffsets } from './internal/engine';
import { parameterOffsets, parameterTensors } from './internal/layout';
import type { TransitionPrior } from './transitions';

export interface SequenceModelConfig {
  /** size of the item index space (catalog tracks) */
  numItems: number;
  /** embedding and hidden size (default 64); dim / heads must be a multiple of 4 */
  dim: number;
  /** attention heads (default 1, as SASRec) */
  heads: number;
  /** transformer blocks (default 2) */
  blocks: number;
  /** feed-forward hidden size (default = dim, as SASRec) */
  ffDim: number;
  /** longest sequence the model reads (default 50) */
  maxLength: number;
  /** dropout on embeddings, attention output, feed-forward hidden and output (default 0.3: next-item validation NDCG@10 0.2110 vs 0.2066 at 0.2) */
  dropout: number;
  /** output layer shares the item embeddings (default false: separate output embeddings learn "what follows" several times faster on next-item validation) */
  tied: boolean;
  /**
   * the query adds the last item's embedding (·√d) after the final layer norm: a direct
   * first-order path (item → what follows) beside the attention stack. Model files written
   * before this option read as false.
   */
  lastItemResidual: boolean;
}

export const DEFAULT_MODEL_CONFIG: Omit<SequenceModelConfig, 'numItems' | 'ffDim'> = {
  dim: 64,
  heads: 1,
  blocks: 2,
  maxLength: 50,
  dropout: 0.3,
  tied: false,
  lastItemResidual: false,
};

/**
 * A trained (or initialised) model: its configuration, one flat parameter vector and, when
 * training fitted one, the first-order transition prior its served scores add to the logits.
 */
export interface SequenceModel {
  config: SequenceModelConfig;
  parameters: Float32Array;
  transitions?: TransitionPrior;
  /**
   * the validation rows training held out (and chose the prior on): `rows` drawn with `seed` by
   * chooseValidationRows. A refit defaults to them (other rows were trained on). Absent: unknown
   * (files written before session 9, or explicit validationRowIds). `hash`: validationRowsHash of
   * the rows drawn and their held-out items (session 10; absent in older files), so a draw on a
   * changed log is told apart from the training run's.
   */
  validation?: { seed: number; rows: number; hash?: string };
}

export class SequenceConfigError extends RangeError {
  readonly code = 'SEQUENCE_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'SequenceConfigError';
  }
}

/** Fills defaults and checks every field; errors name the field and what was expected. */
export function resolveModelConfig(input: Partial<SequenceModelConfig> & { numItems: number }): SequenceModelConfig {
  const config: SequenceModelConfig = {
    ...DEFAULT_MODEL_CONFIG,
    ...input,
    ffDim: input.ffDim ?? input.dim ?? DEFAULT_MODEL_CONFIG.dim,
  };
  const positive = (name: keyof SequenceModelConfig, value: number) => {
    if (!Number.isInteger(value) || value < 1) throw new SequenceConfigError(`sequence model ${name}: expected a positive integer, got ${value}`);
  };
  positive('numItems', config.numItems);
  positive('dim', config.dim);
  positive('heads', config.heads);
  positive('blocks', config.blocks);
  positive('ffDim', config.ffDim);
  positive('maxLength', config.maxLength);
  if (config.dim % config.heads !== 0 || (config.dim / config.heads) % 4 !== 0) {
    throw new SequenceConfigError(`sequence model: dim / heads must be a whole multiple of 4 (SIMD lanes), got dim ${config.dim} and ${config.heads} heads`);
  }
  if (config.ffDim % 4 !== 0) throw new SequenceConfigError(`sequence model ffDim: expected a multiple of 4, got ${config.ffDim}`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new SequenceConfigError(`sequence model dropout: expected a number in [0, 1), got ${config.dropout}`);
  return config;
}

export function engineConfig(config: SequenceModelConfig): EngineConfig {
  return { ...config };
}

export function modelOffsets(config: SequenceModelConfig): ParameterOffsets {
  return parameterOffsets(engineConfig(config));
}

/** The named tensors of the flat parameter vector (name, float offset, shape). */
export function describeParameters(config: SequenceModelConfig): Array<{ name: string; offset: number; shape: number[] }> {
  return parameterTensors(engineConfig(config), modelOffsets(config));
}

/**
 * Fresh parameters: embeddings N(0, 0.02²) (BERT/GPT practice), weight matrices Xavier-normal,
 * biases 0, layer-norm gains 1. Deterministic per seed (@mixtape/base's Random).
 */
export function initializeModel(config: SequenceModelConfig, seed = 1): SequenceModel {
  const offsets = modelOffsets(config);
  const parameters = new Float32Array(offsets.total);
  const random = new Random(seed);
  for (const tensor of describeParameters(config)) {
    const size = tensor.shape.reduce((a, b) => a * b, 1);
    const view = parameters.subarray(tensor.offset, tensor.offset + size);
    if (tensor.name.endsWith('.gain')) view.fill(1);
    else if (tensor.name.endsWith('.bias')) view.fill(0);
    else if (tensor.shape.length === 2 && tensor.name.includes('weight')) {
      const std = Math.sqrt(2 / (tensor.shape[0]! + tensor.shape[1]!));
      for (let i = 0; i < size; i++) view[i] = random.normal(0, std);
    } else for (let i = 0; i < size; i++) view[i] = random.normal(0, 0.02);
  }
  return { config, parameters };
}

/** The output (scoring) embeddings: numItems × dim rows of the parameter vector. */
export function outputEmbeddings(model: SequenceModel): Float32Array {
  const offsets = modelOffsets(model.config);
  return model.parameters.subarray(offsets.output, offsets.output + model.config.numItems * model.config.dim);
}
