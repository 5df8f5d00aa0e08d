// Gradient-boosted trees in TypeScript: an XGBoost JSON model flattened into typed arrays and
// scored over Float32Array feature rows — what Home serves, with no native code. Scores equal
// the library's own predictions (float32 thresholds and float32 accumulation, in tree order).

/** Every tree's nodes in flat arrays; tree t starts at node `roots[t]`, children are absolute node indices. */
export interface TreeEnsemble {
  featureCount: number;
  /** the model's base score (added to the sum of leaves) */
  base: number;
  roots: Int32Array;
  /** split feature, −1 at a leaf */
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  /** 1: a missing (NaN) value goes left */
  defaultLeft: Uint8Array;
  /** leaf value (0 at split nodes) */
  value: Float32Array;
  /** split gain (XGBoost loss_changes), for feature importance */
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
    feature: new Int32Array(nodes),
    threshold: new Float32Array(nodes),
    left: new Int32Array(nodes),
    right: new Int32Array(nodes),
    defaultLeft: new Uint8Array(nodes),
    value: new Float32Array(nodes),
    gain: new Float32Array(nodes),
  };
  let offset = 0;
  trees.forEach((tree, t) => {
    if (tree.split_type?.some((type) => type !== 0)) throw new Error(`${where}: tree ${t} has categorical splits, which the scorer does not support`);
    out.roots[t] = offset;
    for (let i = 0; i < tree.left_children.length; i++) {
      const node = offset + i;
      const leaf = tree.left_children[i] === -1;
      out.feature[node] = leaf ? -1 : tree.split_indices[i]!;
      out.threshold[node] = leaf ? 0 : tree.split_conditions[i]!;
      out.value[node] = leaf ? tree.split_conditions[i]! : 0;
      out.left[node] = leaf ? -1 : offset + tree.left_children[i]!;
      out.right[node] = leaf ? -1 : offset + tree.right_children[i]!;
      out.defaultLeft[node] = Number(tree.default_left[i]) ? 1 : 0;
      out.gain[node] = leaf ? 0 : tree.loss_changes[i]!;
    }
    offset += tree.left_children.length;
  });
  return out;
}

/**
 * Scores `rows` feature rows (row-major, `stride` values per row, the model's features first):
 * base + Σ leaves in float32, tree by tree, as XGBoost's CPU predictor sums them.
 */
export function scoreTrees(model: TreeEnsemble, features: Float32Array, rows: number, stride: number, out: Float32Array = new Float32Array(rows)): Float32Array {
  const { roots, feature, threshold, left, right, defaultLeft, value } = model;
  const base = Math.fround(model.base);
  for (let r = 0; r < rows; r++) {
    const offset = r * stride;
    let sum = base;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t]!;
      let split = feature[node]!;
      while (split >= 0) {
        const x = features[offset + split]!;
        node = x !== x ? (defaultLeft[node] ? left[node]! : right[node]!) : x < threshold[node]! ? left[node]! : right[node]!;
        split = feature[node]!;
      }
      sum = Math.fround(sum + value[node]!);
    }
    out[r] = sum;
  }
  return out;
}

/** Total split gain per feature, as a share of all gain (the "gain" importance). */
export function featureGains(model: TreeEnsemble): Float64Array {
  const gains = new Float64Array(model.featureCount);
  let total = 0;
  for (let node = 0; node < model.feature.length; node++) {
    if (model.feature[node]! < 0) continue;
    gains[model.feature[node]!]! += model.gain[node]!;
    total += model.gain[node]!;
  }
  if (total > 0) for (let f = 0; f < gains.length; f++) gains[f]! /= total;
  return gains;
}
