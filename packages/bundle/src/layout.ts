// Where each part lives inside a bundle. Paths are stable API: services fetch parts by path/role.
export const BUNDLE_LAYOUT = {
  /** The dataset snapshot (catalog + interactions), as @mixtape/catalog writes it. */
  datasetDir: 'dataset',
  contentEncoder: 'models/content-encoder.json',
  itemVectors: 'vectors/items.pack',
  contentVectors: 'vectors/content.pack',
  userVectors: 'vectors/users.pack',
  itemIndex: 'indexes/items.faiss',
  contentIndex: 'indexes/content.faiss',
  buildSummary: 'models/build.json',
  /** contributed by `mixtape build`: the serialized search engine (@mixtape/search-index) */
  searchIndex: 'search/index.bin',
  /** contributed by `mixtape build`: the Home ranker (@mixtape/ranking) */
  ranker: 'models/ranker.json',
} as const;

/** Which bundle parts a service needs (the rest is not downloaded). */
export interface BundleParts {
  /** catalog.bin + metadata.json: every service */
  catalog?: boolean;
  /** keep the InteractionLog in memory: user histories (Home, personalization) */
  interactions?: boolean;
  itemVectors?: boolean;
  contentVectors?: boolean;
  userVectors?: boolean;
  itemIndex?: boolean;
  contentIndex?: boolean;
  /** other bundle paths an app reads with its own package (search index, ranker model…) */
  extraPaths?: readonly string[];
}

export const ALL_PARTS: Required<Omit<BundleParts, 'extraPaths'>> = {
  catalog: true,
  interactions: true,
  itemVectors: true,
  contentVectors: true,
  userVectors: true,
  itemIndex: true,
  contentIndex: true,
};

/** The bundle paths those parts correspond to (used as the load filter). */
export function pathsForParts(parts: BundleParts): (path: string) => boolean {
  const wanted = new Set<string>(parts.extraPaths ?? []);
  wanted.add(BUNDLE_LAYOUT.contentEncoder);
  wanted.add(BUNDLE_LAYOUT.buildSummary);
  if (parts.catalog || parts.interactions) wanted.add(`${BUNDLE_LAYOUT.datasetDir}/metadata.json`);
  if (parts.catalog || parts.interactions) {
    // readSnapshot reads a whole dataset directory, so the interactions come along with the catalog.
    wanted.add(`${BUNDLE_LAYOUT.datasetDir}/catalog.bin`);
    wanted.add(`${BUNDLE_LAYOUT.datasetDir}/interactions.bin`);
  }
  if (parts.itemVectors) wanted.add(BUNDLE_LAYOUT.itemVectors);
  if (parts.contentVectors) wanted.add(BUNDLE_LAYOUT.contentVectors);
  if (parts.userVectors) wanted.add(BUNDLE_LAYOUT.userVectors);
  if (parts.itemIndex) wanted.add(BUNDLE_LAYOUT.itemIndex);
  if (parts.contentIndex) wanted.add(BUNDLE_LAYOUT.contentIndex);
  return (path) => wanted.has(path);
}
