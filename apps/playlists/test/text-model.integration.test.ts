// Prompt words the planner's lexicon does not know, read through the text → track model learned
// from TidyTuesday's playlist names (the bundle's semanticModel part; here trained in the test
// from the same data, read in place from ../shared/data): end to end over HTTP, the offline
// planner, fulfilment's candidate query and the answer's description.
import { importTidyTuesday } from '@mixtape/catalog';
import { encodeCatalogContent } from '@mixtape/embeddings';
import type { PlaylistContext } from '@mixtape/ranking';
import { namedPlaylists, trainSemanticModel, type SemanticModel } from '@mixtape/search-index';
import { createTestServiceContext } from '@mixtape/service-kit/testing';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlaylistServingState } from '../src/index';
import { createApp, createPlannerFactory, createPlaylistServingState, openFilePlaylistStore } from '../src/index';
import { loadTidyTuesdayContext, temporaryDirectory } from './support';

const TIDYTUESDAY_CSV = new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url);

let context: PlaylistContext;
let model: SemanticModel;

beforeAll(async () => {
  context = await loadTidyTuesdayContext();
  const { interactions, extras } = await importTidyTuesday(TIDYTUESDAY_CSV.pathname, { skipInvalid: true });
  const playlists = namedPlaylists(interactions, extras['user.names'] as string[]);
  model = trainSemanticModel(playlists, encodeCatalogContent(context.contentEncoder, context.store), context.contentEncoder.dim);
}, 120_000);

async function serve(state: PlaylistServingState) {
  const store = await openFilePlaylistStore({ directory: temporaryDirectory('playlists-text-model') });
  const { context: service } = createTestServiceContext({ name: 'playlists', ready: true });
  return { app: createApp({ context: service, serving: () => state, store }), store };
}

/** Share of the answer's tracks whose first genre is `genre`. */
function genreShare(trackIds: string[], genre: string): number {
  const { store } = context;
  const index = store.genreIndex(genre);
  return trackIds.filter((id) => store.genresOfTrack(store.trackIndex(id)).genres[0] === index).length / trackIds.length;
}

describe('prompt words only playlist names know', () => {
  it('"festival anthems" and "southern" get EDM and rap through the text model; without it, the popular default', async () => {
    const plain = await serve(createPlaylistServingState(context, createPlannerFactory(undefined)));
    const learned = await serve(createPlaylistServingState({ ...context, textModel: model }, createPlannerFactory(undefined)));
    try {
      for (const [prompt, word, genre] of [
        ['festival anthems', 'festival', 'edm'],
        ['something southern', 'southern', 'rap'],
      ] as const) {
        const before = (await request(plain.app).post('/v1/playlists').send({ prompt }).expect(201)).body as { tracks: { trackId: string }[]; description: string };
        const after = (await request(learned.app).post('/v1/playlists').send({ prompt }).expect(201)).body as { id: string; tracks: { trackId: string }[]; description: string; plan: unknown };
        const ids = (body: { tracks: { trackId: string }[] }) => body.tracks.map((track) => track.trackId);
        // the offline planner read nothing in the prompt: same plan either way
        expect(after.plan, prompt).toEqual((before as unknown as { plan: unknown }).plan);
        expect(genreShare(ids(after), genre), prompt).toBeGreaterThanOrEqual(0.8);
        expect(genreShare(ids(before), genre), prompt).toBeLessThan(0.5);
        expect(after.description, prompt).toContain(`Read through playlist names: ${word}.`);
        expect(before.description, prompt).not.toContain('playlist names');
        // a refinement keeps the words of the prompt it refines
        const refined = (await request(learned.app).post(`/v1/playlists/${after.id}/refine`).send({ prompt: 'more upbeat' }).expect(201)).body as { tracks: { trackId: string }[] };
        expect(genreShare(ids(refined), genre), `${prompt} → more upbeat`).toBeGreaterThanOrEqual(0.6);
      }
    } finally {
      await plain.store.close();
      await learned.store.close();
    }
  }, 120_000);
});
