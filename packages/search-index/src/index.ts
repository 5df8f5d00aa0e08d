// Public API of @mixtape/search: explicit named re-exports only.
export {};
