import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INTERACTION_TYPE_CODE } from '../interactions';
import { writeSnapshot } from '../snapshot';
import { SEQUENCE_TRANSITIONS, generateSynthetic, sequenceToExtras, tasteToExtras } from './generate';
import type { SyntheticOptions } from './generate';

const root = await mkdtemp(join(tmpdir(), 'mixtape-synthetic-'));
afterAll(() => rm(root, { recursive: true, force: true }));

async function snapshotHashes(name: string, options: SyntheticOptions): Promise<string[]> {
  const dataset = generateSynthetic(options);
  const dir = join(root, name);
  await writeSnapshot(dir, { store: dataset.store, interactions: dataset.interactions, source: 'synthetic', details: dataset.details, extras: { ...tasteToExtras(dataset.taste), ...sequenceToExtras(dataset.sequence) } });
  return Promise.all(
    ['metadata.json', 'catalog.bin', 'interactions.bin', 'extras.bin'].map(async (file) =>
      createHash('sha256').update(await readFile(join(dir, file))).digest('hex'),
    ),
  );
}

describe('generateSynthetic', () => {
  const small = { tracks: 3_000, users: 300, interactions: 40_000 };

  it('is byte-identical for the same seed and differs for another', async () => {
    const first = await snapshotHashes('a', { ...small, seed: 11 });
    const second = await snapshotHashes('b', { ...small, seed: 11 });
    const other = await snapshotHashes('c', { ...small, seed: 12 });
    expect(second).toEqual(first);
    expect(other[2]).not.toEqual(first[2]);
  });

  const dataset = generateSynthetic({ ...small, seed: 3 });
  const { store, interactions, taste } = dataset;

  it('produces exactly the requested sizes', () => {
    expect(store.trackCount).toBe(3_000);
    expect(store.artistCount).toBe(300);
    expect(interactions.userCount).toBe(300);
    expect(interactions.length).toBe(40_000);
  });

  it('has releases in the 30 days before the reference date and none after it', () => {
    expect(store.newReleasesSince('2026-10-02').length).toBeGreaterThan(0);
    expect(store.newReleasesSince('2026-11-02').length).toBe(0);
    expect(Math.max(...interactions.columns.timestamp)).toBeLessThan(Date.UTC(2026, 10, 3));
  });

  it('gives audio features that follow genre', () => {
    const acousticness = store.featureColumn('acousticness');
    const meanOf = (genre: string): number => {
      const tracks = store.tracksByGenre(store.genreIndex(genre));
      let sum = 0;
      for (const t of tracks) sum += acousticness[t]!;
      return sum / tracks.length;
    };
    expect(meanOf('classical')).toBeGreaterThan(meanOf('metal') + 0.5);
  });

  it('has power-law popularity: the top 10% of tracks draw far more plays than the bottom half', () => {
    const plays = new Float64Array(store.trackCount);
    for (const track of interactions.columns.track) plays[track]!++;
    const sorted = Float64Array.from(plays).sort().reverse();
    const top = sorted.subarray(0, 300).reduce((a, b) => a + b, 0);
    const bottom = sorted.subarray(1_500).reduce((a, b) => a + b, 0);
    expect(top).toBeGreaterThan(3 * bottom);
  });

  it('skips off-taste tracks more often than on-taste ones', () => {
    const genreIndexByName = new Map(taste.genreNames.map((name, index) => [name, index]));
    const c = interactions.columns;
    let onTaste = 0, onTasteSkips = 0, offTaste = 0, offTasteSkips = 0;
    for (let i = 0; i < interactions.length; i++) {
      if (c.type[i] === INTERACTION_TYPE_CODE.save || c.type[i] === INTERACTION_TYPE_CODE.playlist_add) continue;
      const genre = store.genreName(store.genresOfTrack(c.track[i]!).genres[0]!);
      const weight = taste.genreWeights[c.user[i]! * taste.genreNames.length + genreIndexByName.get(genre)!]!;
      const skipped = c.type[i] === INTERACTION_TYPE_CODE.skip ? 1 : 0;
      if (weight > 0.3) { onTaste++; onTasteSkips += skipped; } else if (weight < 0.05) { offTaste++; offTasteSkips += skipped; }
    }
    expect(offTasteSkips / offTaste).toBeGreaterThan(1.5 * (onTasteSkips / onTaste));
  });

  it('lets a user history reflect the latent taste', () => {
    let agree = 0;
    for (let u = 0; u < 100; u++) {
      const top = store.genreName(interactions.history(u, store).topGenres(20).indices.find((g) => taste.genreNames.includes(store.genreName(g)))!);
      const weights = taste.genreWeights.subarray(u * taste.genreNames.length, (u + 1) * taste.genreNames.length);
      const favorite = taste.genreNames[weights.indexOf(Math.max(...weights))];
      if (top === favorite) agree++;
    }
    expect(agree).toBeGreaterThan(60);
  });

  it('saves tracks by loved artists and keeps sessions in artist/album runs', () => {
    const c = interactions.columns;
    let saves = 0;
    let lovedSaves = 0;
    let sameArtistNeighbours = 0;
    for (let i = 0; i < interactions.length; i++) {
      const user = c.user[i]!;
      if (c.type[i] === INTERACTION_TYPE_CODE.save) {
        saves++;
        const loved = taste.lovedArtists.subarray(taste.lovedArtistOffsets[user], taste.lovedArtistOffsets[user + 1]);
        if (loved.includes(store.trackPrimaryArtist[c.track[i]!]!)) lovedSaves++;
      }
      if (i > 0 && c.user[i - 1] === user && store.trackPrimaryArtist[c.track[i]!] === store.trackPrimaryArtist[c.track[i - 1]!]) sameArtistNeighbours++;
    }
    expect(saves).toBeGreaterThan(0);
    expect(lovedSaves / saves).toBeGreaterThan(0.5);
    expect(sameArtistNeighbours / interactions.length).toBeGreaterThan(0.15);
  });

  it('records its session structure per event: album runs in album order, artist runs, genre drift', () => {
    const { transition, sessionGenre } = dataset.sequence;
    const c = interactions.columns;
    expect(transition.length).toBe(interactions.length);
    expect(sessionGenre.length).toBe(interactions.length);
    const share = new Map<number, number>();
    let previous = -1; // the last chosen (non-repeat) event of the user
    let drifts = 0;
    for (let i = 0; i < interactions.length; i++) {
      const code = transition[i]!;
      share.set(code, (share.get(code) ?? 0) + 1);
      if (code === SEQUENCE_TRANSITIONS.repeatEvent) {
        expect(c.track[i]).toBe(c.track[previous]); // a save / playlist_add of the track just played
        continue;
      }
      if (code === SEQUENCE_TRANSITIONS.albumNext) {
        const album = store.tracksByAlbum(store.columns.trackAlbum[c.track[previous]!]!);
        expect(c.user[previous]).toBe(c.user[i]);
        expect(album[album.indexOf(c.track[previous]!) + 1]).toBe(c.track[i]);
      }
      if (code === SEQUENCE_TRANSITIONS.albumStart) expect(store.tracksByAlbum(store.columns.trackAlbum[c.track[i]!]!)[0]).toBe(c.track[i]);
      // (tracksByArtist includes features, so the shared artist may be a featured one)
      if (code === SEQUENCE_TRANSITIONS.artistRun) expect(Array.from(store.artistsOfTrack(c.track[i]!))).toContain(store.trackPrimaryArtist[c.track[previous]!]);
      if (code !== SEQUENCE_TRANSITIONS.sessionStart && code !== SEQUENCE_TRANSITIONS.albumStart && previous >= 0 && sessionGenre[i] !== sessionGenre[previous]) drifts++;
      // a new session starts at least 10 minutes after the user's previous event
      if (code === SEQUENCE_TRANSITIONS.sessionStart && previous >= 0 && c.user[previous] === c.user[i]) expect(c.timestamp[i]! - c.timestamp[previous]!).toBeGreaterThanOrEqual(600_000);
      previous = i;
    }
    const part = (code: number) => (share.get(code) ?? 0) / interactions.length;
    expect(part(SEQUENCE_TRANSITIONS.albumNext)).toBeGreaterThan(0.12);
    expect(part(SEQUENCE_TRANSITIONS.artistRun)).toBeGreaterThan(0.05);
    expect(drifts / interactions.length).toBeGreaterThan(0.03);
    expect(dataset.details.sequence.driftTo.metal).toBe('rock');
  });
});

