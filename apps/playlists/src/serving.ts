// What a request needs from the currently loaded bundle: the fulfilment engine, the lexicon built
// from the bundle's catalog, and a planner bound to that lexicon. Rebuilt on every bundle swap.
import {
  contentEncoderPart,
  contentIndexPart,
  contentVectorsPart,
  datasetPart,
  experimentsPart,
  itemIndexPart,
  itemVectorsPart,
  playlistRewardPart,
  semanticModelPart,
  userVectorsPart,
  type OpenedBundle,
} from '@mixtape/bundle';
import { buildCatalogLexicon } from '@mixtape/language';
import type { Lexicon } from '@mixtape/language';
import { pickDefined, type Logger } from '@mixtape/base';
import type { LlmPlannerOptions, PlanExampleSource, PlanProvider, StructuredOutputMode } from '@mixtape/llm';
import { createLlmPlanner, createOfflinePlanner, createOpenAiCompatibleClient } from '@mixtape/llm';
import type { PlaylistContext, PlaylistEngine, RewardModel, RewardScorer } from '@mixtape/ranking';
import { createPlaylistEngine, createRewardScorer } from '@mixtape/ranking';

export interface PlaylistServingState {
  /** bundle version */
  version: string;
  engine: PlaylistEngine;
  lexicon: Lexicon;
  planner: PlanProvider;
  /** the reward model learnt from feedback, bound to this catalog (absent: no model, or PLAYLISTS_REWARD_WEIGHT=0) */
  reward?: RewardScorer;
  /** the reward's weight in fulfilment (PLAYLISTS_REWARD_WEIGHT; experiments may override it per variant) */
  rewardWeight?: number;
}

/** Builds a planner for a catalog's lexicon (the LLM planner needs it to canonicalize names and to fall back). */
export type PlannerFactory = (lexicon: Lexicon) => PlanProvider;

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
  timeoutMs?: number;
  maxRetries?: number;
  mode?: StructuredOutputMode;
  /** well-rated plans for similar prompts go into the prompt as examples (the store's liked versions: `createRatedPlanSource`) */
  examples?: PlanExampleSource;
  /** at most this many examples per request (default 3; 0: none) */
  maxExamples?: number;
  /** tests: a no-wait sleep for retries */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The offline planner, or the LLM planner (falling back to the offline one) when `llm` is given. */
export function createPlannerFactory(llm: LlmSettings | undefined, logger?: Logger): PlannerFactory {
  if (!llm) return (lexicon) => createOfflinePlanner({ lexicon });
  return (lexicon) => {
    const client = createOpenAiCompatibleClient({
      baseUrl: llm.baseUrl,
      model: llm.model,
      ...pickDefined(llm, ['apiKey', 'timeoutMs', 'maxRetries', 'sleep']),
      ...(logger ? { logger } : {}),
    });
    const options: LlmPlannerOptions = {
      client,
      lexicon,
      ...(llm.mode ? { mode: llm.mode } : {}),
      ...(logger ? { logger } : {}),
      ...(llm.examples && llm.maxExamples !== 0 ? { examples: llm.examples, ...(llm.maxExamples !== undefined ? { maxExamples: llm.maxExamples } : {}) } : {}),
    };
    return createLlmPlanner(options);
  };
}

export interface ServingStateOptions {
  /** a reward model (the bundle's `playlistReward` part or a file); its track features are computed once here */
  reward?: RewardModel;
  /** default fulfilment's SCORE_WEIGHTS.reward; 0 leaves the model out */
  rewardWeight?: number;
}

/** Engine + lexicon + planner (+ reward scorer) for one loaded bundle (~0.3 s on TidyTuesday's 28k tracks). */
export function createPlaylistServingState(context: PlaylistContext, plannerFactory: PlannerFactory, options: ServingStateOptions = {}): PlaylistServingState {
  const engine = createPlaylistEngine(context);
  const lexicon = buildCatalogLexicon(context.store);
  return {
    version: context.version,
    engine,
    lexicon,
    planner: plannerFactory(lexicon),
    ...(options.reward && options.rewardWeight !== 0 ? { reward: createRewardScorer(options.reward, context.store) } : {}),
    ...(options.rewardWeight !== undefined ? { rewardWeight: options.rewardWeight } : {}),
  };
}

/** The bundle parts the playlists service reads (only their files are downloaded). */
export const PLAYLIST_BUNDLE_PARTS = [
  datasetPart,
  contentEncoderPart,
  contentVectorsPart,
  contentIndexPart,
  itemVectorsPart,
  itemIndexPart,
  userVectorsPart,
  experimentsPart,
  playlistRewardPart,
  semanticModelPart,
] as const;
export type PlaylistBundle = OpenedBundle<typeof PLAYLIST_BUNDLE_PARTS>;

/**
 * An opened bundle as fulfilment sees it: the catalog, content space, item / user vectors for
 * seed neighbours and similar-to-user, and the text model learned from playlist names (when the
 * bundle has one) for prompt words the lexicon does not know.
 */
export function playlistContextFromBundle(bundle: PlaylistBundle): PlaylistContext {
  const { dataset, contentEncoder, contentVectors, contentIndex, itemVectors, itemIndex, userVectors: users, semanticModel } = bundle.parts;
  const { store, interactions } = dataset;
  const userVector =
    users.dim === itemVectors.dim
      ? (userId: string): Float32Array | undefined => {
          const user = interactions.userIndex(userId);
          if (user < 0 || user >= users.numUsers) return undefined;
          return users.vectors.subarray(user * users.dim, (user + 1) * users.dim);
        }
      : undefined;
  return {
    version: bundle.version,
    store,
    contentEncoder,
    contentIndex,
    contentVectors: contentVectors.vectors,
    itemIndex,
    itemVectors: itemVectors.vectors,
    ...(userVector ? { userVector } : {}),
    ...(semanticModel && semanticModel.dim === contentEncoder.dim ? { textModel: semanticModel } : {}),
  };
}
