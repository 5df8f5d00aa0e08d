// The reward model in fulfilment on TidyTuesday (real FAISS index): it moves playlists towards
// what a listener liked, never past the plan's constraints, and changes nothing without feedback.
import type { Lexicon } from '@mixtape/language';
import { buildCatalogLexicon } from '@mixtape/language';
import type { FeedbackRecord, Plan, PlaylistVersionRecord } from '@mixtape/llm';
import { planFromPrompt } from '@mixtape/llm';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Fulfilment, PlaylistEngine, RewardScorer } from '../src/index';
import { createHardFilter, createPlaylistEngine, relaxFilters, createRewardScorer, fulfilPlan, minimumArtistGap, resolvePlan, rewardPairsFromFeedback, trainRewardModel } from '../src/index';
import { loadTidyTuesdayContext } from './playlist-support';

let engine: PlaylistEngine;
let lexicon: Lexicon;
let adversarial: RewardScorer;
const planOf = (prompt: string): Plan => planFromPrompt(lexicon, prompt).plan;
const ids = (result: Fulfilment): string[] => result.tracks.map((track) => track.trackId);
const mean = (result: Fulfilment, column: Float32Array): number => Array.from(result.trackIndices).reduce((sum, track) => sum + column[track]!, 0) / result.tracks.length;

// Prompts with every kind of constraint: genres, exclusions, ranges, years, lengths, seeds, "only by", clean.
const PROMPTS = [
  'upbeat latin for a run, no reggaeton',
  'rap without Drake',
  'high energy workout songs',
  'chill songs without any rap',
  'songs from the sixties',
  'pop songs under 3 minutes',
  'like Metallica but softer',
  'something like Drake but without the rap',
  'songs by Queen',
  'clean hip hop for kids',
  '90s hip hop',
  'sad songs in a minor key',
];

beforeAll(async () => {
  const context = await loadTidyTuesdayContext();
  engine = createPlaylistEngine(context);
  lexicon = buildCatalogLexicon(context.store);
  // A listener who likes acoustic tracks and removes everything else, whatever they asked for:
  // a model that pulls hard against most of these prompts.
  const { store } = engine;
  const acoustic = store.featureColumn('acousticness');
  const versions: PlaylistVersionRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  ['dance pop', 'rock anthems', 'rap', 'edm bangers', 'latin hits', 'r&b slow jams', 'indie pop', 'summer hits'].forEach((prompt, p) => {
    const plan = planOf(prompt);
    const result = fulfilPlan(engine, plan, { userId: 'listener' });
    versions.push({ playlistId: `p${p}`, version: 1, parentVersion: null, prompt, plan, planner: 'offline', trackIds: ids(result), userId: 'listener', createdAt: p });
    for (const track of result.trackIndices) {
      feedback.push({ playlistId: `p${p}`, version: 1, trackId: store.trackId(track), signal: acoustic[track]! > 0.25 ? 'like' : 'remove', userId: 'listener', createdAt: p });
    }
  });
  const model = trainRewardModel(store, rewardPairsFromFeedback(store, versions, feedback).pairs, { seed: 1, steps: 200 });
  adversarial = createRewardScorer(model!, store);
}, 120_000);

describe('reward model in fulfilment (TidyTuesday)', () => {
  it('with no feedback nothing changes: no pairs, no model, the same playlists', () => {
    const plan = planOf('upbeat latin for a run, no reggaeton');
    const versions: PlaylistVersionRecord[] = [{ playlistId: 'p', version: 1, parentVersion: null, prompt: 'x', plan, planner: 'offline', trackIds: ids(fulfilPlan(engine, plan)), userId: 'u', createdAt: 0 }];
    const model = trainRewardModel(engine.store, rewardPairsFromFeedback(engine.store, versions, []).pairs);
    expect(model).toBeUndefined();
    for (const prompt of PROMPTS) {
      const base = fulfilPlan(engine, planOf(prompt), { userId: 'u' });
      const again = fulfilPlan(engine, planOf(prompt), { userId: 'u', ...(model ? { reward: createRewardScorer(model, engine.store) } : {}) });
      expect(ids(again)).toEqual(ids(base));
      expect(again.stats.rewardLifted).toBe(0);
    }
  });

  it('moves a listener\'s playlists towards what they liked (acoustic), and a reward weight of 0 turns it off', () => {
    const acoustic = engine.store.featureColumn('acousticness');
    const plan = planOf('indie songs for a sunday morning');
    const base = fulfilPlan(engine, plan, { userId: 'listener' });
    const learnt = fulfilPlan(engine, plan, { userId: 'listener', reward: adversarial });
    expect(learnt.stats.rewardLifted).toBeGreaterThan(0);
    expect(mean(learnt, acoustic)).toBeGreaterThan(mean(base, acoustic) + 0.1);
    expect(ids(fulfilPlan(engine, plan, { userId: 'listener', reward: adversarial, weights: { reward: 0 } }))).toEqual(ids(base));
  });

  it('never breaks the plan\'s constraints, even when the model pulls against them', () => {
    const { store } = engine;
    let changed = 0;
    for (const prompt of PROMPTS) {
      const plan = planOf(prompt);
      const base = fulfilPlan(engine, plan, { userId: 'listener' });
      const learnt = fulfilPlan(engine, plan, { userId: 'listener', reward: adversarial });
      const resolved = resolvePlan(engine, plan);
      // hard filters: exclusions, genres, years, lengths, "only by", explicit — as relaxed for the baseline
      expect(learnt.relaxed, prompt).toEqual(base.relaxed);
      const relaxation = relaxFilters(engine, resolved, Math.min(plan.trackCount, store.trackCount));
      const strict = createHardFilter(engine, relaxation.plan, relaxation.options);
      for (const track of learnt.trackIndices) expect(strict(track), `${prompt}: ${store.trackTitle(track)}`).toBe(true);
      // soft ranges: the share of tracks inside every range never drops
      expect(learnt.stats.inRangeShare, prompt).toBeGreaterThanOrEqual(base.stats.inRangeShare);
      // same length, no duplicates, artists spaced as before
      expect(learnt.tracks.length, prompt).toBe(base.tracks.length);
      expect(new Set(ids(learnt)).size).toBe(learnt.tracks.length);
      if (resolved.includedArtists === null) expect(minimumArtistGap(store, learnt.trackIndices), prompt).toBeGreaterThanOrEqual(Math.min(2, minimumArtistGap(store, base.trackIndices)));
      if (ids(learnt).join() !== ids(base).join()) changed++;
    }
    // the model did move these playlists (the checks above are not vacuous)
    expect(changed).toBeGreaterThanOrEqual(PROMPTS.length / 2);
  });

  it('keeps "like X" playlists in X\'s neighbourhood', () => {
    const { store } = engine;
    const genreOf = (track: number) => Array.from(store.genresOfTrack(track).genres, (genre) => store.genreName(genre));
    for (const [prompt, genre] of [['like Metallica but softer', 'rock'], ['like Kendrick Lamar but chiller', 'rap'], ['songs like Taylor Swift but sadder', 'pop']] as const) {
      const learnt = fulfilPlan(engine, planOf(prompt), { userId: 'listener', reward: adversarial });
      const share = Array.from(learnt.trackIndices).filter((track) => genreOf(track).includes(genre)).length / learnt.tracks.length;
      expect(share, prompt).toBeGreaterThanOrEqual(0.5);
    }
  });
});
