// The next-track model's build settings: what `mixtape build` trains the sequenceModel part with,
// and what the Home ranker's next-track source trains its cross-fitted models with — in the build
// (homeRanker.sequence) and in the eval's home-stack, so the offline figures are the product's.
import type { CatalogStore } from '@mixtape/catalog';
import { DEFAULT_BACKOFF_LEVELS, catalogSideInputs, catalogTransitionGroups, parseBackoffLevels, parseSideInputLevels } from './backoff';
import { trainingPlayCounts, type SequenceTrainingData, type TrainSequenceOptions } from './train';

/** The sequenceModel bundle part's options (the homeRanker part trains its cross-fitted models with the same). */
export const SEQUENCE_MODEL_OPTIONS = {
  dim: 64,
  blocks: 2,
  heads: 1,
  maxLength: 50,
  /** chosen on synthetic next-item validation (NDCG@10 0.2110 vs 0.2066 at 0.2) */
  dropout: 0.3,
  /** separate output embeddings: on synthetic next-items they learn "what follows" several times faster than tied ones */
  tied: false,
  /** the query adds the last item's embedding: learns faster, but peaked lower on next-item validation (0.2058 vs 0.2110) */
  lastItemResidual: false,
  /**
   * the served score adds a first-order transition prior (α · log-lift of "follows the last
   * play"), its α, μ, γ chosen on the validation rows and stored in the model file as CSR
   * arrays; false = the transformer's logits alone
   */
  transitionPrior: true,
  /**
   * the prior also sits inside the training softmax with these settings (each position's own
   * transition left out), so the transformer learns what the counts do not say; on synthetic
   * next-item validation 0.2267 vs 0.2244 served (within noise). alpha 0 = off.
   */
  trainPriorAlpha: 1,
  trainPriorMu: 0.04,
  trainPriorGamma: 0.5,
  /**
   * back-off levels of the served prior: "none", or "album", "artist" joined by "+" — tracks that
   * followed any track of the last play's album / artist and share it, each level's weight chosen
   * on the validation rows (ADR 0012). album+artist took synthetic next-items from level with the
   * transition baseline to +0.0215 NDCG@10 [0.0155, 0.0275] (2,340 test rows, paired).
   */
  backoff: DEFAULT_BACKOFF_LEVELS.join('+'),
  /**
   * side inputs of the transformer: "none", or "album", "artist", "albumPosition" (the track's
   * index in its album's track list in catalog order — the running order only where the catalog
   * lists albums in running order), "artistRank" (its rank among its artist's tracks by the plays
   * the model trains on) joined by "+" — a learned embedding per album / artist / position / rank added to
   * its tracks' input and output embeddings during training (the model file stores the summed rows;
   * serving is unchanged). See @mixtape/sequence sideInputs and catalogSideInputs.
   */
  sideInputs: 'none',
  /** most passes; the position budget below usually ends training sooner */
  epochs: 20,
  /**
   * training positions a build spends (epochs = min(epochs, ceil(budget / positions per epoch)),
   * 0 = always `epochs`): build time follows the data size — ~2–3 min of training on 2 quiet
   * cores whatever the log. Small logs get more passes, large ones fewer.
   */
  positionBudget: 4_000_000,
  batchSize: 128,
  negatives: 2048,
  learningRate: 0.005,
  patience: 2,
  validationRows: 1000,
  /** train on each listener's most recent N plays (the serving query reads maxLength) */
  historyItems: 100,
  factory: 'auto',
  /**
   * HNSW's efSearch when efSearchRecall is 0 (else the measured choice below replaces it): chosen
   * by recall, not speed: recall@10 against the exact served top-10 ≥ 0.98 on every
   * trained model measured — 0.9940 at 64 (0.9966 at 128, 0.9900 at 32) on a 50k synthetic
   * model, 0.9854 / 0.9849 on two 10k ones, where 32 fell to 0.9606 —, for ~⅔ of 128's CPU
   * per request (packages/sequence README, bench:next --model)
   */
  efSearch: 64,
  /**
   * > 0: an HNSW index's efSearch is chosen per model instead — the smallest of 32, 40, 48, 64, 96,
   * 128 whose served answers' recall@10 against the exact served top-10 on 1,000 of the model's
   * listeners' histories reaches this bar on its lower bound (recall − 2 standard errors; none: 128;
   * validated at k = 10 only); the build prints each recall and the manifest keeps them (the index
   * file's metadata.efSearchRecall). 0: efSearch above for every model. Session 10 bench table
   * (docs/results/bench-next.md): a 50k synthetic model 0.9940 at 32, a TidyTuesday one 0.9715 at 32
   * and 0.9921 at 64; the 50k build's own sample measured 0.9908 at 32 (lower bound 0.9889: fails)
   * and 0.9929 at 40 (0.9912: passes), so that model gets 40.
   */
  efSearchRecall: 0.99,
  nprobe: 32,
};
export type SequenceModelOptions = typeof SEQUENCE_MODEL_OPTIONS;

/** The part's settings as trainSequenceModel options (model shape, loss, prior and its back-off over the catalog's tracks), for `epochs` passes. */
/** `data`: the histories trained on — artistRank ranks by their plays (trainingPlayCounts), so it is required for that level. */
export function sequenceTrainingOptions(options: SequenceModelOptions, epochs: number, settings: { threads: number; seed: number }, store: CatalogStore, data?: SequenceTrainingData): TrainSequenceOptions {
  const backoff = parseBackoffLevels(options.backoff, 'sequenceModel.backoff');
  const side = parseSideInputLevels(options.sideInputs, 'sequenceModel.sideInputs');
  return {
    model: { dim: options.dim, blocks: options.blocks, heads: options.heads, maxLength: options.maxLength, dropout: options.dropout, tied: options.tied, lastItemResidual: options.lastItemResidual },
    epochs,
    batchSize: options.batchSize,
    negatives: options.negatives,
    learningRate: options.learningRate,
    patience: options.patience,
    validationRows: options.validationRows,
    transitionPrior: options.transitionPrior,
    transitionGroups: options.transitionPrior ? catalogTransitionGroups(store, backoff) : [],
    ...(side.length > 0 ? { sideInputs: catalogSideInputs(store, side, side.includes('artistRank') && data ? trainingPlayCounts(data, options.validationRows, settings.seed) : undefined) } : {}),
    trainWithPrior: options.trainPriorAlpha > 0 ? { alpha: options.trainPriorAlpha, mu: options.trainPriorMu, gamma: options.trainPriorGamma } : undefined,
    threads: settings.threads,
    seed: settings.seed,
  };
}

/**
 * Passes of each cross-fitted next-track model the Home ranker's sequence source trains (the build's
 * homeRanker.sequence and the eval's home-stack `sequence`; 0 = off). On by default since session 12:
 * synthetic next-items validation NDCG@10 +0.0051 [0.0024, 0.0077] over the ranker without it (rule R12-1).
 */
export const HOME_SEQUENCE_EPOCHS = 2;
