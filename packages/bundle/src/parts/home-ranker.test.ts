// The homeRanker part trains on the aggregates' `ranker-labels` (what the pipeline or the
// single-process path wrote) instead of splitting the log itself: on a log with time, the rows it
// trains on must be exactly the ones trainHomeRanker's own temporal split gives.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '@mixtape/catalog';
import { HOME_SEQUENCE_EPOCHS } from '@mixtape/sequence';
import { buildTrackIndex } from '@mixtape/embeddings';
import { rankerExamples, readAggregates, runLocalAggregation } from '@mixtape/pipelines';
import { HOME_FEATURES, HOME_FEATURES_BEFORE_SUCCESSOR, HOME_FEATURE_COUNT, heuristicRankerModel, prepareRankerData, type HomeRankerModel, type RankerRows } from '@mixtape/ranking';
import { homeRankerPart, sequenceSourceUnavailable, successorListsOfRanker, withSuccessorK } from './home-ranker';
import { MIN_CONSECUTIVE_PLAYS } from './sequence-model';

function rowsOf(rows: RankerRows) {
  return {
    size: rows.size,
    groups: rows.groups,
    tracks: Array.from(rows.tracks.subarray(0, rows.size)),
    features: Array.from(rows.features.subarray(0, rows.size * HOME_FEATURE_COUNT)),
    labels: Object.fromEntries(Object.entries(rows.labels).map(([objective, labels]) => [objective, Array.from(labels.subarray(0, rows.size))])),
  };
}

