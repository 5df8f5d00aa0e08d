// The inference path that runs the last block for each sequence's last position only must give
// the same query vectors as the full forward pass.
import { describe, expect, it } from 'vitest';
import { initializeModel, resolveModelConfig } from '../model';
import { EngineHost } from './host';

describe('query-only forward', () => {
  for (const overrides of [{ heads: 2, lastItemResidual: false }, { heads: 1, lastItemResidual: true, blocks: 3, tied: true }]) {
    it(`equals the full forward's last positions (${JSON.stringify(overrides)})`, async () => {
      const config = resolveModelConfig({ numItems: 40, dim: 16, blocks: 2, maxLength: 9, dropout: 0.3, ...overrides });
      const lengths = [9, 1, 4, 7, 2];
      const tokens = lengths.reduce((a, b) => a + b, 0);
      const host = EngineHost.create({ config, threads: 1, maxTokens: tokens, maxSequences: lengths.length, maxCandidates: 4, training: false });
      host.parameters.set(initializeModel(config, 9).parameters);
      const { i32, f32 } = host.runtime;
      const { batch } = host;
      let t = 0;
      i32[batch.sequenceOffsets] = 0;
      lengths.forEach((length, s) => {
        for (let p = 0; p < length; p++, t++) {
          i32[batch.tokens + t] = (t * 7 + s) % config.numItems;
          i32[batch.positions + t] = config.maxLength - length + p;
          i32[batch.targets + t] = -1;
        }
        i32[batch.sequenceOffsets + s + 1] = t;
      });
      const final = host.workspaces[0]!.final;
      host.forward(0, lengths.length);
      const full = lengths.map((_, s) => {
        const end = i32[batch.sequenceOffsets + s + 1]!;
        return Array.from(f32.subarray(final + (end - 1) * config.dim, final + end * config.dim));
      });
      host.forward(0, lengths.length, true);
      lengths.forEach((_, s) => {
        const query = f32.subarray(final + s * config.dim, final + (s + 1) * config.dim);
        for (let c = 0; c < config.dim; c++) expect(query[c]).toBeCloseTo(full[s]![c]!, 5);
      });
      await host.close();
    });
  }
});
