// item2vec benchmark: our SGNS trainer on 1 and 2 threads vs gensim's Word2Vec (sg=1, same
// settings, same corpus) when Debian's python3-gensim is installed; training rates, their
// ratio, and next-item Recall@20 on a held-out split. Prints one markdown table.
//
//   pnpm --filter @mixtape/embeddings bench:embeddings [--users 4000] [--tracks 20000] [--epochs 5]
//     [--dim 64] [--window 5] [--negatives 5] [--sample 1e-3] [--threads 1,2] [--queries 2000] [--no-gensim] [--no-js-kernel]
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INTERACTION_TYPE_CODE, generateSynthetic } from '@mixtape/catalog';
import { normalizeRows } from '@mixtape/base';
import { buildSessionCorpus, trainItem2Vec } from '../src/index';
import type { SequenceCorpus, TrainingProgress } from '../src/index';

function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? (process.argv[index + 1] as string) : fallback;
}

const settings = {
  users: Number(argument('users', '4000')),
  tracks: Number(argument('tracks', '20000')),
  dim: Number(argument('dim', '64')),
  window: Number(argument('window', '5')),
  negatives: Number(argument('negatives', '5')),
  epochs: Number(argument('epochs', '5')),
  subsample: Number(argument('sample', '1e-3')),
  minCount: Number(argument('min-count', '1')),
  learningRate: 0.025,
  seed: 1,
  threads: argument('threads', '1,2').split(',').map(Number),
  queries: Number(argument('queries', '2000')),
  gensim: !process.argv.includes('--no-gensim'),
  jsKernel: !process.argv.includes('--no-js-kernel'),
};
const K = 20;

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function progressLine(label: string): (progress: TrainingProgress) => void {
  return (p) =>
    log(
      `  ${label}: ${(p.fraction * 100).toFixed(0)}%  ${Math.round(p.tokensPerSecond).toLocaleString('en-US')} tokens/s  ` +
        `${Math.round(p.pairsPerSecond).toLocaleString('en-US')} pairs/s  ETA ${p.etaMs === undefined ? '?' : (p.etaMs / 1000).toFixed(1)} s`,
    );
}

/** Holds out the last item of every sequence of 3+ items; the test pair is (previous item, held-out item). */
function holdOutLastItems(corpus: SequenceCorpus, maxQueries: number): { train: SequenceCorpus; queries: Int32Array; targets: Int32Array } {
  const sequences = corpus.offsets.length - 1;
  const offsets = new Int32Array(sequences + 1);
  let eligible = 0;
  for (let s = 0; s < sequences; s++) {
    const length = (corpus.offsets[s + 1] as number) - (corpus.offsets[s] as number);
    const held = length >= 3 ? 1 : 0;
    eligible += held;
    offsets[s + 1] = (offsets[s] as number) + length - held;
  }
  const items = new Int32Array(offsets[sequences] as number);
  const stride = Math.max(1, Math.floor(eligible / maxQueries));
  const count = Math.min(maxQueries, Math.ceil(eligible / stride));
  const queries = new Int32Array(count);
  const targets = new Int32Array(count);
  let seen = 0;
  let picked = 0;
  for (let s = 0; s < sequences; s++) {
    const start = corpus.offsets[s] as number;
    const end = corpus.offsets[s + 1] as number;
    const kept = (offsets[s + 1] as number) - (offsets[s] as number);
    items.set(corpus.items.subarray(start, start + kept), offsets[s] as number);
    if (kept < end - start) {
      if (seen % stride === 0 && picked < count) {
        queries[picked] = corpus.items[end - 2] as number;
        targets[picked] = corpus.items[end - 1] as number;
        picked++;
      }
      seen++;
    }
  }
  return { train: { items, offsets }, queries: queries.subarray(0, picked), targets: targets.subarray(0, picked) };
}

/** Share of test pairs whose held-out item is among the K nearest neighbours (dot product of unit vectors) of the previous item. */
function recallAtK(vectors: Float32Array, dim: number, queries: Int32Array, targets: Int32Array): number {
  const unit = normalizeRows(Float32Array.from(vectors), dim);
  const numItems = unit.length / dim;
  const topScores = new Float64Array(K);
  const topItems = new Int32Array(K);
  let hits = 0;
  for (let q = 0; q < queries.length; q++) {
    const query = queries[q] as number;
    const queryOffset = query * dim;
    topScores.fill(-Infinity);
    topItems.fill(-1);
    let floor = -Infinity;
    let floorSlot = 0;
    for (let i = 0; i < numItems; i++) {
      if (i === query) continue;
      let score = 0;
      const offset = i * dim;
      for (let d = 0; d < dim; d++) score += (unit[queryOffset + d] as number) * (unit[offset + d] as number);
      if (score === 0 || score <= floor) continue;
      topScores[floorSlot] = score;
      topItems[floorSlot] = i;
      floor = Infinity;
      for (let slot = 0; slot < K; slot++) {
        if ((topScores[slot] as number) < floor) {
          floor = topScores[slot] as number;
          floorSlot = slot;
        }
      }
    }
    if (topItems.includes(targets[q] as number)) hits++;
  }
  return queries.length > 0 ? hits / queries.length : 0;
}

