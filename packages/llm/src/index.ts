// Public API of @mixtape/llm: explicit named re-exports only.
export {};
