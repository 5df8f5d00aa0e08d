// Static checks of deploy/: what can be verified without Docker or a cluster.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface YamlFile {
  path: string;
  documents: unknown[];
  errors: string[];
}

/** Every *.yaml / *.yml under `directory`, each parsed (all documents) with its parse errors. */
export function readYamlFiles(directory: string, root = directory): YamlFile[] {
  const files: YamlFile[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...readYamlFiles(path, root));
    else if (/\.ya?ml$/.test(entry)) {
      const documents = parseAllDocuments(readFileSync(path, 'utf8'), { merge: true });
      files.push({
        path: relative(root, path),
        documents: documents.map((document) => document.toJS({ maxAliasCount: 100 }) as unknown),
        errors: documents.flatMap((document) => document.errors.map((error) => `${relative(root, path)}: ${error.message}`)),
      });
    }
  }
  return files;
}

const KEY_LINE = /^\s+([A-Z][A-Z0-9_]+):\s/gm;

function keysIn(text: string): string[] {
  return [...text.matchAll(KEY_LINE)].map((match) => match[1]!);
}

function block(text: string, start: string, end: string, file: string): string {
  const from = text.indexOf(start);
  if (from < 0) throw new Error(`${file}: cannot find "${start}"`);
  const to = text.indexOf(end, from);
  if (to < 0) throw new Error(`${file}: cannot find the end ("${end}") of "${start}"`);
  return text.slice(from, to);
}

/** Env keys service-kit's base schema and its bundle shape declare (from packages/service-kit/src/config.ts). */
export function serviceKitConfigKeys(root: string): { base: string[]; bundle: string[] } {
  const file = join(root, 'packages/service-kit/src/config.ts');
  const text = readFileSync(file, 'utf8');
  return {
    base: keysIn(block(text, 'export const baseConfigSchema = z.object({', '\n});', file)),
    bundle: keysIn(block(text, 'export const bundleConfigShape = {', '} as const', file)),
  };
}

/**
 * Env keys an app's config schema accepts: the keys its config.ts declares, the base schema's,
 * and the bundle keys when it uses `bundleConfigShape` (directly or through `serviceConfigSchema`).
 */
export function appConfigKeys(root: string, app: string): Set<string> {
  const text = readFileSync(join(root, 'apps', app, 'src', 'config.ts'), 'utf8');
  const kit = serviceKitConfigKeys(root);
  const keys = new Set([...keysIn(text), ...kit.base]);
  if (/\b(bundleConfigShape|serviceConfigSchema)\b/.test(text)) for (const key of kit.bundle) keys.add(key);
  return keys;
}

/**
 * Whether an app's composition root loads its bundle (`createBundleRuntime` in src/main.ts).
 * An app that does not yet is given the bundle keys deploy/ already sets for it ("pending").
 */
export function isBundleWired(root: string, app: string): boolean {
  const code = readFileSync(join(root, 'apps', app, 'src', 'main.ts'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return /\bcreateBundleRuntime\s*[<(]/.test(code);
}

/** Keys deploy/ may set for an app: its schema's, plus the bundle keys while its bundle wiring is pending. */
export function deployableConfigKeys(root: string, app: string): { keys: Set<string>; pending: string[] } {
  const keys = appConfigKeys(root, app);
  if (isBundleWired(root, app)) return { keys, pending: [] };
  const pending = serviceKitConfigKeys(root).bundle.filter((key) => !keys.has(key));
  for (const key of pending) keys.add(key);
  return { keys, pending };
}

/** Keys read outside the schemas: the AWS SDK's credential chain, OpenMP/OpenBLAS, Node. */
export const RUNTIME_ENV_KEYS: ReadonlySet<string> = new Set([
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_PROFILE',
  'OMP_NUM_THREADS',
  'OPENBLAS_NUM_THREADS',
  'NODE_ENV',
  'NODE_OPTIONS',
]);

/** Env keys the pipeline CLI reads (`env.X` / `process.env.X` anywhere in apps/pipeline/src). */
export function pipelineEnvKeys(root: string): Set<string> {
  const keys = new Set<string>();
  const walk = (directory: string) => {
    for (const entry of readdirSync(directory)) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith('.ts')) for (const match of readFileSync(path, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) keys.add(match[1]!);
    }
  };
  walk(join(root, 'apps/pipeline/src'));
  return keys;
}

export interface DockerInstruction {
  instruction: string;
  args: string;
  line: number;
}

export interface DockerStage {
  name: string | undefined;
  from: string;
  instructions: DockerInstruction[];
}

/** A small Dockerfile reader: line continuations joined, comments dropped, split into stages. */
export function parseDockerfile(text: string): { args: DockerInstruction[]; stages: DockerStage[] } {
  const instructions: DockerInstruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i]!.trim()}`;
    const match = line.trim().match(/^([A-Za-z]+)\s+(.*)$/);
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line.trim()}"`);
    instructions.push({ instruction: match[1]!.toUpperCase(), args: match[2]!, line: start + 1 });
  }
  const args: DockerInstruction[] = [];
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.instruction === 'FROM') {
      const [, from, name] = instruction.args.match(/^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i) ?? [];
      stages.push({ name, from: from ?? '', instructions: [] });
    } else if (stages.length === 0) args.push(instruction);
    else stages[stages.length - 1]!.instructions.push(instruction);
  }
  return { args, stages };
}

/** Sources of a COPY (flags removed; the last word is the destination). */
export function copySources(args: string): { from: string | undefined; sources: string[] } {
  const words = args.split(/\s+/).filter(Boolean);
  const from = words.find((word) => word.startsWith('--from='))?.slice('--from='.length);
  const paths = words.filter((word) => !word.startsWith('--'));
  return { from, sources: paths.slice(0, -1) };
}
