import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createStatusProbe, histogramDelta, histogramQuantile, parseServiceMetrics } from './status';

function metricsText(searchBuckets: [string, number][], extra = ''): string {
  const lines = ['# HELP http_request_duration_seconds HTTP request duration', '# TYPE http_request_duration_seconds histogram'];
  for (const [le, count] of searchBuckets) lines.push(`http_request_duration_seconds_bucket{le="${le}",method="GET",route="/v1/search",status_code="200",service="search"} ${count}`);
  const total = searchBuckets.at(-1)?.[1] ?? 0;
  lines.push(`http_request_duration_seconds_sum{method="GET",route="/v1/search",status_code="200",service="search"} ${total * 0.004}`);
  lines.push(`http_request_duration_seconds_count{method="GET",route="/v1/search",status_code="200",service="search"} ${total}`);
  // Health checks and scrapes must not dilute the latency of real work.
  lines.push('http_request_duration_seconds_bucket{le="0.005",method="GET",route="/readyz",status_code="200",service="search"} 500');
  lines.push('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/readyz",status_code="200",service="search"} 500');
  lines.push('http_request_duration_seconds_count{method="GET",route="/readyz",status_code="200",service="search"} 500');
  lines.push('bundle_info{version="2026-11-22T01-00-00Z-abc",service="search"} 1');
  return `${lines.join('\n')}\n${extra}`;
}

describe('parseServiceMetrics + histogramQuantile', () => {
  it('sums API-route buckets, ignores /readyz, finds the bundle version and interpolates p50', () => {
    const parsed = parseServiceMetrics(metricsText([['0.001', 0], ['0.005', 10], ['0.01', 20], ['+Inf', 20]]));
    expect(parsed.bundleVersion).toBe('2026-11-22T01-00-00Z-abc');
    expect(parsed.latency.count).toBe(20);
    expect(parsed.latency.bounds).toEqual([0.001, 0.005, 0.01, Infinity]);
    // rank 10 of 20 is the top of the 1–5 ms bucket
    expect(histogramQuantile(parsed.latency, 0.5)).toBeCloseTo(0.005, 6);
    // rank 19 is 9/10 of the way through the 5–10 ms bucket
    expect(histogramQuantile(parsed.latency, 0.95)).toBeCloseTo(0.0095, 6);
  });

  it('answers undefined without observations and the last finite bound for the +Inf bucket', () => {
    expect(histogramQuantile(parseServiceMetrics('').latency, 0.5)).toBeUndefined();
    const slow = parseServiceMetrics(metricsText([['0.001', 0], ['0.01', 0], ['+Inf', 4]])).latency;
    expect(histogramQuantile(slow, 0.5)).toBe(0.01);
  });

  it('takes the difference between scrapes, and the whole histogram after a restart', () => {
    const first = parseServiceMetrics(metricsText([['0.001', 10], ['0.01', 10], ['+Inf', 10]])).latency;
    const second = parseServiceMetrics(metricsText([['0.001', 10], ['0.01', 20], ['+Inf', 20]])).latency;
    const delta = histogramDelta(second, first);
    expect(delta.count).toBe(10);
    expect(histogramQuantile(delta, 0.5)).toBeGreaterThan(0.001);
    expect(histogramDelta(first, second)).toBe(first);
  });
});

describe('createStatusProbe', () => {
  const servers: ReturnType<typeof createServer>[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  });

  it('reports a ready service with its bundle and latency, and an unreachable one with the reason', async () => {
    let scrapes = 0;
    const server = createServer((request, response) => {
      if (request.url === '/readyz') return response.writeHead(200).end('{"status":"ready"}');
      if (request.url === '/v1/info') return response.writeHead(200, { 'content-type': 'application/json' }).end('{"service":"search","version":"0.1.0","status":"ready"}');
      scrapes += 1;
      const buckets: [string, number][] = scrapes === 1 ? [['0.001', 5], ['0.01', 5], ['+Inf', 5]] : [['0.001', 5], ['0.01', 15], ['+Inf', 15]];
      response.writeHead(200, { 'content-type': 'text/plain' }).end(metricsText(buckets));
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port nobody listens on: bind, note it, close.
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    // A generous timeout: the test asserts what the probe reports, not how fast (CI runs every package at once).
    const probe = createStatusProbe({ services: { search: url, home: `http://127.0.0.1:${closedPort}` }, timeoutMs: 15_000 });

    const [search, home] = await probe.check();
    expect(search).toMatchObject({ name: 'search', ready: true, bundleVersion: '2026-11-22T01-00-00Z-abc', requests: 5, window: 'since-start', version: '0.1.0' });
    expect(search!.p50Ms).toBeLessThanOrEqual(1);
    expect(home).toMatchObject({ name: 'home', ready: false });
    expect(home!.detail).toBe('unreachable (ECONNREFUSED)');

    const [again] = await probe.check();
    // The 10 requests since the last check all took 1–10 ms.
    expect(again).toMatchObject({ requests: 15, window: 'recent' });
    expect(again!.p50Ms).toBeGreaterThan(1);
  });
});
