// Builds playlist contexts for tests: the TidyTuesday catalog (read in place from ../shared/data)
// or a small synthetic one, with content vectors in a real FAISS index.
import { fileURLToPath } from 'node:url';
import type { CatalogStore } from '@mixtape/catalog';
import { generateSynthetic, importTidyTuesday } from '@mixtape/catalog';
import { createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, VectorIndex } from '@mixtape/embeddings';
import { buildCatalogLexicon } from '@mixtape/language';
import { planFromPrompt, refinePlan, type Plan } from '@mixtape/llm';
import { createPlaylistEngine, type PlaylistContext, type PlaylistEngine } from '../src/index';

export const TIDYTUESDAY_CSV = fileURLToPath(
  new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url),
);

export function contextFromStore(store: CatalogStore, version: string): PlaylistContext {
  const contentEncoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
  const contentVectors = encodeCatalogContent(contentEncoder, store);
  const ids = Array.from({ length: store.trackCount }, (_unused, index) => store.trackId(index));
  const contentIndex = VectorIndex.build({ dim: contentEncoder.dim, ids, vectors: contentVectors });
  return { version, store, contentEncoder, contentIndex, contentVectors };
}

let tidy: Promise<PlaylistContext> | undefined;
export function loadTidyTuesdayContext(): Promise<PlaylistContext> {
  tidy ??= importTidyTuesday(TIDYTUESDAY_CSV, { skipInvalid: true }).then((result) => contextFromStore(result.store, 'tidytuesday'));
  return tidy;
}

/** The TidyTuesday engine and the offline planner over its catalog's vocabulary (prompt → plan, plan + refinement → plan). */
export async function loadTidyTuesdayPlanning(): Promise<{
  engine: PlaylistEngine;
  planOf: (prompt: string) => Plan;
  refineOf: (plan: Plan, instruction: string) => Plan;
}> {
  const context = await loadTidyTuesdayContext();
  const lexicon = buildCatalogLexicon(context.store);
  return {
    engine: createPlaylistEngine(context),
    planOf: (prompt) => planFromPrompt(lexicon, prompt).plan,
    refineOf: (plan, instruction) => refinePlan(plan, instruction, lexicon).plan,
  };
}

export function syntheticContext(tracks = 3000): PlaylistContext & { interactions: ReturnType<typeof generateSynthetic>['interactions'] } {
  const dataset = generateSynthetic({ tracks, users: 200, interactions: 20_000 });
  return { ...contextFromStore(dataset.store, 'synthetic'), interactions: dataset.interactions };
}
