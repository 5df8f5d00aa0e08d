// Executes a plan: candidates → scoring against the soft constraints → selection (artist cap,
// duplicate titles) → sequencing → title, description, notes. Every track comes from the
// catalog; the plan only steers which ones. Each stage's cost is measured for the benchmark.
import { performance } from 'node:perf_hooks';
import type { Plan } from '@mixtape/llm';
import { AVERAGE_TRACK_MINUTES, MAX_TRACK_COUNT } from '@mixtape/llm';
import type { CandidatePool } from './candidates';
import { generateCandidates, SOURCE } from './candidates';
import type { ResolvedPlan } from './constraints';
import { featureFit, nearFeatureRanges, resolvePlan, withinFeatureRanges } from './constraints';
import type { PlaylistEngine } from './context';
import { deliveredPlan, honestTitle, nearestGenres, unfulfilledParts } from './honesty';
import { describePlaylist, noteForTrack } from './notes';
import type { RewardScorer } from './reward';
import { sequenceTracks } from './sequence';

export interface FulfilOptions {
  userId?: string;
  /** score weights for this request (default SCORE_WEIGHTS): experiments change fulfilment through config */
  weights?: Partial<ScoreWeights>;
  /** tracks between two of one artist, at most (default: as many as the mix allows, at most 3) */
  artistSpacing?: number;
  /**
   * A reward model learnt from listeners' feedback (bundle part `playlistReward`): lifts the
   * candidates it expects this listener to prefer for this plan, by up to `weights.reward`, and
   * only candidates inside every range the plan asked for (hard filters already hold for every
   * candidate), so it re-ranks within the plan's constraints and never past them.
   */
  reward?: RewardScorer;
  /**
   * Prompt words the planner's lexicon did not read ("trip-hop", "rainy window"): when the
   * context has a text model, the words it knows become a content-space vector that joins the
   * candidate query (see CandidateOptions.textVector) and the content score.
   */
  unreadWords?: string;
  /** stops work between stages (a disconnected client); throws the signal's reason */
  signal?: AbortSignal;
}

export interface PlaylistTrack {
  trackId: string;
  title: string;
  artists: string[];
  note: string;
  durationMs: number;
  /** final score (higher = better match); for debugging and the quality suite */
  score: number;
}

/** Milliseconds per stage. */
export interface StageCosts {
  resolve: number;
  candidates: number;
  scoring: number;
  sequencing: number;
  notes: number;
  total: number;
}

export interface FulfilmentStats {
  candidateCount: number;
  /** filters relaxed because the catalog had too few tracks for them */
  relaxed: string[];
  /** plan names the catalog does not know */
  unresolved: string[];
  artistSpacing: number;
  spacingViolations: number;
  meanKeyDistance: number;
  meanTempoChange: number;
  /** share of chosen tracks inside every constrained feature range */
  inRangeShare: number;
  durationMs: number;
  /** candidates the reward model lifted (0 without a model) */
  rewardLifted: number;
  /** unread prompt words the text model knew (words and two-word phrases), when it read any */
  learnedTerms?: string[];
}

/** A part of the request the catalog could not deliver, said out loud. */
export interface UnfulfilledPart {
  /**
   * 'sound': moods, activities or audio-feature ranges the tracks cannot be judged by or do not meet;
   * 'prompt': nothing in the prompt was understood (the playlist is drawn from across the catalog)
   */
  kind: 'genre' | 'artist' | 'era' | 'length' | 'sound' | 'prompt';
  /** what was asked for, as the listener named it ("trip-hop", "Massive Attack", "1940s") */
  requested: string;
  /** one sentence: what is missing and what stands in for it */
  reason: string;
  /** what was delivered instead, when anything was ("electro house", "1950–1965") */
  substitute?: string;
}

export interface Fulfilment {
  title: string;
  description: string;
  /** parts of the request this catalog cannot deliver; empty when everything was */
  unfulfilled: UnfulfilledPart[];
  /** constraints relaxed to reach the requested length, in the order they were relaxed */
  relaxed: string[];
  tracks: PlaylistTrack[];
  /** track indices in playlist order */
  trackIndices: Int32Array;
  stats: FulfilmentStats;
  costs: StageCosts;
}

