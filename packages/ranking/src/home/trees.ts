// Gradient-boosted trees in TypeScript: an XGBoost JSON model flattened into typed arrays and
// scored over Float32Array feature rows — what Home serves, with no native code. Scores equal
// the library's own predictions (float32 thresholds and float32 accumulation, in tree order).
import { scoreTreeRowsWasm } from './trees-wasm';

/**
 * Every tree's nodes in flat typed arrays; tree t starts at node `roots[t]` and is walked
 * `depth[t]` steps. Nodes are renumbered breadth-first so siblings are adjacent: a step is
 * `left + (x ≥ threshold) + (x is NaN and missing goes right)` — arithmetic, no branch to
 * mispredict. A leaf's `left` is the leaf itself and its threshold NaN, so a walk that reached
 * it stays there: no exit test, and several rows walk one tree in lockstep.
 */
export interface TreeEnsemble {
  featureCount: number;
  /** the model's base score (added to the sum of leaves) */
  base: number;
  roots: Int32Array;
  /** levels of each tree (the longest root-to-leaf path) */
  depth: Int32Array;
  /** split feature (0 at a leaf) */
  feature: Int32Array;
  /** go left when x < threshold (NaN at a leaf) */
  threshold: Float32Array;
  /** absolute index of the left child; the right child is left + 1; a leaf's is its own index */
  left: Int32Array;
  /** 1: a missing (NaN) value goes right (0 at a leaf) */
  missingRight: Int32Array;
  /** leaf value (0 at split nodes) */
  value: Float32Array;
  /** split gain (XGBoost loss_changes, 0 at leaves), for feature importance */
  gain: Float32Array;
}

interface XGBoostTreeJson {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: number[] | boolean[];
  loss_changes: number[];
  split_type?: number[];
  categories?: number[];
}
interface XGBoostModelJson {
  learner: {
    learner_model_param: { base_score: string; num_feature: string; num_class?: string; num_target?: string };
    gradient_booster: { name: string; model: { trees: XGBoostTreeJson[] } };
  };
}

/** Flattens an XGBoost JSON model (XGBoosterSaveModelToBuffer, format json) of a single-output gbtree. */
export function treeEnsembleFromXGBoost(json: string | object, where = 'XGBoost model'): TreeEnsemble {
  const model = (typeof json === 'string' ? JSON.parse(json) : json) as XGBoostModelJson;
  const learner = model?.learner;
  if (!learner?.gradient_booster?.model?.trees || !learner.learner_model_param) throw new Error(`${where}: not an XGBoost JSON model (learner.gradient_booster.model.trees missing)`);
  if (learner.gradient_booster.name !== 'gbtree') throw new Error(`${where}: booster "${learner.gradient_booster.name}" is not supported (only gbtree)`);
  const classes = Number(learner.learner_model_param.num_class ?? 0);
  const targets = Number(learner.learner_model_param.num_target ?? 1);
  if (classes > 1 || targets > 1) throw new Error(`${where}: multi-output models are not supported (num_class ${classes}, num_target ${targets})`);
  const trees = learner.gradient_booster.model.trees;
  let nodes = 0;
  for (const tree of trees) nodes += tree.left_children.length;
  const out: TreeEnsemble = {
    featureCount: Number(learner.learner_model_param.num_feature),
    base: Number(learner.learner_model_param.base_score),
    roots: new Int32Array(trees.length),
    depth: new Int32Array(trees.length),
    feature: new Int32Array(nodes),
    threshold: new Float32Array(nodes),
    left: new Int32Array(nodes),
    missingRight: new Int32Array(nodes),
    value: new Float32Array(nodes),
    gain: new Float32Array(nodes),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    if (tree.split_type?.some((type) => type !== 0)) throw new Error(`${where}: tree ${t} has categorical splits, which the scorer does not support`);
    const size = tree.left_children.length;
    out.roots[t] = offset;
    // breadth-first renumbering: queue[i] is the JSON node stored at offset + i, level[i] its depth
    const queue = new Int32Array(size);
    const level = new Int32Array(size);
    let tail = 1;
    for (let head = 0; head < tail; head++) {
      const i = queue[head]!;
      const node = offset + head;
      if (tree.left_children[i] === -1) {
        out.value[node] = tree.split_conditions[i]!;
        out.threshold[node] = Number.NaN;
        out.left[node] = node;
        out.depth[t] = Math.max(out.depth[t]!, level[head]!);
        continue;
      }
      if (tail + 2 > size) throw new Error(`${where}: tree ${t} is malformed (more children than nodes)`);
      out.feature[node] = tree.split_indices[i]!;
      out.threshold[node] = tree.split_conditions[i]!;
      out.gain[node] = tree.loss_changes[i]!;
      out.missingRight[node] = Number(tree.default_left[i]) ? 0 : 1;
      out.left[node] = offset + tail;
      level[tail] = level[tail + 1] = level[head]! + 1;
      queue[tail++] = tree.left_children[i]!;
      queue[tail++] = tree.right_children[i]!;
    }
    if (tail !== size) throw new Error(`${where}: tree ${t} has ${size - tail} nodes unreachable from its root`);
    offset += size;
  });
  return out;
}

