// Public API of @mixtape/playlists: explicit named re-exports only (used by tests and the demo runner).
export { createApp } from './app';
export type { PlaylistsDeps } from './app';
export { playlistsConfigSchema, loadPlaylistsConfig } from './config';
export type { PlaylistsConfig } from './config';