function popularityRecall(train: SequenceCorpus, numItems: number, targets: Int32Array): number {
  const counts = new Int32Array(numItems);
  for (let p = 0; p < train.items.length; p++) counts[train.items[p] as number]! += 1;
  const top = new Set(
    Int32Array.from({ length: numItems }, (_, i) => i)
      .sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b)
      .subarray(0, K),
  );
  let hits = 0;
  for (const target of targets) if (top.has(target)) hits++;
  return targets.length > 0 ? hits / targets.length : 0;
}

const GENSIM_SCRIPT = String.raw`
import json, sys, time
import numpy as np
from gensim.models import Word2Vec
from gensim.models import word2vec as w2v
corpus, out_prefix, params = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
mode = 'corpus_file' if getattr(w2v, 'CORPUSFILE_VERSION', -1) >= 0 else 'iterable'
for workers in params['threads']:
    model = Word2Vec(vector_size=params['dim'], window=params['window'], negative=params['negatives'], hs=0, sg=1,
                     sample=params['subsample'], min_count=params['minCount'], alpha=params['learningRate'],
                     min_alpha=params['learningRate'] * 1e-4, ns_exponent=0.75, epochs=params['epochs'],
                     seed=params['seed'], workers=workers)
    if mode == 'corpus_file':
        model.build_vocab(corpus_file=corpus)
        started = time.perf_counter()
        trained, raw = model.train(corpus_file=corpus, total_words=model.corpus_total_words, epochs=model.epochs)
    else:
        sentences = w2v.LineSentence(corpus)
        model.build_vocab(sentences)
        started = time.perf_counter()
        trained, raw = model.train(sentences, total_examples=model.corpus_count, epochs=model.epochs)
    seconds = time.perf_counter() - started
    vectors = np.zeros((params['numItems'], params['dim']), dtype=np.float32)
    for key, index in model.wv.key_to_index.items():
        vectors[int(key)] = model.wv.vectors[index]
    vectors.tofile(out_prefix + '-' + str(workers) + '.f32')
    print(json.dumps({'workers': workers, 'seconds': seconds, 'rawWords': raw, 'effectiveWords': trained, 'mode': mode}), flush=True)
`;

interface GensimRun {
  workers: number;
  seconds: number;
  rawWords: number;
  effectiveWords: number;
  mode: string;
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, signal: AbortSignal.timeout(timeoutMs) }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve({ stdout, stderr }),
    );
  });
}

async function findGensimPython(): Promise<string | undefined> {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    try {
      await run(candidate, ['-c', 'import gensim, numpy'], 30_000);
      return candidate;
    } catch {
      // try the next interpreter
    }
  }
  return undefined;
}

interface Row {
  trainer: string;
  threads: number;
  seconds: number;
  tokensPerSecond: number;
  pairsPerSecond: number | undefined;
  recall: number;
}

