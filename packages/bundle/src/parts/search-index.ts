// The search index as a bundle part: the typed-array inverted index, typo and suggest arrays and
// the fingerprint of the catalog it was built from, built offline so the search service loads it
// with one read instead of indexing at startup.
// Dense retrieval reuses the bundle's content index. Bundles built before this part existed lack
// it; the search service then builds the index itself.
import { formatProgress } from '@mixtape/base';
import { encodeCatalogContent } from '@mixtape/embeddings';
import { buildSearchIndex, loadSearchIndex, namedPlaylists, serializeSearchIndex, trainSemanticModel, type SearchEngine } from '@mixtape/search-index';
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
    // playlist names in the dataset (TidyTuesday, MPD imports) teach the text → track model
    const names = inputs.dataset.extras?.['user.names'];
    const playlists = Array.isArray(names) ? namedPlaylists(inputs.dataset.interactions, names as string[]) : [];
    let semantic;
    if (playlists.length >= 20) {
      const store = inputs.dataset.store;
      semantic = trainSemanticModel(playlists, encodeCatalogContent(inputs.contentEncoder, store), inputs.contentEncoder.dim);
      progress(`  semantic model: ${semantic.vocabulary.length} words and phrases from ${playlists.length} playlist names`);
    }
    const engine = buildSearchIndex(inputs.dataset.store, {
      content: { index: inputs.contentIndex, encoder: inputs.contentEncoder },
      semantic,
      onProgress: (event) => progress(`  ${formatProgress(event)}`),
    });
    await write('index', serializeSearchIndex(engine));
    return engine;
  },
  openDependsOn: [datasetPart, contentIndexPart],
  open: async ({ read, inputs }) => loadSearchIndex(await read('index'), inputs.dataset.store, inputs.contentIndex),
});
