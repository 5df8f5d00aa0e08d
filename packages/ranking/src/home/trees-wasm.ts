// The tree walk of scoreTreeRows in WebAssembly, assembled at run time by @mixtape/base's assembler
// (no toolchain, no binary blob). The trees are laid out complete (a step is i → 2i + 1 + (x ≥ t):
// no child index to load; a split's feature offset and threshold sit side by side, so a step computes
// one address), the rows to score are copied into the module's memory, and four rows
// walk each tree in lockstep, as the JavaScript walk does. Same leaves, same float32 sums in tree
// order (f32.add rounds as a Float32Array store of the double sum does), so the scores are the
// JavaScript walk's bit for bit. A batch with a NaN feature (a missing value) in any row is left
// whole to the JavaScript walk, which knows each split's missing-value direction. Memory is sized
// once per model: its trees plus CHUNK_ROWS rows; a larger batch is walked CHUNK_ROWS rows at a
// time (each row's sum is its own, so chunking changes no score), so the module never grows.
import { WASM_I32 as I32, WasmFunctionBuilder, assembleWasmModule, getWasmApi, wasmForLoop, wasmOp as op } from '@mixtape/base';
import type { WasmApi, WasmCode as Code, WasmMemory } from '@mixtape/base';
import type { TreeEnsemble } from './trees';

const f32Ge: Code = [0x60];
/** deepest trees laid out complete (2^8 leaf slots each); deeper models keep the JavaScript walk */
const MAX_DEPTH = 8;
const PAGE = 65536;
/** the most the compiled module accepts (its import's declared maximum); a model's memory is sized exactly, with that size as its maximum */
const MAX_PAGES = 16384;
/** rows copied into a model's memory per walk: a page scores 150, training and eval batches are walked in chunks of this */
export const CHUNK_ROWS = 512;

// walk(trees, meta, leaves, rows, rowBytes, count, out)
//   meta            per tree 16 bytes: levels, the byte address of its first split, leaf base (leaf slot = base + final index)
//   splits          per split slot 8 bytes: the feature's byte offset in a row, then the threshold (one address per step)
//   rows            count rows of rowBytes; out: count float32 sums to add the leaves to
function walkFunction(): { builder: WasmFunctionBuilder; body: Code[] } {
  const f = new WasmFunctionBuilder('walk')
    .params(I32, 'trees', 'meta', 'leaves', 'rows', 'rowBytes', 'count', 'out')
    .locals(I32, 't', 'mp', 'levels', 'nb', 'lb', 'i', 'd', 'lock', 'k', 'o', 'r0', 'r1', 'r2', 'r3', 'n0', 'n1', 'n2', 'n3');
  /** n = 2n + 1 + (row[feature] ≥ threshold) for the split at nb + 8n (nb: the tree's first split's address) */
  const step = (n: string, r: string): Code => [
    ...f.get(r),
    ...f.get('nb'),
    ...f.get(n),
    ...op.i32(3),
    ...op.i32Shl,
    ...op.i32Add,
    ...f.tee('k'),
    ...op.i32Load(),
    ...op.i32Add,
    ...op.f32Load(),
    ...f.get('k'),
    ...op.f32Load(4),
    ...f32Ge,
    ...f.get(n),
    ...op.i32(1),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.i32(1),
    ...op.i32Add,
    ...f.set(n),
  ];
  /** out[o + offset] += leaves[lb + n] */
  const addLeaf = (n: string, offset: number): Code => [
    ...f.get('o'),
    ...f.get('o'),
    ...op.f32Load(offset),
    ...f.get('leaves'),
    ...f.get('lb'),
    ...f.get(n),
    ...op.i32Add,
    ...op.i32(2),
    ...op.i32Shl,
    ...op.i32Add,
    ...op.f32Load(),
    ...op.f32Add,
    ...op.f32Store(offset),
  ];
  /** o = out + 4i: row i's sum */
  const sumAddress: Code = [...f.get('out'), ...f.get('i'), ...op.i32(2), ...op.i32Shl, ...op.i32Add, ...f.set('o')];
  /** the address of row i (left on the stack) */
  const rowAddress: Code = [...f.get('rows'), ...f.get('i'), ...f.get('rowBytes'), ...op.i32Mul, ...op.i32Add];
  const body: Code[] = [
    // lock = count − count % 4
    f.get('count'),
    f.get('count'),
    op.i32(3),
    op.i32And,
    op.i32Sub,
    f.set('lock'),
    wasmForLoop(f, 't', op.i32(0), f.get('trees'), 1, [
      f.get('meta'),
      f.get('t'),
      op.i32(4),
      op.i32Shl,
      op.i32Add,
      f.tee('mp'),
      op.i32Load(0),
      f.set('levels'),
      f.get('mp'),
      op.i32Load(4),
      f.set('nb'),
      f.get('mp'),
      op.i32Load(8),
      f.set('lb'),
      wasmForLoop(f, 'i', op.i32(0), f.get('lock'), 4, [
        rowAddress,
        f.tee('r0'),
        f.get('rowBytes'),
        op.i32Add,
        f.tee('r1'),
        f.get('rowBytes'),
        op.i32Add,
        f.tee('r2'),
        f.get('rowBytes'),
        op.i32Add,
        f.set('r3'),
        op.i32(0),
        f.set('n0'),
        op.i32(0),
        f.set('n1'),
        op.i32(0),
        f.set('n2'),
        op.i32(0),
        f.set('n3'),
        wasmForLoop(f, 'd', op.i32(0), f.get('levels'), 1, [step('n0', 'r0'), step('n1', 'r1'), step('n2', 'r2'), step('n3', 'r3')]),
        sumAddress,
        addLeaf('n0', 0),
        addLeaf('n1', 4),
        addLeaf('n2', 8),
        addLeaf('n3', 12),
      ]),
      wasmForLoop(f, 'i', f.get('lock'), f.get('count'), 1, [
        rowAddress,
        f.set('r0'),
        op.i32(0),
        f.set('n0'),
        wasmForLoop(f, 'd', op.i32(0), f.get('levels'), 1, [step('n0', 'r0')]),
        sumAddress,
        addLeaf('n0', 0),
      ]),
    ]),
  ];
  return { builder: f, body };
}

