import { createTsupConfig } from '@mixtape/tsup-config';

export default createTsupConfig();