async function main(): Promise<void> {
  log(`generating synthetic catalog: ${settings.tracks} tracks, ${settings.users} users`);
  const dataset = generateSynthetic({ tracks: settings.tracks, users: settings.users, seed: 42 });
  const { columns, userOffsets } = dataset.interactions;
  const include = new Uint8Array(columns.type.length);
  for (let e = 0; e < include.length; e++) include[e] = columns.type[e] === INTERACTION_TYPE_CODE.skip ? 0 : 1;
  const sessions = buildSessionCorpus(columns.track, columns.timestamp, userOffsets, { include, minLength: 2 });
  const numItems = dataset.store.trackCount;
  const { train, queries, targets } = holdOutLastItems(sessions, settings.queries);
  log(`corpus: ${train.offsets.length - 1} sessions, ${train.items.length} training tokens, ${queries.length} held-out test pairs`);

  const common = {
    numItems,
    dim: settings.dim,
    window: settings.window,
    negatives: settings.negatives,
    epochs: settings.epochs,
    subsample: settings.subsample,
    minCount: settings.minCount,
    learningRate: settings.learningRate,
    seed: settings.seed,
  };
  const rows: Row[] = [];
  // the WebAssembly SIMD pair update on every thread count, the plain-JS one on the first
  const runs = [
    ...settings.threads.map((threads) => ({ threads, kernel: 'wasm' as const })),
    ...(settings.jsKernel ? [{ threads: settings.threads[0] ?? 1, kernel: 'js' as const }] : []),
  ];
  for (const { threads, kernel } of runs) {
    const model = await trainItem2Vec(train, {
      ...common,
      threads,
      kernel,
      progressIntervalMs: 5000,
      onProgress: progressLine(`mixtape ${kernel} ${threads}t`),
    });
    rows.push({
      trainer: `mixtape item2vec (${kernel === 'wasm' ? 'wasm SIMD' : 'plain JS'} update, worker_threads)`,
      threads,
      seconds: model.stats.trainingMs / 1000,
      tokensPerSecond: model.stats.tokensPerSecond,
      pairsPerSecond: model.stats.pairsPerSecond,
      recall: recallAtK(model.vectors, settings.dim, queries, targets),
    });
  }

  let gensimNote = '';
  const python = settings.gensim ? await findGensimPython() : undefined;
  if (!settings.gensim) gensimNote = 'gensim skipped (--no-gensim)';
  else if (!python) gensimNote = 'gensim: python3-gensim is not installed (apt-get install python3-gensim); no comparison';
  else {
    const directory = await mkdtemp(join(tmpdir(), 'mixtape-item2vec-'));
    try {
      const lines: string[] = [];
      for (let s = 0; s < train.offsets.length - 1; s++) {
        lines.push(Array.from(train.items.subarray(train.offsets[s], train.offsets[s + 1])).join(' '));
      }
      const corpusPath = join(directory, 'corpus.txt');
      await writeFile(corpusPath, `${lines.join('\n')}\n`);
      log(`gensim (${python}): training on ${corpusPath}`);
      const version = (await run(python, ['-c', 'import gensim; print(gensim.__version__)'], 30_000)).stdout.trim();
      const { stdout } = await run(python, ['-c', GENSIM_SCRIPT, corpusPath, join(directory, 'vectors'), JSON.stringify({ ...common, threads: settings.threads })], 30 * 60_000);
      for (const line of stdout.trim().split('\n')) {
        const result = JSON.parse(line) as GensimRun;
        const bytes = await readFile(join(directory, `vectors-${result.workers}.f32`));
        const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
        gensimNote = `gensim ${result.mode} mode`;
        rows.push({
          trainer: `gensim ${version} Word2Vec sg=1 (${result.mode})`,
          threads: result.workers,
          seconds: result.seconds,
          tokensPerSecond: result.rawWords / result.seconds,
          pairsPerSecond: undefined,
          recall: recallAtK(vectors, settings.dim, queries, targets),
        });
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  const format = (value: number): string => Math.round(value).toLocaleString('en-US');
  const output: string[] = [];
  output.push(
    `item2vec on synthetic sessions: ${settings.tracks.toLocaleString('en-US')} tracks, ${settings.users.toLocaleString('en-US')} users, ` +
      `${(train.offsets.length - 1).toLocaleString('en-US')} sessions, ${train.items.length.toLocaleString('en-US')} tokens; ` +
      `dim ${settings.dim}, window ${settings.window}, negatives ${settings.negatives}, epochs ${settings.epochs}, sample ${settings.subsample}, ` +
      `min count ${settings.minCount}; Recall@${K} = next item of ${queries.length.toLocaleString('en-US')} held-out sessions among the ${K} nearest neighbours of the previous item.`,
    '',
    `| trainer | threads | train s | tokens/s | pairs/s | ratio vs gensim (tokens/s) | Recall@${K} |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of rows) {
    const peer = rows.find((other) => other.trainer.startsWith('gensim') && other.threads === row.threads);
    const ratio = peer && !row.trainer.startsWith('gensim') ? `${(row.tokensPerSecond / peer.tokensPerSecond).toFixed(2)}×` : '—';
    output.push(
      `| ${row.trainer} | ${row.threads} | ${row.seconds.toFixed(1)} | ${format(row.tokensPerSecond)} | ` +
        `${row.pairsPerSecond === undefined ? 'n/a' : format(row.pairsPerSecond)} | ${ratio} | ${row.recall.toFixed(3)} |`,
    );
  }
  output.push(`| most popular ${K} (baseline) | — | — | — | — | — | ${popularityRecall(train, numItems, targets).toFixed(3)} |`);
  if (gensimNote) output.push('', gensimNote);
  process.stdout.write(`${output.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
