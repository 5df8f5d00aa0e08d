// `mixtape bundle`: inspect and manage published bundles in s3://bucket/prefix or file:///dir.
// S3 endpoint/credentials come from the environment via s3OptionsFromEnv (MIXTAPE_S3_ENDPOINT
// or AWS_ENDPOINT_URL, AWS_REGION, the AWS credential chain).
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { Command } from 'commander';
import {
  applyRetention,
  homeRankerPart,
  listBundles,
  loadBundle,
  openBundleStore,
  promoteBundle,
  publishBundle,
  rollbackBundle,
  showBundle,
} from '@mixtape/bundle';
import type { BundleStore, BundleSummary, ShownBundle, TransferProgress } from '@mixtape/bundle';
import { bundleRegistry } from '../build/parts';
import { publicKeysFrom, signingKeyFrom, writeKeyPair } from './signing-keys';
import { describeHomePopularity, featureImportance, parseRankerModel } from '@mixtape/ranking';
import type { HomeRankerModel, RankerTrainingReport } from '@mixtape/ranking';
import { s3OptionsFromEnv } from '../s3-env';
import { integerFlag, processIo } from './command-kit';
import type { CommandIo } from './command-kit';

/** The bundle commands also read the S3 settings of the environment they are given. */
export interface BundleCommandIo extends CommandIo {
  env: NodeJS.ProcessEnv;
}

