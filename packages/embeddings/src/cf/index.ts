// Collaborative item models over CSR user × item matrices: what @mixtape/eval's baselines fit
// and what Home's offline candidates are cut from.
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
} from './csr';
export type { CsrMatrix, CooColumns, DuplicatePolicy, BuildCsrOptions } from './csr';
export { buildNeighborGraph, scoreWithGraph } from './neighbor-graph';
export type { NeighborGraphOptions, FitControl } from './neighbor-graph';
export { fitEaseWeights } from './ease';
export type { EaseWeights, EaseWeightOptions } from './ease';
export { trainImplicitAls, foldInImplicitAls } from './als';
export type { ImplicitAlsOptions, ImplicitAlsFactors } from './als';
