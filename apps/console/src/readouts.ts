// Experiment readouts for the console's Experiments page: the JSON files `mixtape experiment
// analyze --out DIR` writes, listed newest first, each served as JSON and as a CI plot (SVG)
// rendered here from the JSON — never a file's own SVG, so nothing but our markup reaches the page.
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { renderReadoutSvg } from '@mixtape/experiments';
import type { ExperimentReadout } from '@mixtape/experiments';

/** A readout file name (without .json): letters, digits, ".", "_", "-"; no leading dot. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export interface ReadoutSummary {
  /** file name without .json */
  name: string;
  experiment: string;
  status: ExperimentReadout['status'];
  verdict: ExperimentReadout['decision']['verdict'];
  reasons: string[];
  period: ExperimentReadout['period'];
  /** file modification time (ISO) */
  modified: string;
}

export class ReadoutError extends Error {
  constructor(
    readonly status: 400 | 404 | 422,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ReadoutError';
  }
}

/** The parts of a readout the page and the plot read; anything else in a JSON file is not a readout. */
function asReadout(value: unknown): ExperimentReadout | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const readout = value as Partial<ExperimentReadout>;
  const ok =
    typeof readout.experiment === 'string' &&
    typeof readout.control === 'string' &&
    typeof readout.status === 'string' &&
    Array.isArray(readout.metrics) &&
    Array.isArray(readout.variants) &&
    typeof readout.decision?.verdict === 'string' &&
    Array.isArray(readout.decision.reasons) &&
    typeof readout.period?.start === 'string';
  if (!ok) return undefined;
  // JSON has null where the analysis had ±Infinity (open-ended intervals)
  return JSON.parse(JSON.stringify(value), (_key, item: unknown) => (item === null ? Infinity : item)) as ExperimentReadout;
}

export interface ReadoutStore {
  readonly directory: string | undefined;
  list(): Promise<ReadoutSummary[]>;
  get(name: string): Promise<ExperimentReadout>;
  plot(name: string): Promise<string>;
}

export function createReadoutStore(directory: string | undefined): ReadoutStore {
  const load = async (name: string): Promise<{ readout: ExperimentReadout; modified: Date }> => {
    if (!directory) throw new ReadoutError(404, 'NO_READOUTS', 'The console has no readout directory: set CONSOLE_EXPERIMENT_RESULTS to the --out directory of `mixtape experiment analyze`');
    if (!NAME.test(name)) throw new ReadoutError(400, 'INVALID_NAME', `"${name}" is not a readout name (letters, digits, ".", "_", "-")`);
    const file = join(directory, `${name}.json`);
    const [text, info] = await Promise.all([readFile(file, 'utf8'), stat(file)]).catch(() => {
      throw new ReadoutError(404, 'READOUT_NOT_FOUND', `No readout named "${name}"`);
    });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ReadoutError(422, 'READOUT_INVALID', `${name}.json is not JSON`);
    }
    const readout = asReadout(value);
    if (!readout) throw new ReadoutError(422, 'READOUT_INVALID', `${name}.json is not an experiment readout (written by mixtape experiment analyze)`);
    return { readout, modified: info.mtime };
  };
  return {
    directory,
    async list() {
      if (!directory) return [];
      const names = await readdir(directory).catch(() => [] as string[]);
      const summaries: ReadoutSummary[] = [];
      for (const file of names) {
        if (!file.endsWith('.json')) continue;
        const name = file.slice(0, -'.json'.length);
        if (!NAME.test(name)) continue;
        try {
          const { readout, modified } = await load(name);
          summaries.push({ name, experiment: readout.experiment, status: readout.status, verdict: readout.decision.verdict, reasons: readout.decision.reasons, period: readout.period, modified: modified.toISOString() });
        } catch {
          // other JSON files (interleaving readouts, simulation results) are not listed
        }
      }
      return summaries.sort((a, b) => b.modified.localeCompare(a.modified) || a.name.localeCompare(b.name));
    },
    async get(name) {
      return (await load(name)).readout;
    },
    async plot(name) {
      const { readout } = await load(name);
      try {
        return renderReadoutSvg(readout);
      } catch (error) {
        throw new ReadoutError(422, 'READOUT_INVALID', `${name}.json cannot be plotted: ${(error as Error).message}`);
      }
    },
  };
}
