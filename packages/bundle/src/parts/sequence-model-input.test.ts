// The sequenceModel part trains on the aggregates' `histories` (a pipeline run's or the
// single-process path's): the sequences it cuts from them are the ones it cut from the log.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateSynthetic } from '@mixtape/catalog';
import { readAggregates, runLocalAggregation } from '@mixtape/pipelines';
import { historiesFromInteractions } from '@mixtape/sequence';

describe('sequenceModel part input: the aggregates histories', () => {
  it('gives the same training sequences as the log', async () => {
    const { store, interactions } = generateSynthetic({ seed: 9, tracks: 400, users: 60, interactions: 5_000 });
    const work = await mkdtemp(join(tmpdir(), 'mixtape-histories-'));
    try {
      await runLocalAggregation(store, interactions, work);
      const { historyLog } = await readAggregates(work, { store, log: interactions });
      for (const lastItems of [undefined, 20]) {
        const fromLog = historiesFromInteractions(interactions, { lastItems });
        expect(fromLog.items.length).toBeGreaterThan(1000);
        expect(historiesFromInteractions(historyLog, { lastItems })).toEqual(fromLog);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
