// VectorIndex: a FAISS index (through the patched faiss-node) plus the string id ↔ label map.
// Vectors stay in Float32Array end to end; labels are dense positions 0..n-1 in add order.
import faiss from 'faiss-node';

export type Metric = 'ip' | 'l2';

export interface SearchParams {
  /** HNSW: candidates explored per query (recall ↑, speed ↓). FAISS's default is 16. */
  efSearch?: number;
  /** IVF: inverted lists visited per query. */
  nprobe?: number;
}

export interface VectorIndexInfo {
  dim: number;
  metric: Metric;
  factory: string;
  count: number;
  params: SearchParams;
}

/** One query's neighbours, best first. `score` is higher-is-better: inner product, or −L2². */
export interface Neighbors {
  ids: string[];
  labels: Int32Array;
  scores: Float32Array;
}

/** A batch of queries: row q occupies [q*k, (q+1)*k); missing results have label −1. */
export interface BatchNeighbors {
  k: number;
  labels: Int32Array;
  scores: Float32Array;
}

export interface FilteredSearchOptions {
  /** Keep a result only when this returns true (metadata filter over labels). */
  filter?: (label: number) => boolean;
  /** First fetch k × overFetch candidates, then double while too few pass the filter. */
  overFetch?: number;
  /** Never fetch more than this many candidates per query (bounds latency on selective filters). */
  maxFetch?: number;
}

/** Default cap on candidates fetched for a filtered query (see FilteredSearchOptions.maxFetch). */
export const DEFAULT_MAX_FETCH = 2000;

const MAGIC = 'MXVI';
const FORMAT_VERSION = 1;

/**
 * The index kind we recommend for a collection size: exact Flat while brute force is cheap,
 * HNSW for mid-size collections (best recall/latency, ~(d*4+M*8) bytes per vector), IVF-PQ
 * when memory dominates (tens of millions and up: ~d/2 bytes per vector).
 */
export function chooseFactory(count: number, dim: number, options: { flatBelow?: number; pqAbove?: number } = {}): string {
  const flatBelow = options.flatBelow ?? 20_000;
  const pqAbove = options.pqAbove ?? 5_000_000;
  if (count < flatBelow) return 'Flat';
  if (count < pqAbove) return 'HNSW32';
  // nlist ≈ 4√n, PQ with 8-bit codes, m subquantizers dividing dim. "np" turns off polysemous
  // training, which FAISS 1.7.3 runs by default and which takes minutes for no gain in recall.
  const nlist = Math.min(65_536, 2 ** Math.round(Math.log2(4 * Math.sqrt(count))));
  const m = [32, 16, 8, 4].find((candidate) => dim % candidate === 0 && candidate <= dim / 2) ?? 4;
  return `IVF${nlist},PQ${m}np`;
}

function metricCode(metric: Metric): number {
  return metric === 'ip' ? faiss.MetricType.METRIC_INNER_PRODUCT : faiss.MetricType.METRIC_L2;
}

export class VectorIndex {
  private readonly ids: string[] = [];
  private readonly labelsById = new Map<string, number>();
  private params: SearchParams = {};

  private constructor(
    private readonly native: faiss.Index,
    readonly dim: number,
    readonly metric: Metric,
    readonly factory: string,
  ) {}

