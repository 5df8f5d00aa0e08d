// Public API of @mixtape/home: explicit named re-exports only (used by tests and the demo runner).
export { createApp } from './app';
export type { HomeDeps } from './app';
export { homeConfigSchema, loadHomeConfig } from './config';
export type { HomeConfig } from './config';
export { createVariantEngines, homeExperimentParamsSchema } from './experiments';
export type { HomeExperimentParams, VariantEngines } from './experiments';
