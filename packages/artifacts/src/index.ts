// Public API of @mixtape/artifacts: explicit named re-exports only.
export {};
