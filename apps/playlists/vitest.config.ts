import { createVitestConfig } from '@mixtape/vitest-config';

const config = createVitestConfig();

// Vitest forwards ssr.resolve.conditions to Node as --conditions; the shared list contains
// `import`, which makes require('is-promise') inside Express's router load the ESM build and
// break every async handler. Keep only the source condition for Node until tooling/vitest
// drops `import` (reported to the lead).
export default {
  ...config,
  ssr: { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: ['@mixtape/source', 'node'] } },
};
