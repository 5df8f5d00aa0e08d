// Model specs on the command line ("ease:lambda=200") → Recommender instances. The registry is
// the hook for models that live elsewhere: register a factory under a name and it runs in every task.
import type { Recommender } from '../recommender';
import { ScoringRecommender } from '../recommender';
import { createAlsRecommender } from './als';
import { createBlendRecommender } from './blend';
import { createEaseRecommender } from './ease';
import { createItem2VecRecommender } from './item2vec';
import { createItemKnnRecommender } from './item-knn';
import { createPopularityRecommender } from './popularity';
import { createRandomRecommender } from './random';
import { createRp3BetaRecommender } from './rp3beta';
import { DEFAULT_HEAD_PATIENCE, DEFAULT_HEAD_ROUNDS, DEFAULT_RANKER_HOLDOUT_FRACTION } from '@mixtape/ranking';
import { HOME_SEQUENCE_EPOCHS, parseBackoffLevels, parseSideInputLevels } from '@mixtape/sequence';
import { DEFAULT_TRAINING_PRIOR, createSasRecRecommender } from './sasrec';
import { createTransitionRecommender } from './transition';
import { createTransitionBackoffRecommender } from './transition-backoff';
// the production Home stack (build + serve path of @mixtape/ranking)
import { createHomeStackRecommender } from './home-stack';

export type ModelParameters = Record<string, number | string>;
export type RecommenderFactory = (parameters: ModelParameters, defaults: { seed: number }) => Recommender;

export interface ModelSpec {
  name: string;
  parameters: ModelParameters;
}

/** "ease:lambda=200:minItemUsers=3" → { name: "ease", parameters: { lambda: 200, minItemUsers: 3 } } */
export function parseModelSpec(spec: string): ModelSpec {
  const [name, ...pairs] = spec.trim().split(':');
  if (!name) throw new RangeError(`empty model spec "${spec}"`);
  const parameters: ModelParameters = {};
  for (const pair of pairs) {
    const match = /^([A-Za-z][A-Za-z0-9]*)=(.+)$/.exec(pair);
    if (!match) throw new RangeError(`model spec "${spec}": expected key=value after ":", got "${pair}"`);
    const value = Number(match[2]);
    parameters[match[1]!] = Number.isFinite(value) ? value : match[2]!;
  }
  return { name, parameters };
}

/** The heads' XGBoost objectives a home-stack spec may name (objective=…). */
const HEAD_OBJECTIVES = ['ndcg', 'pairwise', 'map'];

/** A home-stack spec's XGBoost settings (undefined: the defaults), each checked where it is read. */
function headsXGBoost(p: Record<string, number>, objective: string | undefined): { rounds?: number; minRounds?: number; earlyStoppingRounds?: number; smoothing?: number; params?: Record<string, number | string> } | undefined {
  const params: Record<string, number | string> = {};
  const range = (key: string, ok: (value: number) => boolean, expected: string) => {
    const value = p[key];
    if (value !== undefined && !ok(value)) throw new RangeError(`model home-stack: ${key}=${value}; expected ${expected}`);
    return value;
  };
  const depth = range('depth', (v) => Number.isInteger(v) && v >= 1 && v <= 16, 'a whole number from 1 to 16 (the heads\' tree depth, default 6)');
  const eta = range('eta', (v) => v > 0 && v <= 1, 'a learning rate in (0, 1] (default 0.02)');
  const childWeight = range('childWeight', (v) => v >= 0, 'a number ≥ 0 (the heads\' min_child_weight, default 0.05)');
  const subsample = range('subsample', (v) => v > 0 && v <= 1, 'a fraction in (0, 1] (rows sampled per tree, default 0.8)');
  const colsample = range('colsample', (v) => v > 0 && v <= 1, 'a fraction in (0, 1] (features sampled per tree, default 0.8)');
  const patience = range('patience', (v) => Number.isInteger(v) && v >= 1, `a whole number ≥ 1 (rounds without a better validation NDCG@10 before a head stops, default ${DEFAULT_HEAD_PATIENCE})`);
  const smoothing = range('smoothing', (v) => Number.isInteger(v) && v >= 1, 'a whole number ≥ 1 (rounds averaged when early stopping judges a round, default 1)');
  if (p.threads) params.nthread = p.threads;
  if (depth !== undefined) params.max_depth = depth;
  if (eta !== undefined) params.eta = eta;
  if (childWeight !== undefined) params.min_child_weight = childWeight;
  if (subsample !== undefined) params.subsample = subsample;
  if (colsample !== undefined) params.colsample_bytree = colsample;
  if (objective !== undefined) params.objective = `rank:${objective}`;
  const some = Object.keys(params).length > 0;
  if (!p.rounds && !p.minRounds && patience === undefined && smoothing === undefined && !some) return undefined;
  return {
    ...(p.rounds ? { rounds: p.rounds } : {}),
    ...(p.minRounds ? { minRounds: p.minRounds } : {}),
    ...(patience !== undefined ? { earlyStoppingRounds: patience } : {}),
    ...(smoothing !== undefined ? { smoothing } : {}),
    ...(some ? { params } : {}),
  };
}