/** Score weights; exported so the quality suite and tuning can read them. */
export const SCORE_WEIGHTS: Readonly<ScoreWeights> = {
  featureFit: 3,
  content: 1,
  popularity: 0.6,
  seed: 1.5,
  seedArtist: 0.4,
  user: 1.5,
  subgenre: 0.3,
  /** only matters when the year range had to be relaxed: nearer years first */
  year: 1.5,
  /** most a reward model (learnt from feedback) adds to an in-range candidate; 0 turns it off */
  reward: 2,
};

export interface ScoreWeights {
  featureFit: number;
  content: number;
  popularity: number;
  seed: number;
  seedArtist: number;
  user: number;
  subgenre: number;
  year: number;
  reward: number;
}

export function fulfilPlan(engine: PlaylistEngine, plan: Plan, options: FulfilOptions = {}): Fulfilment {
  const { store } = engine;
  const started = performance.now();
  const resolved = resolvePlan(engine, plan);
  const afterResolve = performance.now();
  options.signal?.throwIfAborted();

  const targetMs = plan.targetMinutes !== null ? plan.targetMinutes * 60_000 : undefined;
  const needed = targetMs !== undefined ? Math.min(MAX_TRACK_COUNT, Math.ceil(plan.targetMinutes! / AVERAGE_TRACK_MINUTES) + 3) : plan.trackCount;
  const text = options.unreadWords && engine.context.textModel ? engine.context.textModel.encode(options.unreadWords) : undefined;
  const pool = generateCandidates(engine, resolved, { needed, ...(options.userId !== undefined ? { userId: options.userId } : {}), ...(text ? { textVector: text.vector } : {}) });
  const afterCandidates = performance.now();
  options.signal?.throwIfAborted();

  // A genre the catalog lacks: its nearest genres by content vectors stand in (and get the subgenre bonus).
  const substitutes = plan.unavailable.genres.length > 0 ? nearestGenres(engine, resolved, pool) : { genres: [], names: [] };
  const scoring = substitutes.genres.length > 0 ? { ...resolved, includedSubgenres: new Set([...resolved.includedSubgenres, ...substitutes.genres]) } : resolved;
  const weights = options.weights ? { ...SCORE_WEIGHTS, ...options.weights } : SCORE_WEIGHTS;
  const scores = scoreCandidates(engine, scoring, pool, weights);
  const rewardLifted = options.reward && weights.reward > 0 ? addRewardBonus(engine, scoring, pool, scores, options.reward, options.userId, weights.reward, needed * REWARD_SHORTLIST) : 0;
  const chosen = selectTracks(engine, resolved, pool, scores, { trackCount: plan.trackCount, ...(targetMs !== undefined ? { targetMs } : {}) });
  const afterScoring = performance.now();
  options.signal?.throwIfAborted();

  const sequence = sequenceTracks(store, Int32Array.from(chosen, (slot) => pool.tracks[slot]!), { arc: plan.arc, ...(options.artistSpacing !== undefined ? { artistSpacing: options.artistSpacing } : {}) });
  const afterSequencing = performance.now();

  const slotOfTrack = new Map<number, number>();
  for (const slot of chosen) slotOfTrack.set(pool.tracks[slot]!, slot);
  const tracks: PlaylistTrack[] = [];
  let inRange = 0;
  let durationMs = 0;
  let featured = 0;
  let nearSound = 0;
  for (const track of sequence.order) {
    const slot = slotOfTrack.get(track)!;
    const note = noteForTrack(store, resolved, {
      track,
      fromSeedArtist: (pool.sources[slot]! & SOURCE.seedArtist) !== 0,
      seedSimilarity: pool.seedSimilarity[slot]!,
      userSimilarity: pool.userSimilarity[slot]!,
      popularityPercentile: engine.popularityPercentile[track]!,
    });
    const trackDuration = store.columns.trackDurationMs[track]!;
    durationMs += trackDuration;
    if (store.hasFeatures(track)) featured++;
    if (store.hasFeatures(track) && nearFeatureRanges(resolved.features, track)) nearSound++;
    if (featureFit(resolved.features, track) === 1) inRange++;
    tracks.push({
      trackId: store.trackId(track),
      title: store.trackTitle(track),
      artists: Array.from(store.artistsOfTrack(track), (artist) => store.artistName(artist)),
      note,
      durationMs: trackDuration,
      score: Math.round(scores[slot]! * 1000) / 1000,
    });
  }
  const delivered = deliveredPlan(plan, pool);
  const unfulfilled = unfulfilledParts(plan, pool, substitutes, {
    understoodText: text !== undefined && text.known.length > 0,
    tracks: tracks.length,
    featured,
    nearSound,
    durationMs,
    requestedTracks: plan.trackCount,
    ...(targetMs !== undefined ? { targetMs } : {}),
  });
  const title = honestTitle(plan, delivered, unfulfilled);
  const description = [
    describePlaylist(store, { ...resolved, plan: delivered }, sequence.order),
    ...unfulfilled.map((part) => part.reason),
    ...rationaleSentence(plan),
    ...(text ? [`Read through playlist names: ${text.known.join(', ')}.`] : []),
  ].join(' ');
  const finished = performance.now();

  return {
    title,
    description,
    unfulfilled,
    relaxed: pool.relaxed,
    tracks,
    trackIndices: sequence.order,
    stats: {
      candidateCount: pool.count,
      relaxed: pool.relaxed,
      unresolved: resolved.unresolved,
      artistSpacing: sequence.artistSpacing,
      spacingViolations: sequence.spacingViolations,
      meanKeyDistance: sequence.meanKeyDistance,
      meanTempoChange: sequence.meanTempoChange,
      inRangeShare: tracks.length > 0 ? inRange / tracks.length : 0,
      durationMs,
      rewardLifted,
      ...(text ? { learnedTerms: text.known } : {}),
    },
    costs: {
      resolve: afterResolve - started,
      candidates: afterCandidates - afterResolve,
      scoring: afterScoring - afterCandidates,
      sequencing: afterSequencing - afterScoring,
      notes: finished - afterSequencing,
      total: finished - started,
    },
  };
}

