// The search index as a bundle part: the typed-array inverted index, typo and suggest arrays and
// the fingerprint of the catalog it was built from, built offline so the search service loads it
// with one read instead of indexing at startup.
// Dense retrieval reuses the bundle's content index. Bundles built before this part existed lack
// it; the search service then builds the index itself.
// The learned text → track model (from the dataset's playlist names) is its own small part, so
// the playlists service reads prompt words its lexicon does not know without loading the search
// index; the search index is stored without it (index format 4) and is handed it when opened.
import { formatProgress } from '@mixtape/base';
import { encodeCatalogContent } from '@mixtape/embeddings';
import {
  buildSearchIndex,
  loadSearchIndex,
  distinctPlaylistNames,
  namedPlaylists,
  parseSemanticModel,
  serializeSearchIndex,
  serializeSemanticModel,
  trainSemanticModel,
  type SearchEngine,
  type SemanticModel,
} from '@mixtape/search-index';
import { definePart } from '../registry/define';
import { datasetPart } from './dataset';
import { contentEncoderPart, contentIndexPart } from './embeddings';

/**
 * Distinct playlist names needed to train the text model (fewer: the part is absent) — the same
 * count `mixtape eval --task semantic-search` asks for: twenty playlists with two names between
 * them made a model of six phrases.
 */
export const MIN_DISTINCT_PLAYLIST_NAMES = 20;

export const semanticModelPart = definePart({
  name: 'semanticModel',
  description: 'text → content-space vectors of words and phrases learned from the dataset’s playlist names (search and the playlist planner); absent with fewer than 20 distinct playlist names',
  files: { model: { path: 'models/semantic-text.bin', role: 'model' } },
  optional: true,
  dependsOn: [datasetPart, contentEncoderPart],
  build: async ({ inputs, write, progress, absent }): Promise<SemanticModel | undefined> => {
    // playlist names in the dataset (TidyTuesday, MPD imports) teach the text → track model
    const names = inputs.dataset.extras?.['user.names'];
    const playlists = Array.isArray(names) ? namedPlaylists(inputs.dataset.interactions, names as string[]) : [];
    const distinct = distinctPlaylistNames(playlists);
    if (distinct < MIN_DISTINCT_PLAYLIST_NAMES) return absent(`${playlists.length} named playlists with ${distinct} distinct names in the dataset (the text model needs ${MIN_DISTINCT_PLAYLIST_NAMES} distinct names)`);
    const model = trainSemanticModel(playlists, encodeCatalogContent(inputs.contentEncoder, inputs.dataset.store), inputs.contentEncoder.dim);
    progress(`  semantic model: ${model.vocabulary.length} words and phrases from ${playlists.length} playlist names`);
    await write('model', serializeSemanticModel(model));
    return model;
  },
  open: async ({ read, version }) => parseSemanticModel(await read('model'), `bundle ${version}: models/semantic-text.bin`),
  summarize: (model) => `${model.vocabulary.length.toLocaleString('en')} words and phrases × dim ${model.dim} (${model.method})`,
});

export const searchIndexPart = definePart({
  name: 'searchIndex',
  description: 'the serialized search engine (inverted index, typo and suggest arrays; dense retrieval over the content index)',
  files: { index: { path: 'search/index.bin', role: 'index' } },
  optional: true,
  dependsOn: [datasetPart, contentIndexPart, contentEncoderPart, semanticModelPart],
  build: async ({ inputs, write, progress }): Promise<SearchEngine> => {
    const engine = buildSearchIndex(inputs.dataset.store, {
      content: { index: inputs.contentIndex, encoder: inputs.contentEncoder },
      ...(inputs.semanticModel ? { semantic: inputs.semanticModel } : {}),
      onProgress: (event) => progress(`  ${formatProgress(event)}`),
    });
    await write('index', serializeSearchIndex(engine));
    return engine;
  },
  openDependsOn: [datasetPart, contentIndexPart, semanticModelPart],
  // the text model is stored once, as its own part; an index written before (format 3) embeds it
  open: async ({ read, inputs }) =>
    loadSearchIndex(await read('index'), inputs.dataset.store, inputs.contentIndex, inputs.semanticModel ? { semantic: inputs.semanticModel } : {}),
});
