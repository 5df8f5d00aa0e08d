// The learning-from-feedback simulation over the real TidyTuesday catalog (read in place from
// ../shared/data, present in CI): a small run of the curve `mixtape eval --task reward-curve` reports.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importTidyTuesday } from '@mixtape/catalog';
import { buildPlaylistContext, createPlaylistEngine } from '@mixtape/ranking';
import { describe, expect, it } from 'vitest';
import { LEGACY_QUALITY_PROMPTS } from '../src/prompts/legacy';
import { formatRewardCurveReport, runRewardCurve } from '../src/prompts/reward-curve';

const CSV = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));
const present = existsSync(CSV);
if (process.env.CI && !present) throw new Error(`real data missing at ${CSV} (CI runs with ../shared beside the repository)`);

describe.skipIf(!present)('reward curve on TidyTuesday', () => {
  it('changes nothing without feedback, and raises the liked share of held-out playlists with it', async () => {
    const { store } = await importTidyTuesday(CSV, { skipInvalid: true });
    const engine = createPlaylistEngine(buildPlaylistContext(store, { version: 'tidytuesday', factory: 'Flat' }));
    const report = await runRewardCurve(engine, { prompts: LEGACY_QUALITY_PROMPTS, amounts: [0, 4], seeds: [1], listeners: 4, heldOutPrompts: 6 });
    const [none, some] = report.points;
    expect(none).toMatchObject({ sessions: 0, pairs: 0, unchangedShare: 1 });
    expect(Number.isNaN(none!.validationAccuracy)).toBe(true);
    expect(some!.pairs).toBeGreaterThan(0);
    expect(some!.likedShareGain.mean).toBeGreaterThan(0.05);
    // re-ranking within each plan: the held-out prompts' own checks pass as often as without feedback
    expect(some!.promptChecks).toBeGreaterThanOrEqual(none!.promptChecks);
    expect(formatRewardCurveReport(report)).toContain('| 0 | 0 | — (no model) |');
  }, 300_000);
});
