// Listeners' feedback → preference pairs for the reward model. What the playlists service stores
// (versions with their plans and tracks, feedback records) says, per plan:
//   explicit:   a liked/saved track beat a disliked/removed one (a skip counts half);
//   implicit:   a liked track beat one left alone, and one left alone beat a removed one (weaker);
//   reorder:    a track moved up beat the tracks it jumped over; moved down, they beat it;
//   refinement: refining a version ("more acoustic") says the tracks the new version brought in
//               beat the ones it dropped, for the plan the listener first got (weakest).
// Only the latest signal per (playlist, version, track, listener) counts, as in the DPO export.
import type { CatalogStore } from '@mixtape/catalog';
import type { FeedbackRecord, FeedbackSignal, PlaylistVersionRecord } from '@mixtape/llm';
import { versionsByPlaylist } from '@mixtape/llm';
import type { RewardPair } from './reward';
import { intentFeatures } from './reward';

export interface RewardPairOptions {
  /** weight of explicit pairs (default 1; a skip on the losing side halves it) */
  explicitWeight?: number;
  /** weight of liked > unrated and unrated > removed pairs (default 0.3) */
  implicitWeight?: number;
  /** weight of refinement pairs (default 0.2) */
  refinementWeight?: number;
  /** weight of reorder pairs (default 0.3) */
  reorderWeight?: number;
  /** cap on pairs of each source per version (default 60) */
  maxPairsPerVersion?: number;
}

export interface RewardPairExtraction {
  pairs: RewardPair[];
  /** feedback or version tracks whose ids the catalog does not hold (skipped) */
  unknownTracks: number;
  versions: number;
  feedback: number;
}

const TRACK_SCORE: Record<FeedbackSignal, number> = { like: 1, save: 1, dislike: -1, remove: -1, skip: -0.5, move: 0 };

/**
 * Builds the pairs from one or many playlists' versions and feedback, in a stable order
 * (playlist, version). Versions whose playlist had no feedback and no refinement give nothing.
 */
