// Rewrites the config table in README.md from the schema: pnpm --filter @mixtape/home docs:config
import { fileURLToPath } from 'node:url';
import { writeConfigTable } from '@mixtape/service-kit';
import { homeConfigSchema } from '../src/config';

const keys = writeConfigTable(fileURLToPath(new URL('../README.md', import.meta.url)), homeConfigSchema);
console.log(`README.md config table updated (${keys} keys)`);
