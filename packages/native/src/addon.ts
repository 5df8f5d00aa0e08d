// Loads the compiled addon on first use (never at import), so packages that only sometimes
// train (services import @mixtape/ranking for scoring) never touch native code.
import { createRequire } from 'node:module';

export interface NativeAddon {
  xgbVersion(): [number, number, number];
  xgbDMatrix(values: Float32Array, rows: number, cols: number, missing: number): NativeHandle;
  xgbSetFloatInfo(dmatrix: NativeHandle, field: string, values: Float32Array): void;
  xgbSetUIntInfo(dmatrix: NativeHandle, field: string, values: Uint32Array): void;
  xgbBooster(cache: NativeHandle[]): NativeHandle;
  xgbSetParam(booster: NativeHandle, name: string, value: string): void;
  xgbUpdateOneIter(booster: NativeHandle, iteration: number, train: NativeHandle): void;
  xgbEvalOneIter(booster: NativeHandle, iteration: number, sets: NativeHandle[], names: string[]): string;
  xgbPredict(booster: NativeHandle, dmatrix: NativeHandle, outputMargin: boolean, iterationEnd: number): Float32Array;
  xgbSaveJson(booster: NativeHandle): string;
  xgbLoadJson(json: string): NativeHandle;
  xgbDump(booster: NativeHandle, withStats: boolean): string[];
  xgbFree(handle: NativeHandle): void;
  choleskyInverse(matrix: Float64Array | Float32Array, n: number): number;
  blasThreads(threads?: number): number;
}

/** An opaque native object (an XGBoost DMatrix or Booster). */
export type NativeHandle = { readonly __nativeHandle: unique symbol };

const ADDON_PATH = new URL('../build/Release/mixtape_native.node', import.meta.url);
let addon: NativeAddon | undefined;
let loadError: Error | undefined;

/** The addon, or a clear error saying how to build it. */
export function nativeAddon(): NativeAddon {
  if (addon) return addon;
  if (loadError) throw loadError;
  try {
    addon = createRequire(import.meta.url)(ADDON_PATH.pathname) as NativeAddon;
    return addon;
  } catch (error) {
    loadError = new Error(
      `@mixtape/native: the addon at ${ADDON_PATH.pathname} could not be loaded (${(error as Error).message}). ` +
        'Build it with `pnpm --filter @mixtape/native rebuild:addon` after `bash tooling/scripts/setup.sh` (needs libxgboost-dev, libopenblas-dev, g++).',
      { cause: error },
    );
    throw loadError;
  }
}

/** True when the addon loads (it is built by `pnpm install` on a machine set up by setup.sh). */
export function isNativeAvailable(): boolean {
  try {
    nativeAddon();
    return true;
  } catch {
    return false;
  }
}
