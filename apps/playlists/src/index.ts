// Public API of @mixtape/playlists: explicit named re-exports only (used by tests, the bench and the demo runner).
export { createApp } from './app';
export type { PlaylistsDeps } from './app';
export { playlistsConfigSchema, loadPlaylistsConfig } from './config';
export type { PlaylistsConfig } from './config';
export { createPlannerFactory, createPlaylistServingState, playlistContextFromBundle, PLAYLIST_BUNDLE_PARTS } from './serving';
export type { LlmSettings, PlannerFactory, PlaylistServingState } from './serving';
export { openFilePlaylistStore, PlaylistStoreError, PLAYLIST_STORE_FILE } from './store';
export type { FilePlaylistStoreOptions, PlaylistStore, StoredPlaylistVersion, StoredTrack } from './store';
export { buildSyntheticPlaylistContext } from './synthetic';
export type { SyntheticContextOptions } from './synthetic';
