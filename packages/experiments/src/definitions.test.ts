import { describe, expect, it } from 'vitest';
import { ExperimentConfigError, parseExperimentConfig, validateExperimentConfig } from './definitions';

const experiment = (over: Record<string, unknown> = {}) => ({
  key: 'ranker',
  surface: 'home',
  start: '2026-11-01T00:00:00Z',
  variants: [
    { key: 'control', weight: 1 },
    { key: 'treatment', weight: 1, params: { ranker: 'heuristic' } },
  ],
  ...over,
});

function problems(value: unknown): string[] {
  try {
    validateExperimentConfig(value, 'experiments.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ExperimentConfigError);
    return [...(error as ExperimentConfigError).issues];
  }
  return [];
}

describe('experiment definitions', () => {
  it('parse from YAML and JSON with defaults filled in', () => {
    const yaml = parseExperimentConfig(`version: 1
experiments:
  - key: ranker
    surface: home
    start: 2026-11-01T00:00:00Z
    variants:
      - { key: control, weight: 1 }
      - { key: treatment, weight: 1, params: { ranker: heuristic } }
`);
    expect(yaml.experiments[0]).toMatchObject({ surface: ['home'], traffic: 100, allocation: { from: 0, to: 100 }, enabled: true, targeting: [] });
    const json = parseExperimentConfig(JSON.stringify({ version: 1, experiments: [experiment()] }));
    expect(json.experiments[0]!.variants[1]!.params).toEqual({ ranker: 'heuristic' });
  });

  it('name the experiment and field of every problem at once', () => {
    const found = problems({
      version: 1,
      experiments: [experiment({ key: 'Bad Key', traffic: 120 }), experiment({ variants: [{ key: 'only', weight: 1 }], start: 'yesterday' })],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^experiments\["Bad Key"\]\.key: expected lowercase/),
        expect.stringMatching(/^experiments\["Bad Key"\]\.traffic: /),
        expect.stringMatching(/^experiments\["ranker"\]\.start: expected an ISO-8601/),
        expect.stringMatching(/^experiments\["ranker"\]\.variants: /),
      ]),
    );
  });

  it('refuse overlapping allocations in one layer, undeclared layers, duplicate keys and clashing params', () => {
    const found = problems({
      version: 1,
      layers: [{ key: 'ranking' }],
      experiments: [
        experiment({ layer: 'ranking', allocation: { from: 0, to: 60 } }),
        experiment({ key: 'other', layer: 'ranking', allocation: { from: 50, to: 100 } }),
        experiment({ key: 'ranker', layer: 'nope' }),
        experiment({ key: 'unlayered' }),
      ],
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringContaining('share layer "ranking" and overlapping allocations [0, 60) and [50, 100)'),
        expect.stringContaining('experiments["ranker"].layer: "nope" is not declared'),
        expect.stringContaining('experiments["ranker"]: the key is used by another experiment'),
        expect.stringContaining('both set "ranker" on home while both run: put them in one layer'),
      ]),
    );
    // the same allocations are fine when the experiments do not run at the same time
    expect(
      problems({
        version: 1,
        layers: [{ key: 'ranking' }],
        experiments: [
          experiment({ layer: 'ranking', stop: '2026-11-10T00:00:00Z' }),
          experiment({ key: 'next', layer: 'ranking', start: '2026-11-10T00:00:00Z' }),
        ],
      }),
    ).toEqual([]);
  });

  it('reject a condition with no or two operators, and unknown fields', () => {
    const found = problems({ version: 1, experiments: [experiment({ targeting: [{ attribute: 'country' }, { attribute: 'x', equals: 1, in: [1] }], colour: 'red' })] });
    expect(found.filter((p) => p.includes('exactly one operator'))).toHaveLength(2);
    expect(found.some((p) => p.includes('colour'))).toBe(true);
  });

  it('say which format failed to parse', () => {
    expect(() => parseExperimentConfig('{ "version": 1,', 'x.json')).toThrow(/x\.json: invalid experiment definitions:\n {2}- not valid JSON/);
    expect(() => parseExperimentConfig('', 'x.yaml')).toThrow(/the file is empty/);
  });
});
