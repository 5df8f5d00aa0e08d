import { describe, expect, it } from 'vitest';
import { allocationRows, metricRows, percent, splitLine } from './experiments-view';
import type { Readout, ServiceExperiments } from './types';

describe('experiments page formatting', () => {
  it('shows allocation as shares of all users', () => {
    const service: ServiceExperiments = {
      surface: 'home',
      version: 'abc',
      source: 'file:x',
      loadedAt: '2026-11-02T00:00:00Z',
      experiments: [
        { key: 'ranker', surface: ['home'], layer: 'ranking', active: true, start: '2026-11-01T00:00:00Z', traffic: 40, allocation: { from: 0, to: 50 }, share: 0.18, variants: [{ key: 'control', weight: 1, share: 0.09 }, { key: 'treatment', weight: 1, share: 0.09 }] },
      ],
    };
    expect(allocationRows(service)).toEqual([
      { key: 'ranker', where: 'home · layer ranking · buckets 0–50 %', state: 'running', traffic: '40 % of its buckets = 18.00 % of users', variants: 'control 9.00 % · treatment 9.00 %' },
    ]);
  });

  it('shows the decision estimate with its interval and the guardrail result', () => {
    const comparison = { control: 10, treatment: 11, difference: 1, interval: [0.2, 1.8] as [number, number], relative: 0.1, relativeInterval: [0.02, null] as [number | null, number | null], pValue: 0.01 };
    const readout = {
      metrics: [{ metric: 'skip_rate', label: 'skip rate', role: 'guardrail', variant: 'treatment', raw: comparison, cuped: { ...comparison, relative: 0.08, varianceReduction: 0.42 }, verdict: 'not-significant', guardrail: { margin: 0.02, passed: true, bound: 0.01 } }],
      variants: [{ key: 'control', users: 10, analyzed: 8, expectedShare: 0.5 }],
      srm: { chiSquare: 20, pValue: 7e-6, mismatch: true, threshold: 0.001 },
    } as unknown as Readout;
    expect(metricRows(readout)[0]).toMatchObject({ change: '+8.00 % [+2.00 %, –]', cuped: 'variance −42 %', verdict: 'not significant · guardrail passed' });
    expect(splitLine(readout)).toBe('control 10 (8 analyzed, expected 50 %) · SRM χ² 20.00, p 7.0e-6 — MISMATCH, readout blocked');
    expect(percent(undefined)).toBe('–');
  });
});
