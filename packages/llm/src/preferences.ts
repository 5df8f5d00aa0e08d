// Feedback → preference pairs for DPO. The playlists service stores playlist versions and
// feedback records; this pure function turns them into `{prompt, chosen, rejected, meta}` lines.
//
// Plan pairs (what the planner should learn): within one playlist, a version the listener liked
// or kept beats a version they disliked or refined away from. The prompt is the listener's whole
// intent up to the chosen version (the original prompt plus its refinements), and chosen/rejected
// are the plans as JSON — exactly what a planner model emits.
// Track pairs (what fulfilment should learn): within one version, a liked/saved track beats a
// disliked/removed/skipped one for that prompt.
import { z } from 'zod';
import type { Plan } from './plan';
import { PLAN_SCHEMA_VERSION } from './plan';

/** `move`: the listener moved a track to `position` (0-based) in the version's order — a reorder. */
export const FEEDBACK_SIGNALS = ['like', 'dislike', 'skip', 'remove', 'save', 'move'] as const;
export type FeedbackSignal = (typeof FEEDBACK_SIGNALS)[number];

export const FeedbackRecordSchema = z.object({
  playlistId: z.string().min(1),
  version: z.number().int().min(1),
  /** null/absent: feedback on the whole playlist version */
  trackId: z.string().min(1).nullish(),
  signal: z.enum(FEEDBACK_SIGNALS),
  /** move: where the listener put the track (0-based position in the version's order) */
  position: z.number().int().min(0).optional(),
  userId: z.string().min(1).nullish(),
  /** epoch milliseconds */
  createdAt: z.number().int().nonnegative(),
}).refine((record) => record.signal !== 'move' || (record.trackId != null && record.position !== undefined), {
  message: 'a move needs trackId and position',
  path: ['position'],
});
export type FeedbackRecord = z.infer<typeof FeedbackRecordSchema>;

export interface PlaylistVersionRecord {
  playlistId: string;
  version: number;
  /** the version this one was refined from; null for the first */
  parentVersion: number | null;
  /** the original prompt for the first version, the refinement instruction for later ones */
  prompt: string;
  plan: Plan;
  planner: string;
  trackIds: readonly string[];
  templateVersion?: string;
  userId?: string | null;
  createdAt: number;
}

export interface DpoPair {
  prompt: string;
  chosen: string;
  rejected: string;
  meta: Record<string, unknown>;
}

export type PreferencePairKind = 'plan' | 'track';

export interface PreferenceExportOptions {
  /** default both */
  kinds?: readonly PreferencePairKind[];
  /** text for a track in track pairs; default the track id */
  describeTrack?: (trackId: string) => string;
  /** cap on track pairs per playlist version (they grow as liked × disliked); default 25 */
  maxTrackPairsPerVersion?: number;
  /** a version refined into another counts as rejected by the listener; default true */
  refinedAwayIsRejected?: boolean;
}

// A move is a reorder, not a verdict on the track: it rates nothing here (the reward model reads it).
const PLAYLIST_WEIGHT: Record<FeedbackSignal, number> = { like: 2, save: 2, dislike: -2, remove: -2, skip: -1, move: 0 };
const TRACK_WEIGHT: Record<FeedbackSignal, number> = { like: 1, save: 1, dislike: -1, remove: -1, skip: -0.5, move: 0 };

