// The Home service in its own process for the HTTP benches (bench:home, bench:next): a free port,
// start and wait for /readyz with a deadline, the process's CPU time, /metrics values, the open
// loop both drive it with, and the small readings both print (load average, event-loop lag).
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { Agent, get } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';

/** A free TCP port on 127.0.0.1 (the service may run with LOG_LEVEL=warn, so it cannot tell us). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** USER_HZ: 100 on every Linux this runs on */
const CLOCK_TICKS = 100;
/** CPU seconds (user + system, every thread) the process has used so far, from /proc/<pid>/stat; undefined off Linux. */
export async function cpuSeconds(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // fields after the command name (which may hold spaces): utime and stime are fields 14 and 15
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export interface ServiceOptions {
  /** node's arguments (the script and its flags) */
  args: readonly string[];
  cwd: string;
  /** the service's environment; PORT and HOST are set here */
  env: Record<string, string>;
  /** how long the service may take to answer 200 on /readyz (a 50k bundle loads in ~10–60 s on a loaded machine) */
  readyTimeoutMs: number;
  /** each line the service writes (stdout and stderr); absent: its output is passed through to this process's */
  onLine?: (line: string) => void;
  /** what the errors call it (default 'home') */
  name?: string;
  /**
   * lines a start error does not quote: by default the service's logs of the readiness polls
   * themselves (it logs each 503 on /readyz at error level, which LOG_LEVEL=warn keeps: every
   * 250 ms, they would fill the tail and push out the line that says why it is not ready)
   */
  ignoreInTail?: (line: string) => boolean;
}

/** a log line of a request to /readyz (the service's pino-http lines carry the url as JSON) */
export const isReadinessPollLine = (line: string): boolean => line.includes('"url":"/readyz"');

export interface RunningService {
  url: string;
  pid: number | undefined;
  /** SIGTERM, then its exit code */
  stop: () => Promise<number | null>;
}

/** how many of the service's last output lines a start error quotes */
const TAIL_LINES = 20;

/**
 * Starts the service on a free port and resolves once /readyz answers 200. Rejects if it exits
 * first, or if it is not ready by the deadline (it is then stopped: a service that neither exits
 * nor becomes ready must not hang the bench); either error quotes the last lines the service
 * wrote, which say why (a config error, a bundle that does not load, …).
 */
export async function startService(options: ServiceOptions): Promise<RunningService> {
  const name = options.name ?? 'home';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env, PORT: String(port), HOST: '127.0.0.1' },
    // piped, not inherited, so that a failed start can quote what the service said
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const ignoreInTail = options.ignoreInTail ?? isReadinessPollLine;
  const keep = (line: string) => {
    if (line.trim() !== '' && !ignoreInTail(line)) {
      tail.push(line);
      if (tail.length > TAIL_LINES) tail.shift();
    }
    options.onLine?.(line);
  };
  for (const [stream, passThrough] of [
    [child.stdout!, process.stdout],
    [child.stderr!, process.stderr],
  ] as const) {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      if (!options.onLine) passThrough.write(chunk);
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop()!;
      for (const line of lines) keep(line);
    });
    stream.on('end', () => {
      if (rest) keep(rest);
      rest = '';
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  // 'close' comes once its output is read to the end: the tail is complete then
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));
  const stop = async () => {
    if (running) child.kill('SIGTERM');
    return exited;
  };
  const quote = (lines: readonly string[]) =>
    lines.length === 0 ? '; it wrote nothing' : `; its last ${lines.length === 1 ? 'line' : `${lines.length} lines`}:\n${lines.map((line) => `  ${line}`).join('\n')}`;
  /** after an exit: the tail once its output is read to the end */
  const lastLines = async () => {
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 1000))]);
    return quote(tail);
  };
  const deadline = Date.now() + options.readyTimeoutMs;
  while (running) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5000) }).then((response) => response.status === 200, () => false);
    if (ready) return { url, pid: child.pid, stop };
    if (Date.now() >= deadline) {
      // taken before stop(): the lines of its shutdown would push out those that say why it hung
      const before = quote(tail.slice());
      await stop();
      throw new Error(`${name} was not ready (200 on ${url}/readyz) within ${(options.readyTimeoutMs / 1000).toFixed(0)} s; stopped it${before}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const code = await exited;
  throw new Error(`${name} exited ${code ?? `on ${child.signalCode}`} before ready${await lastLines()}`);
}

/**
 * The value of a gauge or counter in Prometheus text: the sum over every sample line named
 * `name` whose label set holds each `label="value"` pair of `labels` (comma-separated, compared
 * whole: `kind="requests"` does not match `subkind="requests"`); other labels may differ, so
 * `metricValue(text, 'home_page_cache_requests_total', 'result="hit"')` adds the hits of every
 * other label combination. No `labels`: every label set of the metric. 0 when none matches.
 */
export function metricValue(text: string, name: string, labels = ''): number {
  const wanted = labelPairs(labels);
  // the pairs must make up the whole text: 'kind="requests",bogus' is refused, not read as kind="requests"
  if (!LABEL_LIST.test(labels)) {
    throw new Error(`metricValue(${name}): labels are name="value" pairs separated by commas, got ${JSON.stringify(labels)}`);
  }
  let total = 0;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([\\d.e+-]+)$`, 'gm'))) {
    const have = labelPairs(match[1] ?? '');
    if (wanted.every((pair) => have.includes(pair))) total += Number(match[2]);
  }
  return total;
}