let compiled: { api: WasmApi; module: object } | null | undefined;
function walkModule(): { api: WasmApi; module: object } | null {
  if (compiled !== undefined) return compiled;
  const api = getWasmApi();
  try {
    compiled = api ? { api, module: new api.Module(assembleWasmModule([walkFunction()], MAX_PAGES)) } : null;
  } catch {
    compiled = null;
  }
  return compiled;
}

type Walk = (trees: number, meta: number, leaves: number, rows: number, rowBytes: number, count: number, out: number) => void;

/** One model in its own module memory: the complete trees, then room for CHUNK_ROWS rows and their sums. */
interface WasmTrees {
  walk: Walk;
  memory: WasmMemory;
  f32: Float32Array;
  trees: number;
  meta: number;
  leaves: number;
  out: number;
  rows: number;
  width: number;
}

const cache = new WeakMap<TreeEnsemble, WasmTrees | null>();

/** The model's complete layout in a module of fixed size (trees + CHUNK_ROWS rows), or null (no WebAssembly, trees too deep). */
function wasmTrees(model: TreeEnsemble): WasmTrees | null {
  const known = cache.get(model);
  if (known !== undefined) return known;
  const compiledModule = walkModule();
  const { roots, depth, left } = model;
  const trees = roots.length;
  let maxDepth = 0;
  for (let t = 0; t < trees; t++) maxDepth = Math.max(maxDepth, depth[t]!);
  if (!compiledModule || maxDepth > MAX_DEPTH) {
    cache.set(model, null);
    return null;
  }
  // slots: a tree of depth D has 2^D − 1 split slots and 2^D leaf slots
  const nodeBase = new Int32Array(trees);
  const leafBase = new Int32Array(trees);
  let splits = 0;
  let leafSlots = 0;
  for (let t = 0; t < trees; t++) {
    const internal = 2 ** depth[t]! - 1;
    nodeBase[t] = splits;
    leafBase[t] = leafSlots - internal;
    splits += internal;
    leafSlots += internal + 1;
  }
  const width = model.featureCount;
  const capacity = CHUNK_ROWS;
  const align = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const meta = 0;
  const splitPairs = align(meta + trees * 16);
  const leaves = align(splitPairs + splits * 8);
  const out = align(leaves + leafSlots * 4);
  const rows = align(out + capacity * 4);
  const bytes = rows + capacity * width * 4;
  const pages = Math.ceil(bytes / PAGE);
  if (pages > MAX_PAGES) {
    cache.set(model, null);
    return null;
  }
  const { api, module } = compiledModule;
  // maximum = initial: a shared memory reserves its maximum up front, and this one never grows
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const instance = new api.Instance(module, { env: { memory } });
  const i32 = new Int32Array(memory.buffer);
  const f32 = new Float32Array(memory.buffer);
  // split slots default to padding: threshold NaN (x ≥ NaN is false: always left), feature 0
  for (let j = 0; j < splits; j++) f32[splitPairs / 4 + 2 * j + 1] = Number.NaN;
  const fill = (t: number, node: number, slot: number, level: number): void => {
    if (left[node] === node) {
      // a leaf above the last level: padding slots (always left) down to the leaf slot
      if (level < depth[t]!) fill(t, node, 2 * slot + 1, level + 1);
      else f32[leaves / 4 + leafBase[t]! + slot] = model.value[node]!;
      return;
    }
    i32[splitPairs / 4 + 2 * (nodeBase[t]! + slot)] = model.feature[node]! * 4;
    f32[splitPairs / 4 + 2 * (nodeBase[t]! + slot) + 1] = model.threshold[node]!;
    fill(t, left[node]!, 2 * slot + 1, level + 1);
    fill(t, left[node]! + 1, 2 * slot + 2, level + 1);
  };
  for (let t = 0; t < trees; t++) {
    i32[meta / 4 + t * 4] = depth[t]!;
    i32[meta / 4 + t * 4 + 1] = splitPairs + nodeBase[t]! * 8;
    i32[meta / 4 + t * 4 + 2] = leafBase[t]!;
    fill(t, roots[t]!, 0, 0);
  }
  const built: WasmTrees = { walk: instance.exports.walk as Walk, memory, f32, trees, meta, leaves, out, rows, width };
  cache.set(model, built);
  return built;
}

