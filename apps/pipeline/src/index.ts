// Public API of @mixtape/pipeline: explicit named re-exports only.
export {};
