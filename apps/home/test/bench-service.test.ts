import { describe, expect, it } from 'vitest';
import { cpuSeconds, metricValue, startService } from '../bench/service';

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

  it('rejects, and stops it, when the service neither exits nor becomes ready by the deadline', async () => {
    const lines: string[] = [];
    const started = startService({ ...base, args: ['-e', 'console.log(process.pid); setInterval(() => {}, 1000)'], readyTimeoutMs: 1500, name: 'stuck', onLine: (line) => lines.push(line) });
    await expect(started).rejects.toThrow(/^stuck was not ready \(200 on http:\/\/127\.0\.0\.1:\d+\/readyz\) within 2 s; stopped it$/);
    const pid = Number(lines[0]);
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(); // gone
  });

  it('rejects when the service exits before it is ready', async () => {
    await expect(startService({ ...base, args: ['-e', 'process.exit(3)'], readyTimeoutMs: 30_000 })).rejects.toThrow('home exited 3 before ready');
  });

  it("sums a metric over the label sets that match", () => {
    const text = ['# HELP x', 'home_work{kind="requests",service="home"} 3', 'home_work{kind="requests",service="other"} 4', 'home_work{kind="batches",service="home"} 2', 'plain 1.5e3'].join('\n');
    expect(metricValue(text, 'home_work', 'kind="requests"')).toBe(7);
    expect(metricValue(text, 'home_work')).toBe(9);
    expect(metricValue(text, 'plain')).toBe(1500);
    expect(metricValue(text, 'absent')).toBe(0);
  });
});