function numberParameters(name: string, parameters: ModelParameters, allowed: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(parameters)) {
    if (!allowed.includes(key)) throw new RangeError(`model ${name}: unknown parameter "${key}" (known: ${allowed.join(', ') || 'none'})`);
    if (typeof value !== 'number') throw new RangeError(`model ${name}: parameter "${key}" must be a number, got "${value}"`);
    out[key] = value;
  }
  return out;
}

export class ModelRegistry {
  private readonly factories = new Map<string, RecommenderFactory>();

  register(name: string, factory: RecommenderFactory): this {
    this.factories.set(name, factory);
    return this;
  }

  get names(): string[] {
    return [...this.factories.keys()];
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  create(spec: string, defaults: { seed: number } = { seed: 42 }): Recommender {
    const blend = /^blend\((.*)\)$/.exec(spec.trim());
    if (blend) {
      // blend(ease:lambda=200@1+als@0.5): components joined by "+", each "spec@weight".
      const components = blend[1]!.split('+').map((part) => {
        const at = part.lastIndexOf('@');
        const weight = at < 0 ? 1 : Number(part.slice(at + 1));
        if (!Number.isFinite(weight) || weight <= 0) throw new RangeError(`blend component "${part}": weight after "@" must be a positive number`);
        const model = this.create(at < 0 ? part : part.slice(0, at), defaults);
        if (!(model instanceof ScoringRecommender)) throw new RangeError(`blend component "${part}" does not score the full catalog`);
        return { model, weight };
      });
      return createBlendRecommender(components);
    }
    const { name, parameters } = parseModelSpec(spec);
    const factory = this.factories.get(name);
    if (!factory) throw new RangeError(`unknown model "${name}" (known: ${this.names.join(', ')})`);
    return factory(parameters, defaults);
  }

  /** "popularity,item-knn,ease:lambda=100,blend(ease@1+als@0.5)" → instances, in order. */
  createAll(list: string, defaults: { seed: number } = { seed: 42 }): Recommender[] {
    const specs = list.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
    if (specs.length === 0) throw new RangeError('no models given');
    return specs.map((spec) => this.create(spec, defaults));
  }
}

/** A registry with the built-in baselines. */
export function createModelRegistry(): ModelRegistry {
  return new ModelRegistry()
    .register('popularity', (p) => (numberParameters('popularity', p, []), createPopularityRecommender()))
    .register('random', (p, d) => createRandomRecommender(numberParameters('random', p, ['seed']).seed ?? d.seed))
    .register('item-knn', (p) => createItemKnnRecommender(numberParameters('item-knn', p, ['neighbors', 'shrink'])))
    .register('rp3beta', (p) => createRp3BetaRecommender(numberParameters('rp3beta', p, ['alpha', 'beta', 'neighbors'])))
    .register('als', (p, d) => {
      const { weighting, ...rest } = p;
      if (weighting !== undefined && weighting !== 'binary' && weighting !== 'log') {
        throw new RangeError(`model als: weighting must be "binary" or "log", got "${weighting}"`);
      }
      const options = numberParameters('als', rest, ['factors', 'regularization', 'alpha', 'iterations', 'cgSteps', 'seed']);
      return createAlsRecommender({ seed: d.seed, ...options, weighting: weighting as 'binary' | 'log' | undefined });
    })
    .register('ease', (p) => createEaseRecommender(numberParameters('ease', p, ['lambda', 'minItemUsers', 'maxItems', 'blockSize'])))
    .register('item2vec', (p, d) =>
      createItem2VecRecommender({
        seed: d.seed,
        ...numberParameters('item2vec', p, ['dim', 'window', 'epochs', 'negatives', 'learningRate', 'minCount', 'subsample', 'seed']),
      }),
    )
    .register('transition', (p) => (numberParameters('transition', p, []), createTransitionRecommender()))
    .register('transition-backoff', (p, d) => {
      const { backoff, ...rest } = p;
      return createTransitionBackoffRecommender({
        seed: d.seed,
        ...numberParameters('transition-backoff', rest, ['validationRows', 'seed']),
        backoff: backoff === undefined ? undefined : parseBackoffLevels(String(backoff), 'model transition-backoff: backoff'),
      });
    })
    .register('sasrec', (p, d) => {
      const { loss, learningRateDecay, tied, lastItemResidual, transitionPrior, trainWithPrior, backoff, sideInputs, model: modelFile, ...rest } = p;
      if (modelFile !== undefined) {
        if (Object.keys(p).length > 1) throw new RangeError(`model sasrec: model=FILE reads a trained model; its training options cannot be set too (got ${Object.keys(p).filter((key) => key !== 'model').join(', ')})`);
        return createSasRecRecommender({ modelFile: String(modelFile) });
      }
      if (loss !== undefined && loss !== 'sampled' && loss !== 'full') throw new RangeError(`model sasrec: loss must be "sampled" or "full", got "${loss}"`);
      if (learningRateDecay !== undefined && learningRateDecay !== 'constant' && learningRateDecay !== 'linear' && learningRateDecay !== 'cosine') {
        throw new RangeError(`model sasrec: learningRateDecay must be "constant", "linear" or "cosine", got "${learningRateDecay}"`);
      }
      const flag = (name: string, value: string | number | undefined): boolean | undefined => {
        if (value !== undefined && value !== 'true' && value !== 'false') throw new RangeError(`model sasrec: ${name} must be "true" or "false"${name === 'trainWithPrior' ? ' or "alone"' : ''}, got "${value}"`);
        return value === undefined ? undefined : value === 'true';
      };
      const numbers = numberParameters('sasrec', rest, [
        'dim', 'heads', 'blocks', 'ffDim', 'maxLength', 'dropout', 'epochs', 'batchSize', 'learningRate', 'warmupSteps', 'weightDecay', 'negatives', 'samplingExponent', 'patience', 'validationRows', 'threads', 'seed', 'trainPriorAlpha', 'trainPriorMu', 'trainPriorGamma',
      ]);
      const { trainPriorAlpha, trainPriorMu, trainPriorGamma, ...modelNumbers } = numbers;
      return createSasRecRecommender({
        seed: d.seed,
        ...modelNumbers,
        trainWithPrior:
          trainWithPrior === 'alone'
            ? 'alone'
            : flag('trainWithPrior', trainWithPrior) === false
            ? false
            : trainPriorAlpha === undefined && trainPriorMu === undefined && trainPriorGamma === undefined
              ? undefined
              : { ...DEFAULT_TRAINING_PRIOR, ...(trainPriorAlpha === undefined ? {} : { alpha: trainPriorAlpha }), ...(trainPriorMu === undefined ? {} : { mu: trainPriorMu }), ...(trainPriorGamma === undefined ? {} : { gamma: trainPriorGamma }) },
        loss: loss as 'sampled' | 'full' | undefined,
        learningRateDecay: learningRateDecay as 'constant' | 'linear' | 'cosine' | undefined,
        tied: flag('tied', tied),
        lastItemResidual: flag('lastItemResidual', lastItemResidual),
        transitionPrior: flag('transitionPrior', transitionPrior),
        backoff: backoff === undefined ? undefined : parseBackoffLevels(String(backoff), 'model sasrec: backoff'),
        sideInputs: sideInputs === undefined ? undefined : parseSideInputLevels(String(sideInputs), 'model sasrec: sideInputs'),
      });
    })
    .register('home-stack', (parameters) => {
      // objective=ndcg|pairwise|map: the heads' LambdaMART objective (XGBoost rank:…), the one parameter that is a word
      const { objective, ...numeric } = parameters;
      if (objective !== undefined && !HEAD_OBJECTIVES.includes(String(objective))) {
        throw new RangeError(`model home-stack: objective=${objective}; expected one of ${HEAD_OBJECTIVES.join(', ')} (the heads' XGBoost rank:… objective)`);
      }
      const p = numberParameters('home-stack', numeric, [
        'seed', 'maxUsers', 'negativesPerUser', 'rounds', 'dim', 'epochs', 'window', 'k', 'folds', 'maxHeadScale', 'treeRows', 'baseMargin', 'easeK', 'rp3betaK', 'coListeningK', 'itemVectorsK', 'factorK',
        'successor', 'successorK', 'successorSeeds', 'seeds', 'recentSeeds', 'sequence', 'sequenceK', 'sequenceDim', 'shuffle', 'minRounds', 'hardNegatives', 'minEaseShare', 'blendBags', 'blendReference', 'rp3Beta', 'threads',
        'depth', 'eta', 'childWeight', 'subsample', 'colsample', 'patience', 'smoothing', 'holdout',
      ]);
      if (p.minRounds !== undefined && p.minRounds > (p.rounds ?? DEFAULT_HEAD_ROUNDS)) {
        throw new RangeError(`model home-stack: minRounds=${p.minRounds} exceeds rounds=${p.rounds ?? `${DEFAULT_HEAD_ROUNDS} (the default)`}; expected minRounds ≤ rounds, or every head would keep no trees`);
      }
      // checked here, not after the trees' fit: a negative cap would silently serve the lists alone
      if (p.maxHeadScale !== undefined && !(p.maxHeadScale >= 0)) {
        throw new RangeError(`model home-stack: maxHeadScale=${p.maxHeadScale}; expected a number ≥ 0 (the largest weight of the standardized heads in the served blend; 0 = the lists alone)`);
      }
      if (p.blendBags !== undefined && !(Number.isInteger(p.blendBags) && p.blendBags >= 0)) {
        throw new RangeError(`model home-stack: blendBags=${p.blendBags}; expected a whole number ≥ 0 (bootstrap resamples whose blend searches are averaged; 0 = one search on every validation listener)`);
      }
      if (p.blendReference !== undefined && !(Number.isInteger(p.blendReference) && p.blendReference >= 0)) {
        throw new RangeError(`model home-stack: blendReference=${p.blendReference}; expected a whole number ≥ 0 (the rank each list column of the served blend is measured from, per listener; 0 = the shares as they are)`);
      }
      if (p.threads !== undefined && !(Number.isInteger(p.threads) && p.threads >= 1)) {
        throw new RangeError(`model home-stack: threads=${p.threads}; expected a whole number ≥ 1 (XGBoost's threads, default 2; the shared-fit test uses 1)`);
      }
      if (p.holdout !== undefined && !(p.holdout > 0 && p.holdout < 1)) {
        throw new RangeError(`model home-stack: holdout=${p.holdout}; expected a fraction in (0, 1) (each listener's share of events, latest first on a timed log, held out as the ranker's labels; default ${DEFAULT_RANKER_HOLDOUT_FRACTION})`);
      }
      const perSource = { ease: p.easeK, rp3beta: p.rp3betaK, coListening: p.coListeningK, itemVectors: p.itemVectorsK };
      return createHomeStackRecommender({
        // variants get their own row name ("home stack (…; successor=50)"), so --compare can tell them apart
        label: Object.entries(parameters).map(([key, value]) => `${key}=${value}`).join(':') || undefined,
        // only an explicit seed=N: it then wins over the run's seed (a second fit of one split measures fit noise)
        seed: p.seed,
        treeRows: p.treeRows,
        // sequence=EPOCHS: the next-track model (cross-fitted per fold) as a candidate source and ranker feature,
        // as the build's homeRanker.sequence (default HOME_SEQUENCE_EPOCHS; sequence=0: off)
        sequence: (p.sequence ?? HOME_SEQUENCE_EPOCHS) > 0 ? { epochs: p.sequence ?? HOME_SEQUENCE_EPOCHS, dim: p.sequenceDim, k: p.sequenceK } : undefined,
        itemVectors: { dim: p.dim, epochs: p.epochs, window: p.window },
        candidates: { perSource: Object.fromEntries(Object.entries(perSource).filter((entry) => entry[1] !== undefined)), factorK: p.factorK, successorK: p.successorK, successorSeeds: p.successorSeeds, seeds: p.seeds, recentSeeds: p.recentSeeds },
        ranker: {
          maxUsers: p.maxUsers,
          // holdout=F: the share of each listener's events (the latest on a timed log) the ranker learns to predict
          holdoutFraction: p.holdout,
          negativesPerUser: p.negativesPerUser,
          folds: p.folds,
          maxHeadScale: p.maxHeadScale,
          minEaseShare: p.minEaseShare,
          // blendBags=N: the served blend is the mean of N greedy searches on bootstrap resamples of the ranker's validation listeners
          blendBags: p.blendBags,
          // blendReference=R: the served blend reads each list column per listener from its R-th value, as the eval's blend model does
          blendReference: p.blendReference,
          baseMargin: p.baseMargin,
          // shuffle=1: each listener's rows reach XGBoost in a seeded random order (ties not broken by candidate order)
          ...(p.shuffle ? { rowOrder: 'shuffled' as const } : {}),
          hardNegatives: p.hardNegatives,
          // minRounds=N: every head keeps at least N trees (early stopping chooses among rounds ≥ N)
          // smoothing=W: early stopping judges each round by the mean validation NDCG@10 of the last W rounds
          // threads=N: XGBoost's threads (default 2); the shared-fit test pins 1 (a 2-thread refit once differed in CI, cause unconfirmed)
          // depth, eta, childWeight, subsample, colsample, objective: the heads' XGBoost settings (max_depth, eta,
          // min_child_weight, subsample, colsample_bytree, rank:…); variants that differ only in these share the rows
          xgboost: headsXGBoost(p, objective === undefined ? undefined : String(objective)),
          // successor=N: build "what follows this track" lists of N per track (default off)
          // rp3Beta=B: the RP3β lists' popularity penalty (default DEFAULT_RP3BETA_BETA, 0.3)
          neighbours:
            p.k || p.successor || p.rp3Beta !== undefined
              ? { ...(p.k ? { k: p.k } : {}), ...(p.successor ? { successor: { k: p.successor } } : {}), ...(p.rp3Beta !== undefined ? { rp3beta: { beta: p.rp3Beta } } : {}) }
              : undefined,
        },
      });
    });
}
