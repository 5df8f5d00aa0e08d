// Public API of @mixtape/search: explicit named re-exports only (used by tests and the demo runner).
export { createApp } from './app';
export type { SearchDeps } from './app';
export { searchConfigSchema, loadSearchConfig } from './config';
export type { SearchConfig } from './config';
export { searchExperimentParamsSchema } from './experiments';
export type { SearchExperimentParams } from './experiments';
