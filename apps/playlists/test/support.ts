// Test fixtures: the TidyTuesday catalog (read in place from ../shared/data) as a playlist
// context with content vectors in a real FAISS index, and a temporary data folder per test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importTidyTuesday } from '@mixtape/catalog';
import { createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats, VectorIndex } from '@mixtape/embeddings';
import type { PlaylistContext } from '@mixtape/ranking';

const TIDYTUESDAY_CSV = fileURLToPath(new URL('../../../../shared/data/tidytuesday-spotify-songs/spotify_songs.csv', import.meta.url));

let tidy: Promise<PlaylistContext> | undefined;

export function loadTidyTuesdayContext(): Promise<PlaylistContext> {
  tidy ??= importTidyTuesday(TIDYTUESDAY_CSV, { skipInvalid: true }).then(({ store }) => {
    const contentEncoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const contentVectors = encodeCatalogContent(contentEncoder, store);
    const ids = Array.from({ length: store.trackCount }, (_unused, index) => store.trackId(index));
    const contentIndex = VectorIndex.build({ dim: contentEncoder.dim, ids, vectors: contentVectors });
    return { version: 'tidytuesday-test', store, contentEncoder, contentIndex, contentVectors };
  });
  return tidy;
}

export function temporaryDirectory(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}
