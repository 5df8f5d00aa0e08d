import { generateSynthetic } from '@mixtape/catalog';
import { buildSearchIndex } from '../src/index';
const { store } = generateSynthetic({ seed: 1, tracks: 50000, users: 100, interactions: 10_000 });
const engine = buildSearchIndex(store, { content: false });
const qs = ['neon drive wait marcus lindqvist', 'the velvet ghosts', 'say you wait mara nakamura'];
for (let i = 0; i < 30; i++) for (const q of qs) engine.search(q);
const t0 = performance.now();
for (let i = 0; i < 100; i++) for (const q of qs) engine.search(q);
console.log('search ms', ((performance.now() - t0) / 300).toFixed(2));
