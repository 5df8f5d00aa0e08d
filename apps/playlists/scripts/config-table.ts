// Rewrites the config table in README.md from the schema: pnpm --filter @mixtape/playlists docs:config
import { fileURLToPath } from 'node:url';
import { writeConfigTable } from '@mixtape/service-kit';
import { playlistsConfigSchema } from '../src/config';

const keys = writeConfigTable(fileURLToPath(new URL('../README.md', import.meta.url)), playlistsConfigSchema);
console.log(`README.md config table updated (${keys} keys)`);
