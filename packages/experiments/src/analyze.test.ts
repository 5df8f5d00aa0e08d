import { describe, expect, it } from 'vitest';
import { analyzeExperiment } from './analyze';
import type { ExposureRecord } from './log';
import { formatReadoutMarkdown, readoutToJson, renderReadoutSvg } from './report';
import { syntheticExperimentLog } from './testing';

describe('analyzeExperiment', () => {
  it('detects a real lift, shrinks the variance with CUPED and decides to ship', () => {
    const log = syntheticExperimentLog({ users: 3000, seed: 3, variants: { control: { weight: 1 }, treatment: { weight: 1, effect: 1.12 } } });
    const readout = analyzeExperiment(log, { experiment: 'test', definition: log.config.experiments[0], plan: { windowDays: 7, guardrails: [{ metric: 'skip_rate', margin: 0.05 }] } });
    expect(readout.status).toBe('ok');
    expect(readout.srm.mismatch).toBe(false);
    const plays = readout.metrics.find((m) => m.metric === 'plays')!;
    expect(plays.role).toBe('primary');
    expect(plays.raw.relative).toBeGreaterThan(0.05);
    expect(plays.raw.relative).toBeLessThan(0.2);
    expect(plays.cuped!.varianceReduction).toBeGreaterThan(0.3);
    expect(plays.cuped!.standardError).toBeLessThan(plays.raw.standardError);
    expect(plays.verdict).toBe('better');
    expect(readout.decision.verdict).toBe('ship');
    const skip = readout.metrics.find((m) => m.metric === 'skip_rate')!;
    expect(skip.kind).toBe('ratio');
    expect(skip.guardrail!.passed).toBe(true);
    // the skip rate is 25 % in both arms by construction
    expect(skip.raw.control).toBeCloseTo(0.25, 1);
    expect(readout.sequentialMethod).toBe('msprt');

    const markdown = formatReadoutMarkdown(readout, { plotFile: 'test.svg', command: 'mixtape experiment analyze …' });
    expect(markdown).toContain('**Decision: SHIP**');
    expect(markdown).toContain('| plays per user | primary | `treatment` |');
    expect(renderReadoutSvg(readout)).toMatch(/^<svg[\s\S]*plays per user \(CUPED\)[\s\S]*<\/svg>\n$/);
    expect(JSON.parse(readoutToJson(readout)).decision.verdict).toBe('ship');
  });

  it('blocks the readout on a sample ratio mismatch', () => {
    const log = syntheticExperimentLog({ users: 4000, seed: 4 });
    // lose the exposure logs of 20 % of the treatment users (a logging bug)
    let dropped = 0;
    const exposures: ExposureRecord[] = log.exposures.filter((exposure) => {
      const lose = exposure.experiments[0]!.variant === 'treatment' && Number(exposure.userId.slice(5)) % 5 === 0;
      if (lose) dropped++;
      return !lose;
    });
    expect(dropped).toBeGreaterThan(0);
    const readout = analyzeExperiment({ exposures, events: log.events }, { experiment: 'test', definition: log.config.experiments[0] });
    expect(readout.status).toBe('blocked-srm');
    expect(readout.srm.pValue).toBeLessThan(0.001);
    expect(readout.metrics).toEqual([]);
    expect(readout.decision.verdict).toBe('blocked');
    expect(readout.message).toMatch(/sample ratio mismatch: control \d+ \/ treatment \d+ users/);
    expect(formatReadoutMarkdown(readout)).toContain('**MISMATCH**');
  });

  it('flags a guardrail that got worse', () => {
    const log = syntheticExperimentLog({ users: 3000, seed: 5, variants: { control: { weight: 1 }, treatment: { weight: 1, effect: 1.0, skipRate: 0.32 } } });
    const readout = analyzeExperiment(log, { experiment: 'test', definition: log.config.experiments[0], plan: { guardrails: [{ metric: 'skip_rate', margin: 0 }] } });
    const skip = readout.metrics.find((m) => m.metric === 'skip_rate')!;
    expect(skip.verdict).toBe('worse');
    expect(skip.guardrail!.passed).toBe(false);
    expect(readout.decision.verdict).toBe('no-ship');
  });

  it('waits for complete windows', () => {
    const log = syntheticExperimentLog({ users: 200, seed: 6, days: 4 });
    const readout = analyzeExperiment(log, { experiment: 'test', plan: { windowDays: 7 } });
    expect(readout.status).toBe('insufficient-data');
    expect(readout.message).toMatch(/complete 7-day window/);
  });

  it('keeps the sequential false-positive rate near α over 200 A/A experiments with daily looks', () => {
    let groupRejections = 0;
    let msprtRejections = 0;
    let fixedRejections = 0;
    let peekingRejections = 0;
    const runs = 200;
    for (let seed = 1; seed <= runs; seed++) {
      const log = syntheticExperimentLog({ users: 160, seed: 1000 + seed, days: 12, preDays: 7 });
      const readout = analyzeExperiment(log, { experiment: 'test', definition: log.config.experiments[0], plan: { windowDays: 3, plannedUsers: 160 }, metrics: [], final: true, sequential: 'group-sequential' });
      const plays = readout.metrics.find((m) => m.metric === 'plays')!;
      if (plays.sequential.looks.length < 5) throw new Error(`expected daily looks, got ${plays.sequential.looks.length}`);
      if (plays.verdict !== 'not-significant') groupRejections++;
      if (plays.sequential.msprtPValue <= 0.05) msprtRejections++;
      if ((plays.cuped ?? plays.raw).pValue <= 0.05) fixedRejections++;
      // the naive alternative: a fixed-horizon test read at every look
      if (plays.sequential.looks.some((look) => Math.abs(look.z) >= 1.959963984540054)) peekingRejections++;
    }
    // 200 runs: a true 5 % rate lands in [1.5 %, 8.5 %] with probability > 0.98
    expect(groupRejections / runs).toBeLessThanOrEqual(0.085);
    expect(groupRejections / runs).toBeGreaterThanOrEqual(0.015);
    expect(fixedRejections / runs).toBeLessThanOrEqual(0.085);
    expect(msprtRejections / runs).toBeLessThanOrEqual(0.085);
    expect(peekingRejections).toBeGreaterThan(groupRejections);
  }, 300_000);
});
