import { generateSynthetic } from '@mixtape/catalog';
import type { FeedbackRecord, PlaylistVersionRecord } from '@mixtape/llm';
import { createEmptyPlan } from '@mixtape/llm';
import { describe, expect, it } from 'vitest';
import { createRewardScorer, intentFeatures, parseRewardModel, REWARD_TRACK_FEATURES, serializeRewardModel, trainRewardModel } from './reward';
import { rewardPairsFromFeedback } from './reward-pairs';

const { store } = generateSynthetic({ tracks: 1500, users: 20, interactions: 400, seed: 7 });
const acoustic = store.featureColumn('acousticness');
const trackIds = Array.from({ length: store.trackCount }, (_unused, track) => store.trackId(track));

/** Playlists of 20 tracks in a row of the catalog; the listener likes acoustic tracks and removes the rest. */
function simulatedLog(playlists: number, listener = 'u1'): { versions: PlaylistVersionRecord[]; feedback: FeedbackRecord[] } {
  const versions: PlaylistVersionRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  for (let p = 0; p < playlists; p++) {
    const ids = trackIds.slice(p * 20, p * 20 + 20);
    const plan = { ...createEmptyPlan(), features: { ...createEmptyPlan().features, energy: p % 2 === 0 ? { min: 0.6, max: 1 } : null } };
    versions.push({ playlistId: `pl${p}`, version: 1, parentVersion: null, prompt: `prompt ${p}`, plan, planner: 'offline', trackIds: ids, userId: listener, createdAt: p });
    ids.forEach((trackId, i) => {
      const track = store.trackIndex(trackId);
      if (i % 3 === 2) return; // some tracks get no feedback
      feedback.push({ playlistId: `pl${p}`, version: 1, trackId, signal: acoustic[track]! > 0.3 ? 'like' : i % 2 === 0 ? 'remove' : 'skip', userId: listener, createdAt: p });
    });
  }
  return { versions, feedback };
}

describe('reward pairs from feedback', () => {
  it('turns likes over removals and skips into explicit pairs, likes over unrated into implicit ones', () => {
    const log = simulatedLog(3);
    const { pairs, unknownTracks } = rewardPairsFromFeedback(store, log.versions, log.feedback);
    expect(unknownTracks).toBe(0);
    expect(pairs.some((pair) => pair.source === 'explicit')).toBe(true);
    expect(pairs.some((pair) => pair.source === 'implicit')).toBe(true);
    for (const pair of pairs.filter((entry) => entry.source === 'explicit')) {
      expect(acoustic[pair.chosen]!).toBeGreaterThan(0.3);
      expect(acoustic[pair.rejected]!).toBeLessThanOrEqual(0.3);
      expect(pair.listener).toBe('u1');
    }
    // a skip on the losing side weighs half a removal
    expect(new Set(pairs.filter((pair) => pair.source === 'explicit').map((pair) => pair.weight))).toEqual(new Set([1, 0.5]));
  });

  it('only the latest signal per track counts (a like taken back by a dislike)', () => {
    const version: PlaylistVersionRecord = { playlistId: 'p', version: 1, parentVersion: null, prompt: 'x', plan: createEmptyPlan(), planner: 'offline', trackIds: trackIds.slice(0, 3), userId: 'u', createdAt: 0 };
    const feedback: FeedbackRecord[] = [
      { playlistId: 'p', version: 1, trackId: trackIds[0]!, signal: 'like', userId: 'u', createdAt: 1 },
      { playlistId: 'p', version: 1, trackId: trackIds[0]!, signal: 'dislike', userId: 'u', createdAt: 2 },
      { playlistId: 'p', version: 1, trackId: trackIds[1]!, signal: 'like', userId: 'u', createdAt: 1 },
    ];
    const explicit = rewardPairsFromFeedback(store, [version], feedback).pairs.filter((pair) => pair.source === 'explicit');
    expect(explicit.map((pair) => [store.trackId(pair.chosen), store.trackId(pair.rejected)])).toEqual([[trackIds[1], trackIds[0]]]);
  });

  it('a reorder says a track moved up beat the ones it jumped over (moved down: they beat it)', () => {
    const version: PlaylistVersionRecord = { playlistId: 'p', version: 1, parentVersion: null, prompt: 'x', plan: createEmptyPlan(), planner: 'offline', trackIds: trackIds.slice(0, 6), userId: 'u', createdAt: 0 };
    const feedback: FeedbackRecord[] = [
      { playlistId: 'p', version: 1, trackId: trackIds[4]!, signal: 'move', position: 1, userId: 'u', createdAt: 1 },
      { playlistId: 'p', version: 1, trackId: trackIds[0]!, signal: 'move', position: 2, userId: 'u', createdAt: 2 },
    ];
    const pairs = rewardPairsFromFeedback(store, [version], feedback).pairs.map((pair) => [pair.source, store.trackId(pair.chosen), store.trackId(pair.rejected)]);
    expect(pairs).toEqual([
      ['reorder', trackIds[4], trackIds[1]],
      ['reorder', trackIds[4], trackIds[2]],
      ['reorder', trackIds[4], trackIds[3]],
      ['reorder', trackIds[1], trackIds[0]],
      ['reorder', trackIds[2], trackIds[0]],
    ]);
  });

  it('a refinement prefers the tracks it brought in over the ones it dropped, for the plan first served', () => {
    const parentPlan = createEmptyPlan();
    const childPlan = { ...createEmptyPlan(), features: { ...createEmptyPlan().features, acousticness: { min: 0.6, max: 1 } } };
    const versions: PlaylistVersionRecord[] = [
      { playlistId: 'p', version: 1, parentVersion: null, prompt: 'chill', plan: parentPlan, planner: 'offline', trackIds: trackIds.slice(0, 4), userId: 'u', createdAt: 0 },
      { playlistId: 'p', version: 2, parentVersion: 1, prompt: 'more acoustic', plan: childPlan, planner: 'offline', trackIds: [...trackIds.slice(0, 2), ...trackIds.slice(10, 12)], userId: 'u', createdAt: 1 },
    ];
    const { pairs } = rewardPairsFromFeedback(store, versions, []);
    expect(pairs.length).toBe(2);
    for (const pair of pairs) {
      expect(pair.source).toBe('refinement');
      expect(Array.from(pair.intent)).toEqual(Array.from(intentFeatures(parentPlan)));
      expect([trackIds[10], trackIds[11]]).toContain(store.trackId(pair.chosen));
      expect([trackIds[2], trackIds[3]]).toContain(store.trackId(pair.rejected));
    }
  });
});

