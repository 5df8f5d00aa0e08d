// Public API of @mixtape/playlists: explicit named re-exports only.
export {};