  /** A new, empty index from a FAISS factory string ("Flat", "HNSW32", "IVF1024,Flat", "IVF4096,PQ16"). */
  static create(options: { dim: number; factory?: string; metric?: Metric }): VectorIndex {
    const { dim, factory = 'Flat', metric = 'ip' } = options;
    if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`VectorIndex: dim must be a positive integer, got ${dim}`);
    let native: faiss.Index;
    try {
      native = faiss.Index.fromFactory(dim, factory, metricCode(metric));
    } catch (error) {
      throw new Error(`VectorIndex: FAISS cannot build factory "${factory}" for dim ${dim}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return new VectorIndex(native, dim, metric, factory);
  }

  /** Builds, trains (when the factory needs it) and fills an index in one call. */
  static build(options: {
    dim: number;
    factory?: string;
    metric?: Metric;
    ids: readonly string[];
    vectors: Float32Array;
    params?: SearchParams;
    /** Vectors used for training IVF/PQ; defaults to (a prefix of) `vectors`. */
    trainingVectors?: Float32Array;
    /**
     * The same index for the same input on every run: an HNSW graph is then built on one thread.
     * FAISS inserts HNSW nodes in parallel, so with several OpenMP threads the links (and the
     * answers) differ from run to run — which made offline comparisons on catalogs ≥ 20k tracks
     * unrepeatable. Other factories are deterministic anyway.
     */
    deterministic?: boolean;
  }): VectorIndex {
    const index = VectorIndex.create(options);
    if (!index.native.isTrained()) index.train(options.trainingVectors ?? options.vectors);
    if (options.deterministic && index.factory.startsWith('HNSW')) {
      const threads = faissBuildInfo().ompMaxThreads;
      setFaissThreads(1);
      try {
        index.add(options.ids, options.vectors);
      } finally {
        setFaissThreads(threads);
      }
    } else index.add(options.ids, options.vectors);
    if (options.params) index.setParams(options.params);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  get isTrained(): boolean {
    return this.native.isTrained();
  }

  info(): VectorIndexInfo {
    return { dim: this.dim, metric: this.metric, factory: this.factory, count: this.size, params: { ...this.params } };
  }

  train(vectors: Float32Array): void {
    this.checkMatrix(vectors, 'train');
    this.native.train(vectors);
  }

  /** Adds vectors (row-major, n × dim) under string ids; labels continue from the current size. */
  add(ids: readonly string[], vectors: Float32Array): void {
    this.checkMatrix(vectors, 'add');
    const rows = vectors.length / this.dim;
    if (rows !== ids.length) {
      throw new RangeError(`VectorIndex.add: ${ids.length} ids but ${rows} vectors of dim ${this.dim}`);
    }
    if (!this.native.isTrained()) throw new Error(`VectorIndex.add: factory "${this.factory}" must be trained first`);
    for (const id of ids) {
      if (this.labelsById.has(id)) throw new Error(`VectorIndex.add: duplicate id "${id}"`);
      this.labelsById.set(id, this.ids.length);
      this.ids.push(id);
    }
    this.native.add(vectors);
  }

  labelOf(id: string): number | undefined {
    return this.labelsById.get(id);
  }

  idOf(label: number): string | undefined {
    return label >= 0 ? this.ids[label] : undefined;
  }

  has(id: string): boolean {
    return this.labelsById.has(id);
  }

  /** The stored vector of an id (Flat and HNSW indexes; IVF-PQ stores only codes). */
  vectorOf(id: string): Float32Array | undefined {
    const label = this.labelsById.get(id);
    return label === undefined ? undefined : this.native.reconstruct(label);
  }

  setParams(params: SearchParams): void {
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      if (!Number.isFinite(value) || value <= 0) throw new RangeError(`VectorIndex.setParams: ${name} must be > 0, got ${value}`);
      try {
        this.native.setParameter(name, value);
      } catch (error) {
        throw new Error(`VectorIndex.setParams: "${this.factory}" does not accept ${name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
    this.params = { ...this.params, ...params };
  }

  /** Nearest neighbours of one query vector. */
  search(query: Float32Array, k: number, options: FilteredSearchOptions = {}): Neighbors {
    this.checkQuery(query, 1);
    if (options.filter) return this.searchFiltered(query, k, options.filter, options);
    const batch = this.searchBatch(query, k);
    return this.rowOf(batch, 0);
  }

  /** Many queries in one FAISS call (BLAS makes a batch far cheaper than as many singles). */
  searchBatch(queries: Float32Array, k: number): BatchNeighbors {
    this.checkMatrix(queries, 'searchBatch');
    const effectiveK = this.effectiveK(k);
    if (this.size === 0) return emptyBatch(queries.length / this.dim, effectiveK);
    const result = this.native.search(queries, effectiveK);
    return { k: effectiveK, labels: result.labels, scores: this.toScores(result.distances) };
  }

  /** searchBatch on a worker thread: the event loop keeps serving while FAISS works. */
  async searchBatchAsync(queries: Float32Array, k: number): Promise<BatchNeighbors> {
    this.checkMatrix(queries, 'searchBatchAsync');
    const effectiveK = this.effectiveK(k);
    if (this.size === 0) return emptyBatch(queries.length / this.dim, effectiveK);
    const result = await this.native.searchAsync(queries, effectiveK);
    return { k: effectiveK, labels: result.labels, scores: this.toScores(result.distances) };
  }

  /** Row q of a batch result as ids + scores, dropping missing (−1) labels. */
  rowOf(batch: BatchNeighbors, q: number, k = batch.k): Neighbors {
    const start = q * batch.k;
    let end = start + Math.min(k, batch.k);
    for (let i = start; i < end; i++) {
      if (batch.labels[i]! < 0) {
        end = i;
        break;
      }
    }
    const labels = batch.labels.slice(start, end);
    const ids = Array.from(labels, (label) => this.ids[label]!);
    return { ids, labels, scores: batch.scores.slice(start, end) };
  }

  /** Serialized form: magic, header JSON (dim, metric, factory, params), ids, FAISS bytes. */
  toBuffer(): Buffer {
    const header = Buffer.from(JSON.stringify({ ...this.info(), version: FORMAT_VERSION }), 'utf8');
    const ids = Buffer.from(this.ids.join('\n'), 'utf8');
    const faissBytes = this.native.toBuffer();
    const prefix = Buffer.alloc(4 + 4 + 4 + 8);
    prefix.write(MAGIC, 0, 'ascii');
    prefix.writeUInt32LE(FORMAT_VERSION, 4);
    prefix.writeUInt32LE(header.length, 8);
    prefix.writeBigUInt64LE(BigInt(ids.length), 12);
    return Buffer.concat([prefix, header, ids, faissBytes]);
  }

  static fromBuffer(buffer: Buffer): VectorIndex {
    if (buffer.length < 20 || buffer.toString('ascii', 0, 4) !== MAGIC) {
      throw new Error('VectorIndex.fromBuffer: not a Mixtape vector index (bad magic bytes)');
    }
    const version = buffer.readUInt32LE(4);
    if (version !== FORMAT_VERSION) throw new Error(`VectorIndex.fromBuffer: format version ${version}, expected ${FORMAT_VERSION}`);
    const headerLength = buffer.readUInt32LE(8);
    const idsLength = Number(buffer.readBigUInt64LE(12));
    const headerEnd = 20 + headerLength;
    const idsEnd = headerEnd + idsLength;
    if (idsEnd > buffer.length) throw new Error('VectorIndex.fromBuffer: truncated buffer');
    const header = JSON.parse(buffer.toString('utf8', 20, headerEnd)) as VectorIndexInfo;
    let native: faiss.Index;
    try {
      native = faiss.Index.fromBuffer(buffer.subarray(idsEnd));
    } catch (error) {
      throw new Error(`VectorIndex.fromBuffer: FAISS could not read the index: ${(error as Error).message}`, { cause: error });
    }
    // Queries are sized by the header's dim and FAISS reads its own: a mismatch would read past them.
    if (!Number.isInteger(header.dim) || native.getDimension() !== header.dim) {
      throw new Error(`VectorIndex.fromBuffer: the header says dim ${header.dim}, the FAISS index has dim ${native.getDimension()}`);
    }
    const index = new VectorIndex(native, header.dim, header.metric, header.factory);
    const ids = idsLength === 0 ? [] : buffer.toString('utf8', headerEnd, idsEnd).split('\n');
    if (ids.length !== native.ntotal()) {
      throw new Error(`VectorIndex.fromBuffer: ${ids.length} ids but FAISS holds ${native.ntotal()} vectors`);
    }
    // A loop, not push(...ids): spreading a million ids overflows the call stack.
    for (let label = 0; label < ids.length; label++) {
      index.labelsById.set(ids[label]!, label);
      index.ids.push(ids[label]!);
    }
    if (Object.keys(header.params ?? {}).length > 0) index.setParams(header.params);
    return index;
  }

  private searchFiltered(query: Float32Array, k: number, filter: (label: number) => boolean, options: FilteredSearchOptions): Neighbors {
    const maxFetch = Math.min(options.maxFetch ?? DEFAULT_MAX_FETCH, this.size);
    let fetch = Math.min(maxFetch, Math.max(k, Math.ceil(k * (options.overFetch ?? 4))));
    for (;;) {
      const batch = this.searchBatch(query, fetch);
      const labels: number[] = [];
      const scores: number[] = [];
      for (let i = 0; i < batch.k && labels.length < k; i++) {
        const label = batch.labels[i]!;
        if (label < 0) break;
        if (filter(label)) {
          labels.push(label);
          scores.push(batch.scores[i]!);
        }
      }
      // Done when enough passed, or when we already looked as far as the cap allows.
      if (labels.length >= k || fetch >= maxFetch) {
        return { ids: labels.map((label) => this.ids[label]!), labels: Int32Array.from(labels), scores: Float32Array.from(scores) };
      }
      fetch = Math.min(maxFetch, fetch * 2);
    }
  }

  private effectiveK(k: number): number {
    if (!Number.isInteger(k) || k <= 0) throw new RangeError(`VectorIndex: k must be a positive integer, got ${k}`);
    return Math.max(1, Math.min(k, this.size));
  }

  private toScores(distances: Float32Array): Float32Array {
    if (this.metric === 'ip') return distances;
    for (let i = 0; i < distances.length; i++) distances[i] = -distances[i]!;
    return distances;
  }

  private checkQuery(query: Float32Array, rows: number): void {
    if (query.length !== rows * this.dim) {
      throw new RangeError(`VectorIndex: query has ${query.length} values, expected ${rows * this.dim} (dim ${this.dim})`);
    }
  }

  private checkMatrix(vectors: Float32Array, where: string): void {
    if (!(vectors instanceof Float32Array)) throw new TypeError(`VectorIndex.${where}: expected a Float32Array`);
    if (vectors.length === 0 || vectors.length % this.dim !== 0) {
      throw new RangeError(`VectorIndex.${where}: ${vectors.length} values is not a positive multiple of dim ${this.dim}`);
    }
  }
}

function emptyBatch(rows: number, k: number): BatchNeighbors {
  return { k, labels: new Int32Array(rows * k).fill(-1), scores: new Float32Array(rows * k) };
}

/** FAISS build info (BLAS, OpenMP threads, version) for diagnostics. */
export function faissBuildInfo(): faiss.BuildInfo {
  return faiss.buildInfo();
}

/** Sets the OpenMP threads FAISS uses for batched work (1 is often fastest on 2 cores). */
export function setFaissThreads(threads: number): void {
  faiss.setNumThreads(threads);
}
