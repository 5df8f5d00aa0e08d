// Opens parts of a downloaded, verified bundle by name: each part's loader runs after the parts
// it opens from, and a bundle that lacks a required part is refused with the part's name.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BundleError } from '../storage/errors';
import { loadBundle, type LoadedBundle } from '../storage/load';
import type { BundleManifest, ManifestFile } from '../storage/manifest';
import type { BundleStore } from '../storage/stores/types';
import type { AnyPart, OpenContext, PartFile, PartValue, PartValues } from './define';
import { createPartRegistry, type PartRegistry } from './registry';

export interface OpenedBundle<Parts extends readonly AnyPart[]> {
  version: string;
  manifest: BundleManifest;
  /** the requested parts' values by name (undefined for an absent optional part) */
  parts: PartValues<Parts>;
  /** any opened part's value, the requested ones' dependencies included */
  value<P extends AnyPart>(part: P): PartValue<P>;
  /** milliseconds spent opening each part */
  timings: Record<string, number>;
  /** frees what the parts hold (native indexes…) and the scratch space */
  dispose(): Promise<void>;
}

export interface OpenPartsOptions {
  /** scratch space for parts that need it (a per-version directory is made inside) */
  workDir: string;
  signal?: AbortSignal;
  /** awaited before each present part is opened (the runtime waits there for the part's smoke check) */
  beforeOpen?: (part: AnyPart) => Promise<void>;
}

/** Which of a part's files the manifest lists: all (present), none (absent) or some (broken). */
export function partPresence(part: AnyPart, manifest: BundleManifest): 'present' | 'absent' | 'partial' {
  const paths = new Set(manifest.files.map((file) => file.path));
  const files = Object.values<PartFile>(part.files);
  const found = files.filter((file) => paths.has(file.path)).length;
  return found === files.length ? 'present' : found === 0 ? 'absent' : 'partial';
}

/** Bundle paths a service must download to open these parts (their open dependencies included). */
export function pathsToOpen(parts: readonly AnyPart[]): Set<string> {
  const registry = createPartRegistry(parts);
  const needed = registry.closure(
    parts.map((part) => part.name),
    'open',
  );
  return new Set(needed.flatMap((part) => Object.values<PartFile>(part.files).map((file) => file.path)));
}

/**
 * Opens `parts` (and what they open from) from a loaded bundle, in dependency order. A required
 * part missing from the bundle, or a part whose files are only partly there, refuses the bundle.
 */
export async function openParts<const Parts extends readonly AnyPart[]>(bundle: LoadedBundle, parts: Parts, options: OpenPartsOptions): Promise<OpenedBundle<Parts>> {
  const registry: PartRegistry = createPartRegistry(parts);
  const order = registry.closure(
    parts.map((part) => part.name),
    'open',
  );
  const signal = options.signal ?? new AbortController().signal;
  const scratchRoot = join(options.workDir, `open-${bundle.version}-${process.pid}-${Date.now().toString(36)}`);
  const values = new Map<string, unknown>();
  const timings: Record<string, number> = {};
  const opened: AnyPart[] = [];

  const dispose = async (): Promise<void> => {
    for (const part of opened.reverse()) {
      const value = values.get(part.name);
      if (value !== undefined && value !== null) await part.dispose?.(value);
    }
    await rm(scratchRoot, { recursive: true, force: true });
  };

  try {
    for (const part of order) {
      signal.throwIfAborted();
      const presence = partPresence(part, bundle.manifest);
      if (presence === 'partial') {
        const missing = Object.values<PartFile>(part.files).filter((file) => !bundle.manifest.files.some((entry) => entry.path === file.path));
        throw new BundleError('BUNDLE_FILE_MISSING', `bundle "${bundle.version}" has part "${part.name}" only in part: ${missing.map((file) => file.path).join(', ')} missing`);
      }
      if (presence === 'absent') {
        if (!part.optional) {
          throw new BundleError(
            'BUNDLE_FILE_MISSING',
            `bundle "${bundle.version}" has no part "${part.name}" (${Object.values<PartFile>(part.files).map((file) => file.path).join(', ')}), which this service needs`,
          );
        }
        values.set(part.name, undefined);
        continue;
      }
      const fileOf = (key: string): ManifestFile & { localPath: string } => {
        const file = (part.files as Record<string, PartFile>)[key];
        if (!file) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" has no file "${key}"; its files: ${Object.keys(part.files).join(', ')}`);
        return bundle.file(file.path);
      };
      const inputs: Record<string, unknown> = {};
      for (const dependency of part.openDependsOn) inputs[dependency.name] = values.get(dependency.name);
      const scratchDir = join(scratchRoot, part.name);
      await mkdir(scratchDir, { recursive: true });
      const context: OpenContext<Record<string, unknown>, string> = {
        inputs,
        version: bundle.version,
        manifest: bundle.manifest,
        path: (key) => fileOf(key).localPath,
        entry: (key) => fileOf(key),
        read: (key) => readFile(fileOf(key).localPath),
        scratchDir,
        signal,
      };
      await options.beforeOpen?.(part);
      signal.throwIfAborted();
      const started = performance.now();
      try {
        values.set(part.name, await part.open(context));
      } catch (error) {
        if (error instanceof BundleError) throw error;
        throw new BundleError('BUNDLE_PART_INVALID', `bundle "${bundle.version}": opening part "${part.name}" failed: ${(error as Error).message}`, { cause: error });
      }
      opened.push(part);
      timings[part.name] = Math.round(performance.now() - started);
    }
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }

  return {
    version: bundle.version,
    manifest: bundle.manifest,
    parts: Object.fromEntries(parts.map((part) => [part.name, values.get(part.name)])) as PartValues<Parts>,
    value: <P extends AnyPart>(part: P) => {
      if (!values.has(part.name)) throw new BundleError('BUNDLE_INPUT_INVALID', `part "${part.name}" was not opened from bundle "${bundle.version}"`);
      return values.get(part.name) as PartValue<P>;
    },
    timings,
    dispose,
  };
}

export interface LoadPartsOptions {
  /** downloads are cached here by checksum */
  cacheDir: string;
  /** scratch space (default: `<cacheDir>/views`) */
  workDir?: string;
  /** a specific version (default: LATEST's) */
  version?: string;
  signal?: AbortSignal;
}

/** One-shot (CLI, jobs, benchmarks): downloads only the files these parts need and opens them. */
export async function loadParts<const Parts extends readonly AnyPart[]>(store: BundleStore, parts: Parts, options: LoadPartsOptions): Promise<OpenedBundle<Parts>> {
  const wanted = pathsToOpen(parts);
  const loaded = await loadBundle(store, { cacheDir: options.cacheDir, version: options.version, filter: (file) => wanted.has(file.path), signal: options.signal });
  return openParts(loaded, parts, { workDir: options.workDir ?? join(options.cacheDir, 'views'), signal: options.signal });
}
