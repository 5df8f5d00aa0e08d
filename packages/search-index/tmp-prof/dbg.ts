import { generateSynthetic } from '@mixtape/catalog';
import { buildSearchIndex } from '../src/index';
import { topK } from '../src/top-k';
const { store } = generateSynthetic({ seed: 1, tracks: 50000, users: 100, interactions: 10_000 });
const engine = buildSearchIndex(store, { content: false });
const lex = engine.lexical;
for (const q of ['neon drive wait marcus lindqvist', 'the velvet ghosts', 'say you wait mara nakamura']) {
  const words = q.split(' ');
  const groups = words.map((w) => ({ variants: [{ term: lex.termId(w), weight: 1 }] }));
  console.log(q, words.map((w) => `${w}:${lex.documentFrequency(lex.termId(w))}`).join(' '));
  let visits = 0;
  const t0 = performance.now();
  for (let i = 0; i < 20; i++) topK(lex, groups, { k: 100, accept: () => { visits++; return true; }, boost: (d) => 1 + 0.3 * engine.entities.prior[d]!, maxBoost: 1.8 });
  console.log('  topK ms', ((performance.now() - t0) / 20).toFixed(2), 'accept calls', visits / 20);
  const t1 = performance.now();
  for (let i = 0; i < 20; i++) engine.search(q);
  console.log('  search ms', ((performance.now() - t1) / 20).toFixed(2));
}
