import { createTsupConfig } from '@mixtape/tsup-config';

export default createTsupConfig({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' } });