describe('homeRanker part: split and labels from the aggregates', () => {
  it('gives the same training rows as trainHomeRanker splitting the log itself (temporal split)', async () => {
    const { store, interactions } = generateSynthetic({ seed: 5, tracks: 500, users: 80, interactions: 8_000 });
    const dim = 8;
    const vectors = new Float32Array(store.trackCount * dim);
    for (let i = 0; i < vectors.length; i++) vectors[i] = Math.sin(i * 12.9898) * 0.5;
    for (let t = 0; t < store.trackCount; t++) {
      const row = vectors.subarray(t * dim, (t + 1) * dim);
      const norm = Math.hypot(...row) || 1;
      for (let d = 0; d < dim; d++) row[d]! /= norm;
    }
    const itemIndex = buildTrackIndex(store, { vectors, dim }, { factory: 'Flat', efSearch: 16, nprobe: 1 });
    const data = { store, interactions, itemVectors: vectors, itemDim: dim, itemIndex };
    const work = await mkdtemp(join(tmpdir(), 'mixtape-ranker-labels-'));
    try {
      await runLocalAggregation(store, interactions, work);
      const aggregates = await readAggregates(work, { store, log: interactions });
      const options = { maxUsers: 40, folds: 1, factors: false as const, neighbours: { ease: false as const, itemVectors: false }, negativesPerUser: 20, seed: 42 };
      const kinds: string[] = [];
      const own = await prepareRankerData(data, options);
      const fromAggregates = await prepareRankerData(data, {
        ...options,
        examples: (kind) => {
          kinds.push(kind);
          return rankerExamples(aggregates.rankerLabels[kind]);
        },
      });
      expect(kinds).toEqual(['temporal']);
      expect(own.train.size).toBeGreaterThan(0);
      for (const objective of ['play', 'save', 'skip', 'listen'] as const) expect(own.train.labels[objective].subarray(0, own.train.size).some((label) => label > 0)).toBe(true);
      expect(rowsOf(fromAggregates.train)).toEqual(rowsOf(own.train));
      expect(rowsOf(fromAggregates.validation)).toEqual(rowsOf(own.validation));
      expect(fromAggregates.candidateRecall).toEqual(own.candidateRecall);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('homeCandidates part: the successor lists follow the ranker', () => {
  const trained = (features: readonly string[], training?: Record<string, unknown>): HomeRankerModel => ({ ...heuristicRankerModel('unused'), kind: 'lambdamart', fallback: undefined, features: [...features], training });
  it('records training.successorK only when the successor lists were built (a log without time builds none)', () => {
    const built = trained(HOME_FEATURES, { sequenceK: 20, neighbours: [{ source: 'ease' }, { source: 'successor' }] });
    expect(withSuccessorK(built, 30).training?.successorK).toBe(30);
    expect(withSuccessorK(built, 0).training?.successorK).toBeUndefined();
    // trained with the sequence source on a timeless log: the full layout, but no successor lists were built
    const notBuilt = trained(HOME_FEATURES, { sequenceK: 20, neighbours: [{ source: 'ease' }] });
    expect(withSuccessorK(notBuilt, 30).training?.successorK).toBeUndefined();
    expect(successorListsOfRanker(withSuccessorK(notBuilt, 30))).toBe(0);
  });

  it('stores lists of the k the ranker trained with, none for a ranker without successor columns, and refuses a ranker that does not say its k', () => {
    expect(successorListsOfRanker(undefined)).toBe(0);
    expect(successorListsOfRanker(heuristicRankerModel('no log'))).toBe(0);
    expect(successorListsOfRanker(trained(HOME_FEATURES_BEFORE_SUCCESSOR))).toBe(0);
    expect(successorListsOfRanker(trained(HOME_FEATURES, { successorK: 50 }))).toBe(50);
    // trained with the next-track model but no successor lists: their columns were all zero, no lists to store
    expect(successorListsOfRanker(trained(HOME_FEATURES, { sequenceK: 50 }))).toBe(0);
    expect(successorListsOfRanker(trained(HOME_FEATURES, { sequenceK: 50, successorK: 30 }))).toBe(30);
    expect(() => successorListsOfRanker(trained(HOME_FEATURES, {}))).toThrow(/reads the successor columns but does not say how long its successor lists were \(training\.successorK is undefined\); rebuild homeRanker with --set homeRanker\.successor=<k>/);
    expect(() => successorListsOfRanker(trained(HOME_FEATURES, { successorK: 2.5 }))).toThrow(/training\.successorK is 2\.5/);
  });
});

describe('homeRanker part: options', () => {
  it('refuses a successor k that is not an integer ≥ 0 before it trains anything', async () => {
    const build = homeRankerPart.build as unknown as (context: { options: Record<string, unknown> }) => Promise<unknown>;
    for (const successor of [2.5, -1, Number.NaN]) {
      await expect(build({ options: { ...homeRankerPart.options, successor } })).rejects.toThrow(`homeRanker.successor: expected an integer ≥ 0 (0: off), got ${successor}`);
    }
  });

  it('trains with the next-track source by default (HOME_SEQUENCE_EPOCHS passes; 0 turns it off)', () => {
    expect(homeRankerPart.options.sequence).toBe(HOME_SEQUENCE_EPOCHS);
    expect(HOME_SEQUENCE_EPOCHS).toBeGreaterThan(0);
  });

  it('refuses a sequence epoch count that is not an integer ≥ 0 before it trains anything', async () => {
    const build = homeRankerPart.build as unknown as (context: { options: Record<string, unknown> }) => Promise<unknown>;
    for (const sequence of [1.5, -2]) {
      await expect(build({ options: { ...homeRankerPart.options, sequence } })).rejects.toThrow(`homeRanker.sequence: expected an integer ≥ 0 (epochs; 0: off), got ${sequence}`);
    }
  });
});

describe('homeRanker part: the sequence source needs a sequenceModel part to serve it', () => {
  it('is not used on a log too short for the sequenceModel part (it would be absent), and says why naming both parts', () => {
    // 20 listeners × a few plays: fewer consecutive plays than the sequenceModel part trains on
    const small = generateSynthetic({ seed: 3, tracks: 200, users: 20, interactions: 300 }).interactions;
    const reason = sequenceSourceUnavailable(small, 3);
    expect(reason).toMatch(new RegExp(`^the log has \\d+ consecutive plays and the sequenceModel part needs ${MIN_CONSECUTIVE_PLAYS.toLocaleString('en')}, so the bundle would have no next-track model to serve the columns of homeRanker\\.sequence=3$`));
    expect(sequenceSourceUnavailable(small, 0)).toBeUndefined();
    expect(sequenceSourceUnavailable(undefined, 3)).toMatch(/no histories/);
    const large = generateSynthetic({ seed: 3, tracks: 500, users: 80, interactions: 8_000 }).interactions;
    expect(sequenceSourceUnavailable(large, 3)).toBeUndefined();
  });
});
