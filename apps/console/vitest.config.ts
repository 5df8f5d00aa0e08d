import { createVitestConfig } from '@mixtape/vitest-config';

// web/src/*.test.ts hold the page's pure helpers (highlighting, plan chips); they need no DOM.
export default createVitestConfig({ test: { include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'test/**/*.test.ts'] } });
