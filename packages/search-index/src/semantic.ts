// Semantic text → track search learned from playlists: every word (and two-word phrase) of
// playlist names gets a vector in the item space (the catalog's content vectors), so a
// descriptive query ("trip hop", "sad girl autumn", "hard rock workout") becomes a vector that
// retrieves tracks the catalog metadata never names that way. Two ways to learn the vectors are
// kept so they can be measured against each other:
// - 'regression': ridge regression of a playlist's mean track vector on its name's bag of
//   features, fitted by gradient descent from the per-feature centroid (the diagonal solution);
// - 'two-tower': the query tower is the mean of the name's feature vectors, the item tower the
//   fixed content vector; trained with a sampled softmax over tracks (positives: the playlist's
//   tracks, negatives: random tracks).
import { Random, normalizeInPlace, selectTopK } from '@mixtape/base';
import { nameText, nameWords } from '@mixtape/language';

export type SemanticMethod = 'regression' | 'two-tower';

export interface SemanticPlaylist {
  name: string;
  /** item rows (indices into itemVectors) */
  items: ArrayLike<number>;
}

export interface TrainSemanticOptions {
  /** default 'regression' */
  method?: SemanticMethod;
  /** a feature (word or phrase) must appear in this many playlist names (default 2) */
  minCount?: number;
  /** ridge strength, in playlists (default 1) */
  lambda?: number;
  /** passes over the playlists (default regression 30, two-tower 8) */
  epochs?: number;
  /** default 0.05 */
  learningRate?: number;
  /** two-tower: random negative tracks per positive (default 16) */
  negatives?: number;
  /** two-tower: softmax temperature (default 0.1) */
  temperature?: number;
  seed?: number;
  onEpoch?: (epoch: number, loss: number) => void;
}

/** Words of a name plus its adjacent pairs ("trip hop", "sad girl"): the model's features. */
export function semanticFeatures(text: string): string[] {
  const words = nameWords(text);
  const out = [...words];
  for (let i = 0; i + 1 < words.length; i++) out.push(`${words[i]} ${words[i + 1]}`);
  return out;
}

export class SemanticModel {
  private readonly ids = new Map<string, number>();

  constructor(
    readonly method: SemanticMethod,
    readonly dim: number,
    /** features (words and two-word phrases) */
    readonly vocabulary: readonly string[],
    /** vocabulary.length × dim */
    readonly vectors: Float32Array,
  ) {
    if (vectors.length !== vocabulary.length * dim) throw new Error(`semantic model: ${vocabulary.length} features × dim ${dim} needs ${vocabulary.length * dim} values, got ${vectors.length}`);
    vocabulary.forEach((feature, id) => this.ids.set(feature, id));
  }

  has(feature: string): boolean {
    return this.ids.has(feature);
  }

  /** The vector of one word or two-word phrase (a view), or undefined when no playlist name used it. */
  featureVector(feature: string): Float32Array | undefined {
    const id = this.ids.get(feature);
    return id === undefined ? undefined : this.vectors.subarray(id * this.dim, (id + 1) * this.dim);
  }

  /**
   * The query vector of a text: the mean of its known features' vectors (a phrase replaces its
   * two words when known), L2-normalized; undefined when no feature is known. `known` lists them.
   */
  encode(text: string): { vector: Float32Array; known: string[]; coverage: number } | undefined {
    const words = nameWords(text);
    if (words.length === 0) return undefined;
    const used: number[] = [];
    const known: string[] = [];
    const covered = new Uint8Array(words.length);
    for (let i = 0; i + 1 < words.length; i++) {
      const id = this.ids.get(`${words[i]} ${words[i + 1]}`);
      if (id === undefined) continue;
      used.push(id);
      known.push(`${words[i]} ${words[i + 1]}`);
      covered[i] = covered[i + 1] = 1;
    }
    for (let i = 0; i < words.length; i++) {
      if (covered[i]) continue;
      const id = this.ids.get(words[i]!);
      if (id === undefined) continue;
      used.push(id);
      known.push(words[i]!);
      covered[i] = 1;
    }
    if (used.length === 0) return undefined;
    const vector = new Float32Array(this.dim);
    for (const id of used) for (let d = 0; d < this.dim; d++) vector[d]! += this.vectors[id * this.dim + d]!;
    normalizeInPlace(vector);
    return { vector, known, coverage: covered.reduce((sum, value) => sum + value, 0) / words.length };
  }
}

