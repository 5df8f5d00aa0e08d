// Public API of @mixtape/playlists: explicit named re-exports only (used by tests, the bench and the demo runner).
export { createApp, mapPlaylistsError } from './app';
export type { PlaylistsDeps } from './app';
export { playlistsConfigSchema, loadPlaylistsConfig } from './config';
export type { PlaylistsConfig } from './config';
export { createPlannerFactory, createPlaylistServingState, playlistContextFromBundle, PLAYLIST_BUNDLE_PARTS } from './serving';
export type { LlmSettings, PlannerFactory, PlaylistServingState, ServingStateOptions } from './serving';
export { fingerprintRequest, openFilePlaylistStore, PlaylistStoreError, PLAYLIST_STORE_FILE } from './store';
export type {
  AppendFeedbackResult,
  FilePlaylistStoreOptions,
  IdempotencyRecord,
  IdempotentWrite,
  PlaylistPage,
  PlaylistPageOptions,
  PlaylistStore,
  PlaylistStoreErrorCode,
  PlaylistStoreStats,
  StoredPlaylistVersion,
  StoredTrack,
} from './store';
export { createPlaylistService, PlaylistError } from './playlist-service';
export type { PlaylistErrorCode, PlaylistService, PlaylistServiceDeps, PlaylistWriteResult } from './playlist-service';
export { promptProblem } from './prompt';
export { createRatedPlanSource, ratePlaylistVersions } from './examples';
export type { RatedPlanSource, RatedPlanSourceOptions } from './examples';
export { buildSyntheticPlaylistContext } from './synthetic';
export type { SyntheticContextOptions } from './synthetic';
export { fulfilmentSettings, playlistsExperimentParamsSchema } from './experiments';
export type { PlaylistsExperimentParams } from './experiments';