/** Why people and occasions shaped the playlist, as one sentence. */
function rationaleSentence(plan: Plan): string[] {
  if (plan.rationale.length === 0) return [];
  const reasons = plan.rationale.map((reason) => reason.replace(/[.\s]+$/, ''));
  return [`Why: ${reasons.join('; ')}.`];
}

/** One score per candidate slot: feature fit dominates; similarity, popularity dial, seeds and taste refine. */
export function scoreCandidates(engine: PlaylistEngine, resolved: ResolvedPlan, pool: CandidatePool, weights: Readonly<ScoreWeights> = SCORE_WEIGHTS): Float32Array {
  const { plan } = resolved;
  const scores = new Float32Array(pool.count);
  const popularityTarget = 1 - plan.discovery;
  const hasSeeds = resolved.seedArtists.length > 0 || resolved.seedTracks.length > 0;
  const { columns } = engine.store;
  for (let slot = 0; slot < pool.count; slot++) {
    const track = pool.tracks[slot]!;
    let score = weights.featureFit * featureFit(resolved.features, track);
    if (pool.hasQuery) score += weights.content * pool.contentSimilarity[slot]!;
    score += weights.popularity * (1 - Math.abs(engine.popularityPercentile[track]! - popularityTarget));
    if (hasSeeds) {
      score += weights.seed * clampUnit(pool.seedSimilarity[slot]!);
      if ((pool.sources[slot]! & SOURCE.seedArtist) !== 0) score += weights.seedArtist;
    }
    score += weights.user * plan.similarToUser * clampUnit(pool.userSimilarity[slot]!);
    if (plan.releaseYear) {
      const year = engine.store.trackReleaseYear[track]!;
      const distance = year === 0 ? 10 : year < plan.releaseYear.min ? plan.releaseYear.min - year : year > plan.releaseYear.max ? year - plan.releaseYear.max : 0;
      score += weights.year * Math.exp(-distance / 4);
    }
    if (resolved.includedSubgenres.size > 0) {
      for (let j = columns.trackSubgenreOffsets[track]!; j < columns.trackSubgenreOffsets[track + 1]!; j++) {
        if (resolved.includedSubgenres.has(columns.trackSubgenres[j]!)) {
          score += weights.subgenre;
          break;
        }
      }
    }
    scores[slot] = score;
  }
  return scores;
}

/** The reward re-ranks this many candidates per track asked for (the best by the plan's own score). */
export const REWARD_SHORTLIST = 4;

/**
 * Adds the reward model's lift to the candidates that keep everything the plan asked for: inside
 * every feature range, from the seeds' neighbourhood when the plan has seeds ("like Metallica but
 * softer" stays Metallica-like), carrying an asked-for subgenre when there are any (hard filters
 * already hold for every candidate) — and among those, only the `shortlist` best by the plan's
 * own score (seed and content similarity, popularity dial…), so a listener's taste chooses among
 * tracks the plan already rates close, and cannot pull a "like Bad Bunny" playlist to the edge of
 * the seeds' neighbourhood. The lift is `weight × σ(r − r̄)`, r̄ the mean over the shortlist: in
 * (0, weight), never negative, so the model re-ranks within the plan's constraints and cannot carry
 * a track outside them past one inside. Returns how many it lifted.
 */
