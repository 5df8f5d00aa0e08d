import { describe, expect, it } from 'vitest';
import type { ExperimentResult, ModelEvaluation } from './evaluate';
import { formatSplitTable, poolExperimentResults } from './pool';

function evaluation(model: string, ndcg: number[], coverage: number): ModelEvaluation {
  const perRow = { 'NDCG@10': Float64Array.from(ndcg) };
  const mean = ndcg.reduce((a, b) => a + b, 0) / ndcg.length;
  return {
    model, fitSeconds: 1, recommendSeconds: 2, evaluatedRows: ndcg.length, perRow,
    metrics: [
      { name: 'NDCG@10', perUser: true, mean, lower: mean, upper: mean, confidence: 0.95 },
      { name: 'Coverage@10', perUser: false, mean: coverage, lower: coverage, upper: coverage, confidence: 1 },
    ],
  };
}

function result(rows: number[], a: number[], b: number[], coverage: number): ExperimentResult {
  return {
    task: 'user-holdout', dataset: 'd', protocol: 'holdout (seed x)', catalogItems: 50, trainRows: 10, trainInteractions: 100, evaluatedRows: rows.length,
    evaluatedRowIds: Int32Array.from(rows), ks: [10], heldOutPopularity: 0.1, models: [evaluation('a', a, coverage), evaluation('b', b, coverage / 2)],
  };
}

describe('poolExperimentResults', () => {
  it('averages each row over the splits it is in, so a row counts once', () => {
    // rows 1 and 2 in both splits, row 3 only in the second
    const first = result([1, 2], [1, 0], [0, 0], 0.4);
    const second = result([2, 1, 3], [0.5, 0, 1], [0, 0, 1], 0.2);
    const pooled = poolExperimentResults([first, second], { labels: ['seed 8', 'seed 9'], bootstrap: { samples: 200 } });
    expect(pooled.evaluatedRows).toBe(3);
    expect([...pooled.evaluatedRowIds!]).toEqual([1, 2, 3]);
    // row 1: (1 + 0) / 2, row 2: (0 + 0.5) / 2, row 3: 1
    expect([...pooled.models[0]!.perRow['NDCG@10']!]).toEqual([0.5, 0.25, 1]);
    expect(pooled.models[0]!.metrics[0]!.mean).toBeCloseTo(1.75 / 3, 10);
    expect(pooled.models[0]!.metrics[0]!.lower).toBeLessThan(pooled.models[0]!.metrics[0]!.upper);
    // catalog-level figures are averaged over splits, times summed
    expect(pooled.models[0]!.metrics[1]!.mean).toBeCloseTo(0.3, 10);
    expect(pooled.models[1]!.fitSeconds).toBe(2);
    expect(pooled.protocol).toMatch(/^2 splits pooled \(seed 8, seed 9; 5 evaluations of 3 distinct rows/);
    expect(pooled.protocol).toContain('the intervals hold each split\'s fitted models fixed');
  });

  it("labels each split's notes when the splits' fits differ (never the first split's as the pool's)", () => {
    const first = result([1, 2], [1, 0], [0, 0], 0.4);
    const second = result([2, 1], [0.5, 0], [0, 0], 0.2);
    first.models[0]!.notes = 'play 108 trees';
    second.models[0]!.notes = 'play 5 trees';
    first.models[1]!.notes = second.models[1]!.notes = 'dense model';
    const pooled = poolExperimentResults([first, second], { labels: ['seed 8', 'seed 9'], bootstrap: { samples: 50 } });
    expect(pooled.models[0]!.notes).toBe('seed 8: play 108 trees; seed 9: play 5 trees');
    expect(pooled.models[1]!.notes).toBe('dense model');
  });

  it('refuses results of different models or without row ids', () => {
    const first = result([1], [1], [0], 0.1);
    const other = { ...result([1], [1], [0], 0.1), models: [evaluation('a', [1], 0.1)] };
    expect(() => poolExperimentResults([first, other], { labels: ['x', 'y'] })).toThrow(/result y has models "a", expected "a \| b"/);
    const { evaluatedRowIds: _ids, ...bare } = first;
    expect(() => poolExperimentResults([first, bare], { labels: ['x', 'y'] })).toThrow(/result y has no row ids/);
    expect(() => poolExperimentResults([], { labels: [] })).toThrow(/no results/);
  });

  it('tables every split with the mean, the spread and the difference to a reference', () => {
    const table = formatSplitTable([result([1, 2], [1, 0], [0, 0], 0.4), result([1, 2], [0.2, 0.2], [0.4, 0], 0.4)], ['seed 8', 'seed 9'], ['NDCG@10'], 'b');
    expect(table).toContain('| a | NDCG@10 | 0.5000 | 0.2000 | 0.3500 | 0.3000 | +0.2500 (+0.0000, +0.5000) |');
    expect(table).toContain('| b | NDCG@10 | 0.0000 | 0.2000 | 0.1000 | 0.2000 | – |');
  });
});
