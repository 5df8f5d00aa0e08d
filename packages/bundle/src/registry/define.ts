// The contract every bundle part fulfils: where its files live in a bundle, how `mixtape build`
// makes them from earlier parts, and how a service opens them. Parts are defined beside the
// code that trains and reads them (catalog, embeddings, ranking, search-index…) and collected
// into a registry by a composition root (the CLI's build, each app's serving.ts).
import type { IndexInfo, ManifestFile, BundleManifest } from '../storage/manifest';

export type ProgressLine = (line: string) => void;

/** Plain, JSON-serialisable settings of one part, with defaults in its definition. */
export type PartOptions = Record<string, string | number | boolean>;

/** A file of a part: a bundle path, or a path with its manifest role and content type. */
export type PartFileSpec = string | { path: string; role?: string; contentType?: string };

export interface PartFile {
  path: string;
  /** manifest role: catalog, vectors, index, model, metadata, other */
  role: string;
  contentType?: string;
}

/** Shared by every part of one build. */
export interface BuildSettings {
  seed: number;
  /** training and FAISS threads */
  threads: number;
}

/** What a file written by a part says about itself in the manifest. */
export interface PartFileDescription {
  /** for vector indexes: dim, metric, factory, count, …; a service checks it before opening */
  index?: IndexInfo;
  metadata?: Record<string, unknown>;
}

export interface BuildContext<Inputs, FileKey extends string, Options> {
  /** values of the parts in `dependsOn`, by part name (built earlier in this build) */
  inputs: Inputs;
  /** the part's defaults with this build's overrides applied */
  options: Options;
  settings: BuildSettings;
  /** local path to write one of the part's files to (its directory exists) */
  path(file: FileKey): string;
  /** writes one of the part's files */
  write(file: FileKey, data: Uint8Array | string, description?: PartFileDescription): Promise<void>;
  /** describes a file written through `path()` */
  describe(file: FileKey, description: PartFileDescription): void;
  progress: ProgressLine;
  /** times a sub-step: progress lines and a row in the build's timing table */
  stage<T>(name: string, work: () => T | Promise<T>, detail?: (value: T) => string): Promise<T>;
  /**
   * An optional part that produces nothing says why: `return absent('…')`. The reason is printed
   * with the part's line and recorded in the manifest (`metadata.build.parts.<name>.reason`), where
   * `mixtape bundle show` reads it (its `absent` lines) and Home's 503 for Up next and radio
   * quotes it (`upNextAbsence`).
   */
  absent(reason: string): undefined;
  signal: AbortSignal;
}

export interface OpenContext<Inputs, FileKey extends string> {
  /** values of the parts in `openDependsOn`, by part name (opened before this one) */
  inputs: Inputs;
  version: string;
  manifest: BundleManifest;
  /** local, verified copy of one of the part's files (read-only: the cache is shared) */
  path(file: FileKey): string;
  /** the file's manifest entry (size, sha256, index info…) */
  entry(file: FileKey): ManifestFile;
  read(file: FileKey): Promise<Buffer>;
  /** scratch directory for this part of this bundle version (removed with the bundle) */
  scratchDir: string;
  signal: AbortSignal;
}

/**
 * What a part's smoke step sees: its own verified files, nothing of other parts. It runs in a
 * child process (see `smoke` on the part), so it returns a summary, not a value.
 */
