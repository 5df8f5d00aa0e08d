// Public API of @mixtape/eval: explicit named re-exports only.
export {};
