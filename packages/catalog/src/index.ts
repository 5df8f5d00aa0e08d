// Public API of @mixtape/catalog: explicit named re-exports only.
export {};