/**
 * Scores `rows` feature rows (row-major, `stride` values per row, the model's features first):
 * base + Σ leaves in float32, tree by tree, as XGBoost's CPU predictor sums them.
 */
export function scoreTrees(model: TreeEnsemble, features: Float32Array, rows: number, stride: number, out: Float32Array = new Float32Array(rows)): Float32Array {
  return scoreTreeRows(model, features, stride, undefined, rows, out);
}

/**
 * The same for chosen rows: out[i] = the score of row `rowIndex[i]` (i < count); without
 * `rowIndex`, rows 0..count−1. Tree-major (one tree over every row, then the next), so a tree's
 * nodes stay in cache while the rows stream past, and four rows walk each tree in lockstep so
 * their dependent loads overlap; the float32 accumulator keeps XGBoost's sum order. The walk runs
 * in WebAssembly (trees-wasm.ts, the same scores bit for bit) unless a row has a missing value,
 * the trees are deeper than 8 levels or the runtime has no WebAssembly: then in JavaScript.
 */
export function scoreTreeRows(model: TreeEnsemble, features: Float32Array, stride: number, rowIndex: Int32Array | undefined, count: number, out: Float32Array = new Float32Array(count)): Float32Array {
  out.fill(Math.fround(model.base), 0, count);
  const offsets = offsetScratch(count);
  for (let i = 0; i < count; i++) offsets[i] = (rowIndex === undefined ? i : rowIndex[i]!) * stride;
  if (scoreTreeRowsWasm(model, features, offsets, count, out)) return out;
  return scoreTreeRowsJs(model, offsets, features, count, out);
}