function addRewardBonus(
  engine: PlaylistEngine,
  resolved: ResolvedPlan,
  pool: CandidatePool,
  scores: Float32Array,
  scorer: RewardScorer,
  listener: string | undefined,
  weight: number,
  shortlist: number,
): number {
  const rewards = scorer.score(resolved.plan, listener, pool.tracks, pool.count);
  const { columns } = engine.store;
  const needsSeed = resolved.seedArtists.length > 0 || resolved.seedTracks.length > 0;
  const needsSubgenre = resolved.includedSubgenres.size > 0;
  const eligible = new Uint8Array(pool.count);
  let sum = 0;
  let count = 0;
  for (let slot = 0; slot < pool.count; slot++) {
    const track = pool.tracks[slot]!;
    if (needsSeed && (pool.sources[slot]! & (SOURCE.seedArtist | SOURCE.seedNeighbour)) === 0) continue;
    if (needsSubgenre) {
      let found = false;
      for (let j = columns.trackSubgenreOffsets[track]!; j < columns.trackSubgenreOffsets[track + 1]! && !found; j++) found = resolved.includedSubgenres.has(columns.trackSubgenres[j]!);
      if (!found) continue;
    }
    if (!withinFeatureRanges(resolved.features, track)) continue;
    eligible[slot] = 1;
    count++;
  }
  if (count === 0) return 0;
  if (count > shortlist) {
    const kept = Float32Array.from(scores.filter((_score, slot) => eligible[slot] === 1)).sort();
    const threshold = kept[kept.length - shortlist]!;
    count = 0;
    for (let slot = 0; slot < pool.count; slot++) {
      if (eligible[slot] === 1 && scores[slot]! < threshold) eligible[slot] = 0;
      else if (eligible[slot] === 1) count++;
    }
  }
  for (let slot = 0; slot < pool.count; slot++) if (eligible[slot] === 1) sum += rewards[slot]!;
  const mean = sum / count;
  for (let slot = 0; slot < pool.count; slot++) {
    if (eligible[slot] === 1) scores[slot]! += weight / (1 + Math.exp(-(rewards[slot]! - mean)));
  }
  return count;
}

/**
 * Best-scoring tracks with at most `cap` per artist and no repeated song (same normalized title by
 * the same primary artist); the cap is lifted only when the pool cannot fill the playlist.
 */
export function selectTracks(
  engine: PlaylistEngine,
  resolved: ResolvedPlan,
  pool: CandidatePool,
  scores: Float32Array,
  length: { trackCount: number; targetMs?: number },
): number[] {
  const { store } = engine;
  const order = Array.from({ length: pool.count }, (_unused, slot) => slot).sort((a, b) => scores[b]! - scores[a]! || pool.tracks[a]! - pool.tracks[b]!);
  const maxTracks = length.targetMs !== undefined ? MAX_TRACK_COUNT : length.trackCount;
  const onlyArtists = resolved.includedArtists?.size ?? 0;
  const nominal = length.targetMs !== undefined ? Math.ceil(length.targetMs / 60_000 / AVERAGE_TRACK_MINUTES) : length.trackCount;
  const cap = onlyArtists > 0 ? Math.max(2, Math.ceil(nominal / onlyArtists)) : Math.max(2, Math.ceil(nominal / 8));
  const chosen: number[] = [];
  const seenSongs = new Set<string>();
  const perArtist = new Map<number, number>();
  let durationMs = 0;
  const full = (): boolean => chosen.length >= maxTracks || (length.targetMs !== undefined && durationMs >= length.targetMs);
  for (const relaxCap of [false, true]) {
    for (const slot of order) {
      if (full()) break;
      const track = pool.tracks[slot]!;
      const song = engine.dedupeKey(track);
      if (seenSongs.has(song)) continue;
      const artist = store.trackPrimaryArtist[track]!;
      const count = perArtist.get(artist) ?? 0;
      if (!relaxCap && count >= cap) continue;
      seenSongs.add(song);
      perArtist.set(artist, count + 1);
      chosen.push(slot);
      durationMs += store.columns.trackDurationMs[track]!;
    }
    if (full()) break;
  }
  return chosen;
}

function clampUnit(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}
