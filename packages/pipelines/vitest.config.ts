import { createVitestConfig } from '@mixtape/vitest-config';

export default createVitestConfig();