/** The JavaScript walk over rows whose starts are `offsets[0..count)` (out already holds the base score); also what rows with missing values take. */
export function scoreTreeRowsJs(model: TreeEnsemble, offsets: Int32Array, features: Float32Array, count: number, out: Float32Array): Float32Array {
  const { roots, depth, threshold, value } = model;
  const packed = packedNodes(model);
  if (!packed) return scoreUnpacked(model, features, offsets, count, out);
  // a step reads two arrays: the packed (left, missing-goes-right, feature) word and the threshold
  const lockstep = count - (count % 4);
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!;
    const levels = depth[t]!;
    for (let i = 0; i < lockstep; i += 4) {
      const o0 = offsets[i]!;
      const o1 = offsets[i + 1]!;
      const o2 = offsets[i + 2]!;
      const o3 = offsets[i + 3]!;
      let n0 = root;
      let n1 = root;
      let n2 = root;
      let n3 = root;
      for (let d = 0; d < levels; d++) {
        const p0 = packed[n0]!;
        const p1 = packed[n1]!;
        const p2 = packed[n2]!;
        const p3 = packed[n3]!;
        const x0 = features[o0 + (p0 & FEATURE_MASK)]!;
        const x1 = features[o1 + (p1 & FEATURE_MASK)]!;
        const x2 = features[o2 + (p2 & FEATURE_MASK)]!;
        const x3 = features[o3 + (p3 & FEATURE_MASK)]!;
        n0 = (p0 >>> LEFT_SHIFT) + +(x0 >= threshold[n0]!) + (+(x0 !== x0) & (p0 >>> MISSING_SHIFT) & 1);
        n1 = (p1 >>> LEFT_SHIFT) + +(x1 >= threshold[n1]!) + (+(x1 !== x1) & (p1 >>> MISSING_SHIFT) & 1);
        n2 = (p2 >>> LEFT_SHIFT) + +(x2 >= threshold[n2]!) + (+(x2 !== x2) & (p2 >>> MISSING_SHIFT) & 1);
        n3 = (p3 >>> LEFT_SHIFT) + +(x3 >= threshold[n3]!) + (+(x3 !== x3) & (p3 >>> MISSING_SHIFT) & 1);
      }
      out[i] = out[i]! + value[n0]!;
      out[i + 1] = out[i + 1]! + value[n1]!;
      out[i + 2] = out[i + 2]! + value[n2]!;
      out[i + 3] = out[i + 3]! + value[n3]!;
    }
    for (let i = lockstep; i < count; i++) {
      const o = offsets[i]!;
      let node = root;
      for (let d = 0; d < levels; d++) {
        const p = packed[node]!;
        const x = features[o + (p & FEATURE_MASK)]!;
        node = (p >>> LEFT_SHIFT) + +(x >= threshold[node]!) + (+(x !== x) & (p >>> MISSING_SHIFT) & 1);
      }
      out[i] = out[i]! + value[node]!;
    }
  }
  return out;
}

// packed node word: bits 0–11 the split feature, bit 12 missing-goes-right, bits 13–31 the left child
const FEATURE_MASK = (1 << 12) - 1;
const MISSING_SHIFT = 12;
const LEFT_SHIFT = 13;
const MAX_PACKED_NODES = 2 ** (32 - LEFT_SHIFT);

const packedCache = new WeakMap<TreeEnsemble, Int32Array | null>();
/** One word per node (left child, missing-goes-right, feature); null when the model is too large to pack. */
function packedNodes(model: TreeEnsemble): Int32Array | null {
  let packed = packedCache.get(model);
  if (packed !== undefined) return packed;
  const nodes = model.left.length;
  if (nodes >= MAX_PACKED_NODES || model.featureCount > FEATURE_MASK + 1) packed = null;
  else {
    packed = new Int32Array(nodes);
    for (let node = 0; node < nodes; node++) packed[node] = (model.left[node]! << LEFT_SHIFT) | (model.missingRight[node]! << MISSING_SHIFT) | model.feature[node]!;
  }
  packedCache.set(model, packed);
  return packed;
}

function scoreUnpacked(model: TreeEnsemble, features: Float32Array, offsets: Int32Array, count: number, out: Float32Array): Float32Array {
  const { roots, depth, feature, threshold, left, missingRight, value } = model;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t]!;
    for (let i = 0; i < count; i++) {
      const o = offsets[i]!;
      let node = root;
      for (let d = 0; d < depth[t]!; d++) {
        const x = features[o + feature[node]!]!;
        node = left[node]! + +(x >= threshold[node]!) + (+(x !== x) & missingRight[node]!);
      }
      out[i] = out[i]! + value[node]!;
    }
  }
  return out;
}

let offsetBuffer = new Int32Array(1024);
function offsetScratch(count: number): Int32Array {
  if (offsetBuffer.length < count) offsetBuffer = new Int32Array(count * 2);
  return offsetBuffer;
}

/** Total split gain per feature, as a share of all gain (the "gain" importance). */
export function featureGains(model: TreeEnsemble): Float64Array {
  const gains = new Float64Array(model.featureCount);
  let total = 0;
  for (let node = 0; node < model.feature.length; node++) {
    if (model.left[node] === node) continue;
    gains[model.feature[node]!]! += model.gain[node]!;
    total += model.gain[node]!;
  }
  if (total > 0) for (let f = 0; f < gains.length; f++) gains[f]! /= total;
  return gains;
}