/**
 * Scores the rows at `offsets[0..count)` (element offsets of row starts in `features`) into `out`
 * with the WebAssembly walk, CHUNK_ROWS rows at a time; false when the walk cannot take them: no
 * WebAssembly, trees deeper than 8 levels, or a NaN in a row's features (then `out` is left as it
 * was: the caller's base scores, for the JavaScript walk).
 */
export function scoreTreeRowsWasm(model: TreeEnsemble, features: Float32Array, offsets: Int32Array, count: number, out: Float32Array): boolean {
  const w = wasmTrees(model);
  if (!w) return false;
  const { f32, width } = w;
  // a missing value anywhere sends the whole batch to the JavaScript walk: the first chunk is
  // checked as it is copied (before any sum is written), the later ones before the first walk
  for (let i = CHUNK_ROWS; i < count; i++) {
    const from = offsets[i]!;
    for (let c = 0; c < width; c++) {
      const x = features[from + c]!;
      if (x !== x) return false;
    }
  }
  const sums = w.out / 4;
  const base = Math.fround(model.base);
  for (let start = 0; start < count; start += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, count - start);
    let at = w.rows / 4;
    for (let i = start; i < start + rows; i++) {
      const from = offsets[i]!;
      for (let c = 0; c < width; c++) {
        const x = features[from + c]!;
        if (x !== x) return false;
        f32[at++] = x;
      }
    }
    f32.fill(base, sums, sums + rows);
    w.walk(w.trees, w.meta, w.leaves, w.rows, width * 4, rows, w.out);
    for (let i = 0; i < rows; i++) out[start + i] = f32[sums + i]!;
  }
  return true;
}

/**
 * The model's WebAssembly memory as it is now (its buffer's length follows any growth), null when it
 * is walked in JavaScript. For tests: the same object across calls means the module was not rebuilt.
 */
export function treeWasmMemory(model: TreeEnsemble): WasmMemory | null {
  return wasmTrees(model)?.memory ?? null;
}

/** Bytes of the model's WebAssembly memory now (trees + one chunk of rows), 0 when it is walked in JavaScript. */
export function treeWasmBytes(model: TreeEnsemble): number {
  return wasmTrees(model)?.memory.buffer.byteLength ?? 0;
}
