// The Home ranker's objectives on a dataset snapshot (issue 15 item 3): trains the heads the log
// supports (temporal split inside the log, as `mixtape build` does) and writes each objective's
// validation NDCG@10, the trade-off over a grid of served weights, and what diversity re-ranking
// costs and buys, as markdown + SVG:
//   pnpm --filter @mixtape/home exec tsx --conditions @mixtape/source bench/objectives.ts --data /abs/snapshot --out /abs/docs/results [--name synthetic-home-objectives] [--folds 1] [--max-users 2000]
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseBenchArgs } from '@mixtape/base';
import { readSnapshot } from '@mixtape/catalog';
import { trainHomeRanker, trainItemVectors } from '@mixtape/ranking';

const values = parseBenchArgs({ data: undefined, out: undefined, name: 'synthetic-home-objectives', folds: 1, 'max-users': 2000, seed: 7, dim: 32 });
if (!values.data || !values.out) throw new Error('objectives: --data <snapshot dir> and --out <results dir> are required');
const seed = values.seed;
const started = performance.now();
const say = (line: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}`);
const { store, interactions } = await readSnapshot(values.data);
say(`${values.data}: ${store.trackCount.toLocaleString('en')} tracks, ${interactions.userCount.toLocaleString('en')} listeners, ${interactions.length.toLocaleString('en')} events`);
const vectorOptions = { dim: values.dim, seed };
const vectors = await trainItemVectors(store, interactions, vectorOptions);
const { model, report } = await trainHomeRanker(
  { store, interactions, ...vectors },
  { seed, folds: values.folds, maxUsers: values['max-users'], log: say, itemVectorsFor: (pastLog) => trainItemVectors(store, pastLog, vectorOptions) },
);

const f = (value: number) => value.toFixed(4);
const objectives = model.heads.map((head) => head.objective);
const lines: string[] = [];
lines.push(`# Home ranker objectives — ${values.name}`, '');
lines.push(`Data: \`${values.data}\` (${store.trackCount.toLocaleString('en')} tracks, ${interactions.userCount.toLocaleString('en')} listeners, ${interactions.length.toLocaleString('en')} events).`);
lines.push(`Split: ${report.split.kind} — ${report.split.detail}. Listeners: ${report.users.train} train / ${report.users.validation} validation; ${report.candidates.mean} candidates per listener, candidate recall of held-out plays ${report.candidateRecall.total}. Seed ${seed}; ${values.folds} cross-fitting fold(s).`, '');
lines.push('```sh', `pnpm --filter @mixtape/home exec tsx --conditions @mixtape/source bench/objectives.ts --data ${values.data} --out ${values.out} --name ${values.name} --folds ${values.folds}`, '```', '');
lines.push('## Heads (one LambdaMART model per objective the log supports)', '');
lines.push('| objective | label | trees | validation listeners with a positive | NDCG@10 over the candidate lists |', '| --- | --- | ---: | ---: | ---: |');
for (const head of report.heads) lines.push(`| ${head.objective} | ${head.label} | ${head.rounds} | ${head.groups} | ${f(head.ndcg10)} |`);
for (const entry of report.unsupported) lines.push(`| ${entry.objective} | not trained: ${entry.reason} | | | |`);
lines.push('', `Bars on the play labels: ${Object.entries(report.validationNdcg10).map(([name, value]) => `${name} ${f(value)}`).join(', ')}.`, '');
lines.push('## Trade-off over served weights (play weight 1; skip: lower is better)', '');
lines.push(`| ${objectives.map((o) => `w(${o})`).join(' | ')} | ${objectives.map((o) => `NDCG@10 ${o}`).join(' | ')} |`);
lines.push(`| ${objectives.map(() => '---:').join(' | ')} | ${objectives.map(() => '---:').join(' | ')} |`);
for (const row of report.tradeoff) lines.push(`| ${objectives.map((o) => row.weights[o] ?? 0).join(' | ')} | ${objectives.map((o) => f(row.ndcg10[o] ?? 0)).join(' | ')} |`);
if (report.tradeoff.length === 0) lines.push('(only the play head was trained: no trade-off to show)');
lines.push('', '## Diversity re-ranking: what it costs and what it buys (validation listeners, play labels)', '');
lines.push('| ranking | NDCG@10 | coverage@10 | ILD@10 (item vectors) | ILD@10 (artists) | novelty@10 (bits) |', '| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of report.diversity) lines.push(`| ${row.ranking} | ${f(row.ndcg10)} | ${f(row.coverage10)} | ${f(row.ildVectors10)} | ${f(row.ildArtist10)} | ${row.novelty10.toFixed(2)} |`);
lines.push('', `Trained in ${report.seconds.toFixed(0)} s (load average at the end: ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' / ')}).`, '');

// SVG: each objective's NDCG@10 against the grid rows (one polyline per objective)
const width = 760;
const height = 320;
const margin = { left: 56, right: 20, top: 30, bottom: 60 };
const rows = report.tradeoff;
const max = Math.max(0.01, ...rows.flatMap((row) => Object.values(row.ndcg10)));
const x = (i: number) => margin.left + ((width - margin.left - margin.right) * i) / Math.max(1, rows.length - 1);
const y = (v: number) => margin.top + (height - margin.top - margin.bottom) * (1 - v / max);
const colours = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
const svg: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`];
svg.push(`<text x="${margin.left}" y="18" font-size="13">Home objectives: NDCG@10 per head label over the weight grid (${values.name})</text>`);
svg.push(`<line x1="${margin.left}" y1="${y(0)}" x2="${width - margin.right}" y2="${y(0)}" stroke="#888"/><line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${y(0)}" stroke="#888"/>`);
for (let t = 0; t <= 4; t++) svg.push(`<text x="${margin.left - 6}" y="${y((max * t) / 4) + 4}" text-anchor="end">${((max * t) / 4).toFixed(3)}</text>`);
objectives.forEach((objective, o) => {
  const points = rows.map((row, i) => `${x(i).toFixed(1)},${y(row.ndcg10[objective] ?? 0).toFixed(1)}`).join(' ');
  svg.push(`<polyline fill="none" stroke="${colours[o % colours.length]}" stroke-width="2" points="${points}"/>`);
  svg.push(`<text x="${margin.left + 110 * o}" y="${height - 12}" fill="${colours[o % colours.length]}">■ ${objective}</text>`);
});
svg.push(`<text x="${(width / 2).toFixed(0)}" y="${height - 32}" text-anchor="middle">weight grid rows (table order)</text>`, '</svg>');

await writeFile(join(values.out, `${values.name}.md`), lines.join('\n'));
await writeFile(join(values.out, `${values.name}.svg`), svg.join('\n'));
await writeFile(join(values.out, `${values.name}.json`), JSON.stringify({ heads: report.heads, unsupported: report.unsupported, validationNdcg10: report.validationNdcg10, tradeoff: report.tradeoff, diversity: report.diversity, importance: report.importance }, null, 2));
console.log(lines.join('\n'));
