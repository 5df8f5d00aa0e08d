// Public API of @mixtape/base: explicit named re-exports only. This package depends on no
// other workspace package; every other package may depend on it.
export { Random, WeightedSampler, mulberry32 } from './random';
export type { RandomAlgorithm } from './random';
export { choleskyInPlace, solveCholeskyInPlace, solveSpdInPlace, solveSpd, invertSpdInPlace } from './spd';
export type { SpdOptions } from './spd';
export { selectTopK, topKHeapPush, topKHeapReplaceRoot } from './top-k';
export { indexOfSorted, lowerBound } from './sorted';
export { addExact, roundExact } from './exact-sum';
export { dot, dotRowsInto, squaredNorm, l2Norm, normalizeInPlace, normalizeRows, cosineBetween, cosineSimilarity } from './vectors';
export { silentLogger } from './logger';
export type { Logger, LogMethod } from './logger';
export { ProgressTracker, formatProgress } from './progress';
export type { ProgressEvent, ProgressCallback } from './progress';
export { getWasmApi, signedLeb128, unsignedLeb128 } from './wasm';
export type { WasmApi, WasmMemory } from './wasm';
export { WASM_F32, WASM_F64, WASM_I32, WASM_V128, WasmFunctionBuilder, assembleWasmModule, wasmForLoop, wasmOp } from './wasm-assembler';
export type { WasmCode, WasmValueType } from './wasm-assembler';
export { findWorkspaceRoot } from './workspace';
export { pickDefined, withDefaults } from './objects';
export type { DeepReadonly } from './objects';
export { createMicroBatcher } from './micro-batcher';
export { parseBenchArgs } from './bench-args';
export { awsRegionFromEnv } from './aws-env';
export { EVENT_TIMESTAMP_FORMS, parseEventTimestamp } from './timestamps';
export { DECIMAL_INTEGER, DECIMAL_NUMBER, numberTextProblem } from './number-text';
export type { BenchArgDefault, BenchArgNumericFlag, BenchArgOptions, BenchArgRule, BenchArgRules, BenchArgValues } from './bench-args';
export type { BatchItem, MicroBatcher, MicroBatcherOptions } from './micro-batcher';