export function rewardPairsFromFeedback(
  store: CatalogStore,
  versions: readonly PlaylistVersionRecord[],
  feedback: readonly FeedbackRecord[],
  options: RewardPairOptions = {},
): RewardPairExtraction {
  const explicitWeight = options.explicitWeight ?? 1;
  const implicitWeight = options.implicitWeight ?? 0.3;
  const refinementWeight = options.refinementWeight ?? 0.2;
  const reorderWeight = options.reorderWeight ?? 0.3;
  const cap = options.maxPairsPerVersion ?? 60;
  let unknownTracks = 0;
  const indexOf = (trackId: string): number => {
    const index = store.trackIndex(trackId);
    if (index < 0) unknownTracks++;
    return index;
  };

  // latest signal per (playlist, version, track, listener); playlist-level signals are not track preferences
  const latest = new Map<string, FeedbackRecord>();
  const moves = new Map<string, FeedbackRecord>(); // the latest move per (playlist, version, track, listener)
  for (const record of feedback) {
    if (!record.trackId) continue;
    if (record.signal === 'move') {
      const key = JSON.stringify([record.playlistId, record.version, record.trackId, record.userId ?? null]);
      const existing = moves.get(key);
      if (record.position !== undefined && (!existing || record.createdAt >= existing.createdAt)) moves.set(key, record);
      continue;
    }
    const key = JSON.stringify([record.playlistId, record.version, record.trackId, record.userId ?? null]);
    const existing = latest.get(key);
    if (!existing || record.createdAt >= existing.createdAt) latest.set(key, record);
  }
  const trackScores = new Map<string, Map<string, number>>(); // "playlist\0version" → track → score
  for (const record of latest.values()) {
    const key = `${record.playlistId}\u0000${record.version}`;
    const scores = trackScores.get(key) ?? new Map<string, number>();
    scores.set(record.trackId!, (scores.get(record.trackId!) ?? 0) + TRACK_SCORE[record.signal]);
    trackScores.set(key, scores);
  }

  const versionMoves = new Map<string, FeedbackRecord[]>();
  for (const move of [...moves.values()].sort((a, b) => a.createdAt - b.createdAt)) {
    const key = `${move.playlistId}\u0000${move.version}`;
    versionMoves.set(key, [...(versionMoves.get(key) ?? []), move]);
  }
  const pairs: RewardPair[] = [];
  for (const [playlistId, list] of versionsByPlaylist(versions)) {
    const byVersion = new Map(list.map((version) => [version.version, version]));
    for (const version of list) {
      const listener = version.userId ?? null;
      const intent = intentFeatures(version.plan);
      const push = (chosen: number, rejected: number, weight: number, source: RewardPair['source'], planIntent = intent): void => {
        if (chosen < 0 || rejected < 0 || chosen === rejected || weight <= 0) return;
        pairs.push({ playlistId, listener, intent: planIntent, chosen, rejected, weight, source });
      };
      const scores = trackScores.get(`${playlistId}\u0000${version.version}`);
      if (scores && scores.size > 0) {
        const liked: [number, number][] = [];
        const disliked: [number, number][] = [];
        for (const [trackId, score] of scores) {
          const track = indexOf(trackId);
          if (track < 0) continue;
          if (score > 0) liked.push([track, score]);
          else if (score < 0) disliked.push([track, score]);
        }
        const rated = new Set(scores.keys());
        const unrated = version.trackIds.filter((trackId) => !rated.has(trackId)).map(indexOf).filter((track) => track >= 0);
        let explicit = 0;
        for (const [chosen] of liked) {
          for (const [rejected, score] of disliked) {
            if (explicit++ >= cap) break;
            push(chosen, rejected, explicitWeight * Math.min(1, -score), 'explicit');
          }
        }
        // Implicit pairs: each unrated track in turn against the liked and the disliked ones, within the cap.
        let implicit = 0;
        implicitPairs: for (const other of unrated) {
          for (const [track] of liked) {
            if (implicit++ >= cap) break implicitPairs;
            push(track, other, implicitWeight, 'implicit');
          }
          for (const [track, score] of disliked) {
            if (implicit++ >= cap) break implicitPairs;
            push(other, track, implicitWeight * Math.min(1, -score), 'implicit');
          }
        }
      }
      // Reorders: against the order the listener was served.
      let reordered = 0;
      for (const move of versionMoves.get(`${playlistId}\u0000${version.version}`) ?? []) {
        const from = version.trackIds.indexOf(move.trackId!);
        const to = Math.min(move.position!, version.trackIds.length - 1);
        if (from < 0 || to === from) continue;
        const moved = indexOf(move.trackId!);
        const [low, high] = to < from ? [to, from - 1] : [from + 1, to];
        for (let p = low; p <= high && reordered < cap; p++, reordered++) {
          const other = indexOf(version.trackIds[p]!);
          if (to < from) push(moved, other, reorderWeight, 'reorder');
          else push(other, moved, reorderWeight, 'reorder');
        }
      }
      // Refinement: the parent's plan, the tracks this version brought in over the ones it dropped.
      const parent = version.parentVersion === null ? undefined : byVersion.get(version.parentVersion);
      if (parent) {
        const parentIntent = intentFeatures(parent.plan);
        const before = new Set(parent.trackIds);
        const after = new Set(version.trackIds);
        const added = version.trackIds.filter((trackId) => !before.has(trackId)).map(indexOf).filter((track) => track >= 0);
        const dropped = parent.trackIds.filter((trackId) => !after.has(trackId)).map(indexOf).filter((track) => track >= 0);
        // every added and every dropped track at least once, round robin, within the cap
        const count = added.length > 0 && dropped.length > 0 ? Math.min(cap, Math.max(added.length, dropped.length)) : 0;
        for (let k = 0; k < count; k++) push(added[k % added.length]!, dropped[k % dropped.length]!, refinementWeight, 'refinement', parentIntent);
      }
    }
  }
  return { pairs, unknownTracks, versions: versions.length, feedback: feedback.length };
}
