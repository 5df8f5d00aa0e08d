import { describe, expect, it } from 'vitest';
import { createEmptyPlan, PLAN_SCHEMA_VERSION } from './plan';
import type { FeedbackRecord, PlaylistVersionRecord } from './preferences';
import { buildPreferencePairs, FeedbackRecordSchema, toJsonLines } from './preferences';

const v1: PlaylistVersionRecord = {
  playlistId: 'p1',
  version: 1,
  parentVersion: null,
  prompt: 'upbeat latin for a run',
  plan: createEmptyPlan({ genres: { include: ['latin'], exclude: [] }, features: { ...createEmptyPlan().features, energy: { min: 0.7, max: 1 } } }),
  planner: 'offline',
  trackIds: ['t1', 't2', 't3'],
  templateVersion: 'offline.v1',
  userId: 'u1',
  createdAt: 1,
};
const v2: PlaylistVersionRecord = {
  ...v1,
  version: 2,
  parentVersion: 1,
  prompt: 'less upbeat',
  plan: createEmptyPlan({ genres: { include: ['latin'], exclude: [] }, features: { ...createEmptyPlan().features, energy: { min: 0.5, max: 0.8 } } }),
  trackIds: ['t2', 't4', 't5'],
  createdAt: 2,
};

const feedback = (signal: FeedbackRecord['signal'], version: number, trackId: string | null, createdAt: number): FeedbackRecord => ({
  playlistId: 'p1',
  version,
  trackId,
  signal,
  userId: 'u1',
  createdAt,
});

describe('DPO preference export', () => {
  it('pairs a kept refinement (chosen) against the version it replaced (rejected)', () => {
    const pairs = buildPreferencePairs([v2, v1], [], { kinds: ['plan'] });
    expect(pairs).toHaveLength(1);
    const [pair] = pairs;
    expect(pair?.prompt).toBe('upbeat latin for a run\nRefinement: less upbeat');
    expect(JSON.parse(pair?.chosen ?? '')).toEqual(v2.plan);
    expect(JSON.parse(pair?.rejected ?? '')).toEqual(v1.plan);
    expect(pair?.meta).toMatchObject({ kind: 'plan', chosenVersion: 2, rejectedVersion: 1, rejectedBecause: 'refined away', schemaVersion: PLAN_SCHEMA_VERSION });
  });

  it('a disliked refinement loses to the liked original; the latest signal per track wins', () => {
    const records = [
      feedback('like', 1, null, 10),
      feedback('dislike', 2, null, 11),
      feedback('like', 2, 't4', 12),
      feedback('dislike', 2, 't4', 13), // changed their mind
      feedback('save', 2, 't2', 14),
      feedback('skip', 2, 't5', 15),
    ];
    const pairs = buildPreferencePairs([v1, v2], records);
    const planPairs = pairs.filter((pair) => pair.meta.kind === 'plan');
    expect(planPairs).toHaveLength(1);
    expect(planPairs[0]?.meta).toMatchObject({ chosenVersion: 1, rejectedVersion: 2, rejectedBecause: 'negative feedback' });
    expect(planPairs[0]?.prompt).toBe('upbeat latin for a run');

    const trackPairs = pairs.filter((pair) => pair.meta.kind === 'track');
    expect(trackPairs.map((pair) => [pair.chosen, pair.rejected])).toEqual([
      ['t2', 't4'],
      ['t2', 't5'],
    ]);
    expect(trackPairs[0]?.prompt).toBe('upbeat latin for a run\nRefinement: less upbeat');
  });

  it('writes JSON Lines with exactly prompt, chosen, rejected, meta', () => {
    const lines = toJsonLines(buildPreferencePairs([v1, v2], [feedback('like', 2, 't2', 1), feedback('remove', 2, 't4', 2)], {
      describeTrack: (trackId) => `Track ${trackId}`,
    }));
    const rows = lines.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rows.length).toBe(2);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(['chosen', 'meta', 'prompt', 'rejected']);
    expect(rows[1]).toMatchObject({ chosen: 'Track t2', rejected: 'Track t4' });
    expect(lines.endsWith('\n')).toBe(true);
  });

  it('has nothing to export without a preference', () => {
    expect(buildPreferencePairs([v1], [])).toEqual([]);
    expect(toJsonLines([])).toBe('');
  });

  it('validates feedback records with field-level errors', () => {
    const result = FeedbackRecordSchema.safeParse({ playlistId: 'p1', version: 0, signal: 'love', createdAt: 1 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.')).sort()).toEqual(['signal', 'version']);
  });
});
