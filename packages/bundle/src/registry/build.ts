// `mixtape build`'s engine: runs every registered part's build step in dependency order, writes
// the files into a staging directory and returns the publish list, the values and the timings.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BundleError } from '../storage/errors';
import type { PublishFileInput } from '../storage/publish';
import type { AnyPart, BuildContext, BuildSettings, PartFile, PartFileDescription, PartOptions, PartValue, ProgressLine } from './define';
import type { PartRegistry } from './registry';

export const DEFAULT_BUILD_SETTINGS: BuildSettings = { seed: 1, threads: 2 };

export interface StageTiming {
  stage: string;
  seconds: number;
  detail: string;
  /** 0: a part (or a CLI step); 1: a step inside the part above (already counted in its row) */
  depth: number;
}

export interface BuildBundleOptions {
  /** staging directory for the files (created; must be empty or absent) */
  directory: string;
  /** build only these parts and what they need (default: every registered part) */
  parts?: readonly string[];
  /** per-part option overrides: `{ itemVectors: { dim: 32 }, itemIndex: { factory: 'Flat' } }` */
  options?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  settings?: Partial<BuildSettings>;
  progress?: ProgressLine;
  signal?: AbortSignal;
}

export interface BuiltPart {
  name: string;
  /** false when an optional part produced nothing */
  present: boolean;
  /** why an absent optional part produced nothing (its `absent(reason)`) */
  reason?: string;
  options: PartOptions;
  paths: string[];
  seconds: number;
  detail: string;
}

export interface BuiltBundle {
  /** every written file, ready for publishBundle (each names its part) */
  files: PublishFileInput[];
  parts: BuiltPart[];
  settings: BuildSettings;
  timings: StageTiming[];
  /** a built part's value (undefined for an absent optional part) */
  value<P extends AnyPart>(part: P): PartValue<P>;
  /** what a bundle's manifest metadata records about the build */
  summary(): Record<string, unknown>;
}

/** Checks overrides against the parts' declared options: unknown parts or keys, wrong types. */
export function resolvePartOptions(registry: PartRegistry, overrides: BuildBundleOptions['options'] = {}): Map<string, PartOptions> {
  const resolved = new Map<string, PartOptions>();
  for (const [name, values] of Object.entries(overrides)) {
    const part = registry.get(name);
    for (const [key, value] of Object.entries(values)) {
      if (!(key in part.options)) {
        const known = Object.keys(part.options);
        throw new BundleError('BUNDLE_INPUT_INVALID', `part "${name}" has no option "${key}"${known.length ? `; its options: ${known.join(', ')}` : ' (it takes no options)'}`);
      }
      const expected = typeof part.options[key];
      if (typeof value !== expected) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${name}" option "${key}": expected a ${expected}, got ${JSON.stringify(value)}`);
    }
  }
  for (const part of registry.parts) resolved.set(part.name, { ...part.options, ...(overrides[part.name] as PartOptions | undefined) });
  return resolved;
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isFile(),
    () => false,
  );
}

/**
 * Builds the registry's parts (or the named ones and their dependencies) in dependency order.
 * A part's build step gets its dependencies' values, its options and paths to write to; every
 * file it declares must exist afterwards (an optional part may write none and return undefined).
 */
