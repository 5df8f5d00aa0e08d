// Public API of @mixtape/native: explicit named re-exports only.
export { isNativeAvailable, nativeAddon } from './addon';
export type { NativeAddon, NativeHandle } from './addon';
export { NotPositiveDefiniteError, blasThreads, choleskyInverse } from './lapack';
export { checkRounds, checkSmoothing, dumpXGBoost, parseEvaluation, predictXGBoost, trainXGBoost, xgboostVersion } from './xgboost';
export type { XGBoostData, XGBoostParams, XGBoostRound, XGBoostTrainOptions, XGBoostTrained } from './xgboost';
