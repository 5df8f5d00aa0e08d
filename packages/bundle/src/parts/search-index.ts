// The search index as a bundle part: the typed-array inverted index, typo and suggest arrays and
// the fingerprint of the catalog it was built from, built offline so the search service loads it
// with one read instead of indexing at startup.
// Dense retrieval reuses the bundle's content index. Bundles built before this part existed lack
// it; the search service then builds the index itself.
import { formatProgress } from '@mixtape/base';
import { buildSearchIndex, loadSearchIndex, serializeSearchIndex, type SearchEngine } from '@mixtape/search-index';
import { definePart } from '../registry/define';
import { datasetPart } from './dataset';
import { contentEncoderPart, contentIndexPart } from './embeddings';

export const searchIndexPart = definePart({
  name: 'searchIndex',
  description: 'the serialized search engine (inverted index, typo and suggest arrays; dense retrieval over the content index)',
  files: { index: { path: 'search/index.bin', role: 'index' } },
  optional: true,
  dependsOn: [datasetPart, contentIndexPart, contentEncoderPart],
  build: async ({ inputs, write, progress }): Promise<SearchEngine> => {
    const engine = buildSearchIndex(inputs.dataset.store, {
      content: { index: inputs.contentIndex, encoder: inputs.contentEncoder },
      onProgress: (event) => progress(`  ${formatProgress(event)}`),
    });
    await write('index', serializeSearchIndex(engine));
    return engine;
  },
  openDependsOn: [datasetPart, contentIndexPart],
  open: async ({ read, inputs }) => loadSearchIndex(await read('index'), inputs.dataset.store, inputs.contentIndex),
});
