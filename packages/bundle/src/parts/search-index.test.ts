import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSynthetic, writeSnapshot } from '@mixtape/catalog';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundle } from '../registry/build';
import { createPartRegistry } from '../registry/registry';
import { MIN_DISTINCT_PLAYLIST_NAMES, semanticModelPart } from './search-index';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'mixtape-semantic-part-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A synthetic log whose listeners are playlists named by `nameOf(user)`. */
async function build(name: string, nameOf: (user: number) => string) {
  const data = generateSynthetic({ tracks: 300, users: 30, interactions: 3000, seed: 4 });
  const directory = join(work, name);
  const names = Array.from({ length: data.interactions.userCount }, (_unused, user) => nameOf(user));
  await writeSnapshot(directory, { store: data.store, interactions: data.interactions, source: 'synthetic', extras: { 'user.names': names } });
  const built = await buildBundle(createPartRegistry([semanticModelPart]), { directory: join(work, `${name}-build`), settings: { threads: 1 }, options: { dataset: { directory } }, progress: () => {} });
  return built.parts.find((part) => part.name === 'semanticModel')!;
}

describe('semanticModel part', () => {
  it('counts distinct playlist names, not playlists: 30 playlists under 2 names (any case or punctuation) train no text model, and the build says why', async () => {
    const part = await build('two-names', (user) => (user % 2 === 0 ? 'Gym' : user % 3 === 0 ? 'chill vibes!' : 'Chill Vibes'));
    expect(part.present).toBe(false);
    expect(part.reason).toBe(`30 named playlists with 2 distinct names in the dataset (the text model needs ${MIN_DISTINCT_PLAYLIST_NAMES} distinct names)`);
  });

  it('trains it from 30 playlists with 30 distinct names', async () => {
    const words = ['rainy', 'sunny', 'night', 'morning', 'road', 'trip', 'study', 'focus', 'party', 'dance'];
    const part = await build('thirty-names', (user) => `${words[user % 10]} ${words[Math.floor(user / 10) + 3]} mix`);
    expect(part.present).toBe(true);
    expect(part.detail).toMatch(/words and phrases/);
  });
});
