import { createTsupConfig } from '@mixtape/tsup-config';

export default createTsupConfig({ entry: ['src/index.ts', 'src/testing/index.ts', 'src/smoke-child.ts'] });