/** Builds DPO pairs, in a stable order (playlist, then version), from versions and feedback. */
export function buildPreferencePairs(
  versions: readonly PlaylistVersionRecord[],
  feedback: readonly FeedbackRecord[],
  options: PreferenceExportOptions = {},
): DpoPair[] {
  const kinds = new Set(options.kinds ?? ['plan', 'track']);
  const describeTrack = options.describeTrack ?? ((trackId: string) => trackId);
  const maxTrackPairs = options.maxTrackPairsPerVersion ?? 25;
  const refinedAwayIsRejected = options.refinedAwayIsRejected ?? true;

  const latest = latestFeedback(feedback);
  const pairs: DpoPair[] = [];
  for (const [playlistId, list] of versionsByPlaylist(versions)) {
    const byVersion = new Map(list.map((version) => [version.version, version]));
    const hasChild = new Set(list.map((version) => version.parentVersion).filter((parent): parent is number => parent !== null));
    const signals = latest.get(playlistId) ?? [];

    const scores = new Map<number, number>();
    for (const record of signals) {
      const weight = record.trackId ? TRACK_WEIGHT[record.signal] : PLAYLIST_WEIGHT[record.signal];
      scores.set(record.version, (scores.get(record.version) ?? 0) + weight);
    }

    if (kinds.has('plan')) {
      const judged = list.map((version) => {
        const score = scores.get(version.version) ?? 0;
        const refinedAway = refinedAwayIsRejected && hasChild.has(version.version);
        // Liked, or kept: the end of a refinement chain that drew no complaint.
        const chosen = score > 0 || (!refinedAway && score === 0 && version.parentVersion !== null);
        const rejected = score < 0 || (refinedAway && score <= 0);
        return { version, score, chosen, rejected, refinedAway };
      });
      for (const winner of judged.filter((entry) => entry.chosen)) {
        for (const loser of judged.filter((entry) => entry.rejected && entry.version.version !== winner.version.version)) {
          pairs.push({
            prompt: intentOf(winner.version, byVersion),
            chosen: JSON.stringify(winner.version.plan),
            rejected: JSON.stringify(loser.version.plan),
            meta: {
              kind: 'plan',
              playlistId,
              userId: winner.version.userId ?? null,
              chosenVersion: winner.version.version,
              rejectedVersion: loser.version.version,
              chosenScore: winner.score,
              rejectedScore: loser.score,
              rejectedBecause: loser.score < 0 ? 'negative feedback' : 'refined away',
              chosenPlanner: winner.version.planner,
              rejectedPlanner: loser.version.planner,
              schemaVersion: PLAN_SCHEMA_VERSION,
              templateVersion: winner.version.templateVersion ?? null,
            },
          });
        }
      }
    }

    if (kinds.has('track')) {
      for (const version of list) {
        const trackScores = new Map<string, number>();
        for (const record of signals) {
          if (record.version !== version.version || !record.trackId) continue;
          trackScores.set(record.trackId, (trackScores.get(record.trackId) ?? 0) + TRACK_WEIGHT[record.signal]);
        }
        const liked = [...trackScores].filter(([, score]) => score > 0).map(([trackId]) => trackId);
        const disliked = [...trackScores].filter(([, score]) => score < 0).map(([trackId]) => trackId);
        let emitted = 0;
        for (const chosen of liked) {
          for (const rejected of disliked) {
            if (emitted >= maxTrackPairs) break;
            pairs.push({
              prompt: intentOf(version, byVersion),
              chosen: describeTrack(chosen),
              rejected: describeTrack(rejected),
              meta: { kind: 'track', playlistId, version: version.version, userId: version.userId ?? null, chosenTrackId: chosen, rejectedTrackId: rejected },
            });
            emitted += 1;
          }
        }
      }
    }
  }
  return pairs;
}

/** One JSON object per line, newline-terminated: the format DPO trainers (TRL, axolotl) read. */
export function toJsonLines(pairs: readonly DpoPair[]): string {
  return pairs.map((pair) => `${JSON.stringify(pair)}\n`).join('');
}

/** The last signal per (playlist, version, track, user): a like undone by a dislike counts once. */
function latestFeedback(feedback: readonly FeedbackRecord[]): Map<string, FeedbackRecord[]> {
  const latest = new Map<string, FeedbackRecord>();
  for (const record of feedback) {
    if (record.signal === 'move') continue; // a reorder does not replace a like or a removal
    const key = JSON.stringify([record.playlistId, record.version, record.trackId ?? null, record.userId ?? null]);
    const existing = latest.get(key);
    if (!existing || record.createdAt >= existing.createdAt) latest.set(key, record);
  }
  const byPlaylist = new Map<string, FeedbackRecord[]>();
  for (const record of latest.values()) {
    const list = byPlaylist.get(record.playlistId) ?? [];
    list.push(record);
    byPlaylist.set(record.playlistId, list);
  }
  return byPlaylist;
}

/** The original prompt followed by each refinement on the way to this version. */
function intentOf(version: PlaylistVersionRecord, byVersion: ReadonlyMap<number, PlaylistVersionRecord>): string {
  const chain: string[] = [];
  let current: PlaylistVersionRecord | undefined = version;
  const seen = new Set<number>();
  while (current && !seen.has(current.version)) {
    seen.add(current.version);
    chain.unshift(current.prompt);
    current = current.parentVersion === null ? undefined : byVersion.get(current.parentVersion);
  }
  const [first, ...refinements] = chain;
  return [first ?? '', ...refinements.map((refinement) => `Refinement: ${refinement}`)].join('\n');
}

/**
 * Versions grouped by playlist: playlists in id order, each one's versions in version order
 * (the stable order preference pairs are built in).
 */
export function versionsByPlaylist(versions: readonly PlaylistVersionRecord[]): Array<[playlistId: string, versions: PlaylistVersionRecord[]]> {
  const byPlaylist = new Map<string, PlaylistVersionRecord[]>();
  for (const version of versions) {
    const list = byPlaylist.get(version.playlistId) ?? [];
    list.push(version);
    byPlaylist.set(version.playlistId, list);
  }
  return [...byPlaylist.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([playlistId, list]) => [playlistId, list.sort((a, b) => a.version - b.version)]);
}
