import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { cpuSeconds, metricValue, openLoop, percentile, scrape, startService } from '../bench/service';

// the benches' service runner, on tiny real node processes
const base = { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '' }, onLine: () => {} };

describe('bench service runner', () => {
  it('resolves once /readyz answers 200 and stops the service', async () => {
    const script = "require('node:http').createServer((q, s) => { s.statusCode = q.url === '/readyz' ? 200 : 404; s.end('ok'); }).listen(Number(process.env.PORT), process.env.HOST)";
    const service = await startService({ ...base, args: ['-e', script], readyTimeoutMs: 30_000 });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    expect(await cpuSeconds(service.pid)).toBeGreaterThanOrEqual(0);
    expect(await service.stop()).toBeNull(); // killed by SIGTERM: no exit code
  });

  it('rejects, and stops it, when the service neither exits nor becomes ready by the deadline, quoting its last lines', async () => {
    const lines: string[] = [];
    const script = "console.log(process.pid); for (let i = 1; i <= 25; i++) console.error('loading part ' + i); setInterval(() => {}, 1000)";
    const started = startService({ ...base, args: ['-e', script], readyTimeoutMs: 1500, name: 'stuck', onLine: (line) => lines.push(line) });
    const error = (await started.then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error;
    expect(error.message).toMatch(/^stuck was not ready \(200 on http:\/\/127\.0\.0\.1:\d+\/readyz\) within 2 s; stopped it; its last 20 lines:\n {2}loading part 6\n/);
    expect(error.message.endsWith('\n  loading part 25')).toBe(true);
    const pid = Number(lines[0]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(); // gone
  });

  it('quotes the line that says why it hangs, not its logs of the readiness polls nor of its shutdown', async () => {
    // as the Home service while a bundle load hangs: every poll of /readyz answered 503 and logged at
    // error level (kept under LOG_LEVEL=warn), one line saying what it waits for, and on SIGTERM its shutdown lines
    const script = [
      "let polls = 0;",
      "require('node:http').createServer((q, s) => {",
      "  s.statusCode = q.url === '/readyz' ? 503 : 404; s.end();",
      '  console.log(JSON.stringify({ level: \'error\', req: { method: \'GET\', url: q.url }, url: q.url, statusCode: s.statusCode, msg: \'request failed\' }));',
      "  if (++polls === 1) console.error('stuck loading part rankerModel from s3://b/p/v1');",
      "}).listen(Number(process.env.PORT), process.env.HOST);",
      "process.on('SIGTERM', () => { for (let i = 0; i < 25; i++) console.log('shutting down ' + i); process.exit(0); });",
    ].join('\n');
    const error = (await startService({ ...base, args: ['-e', script], readyTimeoutMs: 2500, name: 'stuck' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    )) as Error;
    expect(error.message).toMatch(/^stuck was not ready .* within 3 s; stopped it; its last line:\n {2}stuck loading part rankerModel from s3:\/\/b\/p\/v1$/);
  });

  it('rejects when the service exits before it is ready, with what it wrote last', async () => {
    const script = "console.error('config error: MIXTAPE_BUNDLE is required'); process.exit(3)";
    await expect(startService({ ...base, args: ['-e', script], readyTimeoutMs: 30_000 })).rejects.toThrow(
      'home exited 3 before ready; its last line:\n  config error: MIXTAPE_BUNDLE is required',
    );
    await expect(startService({ ...base, args: ['-e', 'process.exit(4)'], readyTimeoutMs: 30_000 })).rejects.toThrow(/^home exited 4 before ready; it wrote nothing$/);
  });

  it('sums a metric over the label sets that hold every requested label pair', () => {
    const text = [
      '# HELP x',
      'home_work{kind="requests",service="home"} 3',
      'home_work{kind="requests",service="other"} 4',
      'home_work{kind="batches",service="home"} 2',
      'home_work{subkind="requests",service="home"} 100',
      'home_work_total{kind="requests"} 1000',
      'plain 1.5e3',
    ].join('\n');
    expect(metricValue(text, 'home_work', 'kind="requests"')).toBe(7); // both services, not subkind, not home_work_total
    expect(metricValue(text, 'home_work', 'kind="requests",service="home"')).toBe(3);
    expect(metricValue(text, 'home_work', 'service="home"')).toBe(105);
    expect(metricValue(text, 'home_work')).toBe(109);
    expect(metricValue(text, 'plain')).toBe(1500);
    expect(metricValue(text, 'absent')).toBe(0);
    expect(() => metricValue(text, 'home_work', 'kind=requests')).toThrow(/name="value" pairs/);
    // a pair among words is not read as the pair alone
    expect(() => metricValue(text, 'home_work', 'kind="requests",bogus')).toThrow(/name="value" pairs.*bogus/);
    expect(() => metricValue(text, 'home_work', 'bogus kind="requests"')).toThrow(/name="value" pairs/);
    expect(metricValue(text, 'home_work', ' kind = "requests" , service="home", ')).toBe(3);
    expect(metricValue(text, 'home_work', 'service="a,b\\"c",kind="requests"')).toBe(0);
  });

  it('open loop: sends rate × seconds requests in order, counts non-200s and unanswered requests as errors', async () => {
    const seen: string[] = [];
    // /ok/i answers 200 with a Server-Timing header, /fail/i 500, /hang/i never
    const server = createServer((request, response) => {
      seen.push(request.url!);
      if (request.url!.startsWith('/hang/')) return;
      response.statusCode = request.url!.startsWith('/fail/') ? 500 : 200;
      response.setHeader('server-timing', 'total;dur=1.5');
      response.end('x');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const timings: string[] = [];
      const path = (i: number) => (i === 7 ? `/hang/${i}` : i % 10 === 3 ? `/fail/${i}` : `/ok/${i}`);
      // 2 s, not 500 ms: the server runs in this process, so an event-loop stall as long as the timeout on a
      // loaded CI box would time out an answered request too (the socket timer fires before the read)
      const timeoutMs = 2000;
      const run = await openLoop(url, { rate: 100, connections: 4, seconds: 0.4, path, onResponse: (response) => timings.push(String(response.headers['server-timing'])), timeoutMs });
      expect(run.requests).toBe(40);
      expect(run.errors).toBe(4 + 1); // /fail/3, 13, 23, 33 and the unanswered /hang/7
      expect(seen.sort()).toEqual(Array.from({ length: 40 }, (_, i) => path(i)).sort());
      expect(timings).toHaveLength(39);
      expect(timings.every((timing) => timing === 'total;dur=1.5')).toBe(true);
      // latency from the scheduled time: the unanswered one is recorded after waiting for its timeout, not at
      // send time. Not a speed bound: load only makes a timer later, and the half margin absorbs libuv's
      // ms-truncated cached clock (a timer can appear to fire up to ~1 ms early)
      expect(run.latencies[7]).toBeGreaterThanOrEqual(timeoutMs / 2);
      expect(Number.isNaN(percentile(new Float64Array(0), 50))).toBe(true);
      expect(percentile(Float64Array.from([1, 2, 3, 4]), 50)).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('scrape: reads /metrics, and fails naming the URL and the wait when the service never answers', async () => {
    // /metrics of a stuck service: the request is taken but never answered (/hung) or its body never ends
    // (/stalled); /ok/metrics answers; /down/metrics 503
    const server = createServer((request, response) => {
      if (request.url === '/ok/metrics') response.end('home_pages_total 3\n');
      else if (request.url === '/stalled/metrics') response.write('home_pages_total');
      else if (request.url === '/down/metrics') {
        response.statusCode = 503;
        response.end('not ready');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await scrape(`${url}/ok`)).toBe('home_pages_total 3\n');
      await expect(scrape(`${url}/down`)).rejects.toThrow(`scrape of ${url}/down/metrics answered 503, expected 200: not ready`);
      await expect(scrape(`${url}/hung`, { timeoutMs: 300 })).rejects.toThrow(`scrape of ${url}/hung/metrics got no whole answer within 0.3 s (the service is stuck or overloaded)`);
      await expect(scrape(`${url}/stalled`, { timeoutMs: 300 })).rejects.toThrow(`scrape of ${url}/stalled/metrics got no whole answer within 0.3 s`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
