// The CSR matrix every split, model and metric here shares lives in @mixtape/embeddings (the
// collaborative models there read it too); re-exported under this package's names.
export {
  buildCsr,
  sortAndMergeRows,
  transposeCsr,
  rowLength,
  rowIndices,
  rowValues,
  binarize,
  columnCounts,
  selectRows,
  emptyCsr,
} from '@mixtape/embeddings';
export type { CsrMatrix, CooColumns, DuplicatePolicy, BuildCsrOptions } from '@mixtape/embeddings';
