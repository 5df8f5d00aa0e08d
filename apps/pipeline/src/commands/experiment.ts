// `mixtape experiment`: check definitions, explain a user's assignment, and read out an
// experiment (A/B or interleaving) from the exposure and event logs the services write.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import { createRedisClient, createRedisExperimentConfigSource, readRedisExperimentLog } from '@mixtape/redis-state';
import {
  ExperimentLogRecordSchema,
  METRIC_NAMES,
  analyzeExperiment,
  analyzeInterleaving,
  createJsonlLogSink,
  describeAllocation,
  explainAssignment,
  formatInterleavingMarkdown,
  formatReadoutMarkdown,
  isMetricName,
  parseAttributes,
  parseExperimentConfig,
  readExperimentLog,
  readoutToJson,
  renderReadoutSvg,
} from '@mixtape/experiments';
import type { AnalysisPlan, EventRecord, ExperimentConfig, ExperimentLogRecord, ExposureRecord, MetricName } from '@mixtape/experiments';
import { registerSimulationCommands } from './experiment-simulate';
import { INTEGER_TEXT, NUMBER_TEXT, processIo, reproducingCommand } from './command-kit';
import type { CommandIo } from './command-kit';


async function redisFrom(flag: string | undefined, prefix: string) {
  const url = flag ?? process.env.MIXTAPE_REDIS_URL;
  if (!url) throw new Error('--redis: no Redis URL (pass --redis redis://host:port or set MIXTAPE_REDIS_URL)');
  const client = createRedisClient({ url, keyPrefix: prefix, connectionName: 'mixtape-cli', commandTimeoutMs: 10_000 });
  await client.ready(undefined, 10_000);
  return client;
}

/** Exit code of `analyze` when the sample-ratio check blocks the readout. */
export const EXIT_SRM_BLOCKED = 3;

function metricList(flag: string, value: string): MetricName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  const bad = names.filter((name) => !isMetricName(name));
  if (bad.length > 0) throw new Error(`${flag}: unknown metric ${bad.map((b) => `"${b}"`).join(', ')} (known: ${METRIC_NAMES.join(', ')})`);
  return names as MetricName[];
}

function guardrailList(value: string): AnalysisPlan['guardrails'] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [name = '', marginText] = part.split(':');
      if (!isMetricName(name)) throw new Error(`--guardrails: unknown metric "${name}" (known: ${METRIC_NAMES.join(', ')}); write metric[:margin], e.g. skip_rate:0.02`);
      const margin = marginText === undefined ? 0 : NUMBER_TEXT.test(marginText) ? Number(marginText) : Number.NaN;
      if (!(margin >= 0 && margin < 1)) throw new Error(`--guardrails: margin of ${name} must be a number in [0, 1), got "${marginText}"`);
      return { metric: name, margin };
    });
}

function positiveNumber(flag: string, value: string, integer = false): number {
  const number = (integer ? INTEGER_TEXT : NUMBER_TEXT).test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < 0 || (integer && !Number.isInteger(number))) throw new Error(`${flag}: expected a non-negative ${integer ? 'integer' : 'number'}, got "${value}"`);
  return number;
}

function parseTime(flag: string, value: string): number {
  const time = Date.parse(value);
  if (!Number.isFinite(time)) throw new Error(`${flag}: expected an ISO-8601 date-time, got "${value}"`);
  return time;
}

async function loadConfig(path: string): Promise<ExperimentConfig> {
  return parseExperimentConfig(await readFile(resolve(path), 'utf8'), path);
}

async function readLogs(exposurePaths: string[], eventPaths: string[], io: CommandIo) {
  const onWarning = (warning: string) => io.stderr(`[experiment] warning: ${warning}\n`);
  const exposures = (await readExperimentLog(exposurePaths.map((p) => resolve(p)), { kind: 'exposures', onWarning })).filter((r): r is ExposureRecord => r.kind === 'exposure');
  const events = (await readExperimentLog(eventPaths.map((p) => resolve(p)), { kind: 'events', onWarning })).filter((r): r is EventRecord => r.kind === 'event');
  io.stderr(`[experiment] read ${exposures.length} exposures and ${events.length} events\n`);
  return { exposures, events };
}

