// An HTTP proxy in front of s3rver that the test can take down and bring back on the same port,
// and that can go down at the exact moment a chosen request arrives (S3 failing mid-download).
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface SwitchableProxy {
  port: number;
  endpoint: string;
  /** Requests seen (method + path). */
  seen: string[];
  up(): Promise<void>;
  down(): Promise<void>;
  /** The next request matching `predicate` takes the proxy down (the request's socket is cut). */
  failOn(predicate: (method: string, path: string) => boolean): Promise<string>;
}

export async function startSwitchableProxy(target: string, port: number): Promise<SwitchableProxy> {
  const targetUrl = new URL(target);
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let trap: { predicate: (method: string, path: string) => boolean; fired: (path: string) => void } | undefined;

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    seen.push(`${method} ${path}`);
    if (trap?.predicate(method, path)) {
      const fired = trap.fired;
      trap = undefined;
      request.socket.destroy();
      void proxy.down().then(() => fired(path));
      return;
    }
    const upstream = httpRequest(
      { hostname: targetUrl.hostname, port: targetUrl.port, method, path, headers: request.headers },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  };

  const proxy: SwitchableProxy = {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    async up() {
      if (server) return;
      server = createServer(handle);
      server.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, '127.0.0.1', () => resolve());
      });
    },
    async down() {
      const closing = server;
      server = undefined;
      if (!closing) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => closing.close(() => resolve()));
    },
    failOn(predicate) {
      return new Promise((fired) => {
        trap = { predicate, fired };
      });
    },
  };
  await proxy.up();
  return proxy;
}
