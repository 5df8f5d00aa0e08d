// Public API of @mixtape/ranking: explicit named re-exports only.
export {};
