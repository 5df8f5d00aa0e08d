import { describe, expect, it } from 'vitest';
import { buildCsr, columnCounts, rowIndices, rowValues, selectRows, transposeCsr } from './csr';

describe('CSR matrix', () => {
  const columns = {
    rowIndex: Int32Array.from([1, 0, 1, 1, 2]),
    colIndex: Int32Array.from([3, 2, 0, 3, 1]),
    values: Float32Array.from([1, 5, 2, 4, 7]),
  };

  it('sorts rows and sums duplicates by default', () => {
    const m = buildCsr(columns, { rows: 3, cols: 4 });
    expect(Array.from(m.indptr)).toEqual([0, 1, 3, 4]);
    expect(Array.from(rowIndices(m, 1))).toEqual([0, 3]);
    expect(Array.from(rowValues(m, 1))).toEqual([2, 5]);
  });

  it('supports max and last policies and keeps input order with keep', () => {
    expect(Array.from(rowValues(buildCsr(columns, { rows: 3, cols: 4, duplicates: 'max' }), 1))).toEqual([2, 4]);
    expect(Array.from(rowValues(buildCsr(columns, { rows: 3, cols: 4, duplicates: 'last' }), 1))).toEqual([2, 4]);
    const kept = buildCsr(columns, { rows: 3, cols: 4, duplicates: 'keep' });
    expect(Array.from(rowIndices(kept, 1))).toEqual([3, 0, 3]);
  });

  it('transposes (twice is identity) and counts columns', () => {
    const m = buildCsr(columns, { rows: 3, cols: 4 });
    const t = transposeCsr(m);
    expect(t.rows).toBe(4);
    expect(Array.from(rowIndices(t, 3))).toEqual([1]);
    expect(Array.from(rowValues(t, 2))).toEqual([5]);
    const back = transposeCsr(t);
    expect(Array.from(back.indices)).toEqual(Array.from(m.indices));
    expect(Array.from(back.values)).toEqual(Array.from(m.values));
    expect(Array.from(columnCounts(m))).toEqual([1, 1, 1, 1]);
  });

  it('selects rows in the requested order', () => {
    const m = buildCsr(columns, { rows: 3, cols: 4 });
    const s = selectRows(m, Int32Array.from([2, 0]));
    expect(Array.from(rowIndices(s, 0))).toEqual([1]);
    expect(Array.from(rowIndices(s, 1))).toEqual([2]);
  });

  it('names the offending entry when coordinates are out of range', () => {
    expect(() => buildCsr({ rowIndex: Int32Array.from([0, 5]), colIndex: Int32Array.from([0, 0]) }, { rows: 3, cols: 1 })).toThrow(
      /entry 1 has row 5, expected 0..2/,
    );
    expect(() => buildCsr({ rowIndex: Int32Array.from([0]), colIndex: Int32Array.from([0, 1]) }, { rows: 1, cols: 2 })).toThrow(
      /lengths differ/,
    );
  });
});
