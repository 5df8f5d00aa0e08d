import { generateSynthetic, SYNTHETIC_GENRES } from '@mixtape/catalog';
import { buildSearchIndex } from '../src/index';
const { store } = generateSynthetic({ seed: 1, tracks: 50000, users: 100, interactions: 10_000 });
const engine = buildSearchIndex(store);
const qs = ['sad songs 2000s', 'chill acoustic', 'upbeat dance from the 90s', ...SYNTHETIC_GENRES.slice(0, 5).map((genre) => `${genre.name} for a run`)];
for (let i = 0; i < 10; i++) for (const q of qs) engine.search(q);
for (const q of qs) { const t0 = performance.now(); for (let i = 0; i < 10; i++) engine.search(q); console.log(q, ((performance.now() - t0) / 10).toFixed(2)); }
const t0 = performance.now();
for (let i = 0; i < 20; i++) for (const q of qs) engine.search(q);
console.log('descriptive ms', ((performance.now() - t0) / (20 * qs.length)).toFixed(2));
