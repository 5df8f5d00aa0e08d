import { generateSynthetic } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { datasetFromInteractionLog } from './data';
import { breakdownTable, labelNextItemTargets } from './next-items-diagnosis';
import { leaveOneOutSplit } from './splits';

describe('next-item diagnosis', () => {
  const synthetic = generateSynthetic({ seed: 5, tracks: 600, users: 60, interactions: 6000 });
  const dataset = datasetFromInteractionLog(synthetic.interactions, synthetic.store, { name: 'synthetic', source: 'memory' });
  const split = leaveOneOutSplit({ user: dataset.row, item: dataset.item, time: dataset.time, numUsers: dataset.numRows, numItems: dataset.numItems });
  const sequences = split.sequences!;
  const rows = Int32Array.from({ length: sequences.rows }, (_, r) => r).filter((r) => sequences.indptr[r + 1]! - sequences.indptr[r]! >= 2);
  const positions = Int32Array.from(rows, (r) => sequences.indptr[r + 1]! - sequences.indptr[r]! - 1);

  it('labels each target by how the generator chose it, aligned with the log (an album continuation is the next album track)', () => {
    const labels = labelNextItemTargets(synthetic.interactions, synthetic.sequence, synthetic.store, sequences, rows, positions);
    expect(labels).toHaveLength(rows.length);
    const kinds = new Set(labels.map((label) => label.transition));
    expect(kinds.has('albumNext') && kinds.has('discovery')).toBe(true);
    // the generator's ground truth agrees with the catalog when no skip sat in between
    for (const label of labels) {
      if (label.transition === 'albumNext' && !label.skipBefore) expect(label.relation).toBe('album next');
      if (label.transition === 'artistRun' && !label.skipBefore) expect(['album next', 'album other', 'same artist']).toContain(label.relation);
    }
    // every position of a row can be labelled, not only the last
    const first = labelNextItemTargets(synthetic.interactions, synthetic.sequence, synthetic.store, sequences, rows.subarray(0, 5), Int32Array.of(1, 1, 1, 1, 1));
    expect(first).toHaveLength(5);
  });

  it('refuses sequences that are not this log\'s split, and a target without a previous item', () => {
    const shifted = { indptr: sequences.indptr, indices: Int32Array.from(sequences.indices, (item) => (item + 1) % dataset.numItems) };
    expect(() => labelNextItemTargets(synthetic.interactions, synthetic.sequence, synthetic.store, shifted, rows.subarray(0, 1), positions.subarray(0, 1))).toThrow(
      /row \d+, position 0: the sequence has item \d+ but the log's event has track \d+ — not the split of this log/,
    );
    expect(() => labelNextItemTargets(synthetic.interactions, synthetic.sequence, synthetic.store, sequences, rows.subarray(0, 1), Int32Array.of(0))).toThrow('target position 0, expected ≥ 1');
  });

  it('tabulates the mean and the sum of each column per group, largest group first', () => {
    const table = breakdownTable('kind', (q) => (q < 2 ? 'a' : 'b'), 5, { model: [1, 0, 0.5, 0.5, 0.5] });
    expect(table.split('\n')).toEqual(['| kind | rows | model |', '| --- | ---: | ---: |', '| b | 3 | 0.5000 (1.5) |', '| a | 2 | 0.5000 (1.0) |']);
  });
});
