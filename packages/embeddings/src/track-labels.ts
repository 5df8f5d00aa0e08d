// FAISS answers with labels (positions in add order); services need catalog track indices.
// The map is built once when a bundle is opened, so a request maps results with an array read.
import type { CatalogStore } from '@mixtape/catalog';
import type { VectorIndex } from './vector-index';

/** label → track index of `store` for an index whose ids are track ids; -1 where the id is not in the catalog. */
export function trackIndexByLabel(index: VectorIndex, store: CatalogStore): Int32Array {
  const map = new Int32Array(index.size);
  for (let label = 0; label < map.length; label++) {
    const id = index.idOf(label);
    map[label] = id === undefined ? -1 : store.trackIndex(id);
  }
  return map;
}
