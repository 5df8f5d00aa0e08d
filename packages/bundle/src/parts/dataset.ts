// The dataset as a bundle part: the catalog and the interaction log every service reads, as the
// snapshot format stores them. Built from a dataset directory (`mixtape data generate|import`).
import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readSnapshot, writeSnapshot, type CatalogStore, type InteractionLog, type SnapshotExtras, type SnapshotMetadata } from '@mixtape/catalog';
import { definePart } from '../registry/define';

export interface DatasetPartValue {
  store: CatalogStore;
  interactions: InteractionLog;
  metadata: SnapshotMetadata;
  /** the dataset directory's extras (e.g. playlist names, "user.names") — at build time only: the bundle does not store them */
  extras?: SnapshotExtras;
}

const FILE_NAMES = { metadata: 'metadata.json', catalog: 'catalog.bin', interactions: 'interactions.bin' } as const;

export const datasetPart = definePart({
  name: 'dataset',
  description: 'catalog (tracks, artists, albums, genres, audio features) and the interaction log, as a dataset snapshot',
  files: {
    metadata: { path: 'dataset/metadata.json', role: 'metadata', contentType: 'application/json' },
    catalog: { path: 'dataset/catalog.bin', role: 'catalog' },
    interactions: { path: 'dataset/interactions.bin', role: 'catalog' },
  },
  options: { directory: '' },
  build: async ({ options, path, signal }): Promise<DatasetPartValue> => {
    if (!options.directory) throw new Error('part "dataset" needs options.directory: a dataset directory from `mixtape data generate|import`');
    const snapshot = await readSnapshot(options.directory, { signal });
    await writeSnapshot(
      dirname(path('metadata')),
      { store: snapshot.store, interactions: snapshot.interactions, source: snapshot.metadata.source, details: snapshot.metadata.details },
      { signal, overwrite: true },
    );
    return { store: snapshot.store, interactions: snapshot.interactions, metadata: snapshot.metadata, extras: snapshot.extras };
  },
  // The snapshot reader wants one directory; cached files are named by checksum, so link them.
  open: async ({ path, scratchDir, signal }): Promise<DatasetPartValue> => {
    const view = join(scratchDir, 'view');
    await mkdir(view, { recursive: true });
    try {
      for (const [key, name] of Object.entries(FILE_NAMES)) await symlink(path(key as keyof typeof FILE_NAMES), join(view, name));
      const snapshot = await readSnapshot(view, { signal });
      return { store: snapshot.store, interactions: snapshot.interactions, metadata: snapshot.metadata };
    } finally {
      await rm(view, { recursive: true, force: true });
    }
  },
  summarize: (value) =>
    `${value.store.trackCount.toLocaleString('en')} tracks, ${value.interactions.userCount.toLocaleString('en')} users, ${value.interactions.length.toLocaleString('en')} events (${value.metadata.source})`,
});