const defaultIo: BundleCommandIo = { ...processIo, env: process.env };

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A plain-text table with aligned columns (right-aligned where `right` says so). */
export function formatTable(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (right.has(column) ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n') + '\n';
}

function progressLine(io: BundleCommandIo) {
  return (progress: TransferProgress): void => {
    const eta = progress.etaSeconds === undefined ? '?' : `${progress.etaSeconds.toFixed(0)}s`;
    io.stderr(
      `${progress.phase}: ${formatBytes(progress.bytesDone)} / ${formatBytes(progress.bytesTotal)}, ${progress.filesDone}/${progress.filesTotal} files, ${formatBytes(progress.bytesPerSecond)}/s, ETA ${eta}\n`,
    );
  };
}

function summariesAsJson(bundles: BundleSummary[]) {
  return bundles.map((bundle) => ({ ...bundle, lastModified: bundle.lastModified?.toISOString() }));
}

/** "sequenceModel — not trained: 640 consecutive plays …" per optional part the build left out (the manifest's build summary). */
export function absentParts(metadata: Record<string, unknown> | undefined): string[] {
  const build = metadata?.['build'] as { parts?: Record<string, { present?: boolean; reason?: string }> } | undefined;
  return Object.entries(build?.parts ?? {})
    .filter(([, part]) => part.present === false)
    .map(([name, part]) => `${name} — ${part.reason ?? 'no reason recorded (built before manifests said why)'}`);
}

export function describeBundle(shown: ShownBundle): string {
  const { manifest } = shown;
  const totalBytes = manifest.files.reduce((sum, file) => sum + file.size, 0);
  const lines = [
    `version     ${shown.version}${shown.isLatest ? '  (LATEST)' : ''}`,
    `location    ${shown.uri}`,
    `created     ${manifest.createdAt}`,
    `producer    ${manifest.producer}`,
    `files       ${manifest.files.length}, ${formatBytes(totalBytes)}`,
    `manifest    sha256 ${shown.manifestSha256}`,
  ];
  if (manifest.metadata && Object.keys(manifest.metadata).length > 0) lines.push(`metadata    ${JSON.stringify(manifest.metadata)}`);
  for (const [i, absent] of absentParts(manifest.metadata).entries()) lines.push(`${i === 0 ? 'absent      ' : '            '}${absent}`);
  // what a model learned from when it is not what one would assume (the sequence model on a log without time)
  for (const file of manifest.files) {
    const order = file.metadata?.['listeningOrder'];
    if (typeof order === 'string' && order !== 'by timestamp') lines.push(`note        ${file.path}: listening order — ${order}`);
  }
  const rows = manifest.files.map((file) => [
    file.path,
    file.role,
    formatBytes(file.size),
    file.sha256.slice(0, 12),
    file.index ? `dim=${file.index.dim} metric=${file.index.metric} ${file.index.factory} count=${file.index.count}` : '',
  ]);
  return `${lines.join('\n')}\n\n${formatTable(['path', 'role', 'size', 'sha256', 'index'], rows, new Set([2]))}`;
}

const RANKER_PATH = homeRankerPart.files.model.path;

/** The bundle's Home ranker (downloaded alone into a temporary cache and verified). */
async function readRanker(uri: string, version: string, io: BundleCommandIo): Promise<HomeRankerModel> {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'mixtape-show-'));
  try {
    const loaded = await withStore(uri, io, (store) => loadBundle(store, { version, cacheDir, filter: (file) => file.path === RANKER_PATH }));
    return parseRankerModel(await readFile(loaded.file(RANKER_PATH).localPath, 'utf8'), `bundle ${version}: ${RANKER_PATH}`);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

function rankerSummary(model: HomeRankerModel) {
  const training = model.training as Partial<RankerTrainingReport> | undefined;
  return {
    kind: model.kind,
    fallback: model.fallback,
    popularity: model.popularity ?? 'catalog',
    weights: model.weights,
    heads: model.heads.map((head) => ({ objective: head.objective, trees: head.rounds, validation: head.validation })),
    split: training?.split,
    candidateRecall: training?.candidateRecall,
    validationNdcg10: training?.validationNdcg10,
    blend: training?.blend,
    importance: featureImportance(model, 'play', 10),
  };
}

/** "0.5×list_share_ease + 0.5×standardized heads (heads capped at 0.5)": the served score's terms as chosen on validation (the heads standardized on the validation rows: the served model divides headScale by their spread). */
function describeBlend(blend: NonNullable<RankerTrainingReport['blend']>): string {
  const terms = [...Object.entries(blend.linear).map(([name, weight]) => `${weight}×${name}`), `${blend.headScale}×standardized heads`].join(' + ');
  const notes = [blend.maxHeadScale === undefined ? '' : `heads capped at ${blend.maxHeadScale}`, blend.reference === undefined ? '' : `list columns measured from their ${blend.reference}th value per listener`].filter(Boolean);
  return `${terms}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
}

/** The Home ranker in use, its validation figures and what it looks at. */
export function describeRanker(model: HomeRankerModel): string {
  const lines: string[] = [];
  // why: the build states it beside the model (absent from bundles built before it was chosen)
  const why = (model.training as { popularity?: unknown } | undefined)?.popularity;
  const popularity = `popularity   ${describeHomePopularity(model.popularity)}${typeof why === 'string' ? ` (${why})` : ''}`;
  if (model.kind === 'heuristic') {
    lines.push(`home ranker  HAND-SET (no trained model): ${model.fallback}`);
    lines.push(popularity);
    return `${lines.join('\n')}\n`;
  }
  const training = model.training as Partial<RankerTrainingReport> | undefined;
  lines.push(`home ranker  LambdaMART (XGBoost rank:ndcg), ${model.heads.length} head(s); served weights ${Object.entries(model.weights).map(([name, weight]) => `${name} ${weight}`).join(', ')}`);
  lines.push(popularity);
  if (training?.split) lines.push(`split        ${training.split.kind}: ${training.split.detail}`);
  if (training?.users) lines.push(`listeners    ${training.users.train} train, ${training.users.validation} validation`);
  // a mean count of tracks: one decimal ("571.3"), not the report's four
  const unheard = training?.candidates?.meanUnheard;
  if (training?.candidateRecall) lines.push(`candidates   ${typeof unheard === 'number' ? unheard.toFixed(1) : '?'} unheard per listener; recall of held-out plays ${training.candidateRecall.total}`);
  if (training?.blend) lines.push(`served blend ${describeBlend(training.blend)}`);
  lines.push('');
  lines.push(formatTable(['head', 'trees', 'validation NDCG@10', 'label'], model.heads.map((head) => [head.objective, String(head.rounds), String(head.validation.ndcg10 ?? ''), head.label]), new Set([1, 2])));
  if (training?.validationNdcg10) {
    lines.push(formatTable(['ranking (play labels, validation)', 'NDCG@10'], Object.entries(training.validationNdcg10).map(([name, value]) => [name, String(value)]), new Set([1])));
  }
  const importance = featureImportance(model, 'play', 10);
  if (importance.length > 0) lines.push(formatTable(['feature (play head)', 'gain share'], importance.map((entry) => [entry.feature, entry.gain.toFixed(3)]), new Set([1])));
  return `${lines.join('\n')}`;
}

async function withStore<T>(uri: string, io: BundleCommandIo, run: (store: BundleStore) => Promise<T>): Promise<T> {
  const store = openBundleStore(uri, { s3: s3OptionsFromEnv(io.env) });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

function currentUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown user'; // containers without a passwd entry for the uid
  }
}

const uriHelp = 's3://bucket/prefix, file:///path or a local directory';

export function registerBundleCommand(program: Command, io: BundleCommandIo = defaultIo): Command {
  // `bundle show --version V` must reach the subcommand, not the program's -v/--version flag:
  // with positional options, program options are only read before the subcommand name.
  program.enablePositionalOptions();
  const bundle = program
    .command('bundle')
    .description(`inspect and manage published bundles (${uriHelp}; S3 endpoint from MIXTAPE_S3_ENDPOINT or AWS_ENDPOINT_URL)`);

  bundle
    .command('ls')
    .description('list bundle versions, newest first; LATEST is marked')
    .argument('<uri>', uriHelp)
    .option('--json', 'print JSON')
    .action(async (uri: string, options: { json?: boolean }) => {
      const bundles = await withStore(uri, io, (store) => listBundles(store));
      if (options.json) {
        io.stdout(`${JSON.stringify(summariesAsJson(bundles), null, 2)}\n`);
        return;
      }
      if (bundles.length === 0) {
        io.stdout(`no bundles at ${uri}\n`);
        return;
      }
      const rows = bundles.map((summary) => [
        summary.isLatest ? '*' : '',
        summary.version,
        summary.status,
        summary.createdAt ?? summary.lastModified?.toISOString() ?? '',
        summary.producer ?? '',
        String(summary.fileCount),
        formatBytes(summary.totalBytes),
      ]);
      io.stdout(formatTable(['latest', 'version', 'status', 'created', 'producer', 'files', 'size'], rows, new Set([5, 6])));
    });

  bundle
    .command('show')
    .description("print a bundle's manifest (default: the one LATEST names)")
    .argument('<uri>', uriHelp)
    .option('--version <version>', 'bundle version (default: LATEST)')
    .option('--json', 'print the manifest as JSON')
    .action(async (uri: string, options: { version?: string; json?: boolean }) => {
      const shown = await withStore(uri, io, (store) => showBundle(store, { version: options.version }));
      const ranker = shown.manifest.files.some((file) => file.path === RANKER_PATH) ? await readRanker(uri, shown.version, io) : undefined;
      if (options.json) {
        io.stdout(`${JSON.stringify({ ...shown.manifest, ...(ranker ? { homeRanker: rankerSummary(ranker) } : {}) }, null, 2)}\n`);
        return;
      }
      io.stdout(describeBundle(shown));
      if (ranker) io.stdout(`\n${describeRanker(ranker)}`);
    });

  bundle
    .command('promote')
    .description('point LATEST at an existing version (checks its manifest and every file first)')
    .argument('<uri>', uriHelp)
    .requiredOption('--version <version>', 'bundle version to serve')
    .action(async (uri: string, options: { version: string }) => {
      const result = await withStore(uri, io, (store) => promoteBundle(store, options.version));
      io.stdout(`LATEST → ${result.version} (was ${result.previousVersion ?? 'unset'})\n`);
    });

  bundle
    .command('rollback')
    .description('point LATEST back: at --version, or at the newest complete bundle older than the current one')
    .argument('<uri>', uriHelp)
    .option('--version <version>', 'bundle version to go back to')
    .action(async (uri: string, options: { version?: string }) => {
      const result = await withStore(uri, io, (store) => rollbackBundle(store, { version: options.version }));
      io.stdout(`LATEST → ${result.version} (was ${result.previousVersion ?? 'unset'})\n`);
    });

  bundle
    .command('publish')
    .description('publish a directory as a new bundle (uploads every file, then the manifest, then LATEST)')
    .argument('<dir>', 'directory whose files form the bundle (catalog/, vectors/, indexes/, models/ …)')
    .argument('<uri>', uriHelp)
    .option('--version <version>', 'version name (default: <UTC time>-<content hash>)')
    .option('--producer <text>', 'who built it', `mixtape bundle publish (${currentUser()})`)
    .option('--no-latest', 'upload only; promote later with `bundle promote`')
    .option('--signing-key <file>', 'Ed25519 private key (PEM) to sign the manifest with (default: MIXTAPE_BUNDLE_SIGNING_KEY)')
    .option('--quiet', 'no progress lines')
    .action(async (dir: string, uri: string, options: { version?: string; producer: string; latest: boolean; signingKey?: string; quiet?: boolean }) => {
      const signingKey = await signingKeyFrom(options.signingKey, io.env);
      const result = await withStore(uri, io, (store) =>
        publishBundle(store, path.resolve(dir), {
          signingKey,
          version: options.version,
          producer: options.producer,
          setLatest: options.latest,
          onProgress: options.quiet ? undefined : progressLine(io),
        }),
      );
      io.stdout(
        `published ${result.version}: ${result.manifest.files.length} files, ${formatBytes(result.bytesUploaded)} in ${(result.durationMs / 1000).toFixed(1)}s${result.latestUpdated ? '; LATEST moved' : ''}\n`,
      );
    });

  bundle
    .command('verify')
    .description('download a bundle into a temporary cache and verify every size and sha256')
    .argument('<uri>', uriHelp)
    .option('--version <version>', 'bundle version (default: LATEST)')
    .option('--public-key <file>', 'also check the manifest signature against these Ed25519 public keys (PEM; default: MIXTAPE_BUNDLE_PUBLIC_KEYS)')
    .option('--quiet', 'no progress lines')
    .action(async (uri: string, options: { version?: string; publicKey?: string; quiet?: boolean }) => {
      const trustedKeys = await publicKeysFrom(options.publicKey, io.env);
      const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'mixtape-verify-'));
      try {
        const loaded = await withStore(uri, io, (store) =>
          loadBundle(store, { version: options.version, cacheDir, trustedKeys, onProgress: options.quiet ? undefined : progressLine(io) }),
        );
        const signed = loaded.signedBy ? `, signed by key ${loaded.signedBy}` : trustedKeys ? '' : ' (signature not checked: no public key given)';
        io.stdout(`ok ${loaded.version}: ${loaded.files.length} files, ${formatBytes(loaded.stats.bytesDownloaded)} verified in ${(loaded.stats.durationMs / 1000).toFixed(1)}s${signed}\n`);
      } finally {
        await rm(cacheDir, { recursive: true, force: true });
      }
    });

  bundle
    .command('keygen')
    .description('create an Ed25519 key pair for signing bundles: <dir>/bundle-signing.key (keep secret, publisher only) and <dir>/bundle-signing.pub (services)')
    .requiredOption('--out <dir>', 'directory for the two PEM files (the private key is never overwritten)')
    .action(async (options: { out: string }) => {
      const written = await writeKeyPair(options.out);
      io.stdout(
        `key ${written.keyId}\n  private: ${written.privateKeyPath} (mode 600) → mixtape build/bundle publish --signing-key, or MIXTAPE_BUNDLE_SIGNING_KEY\n  public:  ${written.publicKeyPath} → the services' MIXTAPE_BUNDLE_PUBLIC_KEYS\n`,
      );
    });

  bundle
    .command('parts')
    .description('the registered bundle parts: files, what each is built from, options (for `mixtape build --set part.option=value`)')
    .option('--json', 'print JSON')
    .action((options: { json?: boolean }) => {
      const parts = bundleRegistry.describe();
      if (options.json) {
        io.stdout(`${JSON.stringify(parts, null, 2)}\n`);
        return;
      }
      const rows = parts.map((part) => [
        `${part.name}${part.optional ? ' (optional)' : ''}`,
        part.files.map((file) => file.path).join(', '),
        part.dependsOn.join(', ') || '-',
        Object.entries(part.options).map(([key, value]) => `${key}=${String(value)}`).join(' ') || '-',
      ]);
      io.stdout(formatTable(['part', 'files', 'built from', 'options'], rows, new Set()));
    });

  bundle
    .command('prune')
    .description('retention: keep the newest N complete bundles (and the one LATEST names), delete the rest')
    .argument('<uri>', uriHelp)
    .requiredOption('--keep <n>', 'bundles to keep', integerFlag('--keep'))
    .option('--dry-run', 'print what would be deleted')
    .action(async (uri: string, options: { keep: number; dryRun?: boolean }) => {
      const result = await withStore(uri, io, (store) => applyRetention(store, { keep: options.keep, dryRun: options.dryRun }));
      const verb = options.dryRun ? 'would delete' : 'deleted';
      io.stdout(`kept ${result.kept.length}: ${result.kept.join(', ') || '-'}\n${verb} ${result.deleted.length}: ${result.deleted.join(', ') || '-'}\n`);
    });

  return bundle;
}