export interface SmokeContext<FileKey extends string> {
  version: string;
  manifest: BundleManifest;
  /** local, verified copy of one of the part's files (read-only: the cache is shared) */
  path(file: FileKey): string;
  /** the file's manifest entry (size, sha256, index info…) */
  entry(file: FileKey): ManifestFile;
  read(file: FileKey): Promise<Buffer>;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- part lists hold parts of any value type */
/** A part of any name, value and options: what registries and lists hold. */
export type AnyPart = BundlePart<string, any, string, any>;
/* eslint-enable @typescript-eslint/no-explicit-any */

/** The value a part builds and opens (undefined included when the part is optional). */
export type PartValue<P> = P extends BundlePart<string, infer V, string, PartOptions> ? V : never;

/** `{ [part name]: value }` for a list of parts. */
export type PartValues<Parts extends readonly AnyPart[]> = { [P in Parts[number] as P['name']]: PartValue<P> };

export interface BundlePart<Name extends string = string, Value = unknown, FileKey extends string = string, Options extends PartOptions = PartOptions> {
  readonly name: Name;
  readonly description: string;
  /** the part's files by key; paths are stable API (old bundles are read by new services) */
  readonly files: Readonly<Record<FileKey, PartFile>>;
  /**
   * An optional part may be absent from a bundle: its build returns undefined without writing
   * files (e.g. too little data to train a ranker) and opening a bundle without it gives undefined.
   */
  readonly optional: boolean;
  readonly options: Readonly<Options>;
  /** parts whose values the build step reads */
  readonly dependsOn: readonly AnyPart[];
  /** parts whose values the open step reads (a subset of what building needed, usually) */
  readonly openDependsOn: readonly AnyPart[];
  build(context: BuildContext<any, FileKey, Options>): Promise<Value>; // eslint-disable-line @typescript-eslint/no-explicit-any
  open(context: OpenContext<any, FileKey>): Promise<Value>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** one line for build progress and logs, e.g. "50,000 × 64" */
  summarize?(value: NonNullable<Value>): string;
  /** frees native memory of a replaced bundle's value (after the swap's grace period) */
  dispose?(value: NonNullable<Value>): void | Promise<void>;
  /**
   * Opens and exercises the part's files in a child process before a service opens them (at
   * startup and before every swap). For loaders in native code (FAISS…), where a corrupt file
   * that passed its checksum can crash the process (SIGSEGV) instead of throwing: a throw, a
   * crash or a timeout in the child refuses the bundle and the service keeps running. Returns a
   * line for the logs ("600 vectors, 32 queries").
   */
  smoke?(context: SmokeContext<FileKey>): Promise<string | void>;
}

export interface PartDefinition<
  Name extends string,
  Value,
  FileKey extends string,
  Options extends PartOptions,
  Deps extends readonly AnyPart[],
  OpenDeps extends readonly AnyPart[],
> {
  /** camelCase, unique in a registry: `itemIndex`, `homeRanker`, `searchIndex` */
  name: Name;
  description: string;
  files: Record<FileKey, PartFileSpec>;
  optional?: boolean;
  options?: Options;
  dependsOn?: Deps;
  build: (context: BuildContext<PartValues<Deps>, FileKey, Options>) => Value | Promise<Value>;
  openDependsOn?: OpenDeps;
  open: (context: OpenContext<PartValues<OpenDeps>, FileKey>) => Value | Promise<Value>;
  summarize?: (value: NonNullable<Value>) => string;
  dispose?: (value: NonNullable<Value>) => void | Promise<void>;
  /** a check of the part's files run in a child process before opening (native loaders; see BundlePart.smoke) */
  smoke?: (context: SmokeContext<FileKey>) => string | void | Promise<string | void>;
}

const NAME_PATTERN = /^[a-z][A-Za-z0-9]*$/;
const ROLE_BY_TOP_DIRECTORY: Record<string, string> = { dataset: 'catalog', vectors: 'vectors', indexes: 'index', models: 'model' };

function roleOf(path: string): string {
  return ROLE_BY_TOP_DIRECTORY[path.split('/')[0] ?? ''] ?? 'other';
}

/**
 * Declares a bundle part. The returned object is inert until a registry collects it; the same
 * object is used to build the part (CLI) and to ask for it by name (services).
 */
export function definePart<
  const Name extends string,
  Value,
  const FileKey extends string,
  Options extends PartOptions = Record<never, never>,
  const Deps extends readonly AnyPart[] = [],
  const OpenDeps extends readonly AnyPart[] = [],
>(definition: PartDefinition<Name, Value, FileKey, Options, Deps, OpenDeps>): BundlePart<Name, Value, FileKey, Options> {
  if (!NAME_PATTERN.test(definition.name)) {
    throw new TypeError(`definePart: name "${definition.name}" must be camelCase letters and digits (e.g. "itemIndex")`);
  }
  const entries = Object.entries(definition.files) as [FileKey, PartFileSpec][];
  if (entries.length === 0) throw new TypeError(`definePart "${definition.name}": a part has at least one file`);
  const files = {} as Record<FileKey, PartFile>;
  for (const [key, spec] of entries) {
    const file = typeof spec === 'string' ? { path: spec } : spec;
    files[key] = { path: file.path, role: file.role ?? roleOf(file.path), ...(file.contentType ? { contentType: file.contentType } : {}) };
  }
  const smoke = definition.smoke;
  return {
    name: definition.name,
    description: definition.description,
    files,
    optional: definition.optional ?? false,
    options: Object.freeze({ ...(definition.options ?? ({} as Options)) }),
    dependsOn: definition.dependsOn ?? [],
    openDependsOn: definition.openDependsOn ?? [],
    build: async (context) => definition.build(context),
    open: async (context) => definition.open(context),
    ...(definition.summarize ? { summarize: definition.summarize } : {}),
    ...(definition.dispose ? { dispose: definition.dispose } : {}),
    ...(smoke ? { smoke: async (context: SmokeContext<FileKey>) => smoke(context) } : {}),
  };
}
