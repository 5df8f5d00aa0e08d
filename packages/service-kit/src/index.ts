// Public API of @mixtape/service-kit: explicit named re-exports only.
export {};