/** Learns feature vectors in the item space from playlist names and their tracks (see the file comment). */
export function trainSemanticModel(playlists: readonly SemanticPlaylist[], itemVectors: Float32Array, dim: number, options: TrainSemanticOptions = {}): SemanticModel {
  const method = options.method ?? 'regression';
  const minCount = options.minCount ?? 2;
  const itemCount = Math.floor(itemVectors.length / dim);
  if (itemCount * dim !== itemVectors.length) throw new Error(`semantic model: item vectors hold ${itemVectors.length} values, not a multiple of dim ${dim}`);
  // vocabulary: features of at least minCount names, in first-seen order
  const counts = new Map<string, number>();
  const featuresOf = playlists.map((playlist) => [...new Set(semanticFeatures(playlist.name))]);
  for (const features of featuresOf) for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const vocabulary = [...counts.keys()].filter((feature) => counts.get(feature)! >= minCount);
  const ids = new Map(vocabulary.map((feature, id) => [feature, id]));
  const rows = featuresOf.map((features) => features.map((feature) => ids.get(feature)).filter((id): id is number => id !== undefined));
  const vectors = new Float32Array(vocabulary.length * dim);
  const fit: SemanticFit = { playlists, rows, itemVectors, dim, itemCount, vectors, featureCount: vocabulary.length, options, random: new Random(options.seed ?? 7) };
  if (method === 'regression') fitRegression(fit);
  else fitTwoTower(fit);
  return new SemanticModel(method, dim, vocabulary, vectors);
}

/** What both fits read, and the feature vectors (`featureCount` × `dim`) they write. */
interface SemanticFit {
  playlists: readonly SemanticPlaylist[];
  /** per playlist: the feature ids of its name */
  rows: number[][];
  itemVectors: Float32Array;
  dim: number;
  itemCount: number;
  vectors: Float32Array;
  featureCount: number;
  options: TrainSemanticOptions;
  random: Random;
}

/** Mean of a playlist's (unit) item vectors, L2-normalized: what its name should point at. */
function playlistTarget(items: ArrayLike<number>, itemVectors: Float32Array, dim: number): Float32Array {
  const target = new Float32Array(dim);
  for (let j = 0; j < items.length; j++) {
    const offset = items[j]! * dim;
    for (let d = 0; d < dim; d++) target[d]! += itemVectors[offset + d]!;
  }
  normalizeInPlace(target);
  return target;
}

function fitRegression({ playlists, rows, itemVectors, dim, vectors, featureCount, options, random }: SemanticFit): void {
  const lambda = options.lambda ?? 1;
  const epochs = options.epochs ?? 30;
  const rate = options.learningRate ?? 0.05;
  const targets = playlists.map((playlist) => playlistTarget(playlist.items, itemVectors, dim));
  // the diagonal solution: each feature's centroid of targets, shrunk by lambda
  const featureCounts = new Float32Array(featureCount);
  rows.forEach((row, p) => {
    for (const id of row) {
      featureCounts[id]!++;
      for (let d = 0; d < dim; d++) vectors[id * dim + d]! += targets[p]![d]!;
    }
  });
  for (let id = 0; id < featureCount; id++) for (let d = 0; d < dim; d++) vectors[id * dim + d]! /= featureCounts[id]! + lambda;
  // then gradient descent on Σ_p ‖mean(W[row_p]) − target_p‖² + λ/n_f ‖W_f‖²: features of one name
  // share the work instead of each pulling alone toward the whole target
  const order = Array.from(rows, (_, p) => p);
  const prediction = new Float32Array(dim);
  for (let epoch = 0; epoch < epochs; epoch++) {
    random.shuffle(order);
    let loss = 0;
    for (const p of order) {
      const row = rows[p]!;
      if (row.length === 0) continue;
      prediction.fill(0);
      for (const id of row) for (let d = 0; d < dim; d++) prediction[d]! += vectors[id * dim + d]! / row.length;
      const target = targets[p]!;
      for (let d = 0; d < dim; d++) {
        const error = prediction[d]! - target[d]!;
        loss += error * error;
        prediction[d] = error; // reuse as the residual
      }
      for (const id of row) {
        const shrink = lambda / Math.max(1, featureCounts[id]!);
        for (let d = 0; d < dim; d++) {
          const at = id * dim + d;
          vectors[at]! -= rate * (prediction[d]! / row.length + shrink * vectors[at]!);
        }
      }
    }
    options.onEpoch?.(epoch, loss / Math.max(1, rows.length));
  }
}

