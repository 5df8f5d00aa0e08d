import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonlLogSink } from '@mixtape/experiments';
import { syntheticExperimentLog } from '@mixtape/experiments/testing';
import { EXIT_SRM_BLOCKED, registerExperimentCommand } from './experiment';

const dirs: string[] = [];
afterEach(async () => {
  process.exitCode = undefined;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const program = new Command('mixtape').exitOverride();
  registerExperimentCommand(program, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  await program.parseAsync(['node', 'mixtape', 'experiment', ...args]);
  return { stdout, stderr };
}

const DEFINITIONS = `version: 1
layers: [{ key: home-ranking }]
experiments:
  - key: test
    surface: home
    layer: home-ranking
    start: 2026-11-02T00:00:00Z
    stop: 2026-11-16T00:00:00Z
    variants:
      - { key: control, weight: 1 }
      - { key: treatment, weight: 1, params: { ranker: heuristic } }
    analysis:
      primary: plays
      secondary: [listening_minutes]
      guardrails: [{ metric: skip_rate, margin: 0.05 }]
`;

async function logFolder(options: { effect: number; dropTreatment?: boolean }) {
  const dir = await mkdtemp(join(tmpdir(), 'mixtape-experiment-cli-'));
  dirs.push(dir);
  const log = syntheticExperimentLog({ users: 1500, seed: 2, variants: { control: { weight: 1 }, treatment: { weight: 1, effect: options.effect } } });
  const sink = createJsonlLogSink({ directory: join(dir, 'log') });
  const exposures = options.dropTreatment ? log.exposures.filter((e) => !(e.experiments[0]!.variant === 'treatment' && Number(e.userId.slice(5)) % 4 === 0)) : log.exposures;
  await sink.append([...exposures, ...log.events]);
  await sink.close();
  await writeFile(join(dir, 'experiments.yaml'), DEFINITIONS);
  return dir;
}

describe('mixtape experiment', () => {
  it('analyze prints a readout and writes md, svg and json', async () => {
    const dir = await logFolder({ effect: 1.2 });
    const out = join(dir, 'results');
    const { stdout } = await run(['analyze', '--exposures', join(dir, 'log'), '--events', join(dir, 'log'), '--config', join(dir, 'experiments.yaml'), '--out', out]);
    expect(stdout).toContain('# Experiment readout: test');
    expect(stdout).toContain('**Decision: SHIP**');
    expect(stdout).toMatch(/\| plays per user \| primary \| `treatment` \|/);
    expect(stdout).toContain('| skip rate | `treatment` | 5.0 % |');
    // the command that reproduces the readout: the resolved experiment key, the default --pre-days, no --name/--json
    expect(stdout).toContain(`pnpm mixtape experiment analyze --exposures ${join(dir, 'log')} --events ${join(dir, 'log')} --experiment test --config ${join(dir, 'experiments.yaml')} --pre-days 14 --out ${out}`);
    expect(await readFile(join(out, 'test.md'), 'utf8')).toBe(stdout);
    expect(await readFile(join(out, 'test.svg'), 'utf8')).toMatch(/^<svg/);
    const json = JSON.parse(await readFile(join(out, 'test.json'), 'utf8')) as { decision: { verdict: string }; srm: { mismatch: boolean } };
    expect(json.decision.verdict).toBe('ship');
    expect(process.exitCode).toBeUndefined();
  });

  it('analyze blocks the readout on a sample ratio mismatch and exits 3', async () => {
    const dir = await logFolder({ effect: 1.2, dropTreatment: true });
    const { stdout, stderr } = await run(['analyze', '--exposures', join(dir, 'log'), '--events', join(dir, 'log'), '--config', join(dir, 'experiments.yaml')]);
    expect(stdout).toContain('**Decision: BLOCKED**');
    expect(stdout).not.toContain('## Metrics');
    expect(stderr).toContain('readout blocked: sample ratio mismatch');
    expect(process.exitCode).toBe(EXIT_SRM_BLOCKED);
  });

  it('validate and assign explain the definitions; bad flags say what was expected', async () => {
    const dir = await logFolder({ effect: 1 });
    const file = join(dir, 'experiments.yaml');
    const { stdout } = await run(['validate', file, '--at', '2026-11-05T00:00:00Z']);
    expect(stdout).toContain('| test | home | home-ranking | yes | [0, 100) % | 100 % | control 50.00 %, treatment 50.00 % |');
    const assigned = JSON.parse((await run(['assign', '--config', file, '--user', 'user-1', '--at', '2026-11-05T00:00:00Z', '--json'])).stdout) as { status: string; variant: string }[];
    expect(assigned[0]!.status).toBe('assigned');
    expect(['control', 'treatment']).toContain(assigned[0]!.variant);
    await expect(run(['analyze', '--exposures', join(dir, 'log'), '--events', join(dir, 'log'), '--secondary', 'joy'])).rejects.toThrow(/--secondary: unknown metric "joy"/);
    await writeFile(file, DEFINITIONS.replace('weight: 1 }', 'weight: -1 }'));
    await expect(run(['validate', file])).rejects.toThrow(/experiments\["test"\]\.variants\["control"\]\.weight: Too small/);
  });
});
