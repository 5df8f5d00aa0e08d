// Rewrites the config table in README.md from the schema: pnpm --filter @mixtape/search docs:config
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigTable } from '@mixtape/service-kit';
import { searchConfigSchema } from '../src/config';

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';
const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));
const readme = readFileSync(readmePath, 'utf8');
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start === -1 || end === -1) throw new Error(`README.md needs the markers ${START} and ${END}`);
const table = renderConfigTable(searchConfigSchema);
writeFileSync(readmePath, `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`);
console.log(`README.md config table updated (${table.split('\n').length - 2} keys)`);