function fitTwoTower({ playlists, rows, itemVectors, dim, itemCount, vectors, options, random }: SemanticFit): void {
  const epochs = options.epochs ?? 8;
  const rate = options.learningRate ?? 0.05;
  const negatives = options.negatives ?? 16;
  const temperature = options.temperature ?? 0.1;
  for (let i = 0; i < vectors.length; i++) vectors[i] = (random.next() - 0.5) * 0.01;
  const query = new Float32Array(dim);
  const gradient = new Float32Array(dim);
  const logits = new Float64Array(negatives + 1);
  const candidates = new Int32Array(negatives + 1);
  const pairs: [number, number][] = [];
  playlists.forEach((playlist, p) => {
    if (rows[p]!.length === 0) return;
    for (let j = 0; j < playlist.items.length; j++) pairs.push([p, playlist.items[j]!]);
  });
  for (let epoch = 0; epoch < epochs; epoch++) {
    random.shuffle(pairs);
    let loss = 0;
    for (const [p, positive] of pairs) {
      const row = rows[p]!;
      query.fill(0);
      for (const id of row) for (let d = 0; d < dim; d++) query[d]! += vectors[id * dim + d]! / row.length;
      candidates[0] = positive;
      for (let n = 1; n <= negatives; n++) candidates[n] = random.int(itemCount);
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c <= negatives; c++) {
        let dot = 0;
        const offset = candidates[c]! * dim;
        for (let d = 0; d < dim; d++) dot += query[d]! * itemVectors[offset + d]!;
        logits[c] = dot / temperature;
        if (logits[c]! > max) max = logits[c]!;
      }
      let sum = 0;
      for (let c = 0; c <= negatives; c++) sum += Math.exp(logits[c]! - max);
      loss += -(logits[0]! - max - Math.log(sum));
      // d loss / d query = Σ_c (softmax_c − [c = 0]) · item_c / temperature
      gradient.fill(0);
      for (let c = 0; c <= negatives; c++) {
        const weight = (Math.exp(logits[c]! - max) / sum - (c === 0 ? 1 : 0)) / temperature;
        const offset = candidates[c]! * dim;
        for (let d = 0; d < dim; d++) gradient[d]! += weight * itemVectors[offset + d]!;
      }
      for (const id of row) for (let d = 0; d < dim; d++) vectors[id * dim + d]! -= (rate * gradient[d]!) / row.length;
    }
    options.onEpoch?.(epoch, loss / Math.max(1, pairs.length));
  }
}

/**
 * Named playlists of an interaction log: each user whose name is given (e.g. the TidyTuesday
 * import's extras "user.names", one pseudo-user per playlist) with the distinct tracks they hold.
 */
export function namedPlaylists(log: { userCount: number; rowsOfUser(user: number): { start: number; end: number }; columns: { track: Int32Array } }, names: readonly (string | undefined)[]): SemanticPlaylist[] {
  const out: SemanticPlaylist[] = [];
  for (let user = 0; user < log.userCount; user++) {
    const name = names[user];
    if (!name) continue;
    const { start, end } = log.rowsOfUser(user);
    const items = [...new Set(log.columns.track.subarray(start, end))];
    if (items.length > 0) out.push({ name, items });
  }
  return out;
}

/**
 * Distinct playlist names, folded as `nameText` does ("Chill Vibes" and "chill vibes!" are one):
 * what the text model learns from — twenty playlists all called "Gym" teach it one phrase.
 */
export function distinctPlaylistNames(playlists: readonly SemanticPlaylist[]): number {
  return new Set(playlists.map((playlist) => nameText(playlist.name)).filter((key) => key !== '')).size;
}

/** Top-k items by dot product with the query (exact scan; FAISS serves it in the engine). */
export function topItems(query: Float32Array, itemVectors: Float32Array, dim: number, k: number): Int32Array {
  const itemCount = Math.floor(itemVectors.length / dim);
  const scores = new Float32Array(itemCount);
  for (let i = 0; i < itemCount; i++) {
    let dot = 0;
    const offset = i * dim;
    for (let d = 0; d < dim; d++) dot += query[d]! * itemVectors[offset + d]!;
    scores[i] = dot;
  }
  const items = new Int32Array(Math.min(k, itemCount));
  selectTopK(scores, items.length, items, new Float32Array(items.length));
  return items;
}
