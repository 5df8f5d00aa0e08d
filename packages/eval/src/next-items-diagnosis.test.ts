import { generateSynthetic } from '@mixtape/catalog';
import { describe, expect, it } from 'vitest';
import { datasetFromInteractionLog } from './data';
import { breakdownTable, checkDiagnoseRecipe, diagnoseTrainingOf, labelNextItemTargets } from './next-items-diagnosis';
import { DEFAULT_TRAINING_PRIOR } from './models/sasrec';
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

describe('diagnose:next-items --train options', () => {
  it('parses the spec (eval sasrec\'s defaults otherwise) and refuses unknown keys and bad values', () => {
    const plain = diagnoseTrainingOf('A', {});
    expect(plain.recipe).toEqual({ epochs: 12, patience: 3, trainWithPrior: 'default', sideInputs: 'none' });
    expect(plain.trainWithPrior).toEqual(DEFAULT_TRAINING_PRIOR);
    const d6 = diagnoseTrainingOf('D6', { sideInputs: 'album+artist+albumPosition+artistRank', epochs: '4', trainWithPrior: 'alone', checkpoint: '/tmp/x.ckpt' });
    expect(d6.sideInputs).toEqual(['album', 'artist', 'albumPosition', 'artistRank']);
    expect(d6.trainWithPrior).toBe('alone');
    expect(d6.checkpoint).toBe('/tmp/x.ckpt');
    // the checkpoint does not change the result (resume is bit-identical), so it is not part of the recipe
    expect(d6.recipe).toEqual({ epochs: 4, patience: 3, trainWithPrior: 'alone', sideInputs: 'album+artist+albumPosition+artistRank' });
    expect(diagnoseTrainingOf('N', { trainWithPrior: 'none' }).trainWithPrior).toBeUndefined();
    expect(() => diagnoseTrainingOf('A', { sideInput: 'album' })).toThrow('--train A: unknown option "sideInput"; expected epochs, patience, trainWithPrior, sideInputs, checkpoint');
    expect(() => diagnoseTrainingOf('A', { epochs: '0' })).toThrow('--train A: epochs must be an integer ≥ 1, got "0"');
    expect(() => diagnoseTrainingOf('A', { trainWithPrior: 'yes' })).toThrow('--train A: trainWithPrior must be "alone", "none" or "default", got "yes"');
    expect(() => diagnoseTrainingOf('A', { sideInputs: 'genre' })).toThrow('--train A: sideInputs: expected "none" or levels joined by "+"');
  });

  it('reuses a model file only when it was trained with the same recipe (review s9: it reused any file)', () => {
    const wanted = { ...diagnoseTrainingOf('D3', { sideInputs: 'album+artist' }).recipe, rows: 1000, seed: 42, backoff: ['album', 'artist'] };
    expect(() => checkDiagnoseRecipe('/tmp/D3.bin', 'D3', JSON.parse(JSON.stringify(wanted)), wanted)).not.toThrow();
    const other = { ...wanted, sideInputs: 'none' };
    expect(() => checkDiagnoseRecipe('/tmp/D3.bin', 'D3', other, wanted)).toThrow(
      `/tmp/D3.bin: exists, trained with ${JSON.stringify(other)}, but --train D3 asks for ${JSON.stringify(wanted)}; remove the file or name another`,
    );
    expect(() => checkDiagnoseRecipe('/tmp/D3.bin', 'D3', { ...wanted, seed: 1 }, wanted)).toThrow('trained with');
    // a file another tool wrote (no recorded recipe) is not taken for this one
    expect(() => checkDiagnoseRecipe('/tmp/A.bin', 'A', undefined, wanted)).toThrow('/tmp/A.bin: exists, trained with no recorded diagnose options, but --train A asks for');
  });
});
