// Public API of @mixtape/embeddings: explicit named re-exports only.
export {};
