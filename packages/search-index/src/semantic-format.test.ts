import { describe, expect, it } from 'vitest';
import { SemanticModel } from './semantic';
import { parseSemanticModel, serializeSemanticModel } from './semantic-format';

describe('semantic model bytes', () => {
  const model = new SemanticModel('regression', 3, ['trip', 'trip hop', 'rainy'], Float32Array.from([1, 0, 0, 0.6, 0.8, 0, 0, 0, 1]));

  it('round-trips (also from an unaligned slice) to a model that encodes the same', () => {
    const bytes = serializeSemanticModel(model);
    const shifted = Buffer.concat([Buffer.from([7]), bytes]).subarray(1);
    for (const copy of [parseSemanticModel(bytes), parseSemanticModel(shifted)]) {
      expect(copy.method).toBe('regression');
      expect(copy.vocabulary).toEqual(model.vocabulary);
      expect(Array.from(copy.vectors)).toEqual(Array.from(model.vectors));
      expect(copy.encode('Trip-Hop on a rainy day')).toEqual(model.encode('Trip-Hop on a rainy day'));
    }
    const empty = parseSemanticModel(serializeSemanticModel(new SemanticModel('two-tower', 4, [], new Float32Array(0))));
    expect(empty.vocabulary).toEqual([]);
  });

  it('refuses other files and damaged bytes, naming the source', () => {
    const bytes = serializeSemanticModel(model);
    expect(() => parseSemanticModel(Buffer.from('{"not":"this"}'), 'models/semantic.bin')).toThrow(/models\/semantic.bin: not a semantic model file/);
    expect(() => parseSemanticModel(bytes.subarray(0, bytes.length - 4))).toThrow(/expected \d+ bytes for 3 features × dim 3/);
  });
});