/** The experiment to read: the flag, or the only experiment in the log (holdouts aside). */
function pickExperiment(flag: string | undefined, exposures: readonly ExposureRecord[], config?: ExperimentConfig): string {
  if (flag) return flag;
  const keys = new Set<string>();
  for (const exposure of exposures) for (const ref of exposure.experiments) if (ref.key !== config?.holdout?.key && ref.key !== 'global-holdout') keys.add(ref.key);
  if (keys.size === 1) return [...keys][0]!;
  throw new Error(`--experiment: ${keys.size === 0 ? 'the exposures name no experiment' : `the exposures name several experiments (${[...keys].sort().join(', ')}); pick one`}`);
}

interface AnalyzeFlags {
  exposures: string[];
  events: string[];
  experiment?: string;
  config?: string;
  control?: string;
  primary?: string;
  secondary?: string;
  guardrails?: string;
  windowDays?: string;
  preDays: string;
  plannedUsers?: string;
  sequential?: 'group-sequential' | 'msprt';
  final?: boolean;
  alpha?: string;
  end?: string;
  surface?: string;
  out?: string;
  name?: string;
  json?: boolean;
}

export function registerExperimentCommand(program: Command, io: CommandIo = processIo): Command {
  const command = program.command('experiment').description('A/B tests and interleaving: validate definitions, explain assignments, analyze exposure + event logs');

  command
    .command('validate')
    .description('check a definitions file (YAML or JSON) and print who gets what')
    .argument('<file>', 'experiments.yaml / .json')
    .option('--at <time>', 'evaluate "running" at this ISO time (default now)')
    .option('--json', 'print the allocation as JSON')
    .action(async (file: string, flags: { at?: string; json?: boolean }) => {
      const config = await loadConfig(file);
      const now = flags.at ? parseTime('--at', flags.at) : Date.now();
      const allocation = describeAllocation(config, now);
      if (flags.json) {
        io.stdout(`${JSON.stringify(allocation, null, 2)}\n`);
        return;
      }
      io.stdout(`${file}: ${config.experiments.length} experiments, ${config.layers.length} layers${config.holdout ? `, global holdout ${config.holdout.percent} %` : ''} — valid\n\n`);
      io.stdout('| experiment | surface | layer | running | allocation | traffic | variants (share of all users) |\n| --- | --- | --- | --- | --- | ---: | --- |\n');
      for (const row of allocation.experiments) {
        io.stdout(
          `| ${row.key} | ${row.surface.join(', ')} | ${row.layer ?? '(own)'} | ${row.active ? 'yes' : 'no'} | [${row.allocation.from}, ${row.allocation.to}) % | ${row.traffic} % | ${row.variants.map((v) => `${v.key} ${(100 * v.share).toFixed(2)} %`).join(', ')} |\n`,
        );
      }
    });

  command
    .command('assign')
    .description('why a user gets (or does not get) each experiment')
    .requiredOption('--config <file>', 'definitions file')
    .requiredOption('--user <id>', 'user id')
    .option('--surface <name>', 'only this surface (home, search, playlists)')
    .option('--attributes <list>', 'targeting attributes, e.g. "country=SE,known=true"')
    .option('--at <time>', 'ISO time (default now)')
    .option('--json', 'print JSON')
    .action(async (flags: { config: string; user: string; surface?: string; attributes?: string; at?: string; json?: boolean }) => {
      const config = await loadConfig(flags.config);
      const parsed = parseAttributes(flags.attributes ?? '');
      if (parsed.problems.length > 0) throw new Error(`--attributes: ${parsed.problems.join('; ')}`);
      const rows = explainAssignment(config, { userId: flags.user, surface: flags.surface, attributes: parsed.attributes, now: flags.at ? parseTime('--at', flags.at) : Date.now() });
      if (flags.json) {
        io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      io.stdout('| experiment | status | variant | layer / traffic / variant bucket | reason |\n| --- | --- | --- | --- | --- |\n');
      for (const row of rows) io.stdout(`| ${row.key} | ${row.status} | ${row.variant ?? '–'} | ${row.buckets.layer} / ${row.buckets.traffic} / ${row.buckets.variant} | ${row.reason ?? ''} |\n`);
    });

  command
    .command('analyze')
    .description('readout of an A/B experiment: SRM check, per-user metrics, Welch / delta-method CIs, CUPED, sequential tests, guardrails')
    .requiredOption('--exposures <paths...>', 'exposure JSONL files or directories (exposures-*.jsonl)')
    .requiredOption('--events <paths...>', 'event JSONL files or directories (events-*.jsonl)')
    .option('--experiment <key>', 'experiment key (default: the only one in the log)')
    .option('--config <file>', 'definitions file: weights for the SRM check and the analysis plan')
    .option('--control <variant>', 'control variant (default: "control", else the first)')
    .option('--primary <metric>', `primary metric (${METRIC_NAMES.join(', ')}; default plays)`)
    .option('--secondary <list>', 'secondary metrics, comma-separated')
    .option('--guardrails <list>', 'guardrail metrics with optional relative margins, e.g. "skip_rate:0.02,completion_rate"')
    .option('--window-days <n>', 'metric window after first exposure (default 7)')
    .option('--pre-days <n>', 'CUPED pre-period before first exposure (0 = off)', '14')
    .option('--planned-users <n>', 'planned sample size: enables group-sequential information fractions')
    .addOption(new Option('--sequential <method>', 'sequential method deciding significance (default: group-sequential with --planned-users, else msprt)').choices(['group-sequential', 'msprt']))
    .option('--final', 'this is the last readout: the group-sequential look spends all remaining α')
    .option('--alpha <a>', 'significance level (default 0.05)')
    .option('--end <time>', 'analyze up to this ISO time (default: the latest record)')
    .option('--surface <name>', 'count only events from this surface (e.g. home: plays started from Home shelves)')
    .option('--out <dir>', 'write <name>.md, <name>.svg and <name>.json here')
    .option('--name <base>', 'file name base (default: the experiment key)')
    .option('--json', 'print JSON instead of markdown')
    .action(async (flags: AnalyzeFlags, analyze: Command) => {
      const config = flags.config ? await loadConfig(flags.config) : undefined;
      const log = await readLogs(flags.exposures, flags.events, io);
      const experiment = pickExperiment(flags.experiment, log.exposures, config);
      const definition = config?.experiments.find((candidate) => candidate.key === experiment);
      if (config && !definition) throw new Error(`--experiment: "${experiment}" is not in ${flags.config} (${config.experiments.map((e) => e.key).join(', ')})`);
      const plan: Partial<AnalysisPlan> = {
        ...(flags.control ? { control: flags.control } : {}),
        ...(flags.primary ? { primary: metricList('--primary', flags.primary)[0]! } : {}),
        ...(flags.secondary ? { secondary: metricList('--secondary', flags.secondary) } : {}),
        ...(flags.guardrails ? { guardrails: guardrailList(flags.guardrails) } : {}),
        ...(flags.windowDays ? { windowDays: positiveNumber('--window-days', flags.windowDays) } : {}),
        ...(flags.plannedUsers ? { plannedUsers: positiveNumber('--planned-users', flags.plannedUsers, true) } : {}),
        ...(flags.alpha ? { alpha: positiveNumber('--alpha', flags.alpha) } : {}),
      };
      const readout = analyzeExperiment(log, {
        experiment,
        definition,
        plan,
        preDays: positiveNumber('--pre-days', flags.preDays),
        sequential: flags.sequential,
        final: flags.final,
        end: flags.end ? parseTime('--end', flags.end) : undefined,
        surface: flags.surface,
      });
      const name = flags.name ?? experiment;
      // every flag that changes the readout, so the command reproduces it
      const command = reproducingCommand('pnpm mixtape experiment analyze', analyze, { values: { experiment }, omit: ['--name', '--json'] });
      const markdown = formatReadoutMarkdown(readout, { command, plotFile: flags.out ? `${name}.svg` : undefined });
      const json = readoutToJson(readout);
      io.stdout(flags.json ? json : markdown);
      if (flags.out) {
        await mkdir(flags.out, { recursive: true });
        await writeFile(join(flags.out, `${name}.md`), markdown);
        await writeFile(join(flags.out, `${name}.svg`), renderReadoutSvg(readout));
        await writeFile(join(flags.out, `${name}.json`), json);
        io.stderr(`[experiment] wrote ${join(flags.out, name)}.md, .svg, .json\n`);
      }
      if (readout.status === 'blocked-srm') {
        io.stderr(`[experiment] readout blocked: ${readout.message}\n`);
        process.exitCode = EXIT_SRM_BLOCKED;
      }
    });

  command
    .command('interleaving')
    .description('readout of a team-draft interleaving experiment: per-user wins from plays and saves, sign test')
    .requiredOption('--exposures <paths...>', 'exposure JSONL files or directories')
    .requiredOption('--events <paths...>', 'event JSONL files or directories')
    .option('--experiment <key>', 'experiment key (default: the only one in the log)')
    .option('--attribution-hours <n>', 'credit events within this many hours of the exposure', '24')
    .option('--alpha <a>', 'significance level', '0.05')
    .option('--out <dir>', 'write <name>.md and <name>.json here')
    .option('--name <base>', 'file name base (default: the experiment key)')
    .option('--json', 'print JSON')
    .action(async (flags: { exposures: string[]; events: string[]; experiment?: string; attributionHours: string; alpha: string; out?: string; name?: string; json?: boolean }) => {
      const log = await readLogs(flags.exposures, flags.events, io);
      const experiment = pickExperiment(flags.experiment, log.exposures);
      const readout = analyzeInterleaving(log, { experiment, attributionHours: positiveNumber('--attribution-hours', flags.attributionHours), alpha: positiveNumber('--alpha', flags.alpha) });
      const command = `pnpm mixtape experiment interleaving --exposures ${flags.exposures.join(' ')} --events ${flags.events.join(' ')} --experiment ${experiment}`;
      const markdown = formatInterleavingMarkdown(readout, { command });
      const json = readoutToJson(readout);
      io.stdout(flags.json ? json : markdown);
      if (flags.out) {
        const name = flags.name ?? experiment;
        await mkdir(flags.out, { recursive: true });
        await writeFile(join(flags.out, `${name}.md`), markdown);
        await writeFile(join(flags.out, `${name}.json`), json);
      }
    });
  command
    .command('export')
    .description('write the services’ Redis Streams experiment log (MIXTAPE_REDIS_URL) to JSONL files for `analyze`')
    .requiredOption('--out <dir>', 'directory for exposures-*.jsonl and events-*.jsonl (one file per UTC day)')
    .option('--redis <url>', 'Redis URL (default: MIXTAPE_REDIS_URL)')
    .option('--prefix <prefix>', 'key prefix the services use', 'mixtape:')
    .action(async (flags: { out: string; redis?: string; prefix: string }) => {
      const client = await redisFrom(flags.redis, flags.prefix);
      const sink = createJsonlLogSink({ directory: flags.out });
      try {
        for (const stream of ['exposures', 'events'] as const) {
          let count = 0;
          let batch: ExperimentLogRecord[] = [];
          for await (const entry of readRedisExperimentLog(client, { stream })) {
            const parsed = ExperimentLogRecordSchema.safeParse(JSON.parse(entry.json));
            if (!parsed.success) throw new Error(`stream ${stream}, entry ${entry.id}: not a ${stream === 'exposures' ? 'exposure' : 'event'} record (${parsed.error.issues[0]!.path.join('.')}: ${parsed.error.issues[0]!.message})`);
            batch.push(parsed.data);
            if (batch.length >= 10_000) {
              await sink.append(batch);
              batch = [];
            }
            count++;
          }
          await sink.append(batch);
          io.stderr(`[experiment] ${stream}: ${count} records\n`);
        }
      } finally {
        await sink.close();
        await client.close();
      }
    });

  command
    .command('publish')
    .description('validate a definitions file and put it in Redis, where every service replica (MIXTAPE_EXPERIMENTS=redis) picks it up')
    .argument('<file>', 'experiments.yaml / .json')
    .option('--redis <url>', 'Redis URL (default: MIXTAPE_REDIS_URL)')
    .option('--prefix <prefix>', 'key prefix the services use', 'mixtape:')
    .action(async (file: string, flags: { redis?: string; prefix: string }) => {
      const text = await readFile(resolve(file), 'utf8');
      const config = parseExperimentConfig(text, file);
      const client = await redisFrom(flags.redis, flags.prefix);
      try {
        const source = createRedisExperimentConfigSource(client);
        await source.write(text);
        io.stdout(`published ${config.experiments.length} experiments to ${source.description}\n`);
      } finally {
        await client.close();
      }
    });

  registerSimulationCommands(command, io);
  return command;
}
