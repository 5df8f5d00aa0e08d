// Builds the whole engine from a catalog: inverted index, typo index, suggest index, lexicon, content vectors.
import { ProgressTracker, type Logger, type ProgressCallback } from '@mixtape/base';
import type { CatalogStore } from '@mixtape/catalog';
import { VectorIndex, chooseFactory, createContentEncoder, encodeCatalogContent, fitCatalogFeatureStats } from '@mixtape/embeddings';
import type { ContentEncoder } from '@mixtape/embeddings';
import { buildCatalogLexicon, nameText } from '@mixtape/language';
import { SearchEngine } from './engine';
import { EntitySpace } from './entities';
import { buildInvertedIndex } from './inverted-index';
import { Recordings } from './recordings';
import type { SemanticModel } from './semantic';
import { SuggestIndex } from './suggest-index';
import { TypoIndex } from './typo-index';

export interface ContentSearch {
  index: VectorIndex;
  encoder: ContentEncoder;
}

export interface BuildSearchIndexOptions {
  /**
   * Dense retrieval: an existing content VectorIndex (ids = track ids) with its encoder; 'build'
   * (default) encodes the catalog's content vectors and builds one here; false for lexical only.
   */
  content?: ContentSearch | 'build' | false;
  /** the learned text → track model (trainSemanticModel over the content vectors); needs content */
  semantic?: SemanticModel;
  onProgress?: ProgressCallback;
  logger?: Logger;
}

/** Builds the whole engine from a catalog: lexical index, suggest index, lexicon, content vectors. */
export function buildSearchIndex(store: CatalogStore, options: BuildSearchIndexOptions = {}): SearchEngine {
  const entities = new EntitySpace(store);
  const progress = new ProgressTracker('index search documents', 'docs', entities.size, options.onProgress);
  const genreTexts = store.columns.genreNames.map((name) => nameText(name));
  const lexical = buildInvertedIndex(entities, genreTexts, (code) => progress.update(code));
  progress.finish(entities.size);
  const typos = TypoIndex.build(lexical.arrays.terms);
  const suggestIndex = SuggestIndex.build(entities);
  const lexicon = buildCatalogLexicon(store);

  let encoder: ContentEncoder | undefined;
  let index: VectorIndex | undefined;
  const content = options.content ?? 'build';
  if (content === 'build') {
    encoder = createContentEncoder({ stats: fitCatalogFeatureStats(store) });
    const vectors = encodeCatalogContent(encoder, store);
    index = VectorIndex.build({ dim: encoder.dim, factory: chooseFactory(store.trackCount, encoder.dim), metric: 'ip', ids: store.columns.trackIds, vectors });
  } else if (content) {
    encoder = content.encoder;
    index = content.index;
  }
  const engine = new SearchEngine(store, entities, lexical, typos, suggestIndex, lexicon, encoder, index, undefined, Recordings.build(entities));
  if (options.semantic) engine.useSemanticModel(options.semantic);
  options.logger?.info(engine.info(), 'search index built');
  return engine;
}
