// Importers against the real public files in ../shared/data (read in place, never copied).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { skipUnlessAvailable } from '@mixtape/vitest-config/ci';
import { importDataset } from '@mixtape/catalog';

const data = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
// ../shared/data sits beside the repository in CI; only a bare checkout elsewhere skips these.
const skip = skipUnlessAvailable({ suite: 'catalog importers on real data', needs: `the real datasets at ${data}`, available: existsSync(data), fix: 'check the repository out beside ../shared (CI does)' });

describe.skipIf(skip)('real data', () => {
  it('TidyTuesday: 28,356 tracks and 471 playlists', async () => {
    const result = await importDataset('tidytuesday', `${data}tidytuesday-spotify-songs/spotify_songs.csv`);
    expect(result.rejectedCount).toBe(0);
    expect(result.store.trackCount).toBe(28_356);
    expect(result.interactions.userCount).toBe(471);
    expect(result.interactions.length).toBe(32_833);
    const genres = new Set(Array.from({ length: result.store.trackCount }, (_, i) => result.store.getTrack(i)!.genres).flat());
    expect(genres).toEqual(new Set(['pop', 'rap', 'rock', 'latin', 'r&b', 'edm']));
  });

  it('Last.fm HetRec: 1,892 users, 17,632 artists, 92,834 pairs; Latin-1 tags decoded', async () => {
    const result = await importDataset('lastfm-hetrec', `${data}lastfm-hetrec2k`);
    expect(result.interactions.userCount).toBe(1_892);
    expect(result.store.artistCount).toBe(17_632);
    expect(result.store.trackCount).toBe(17_632);
    expect(result.interactions.length).toBe(92_834);
    const names = result.store.columns.genreNames;
    expect(names).toContain('düsseldorf');
    expect(names).toContain('trip-hop');
    expect(names).not.toContain('seen live'); // the most used tag, about the listener
    expect(names.some((name) => name.includes('\uFFFD'))).toBe(false);
    // play counts are per-user artist weights
    const matrix = result.interactions.userItemMatrix();
    expect(matrix.items.length).toBe(92_834);
    const user = result.interactions.userIndex('lastfm:user:2');
    const artist = result.store.trackIndex('lastfm:track:51');
    const position = matrix.items.subarray(matrix.offsets[user], matrix.offsets[user + 1]).indexOf(artist);
    expect(matrix.weights[matrix.offsets[user]! + position]).toBe(13_883);
  });

  it('Spotify 2024: padded CSVs trimmed into 4,495 tracks and 115 playlists', async () => {
    const result = await importDataset('spotify-2024', `${data}spotify-playlists-2024-popularity`);
    expect(result.store.trackCount).toBe(4_495);
    expect(result.interactions.userCount).toBe(115);
    expect(result.store.getTrack('2plbrEY59IikOBgBGLjaoe')!.title).toBe('Die With A Smile');
    expect(result.store.columns.trackIds.every((id) => id === id.trim())).toBe(true);
  });

  it('genre enrichment by artist name from mpd-artist-genres', async () => {
    const result = await importDataset('tidytuesday', `${data}tidytuesday-spotify-songs/spotify_songs.csv`, {
      genreEnrichment: `${data}mpd-artist-genres/artists`,
    });
    const artist = result.store.getArtist('artist:ed sheeran')!;
    expect(artist.genres).toContain('pop');
    expect((result.details.genreEnrichment as { artistsMatched: number }).artistsMatched).toBeGreaterThan(5_000);
  });
});