const LABEL_PAIR = String.raw`[a-zA-Z_]\w*\s*=\s*"(?:[^"\\]|\\.)*"`;
/** nothing, or pairs separated by commas (a trailing comma allowed, as in Prometheus text) */
const LABEL_LIST = new RegExp(String.raw`^\s*(?:${LABEL_PAIR}(?:\s*,\s*${LABEL_PAIR})*\s*,?)?\s*$`);

/** `a="x",b="y"` → ['a="x"', 'b="y"'] (values may hold commas and escaped quotes) */
function labelPairs(text: string): string[] {
  return Array.from(text.matchAll(/([a-zA-Z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g), (match) => `${match[1]}="${match[2]}"`);
}

/** the load average, 1, 5 and 15 min, as the benches print it next to every timing */
export const loadText = (): string =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/**
 * the service's /metrics text (a scrape also restarts prom-client's event-loop lag monitor). A stuck service
 * must not hang the bench between rows: no whole answer (headers and body) within `timeoutMs` is an error naming
 * the URL and the wait, as is an answer other than 200.
 */
export async function scrape(url: string, { timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<string> {
  const target = `${url}/metrics`;
  try {
    const response = await fetch(target, { signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`scrape of ${target} answered ${response.status}, expected 200: ${text.slice(0, 200)}`);
    return text;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new Error(`scrape of ${target} got no whole answer within ${timeoutMs / 1000} s (the service is stuck or overloaded)`, { cause: error });
    }
    throw error;
  }
}

/** the service's event-loop delay since the previous scrape, ms (prom-client's monitor; 10 ms resolution): a stall of the page's thread shows here, a wait outside it (a loaded machine's scheduler, the client) does not */
export const loopLag = (text: string): { p99: number; max: number } => ({
  p99: metricValue(text, 'nodejs_eventloop_lag_p99_seconds') * 1000,
  max: metricValue(text, 'nodejs_eventloop_lag_max_seconds') * 1000,
});

/** the p-th percentile of ascending `sorted` (NaN when empty) */
export function percentile(sorted: Float64Array, p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface OpenLoopOptions {
  /** requests per second, sent whatever the service's speed */
  rate: number;
  /** keep-alive sockets; requests queue in the agent while all are busy */
  connections: number;
  seconds: number;
  /** the i-th request's path (called in order, i = 0, 1, …) */
  path: (i: number) => string;
  /** each response's head (e.g. its Server-Timing header), before its body */
  onResponse?: (response: IncomingMessage) => void;
  /** a request unanswered this long is an error (default 30 s: far beyond any page the service serves) */
  timeoutMs?: number;
}

/**
 * Open loop: request i is sent at start + i / rate over `connections` keep-alive sockets; its
 * latency runs from that scheduled time to the last byte, so time queued behind a slow answer
 * counts. A request that fails, answers other than 200 or times out is an error (its latency is
 * still recorded); a stuck service fails its requests instead of hanging the bench.
 */
export async function openLoop(url: string, options: OpenLoopOptions): Promise<{ requests: number; seconds: number; latencies: Float64Array; errors: number }> {
  const { rate, connections, seconds, path, onResponse, timeoutMs = 30_000 } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const total = Math.round(rate * seconds);
  const latencies = new Float64Array(total);
  // a request can report twice (its response's error, then its own): the first report counts
  const settled = new Uint8Array(total);
  let done = 0;
  let errors = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    if (total === 0) resolve();
    let sent = 0;
    const finish = (i: number, ok: boolean) => {
      if (settled[i]) return;
      settled[i] = 1;
      latencies[i] = performance.now() - (started + (i * 1000) / rate);
      if (!ok) errors++;
      if (++done === total) resolve();
    };
    const tick = () => {
      // send every request whose time has come (a late timer sends the backlog at once, as clients would)
      const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
      for (; sent < due; sent++) {
        const i = sent;
        const request = get(`${url}${path(i)}`, { agent }, (response) => {
          onResponse?.(response);
          response.on('data', () => {});
          response.on('end', () => finish(i, response.statusCode === 200));
          response.on('error', () => finish(i, false));
        });
        request.on('error', () => finish(i, false));
        request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer in ${timeoutMs / 1000} s`)));
      }
      if (sent < total) setTimeout(tick, Math.max(0, started + (sent * 1000) / rate - performance.now()));
    };
    tick();
  });
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests: total, seconds: elapsed, latencies, errors };
}