describe('trainRewardModel', () => {
  it('with no feedback there is no model (fulfilment stays exactly as it was)', () => {
    const { pairs } = rewardPairsFromFeedback(store, simulatedLog(4).versions, []);
    expect(pairs).toEqual([]);
    expect(trainRewardModel(store, pairs)).toBeUndefined();
  });

  it('learns a hidden taste for acoustic tracks, validated on held-out playlists, deterministically', () => {
    const log = simulatedLog(40);
    const { pairs } = rewardPairsFromFeedback(store, log.versions, log.feedback);
    const model = trainRewardModel(store, pairs, { seed: 3, steps: 150 })!;
    expect(model.training.validation.playlists).toBe(8);
    expect(model.training.validation.accuracy).toBeGreaterThan(0.8);
    expect(model.training.validation.logLoss).toBeLessThan(Math.log(2));
    expect(model.training.search.map((entry) => entry.l2)).toEqual([1e-3, 1e-2, 1e-1]);
    // acousticness carries the listener's taste: in their own weights and the shared bias row
    const acousticColumn = REWARD_TRACK_FEATURES.indexOf('acousticness');
    expect(model.listeners.u1![acousticColumn]! + model.weights[acousticColumn]!).toBeGreaterThan(0.5);
    // the same data and seed give the same model, byte for byte
    expect(serializeRewardModel(trainRewardModel(store, pairs, { seed: 3, steps: 150 })!)).toBe(serializeRewardModel(model));

    const scorer = createRewardScorer(model, store);
    const tracks = Int32Array.from({ length: store.trackCount }, (_unused, track) => track);
    const scores = scorer.score(createEmptyPlan(), 'u1', tracks, tracks.length);
    let agree = 0;
    let total = 0;
    for (let a = 0; a < 400; a++) {
      const b = (a * 7 + 13) % store.trackCount;
      if (Math.abs(acoustic[a]! - acoustic[b]!) < 0.3) continue;
      total++;
      if ((scores[a]! > scores[b]!) === (acoustic[a]! > acoustic[b]!)) agree++;
    }
    expect(agree / total).toBeGreaterThan(0.85);
  });

  it('round-trips through JSON and names what is wrong in a bad file', () => {
    const log = simulatedLog(10);
    const model = trainRewardModel(store, rewardPairsFromFeedback(store, log.versions, log.feedback).pairs, { steps: 20 })!;
    const text = serializeRewardModel(model);
    expect(serializeRewardModel(parseRewardModel(text))).toBe(text);
    expect(() => parseRewardModel('{', 'models/playlist-reward.json')).toThrow(/models\/playlist-reward.json: not JSON/);
    const broken = { ...JSON.parse(text), weights: [1, 2] };
    expect(() => parseRewardModel(JSON.stringify(broken), 'reward.json')).toThrow(/reward.json: weights: .*mixtape playlists train-reward/);
    const renamed = { ...JSON.parse(text), trackFeatures: ['x', ...model.trackFeatures.slice(1)] };
    expect(() => parseRewardModel(JSON.stringify(renamed), 'reward.json')).toThrow(/differ from this version's/);
  });
});