export async function buildBundle(registry: PartRegistry, options: BuildBundleOptions): Promise<BuiltBundle> {
  const progress = options.progress ?? (() => {});
  const signal = options.signal ?? new AbortController().signal;
  const settings: BuildSettings = { ...DEFAULT_BUILD_SETTINGS, ...options.settings };
  const partOptions = resolvePartOptions(registry, options.options);
  const selected = options.parts ? registry.closure(options.parts, 'build') : [...registry.parts];
  await mkdir(options.directory, { recursive: true });

  const values = new Map<string, unknown>();
  const files: PublishFileInput[] = [];
  const built: BuiltPart[] = [];
  const timings: StageTiming[] = [];

  const stage = async <T>(name: string, work: () => T | Promise<T>, detail?: (value: T) => string): Promise<T> => {
    progress(`  ▶ ${name} …`);
    const started = performance.now();
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const line = detail?.(value) ?? '';
    timings.push({ stage: name, seconds, detail: line, depth: 1 });
    progress(`  ✔ ${name} (${seconds.toFixed(1)} s)${line ? ` ${line}` : ''}`);
    return value;
  };

  for (const part of selected) {
    signal.throwIfAborted();
    const descriptions = new Map<string, PartFileDescription>();
    const fileOf = (key: string): PartFile => {
      const file = (part.files as Record<string, PartFile>)[key];
      if (!file) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" has no file "${key}"; its files: ${Object.keys(part.files).join(', ')}`);
      return file;
    };
    const localPath = (key: string): string => join(options.directory, fileOf(key).path);
    const inputs: Record<string, unknown> = {};
    for (const dependency of part.dependsOn) inputs[dependency.name] = values.get(dependency.name);
    const resolvedOptions = partOptions.get(part.name)!;
    let absentReason: string | undefined;

    const context: BuildContext<Record<string, unknown>, string, PartOptions> = {
      inputs,
      options: resolvedOptions,
      settings,
      path: (key) => localPath(key),
      async write(key, data, description) {
        const target = localPath(key);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, data);
        if (description) descriptions.set(key, description);
      },
      describe: (key, description) => void descriptions.set(key, { ...descriptions.get(key), ...description }),
      progress,
      stage,
      absent: (reason) => {
        absentReason = reason;
        return undefined;
      },
      signal,
    };
    for (const file of Object.values<PartFile>(part.files)) await mkdir(dirname(join(options.directory, file.path)), { recursive: true });

    const started = performance.now();
    const timingIndex = timings.length;
    progress(`▶ ${part.name} …`);
    const value: unknown = await part.build(context);
    const seconds = (performance.now() - started) / 1000;

    const keys = Object.keys(part.files);
    const written = await Promise.all(keys.map((key) => exists(localPath(key))));
    const present = written.some(Boolean);
    if (present && !written.every(Boolean)) {
      const missing = keys.filter((_, index) => !written[index]).map((key) => fileOf(key).path);
      throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" wrote only some of its files; missing: ${missing.join(', ')}`);
    }
    if (!present && !part.optional) {
      throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" wrote none of its files (${keys.map((key) => fileOf(key).path).join(', ')}); only optional parts may be absent`);
    }
    if (!present && value !== undefined) {
      throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" returned a value but wrote no files; an absent optional part returns undefined`);
    }
    values.set(part.name, present ? value : undefined);
    for (const key of keys) {
      if (!present) break;
      const file = fileOf(key);
      const description = descriptions.get(key);
      files.push({
        path: file.path,
        localPath: localPath(key),
        role: file.role,
        part: part.name,
        ...(file.contentType ? { contentType: file.contentType } : {}),
        ...(description?.index ? { index: description.index } : {}),
        ...(description?.metadata ? { metadata: description.metadata } : {}),
      });
    }
    const reason = present ? undefined : (absentReason ?? 'the part produced nothing and did not say why');
    const detail = present ? (value !== undefined && value !== null && part.summarize ? part.summarize(value) : `${keys.length} file(s)`) : `absent — ${reason}`;
    // The part's own row goes before the sub-stages it timed.
    timings.splice(timingIndex, 0, { stage: part.name, seconds, detail, depth: 0 });
    progress(`✔ ${part.name} (${seconds.toFixed(1)} s) ${detail}`);
    built.push({ name: part.name, present, ...(reason ? { reason } : {}), options: resolvedOptions, paths: present ? keys.map((key) => fileOf(key).path) : [], seconds, detail });
  }

  return {
    files,
    parts: built,
    settings,
    timings,
    value: <P extends AnyPart>(part: P) => {
      if (!values.has(part.name)) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" was not built in this build`);
      return values.get(part.name) as PartValue<P>;
    },
    summary: () => ({
      settings,
      parts: Object.fromEntries(built.map((part) => [part.name, { present: part.present, ...(part.reason ? { reason: part.reason } : {}), options: part.options, paths: part.paths }])),
      timings: timings.map((timing) => ({ ...timing, seconds: Math.round(timing.seconds * 1000) / 1000 })),
    }),
  };
}
