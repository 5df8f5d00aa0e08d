import { describe, expect, it } from 'vitest';
import { initializeModel, resolveModelConfig } from './model';
import { deserializeSequenceModel, serializeSequenceModel } from './serialize';

describe('model files', () => {
  const model = initializeModel(resolveModelConfig({ numItems: 30, dim: 8, maxLength: 5 }), 3);

  it('round-trips the configuration, parameters and metadata', () => {
    const bytes = serializeSequenceModel(model, { trainedOn: 'test' });
    const back = deserializeSequenceModel(bytes);
    expect(back.config).toEqual(model.config);
    expect(Array.from(back.parameters)).toEqual(Array.from(model.parameters));
    expect(back.meta.trainedOn).toBe('test');
  });

  it('refuses other files, truncation and a parameter count that does not fit the configuration', () => {
    const bytes = serializeSequenceModel(model);
    expect(() => deserializeSequenceModel(Buffer.from('hello world, not a model'), 'x.bin')).toThrow('x.bin: not a Mixtape sequence-model file');
    expect(() => deserializeSequenceModel(bytes.subarray(0, bytes.length - 16), 'y.bin')).toThrow(/y.bin: array "parameters" runs past the end/);
    const other = serializeSequenceModel({ config: { ...model.config, numItems: 31 }, parameters: model.parameters });
    expect(() => deserializeSequenceModel(other, 'z.bin')).toThrow(/z.bin: \d+ parameters, the configuration needs \d+/);
  });
});
