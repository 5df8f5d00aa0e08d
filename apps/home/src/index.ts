// Public API of @mixtape/home: explicit named re-exports only.
export {};
