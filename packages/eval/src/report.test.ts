import { describe, expect, it } from 'vitest';
import { buildCsr } from '@mixtape/embeddings';
import { runExperiment } from './evaluate';
import { createItemKnnRecommender } from './models/item-knn';
import { createPopularityRecommender } from './models/popularity';
import { formatMarkdownReport, renderSvgChart, resultToJson } from './report';
import { userHoldoutSplit } from './splits';
import { plantedClusters } from './testing/oracle';

describe('reports', async () => {
  const data = plantedClusters({ users: 80, itemsPerCluster: 20, clusters: 4, perUser: 10, seed: 4 });
  const split = userHoldoutSplit(buildCsr(data, { rows: data.rows, cols: data.cols }), { seed: 2 });
  const run = () =>
    runExperiment([createPopularityRecommender(), createItemKnnRecommender()], split, {
      ks: [5, 10],
      task: 'user-holdout',
      dataset: 'planted',
      itemArtist: Int32Array.from({ length: data.cols }, (_, i) => i % 7),
    });
  const result = await run();

  it('prints the protocol, every model, metric ± CI and the command', () => {
    const markdown = formatMarkdownReport(result, { command: 'mixtape eval --data x', compareAgainst: 'popularity' });
    expect(markdown).toContain('full-catalog ranking (80 items), the row\'s training items excluded');
    expect(markdown).toContain('| popularity |');
    expect(markdown).toContain('| item-knn (cosine) |');
    expect(markdown).toMatch(/\| Recall@5 \| NDCG@5 \| Recall@10 \| NDCG@10 \| MRR@10 \|/);
    expect(markdown).toMatch(/\d\.\d{4} ± \d\.\d{4}/);
    expect(markdown).toContain('ILD-artist@5');
    expect(markdown).toContain('mixtape eval --data x');
    expect(markdown).toMatch(/Against \*\*popularity\*\*/);
    // the reference is a name prefix in any case
    expect(formatMarkdownReport(result, { command: 'x', compareAgainst: 'ITEM-KNN' })).toMatch(/Against \*\*item-knn \(cosine\)\*\*/);
    // a comma-separated list gives one paired table per reference
    const both = formatMarkdownReport(result, { command: 'x', compareAgainst: 'popularity,item-knn' });
    expect(both).toMatch(/Against \*\*popularity\*\*/);
    expect(both).toMatch(/Against \*\*item-knn \(cosine\)\*\*/);
  });

  it('says when too few rows were evaluated for the intervals to mean anything (one row gives ± 0)', () => {
    expect(formatMarkdownReport(result)).not.toContain('Only ');
    const one = formatMarkdownReport({ ...result, evaluatedRows: 1 });
    expect(one).toContain('1 evaluated row. Values are means');
    expect(one).toContain('**Only 1 evaluated row: too few for the intervals (or the paired comparison) to mean anything — one row gives ± 0 by construction; do not compare models on this.**');
  });

  it('prints no lift over a reference that scored 0 (was "+0.0%" beside a real difference)', () => {
    const zeroed = {
      ...result,
      models: result.models.map((m) =>
        m.model === 'popularity' ? { ...m, metrics: m.metrics.map((s) => ({ ...s, mean: 0, lower: 0, upper: 0 })), perRow: Object.fromEntries(Object.entries(m.perRow).map(([name, rows]) => [name, rows.map(() => 0)])) } : m,
      ),
    } as typeof result;
    const markdown = formatMarkdownReport(zeroed, { command: 'x', compareAgainst: 'popularity' });
    expect(markdown).toMatch(/\| item-knn \(cosine\) \| Recall@5 \| n\/a \(reference is 0\) \| 0\.\d{4} \[/);
    expect(markdown).not.toContain('+0.0%');
  });

  it('is identical run to run apart from timings', async () => {
    const again = await run();
    const strip = (r: typeof result) => JSON.stringify(resultToJson(r), (key, value) => (/Seconds$/.test(key) ? 0 : value));
    expect(strip(again)).toBe(strip(result));
  });

  it('draws one bar per model and metric', () => {
    const svg = renderSvgChart(result);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // 4 metrics × 2 models bars + 2 legend swatches + background
    expect(svg.match(/<rect /g)?.length).toBe(4 * 2 + 2 + 1);
    expect(svg).toContain('Recall@10');
  });
});
