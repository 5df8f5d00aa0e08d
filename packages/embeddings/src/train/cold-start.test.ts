import { describe, expect, it } from 'vitest';
import { fillColdStartVectors, fitContentProjection, projectContent } from './cold-start';
import { Random, cosineBetween } from '@mixtape/base';

describe('content → item-vector projection', () => {
  const random = new Random(12, 'mulberry32');
  const contentDim = 6;
  const itemDim = 4;
  const numItems = 200;
  const truth = Float32Array.from({ length: contentDim * itemDim }, () => random.next() * 2 - 1);
  const content = Float32Array.from({ length: numItems * contentDim }, () => random.next() * 2 - 1);
  const items = new Float32Array(numItems * itemDim);
  for (let i = 0; i < numItems; i++) {
    for (let q = 0; q < itemDim; q++) {
      let sum = 0;
      for (let p = 0; p < contentDim; p++) sum += content[i * contentDim + p]! * truth[p * itemDim + q]!;
      items[i * itemDim + q] = sum;
    }
  }

  it('recovers a linear map from items that have both vectors', () => {
    const projection = fitContentProjection(content, contentDim, items, itemDim, { ridge: 1e-6, normalizeTargets: false });
    expect(projection.fittedOn).toBe(numItems);
    for (let k = 0; k < truth.length; k++) expect(projection.weights[k]).toBeCloseTo(truth[k]!, 3);
    const projected = projectContent(projection, content.subarray(0, contentDim));
    for (let q = 0; q < itemDim; q++) expect(projected[q]).toBeCloseTo(items[q]!, 3);
  });

  it('fills only the rows of items without a vector, pointing where their content says', () => {
    const withHoles = Float32Array.from(items);
    for (const hole of [3, 50, 120]) withHoles.fill(0, hole * itemDim, (hole + 1) * itemDim);
    const { vectors, filled } = fillColdStartVectors(withHoles, itemDim, content, contentDim, { ridge: 1e-3 });
    expect(Array.from(filled.entries()).filter(([, f]) => f === 1).map(([i]) => i)).toEqual([3, 50, 120]);
    for (const hole of [3, 50, 120]) expect(cosineBetween(vectors, hole * itemDim, items, hole * itemDim, itemDim)).toBeGreaterThan(0.95);
    expect(Array.from(vectors.subarray(0, itemDim))).toEqual(Array.from(items.subarray(0, itemDim)));
  });

  it('rejects mismatched inputs', () => {
    expect(() => fitContentProjection(content, contentDim, items.subarray(0, 8), itemDim)).toThrow(/same items/);
    expect(() => fitContentProjection(content, contentDim, new Float32Array(numItems * itemDim), itemDim)).toThrow(/no item has both/);
  });
});