describe('generated interactions', () => {
  it('pass the Interaction schema (integer ms timestamps, known types)', async () => {
    const { InteractionSchema } = await import('../model');
    const { store, interactions } = generateSynthetic({ seed: 9, tracks: 500, users: 20, interactions: 2_000 });
    for (let row = 0; row < interactions.length; row += 7) expect(() => InteractionSchema.parse(interactions.getInteraction(row, store))).not.toThrow();
  });
});

describe('time-of-day preference', () => {
  it('plays the morning genre more in the morning than in the evening', () => {
    const { store, interactions, taste } = generateSynthetic({ seed: 21, tracks: 3_000, users: 300, interactions: 60_000 });
    const c = interactions.columns;
    let morning = 0, morningHits = 0, evening = 0, eveningHits = 0;
    for (let i = 0; i < interactions.length; i++) {
      const user = c.user[i]!;
      if (taste.morningGenre[user] === taste.eveningGenre[user]) continue;
      const hour = new Date(c.timestamp[i]!).getUTCHours();
      const genre = store.genreName(store.genresOfTrack(c.track[i]!).genres[0]!);
      const isMorningGenre = genre === taste.genreNames[taste.morningGenre[user]!] ? 1 : 0;
      if (hour < 12) { morning++; morningHits += isMorningGenre; } else if (hour >= 18) { evening++; eveningHits += isMorningGenre; }
    }
    expect(morning).toBeGreaterThan(1_000);
    expect(evening).toBeGreaterThan(1_000);
    expect(morningHits / morning).toBeGreaterThan(1.2 * (eveningHits / evening));
  });
});
