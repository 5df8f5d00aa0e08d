// Composition root of the console: config → server → listen → graceful shutdown.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConsoleConfigError, loadConsoleConfig } from './config';
import { createReadoutStore } from './readouts';
import { createConsoleServer } from './server';
import type { ConsoleLogger } from './server';

const line = (level: string) => (entry: Record<string, unknown> | string) =>
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), service: 'console', ...(typeof entry === 'string' ? { msg: entry } : entry) })}\n`);
const logger: ConsoleLogger = { info: line('info'), warn: line('warn'), error: line('error') };

let config;
try {
  config = loadConsoleConfig();
} catch (error) {
  if (error instanceof ConsoleConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
if (!existsSync(join(config.staticDir, 'index.html'))) {
  logger.warn(`no built page in ${config.staticDir}: run \`pnpm --filter @mixtape/console build:web\` (the API proxy works meanwhile)`);
}

const services = { home: config.HOME_URL, search: config.SEARCH_URL, playlists: config.PLAYLISTS_URL };
const server = createConsoleServer({ services, staticDir: config.staticDir, apiKey: config.CONSOLE_API_KEY, allowedHosts: config.allowedHosts, proxyTimeoutMs: config.PROXY_TIMEOUT_MS, logger, readouts: createReadoutStore(config.CONSOLE_EXPERIMENT_RESULTS) });
server.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ msg: 'console listening', url: `http://${config.HOST}:${port}`, services, allowedHosts: config.allowedHosts });
});

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ msg: 'stopping', signal });
  const hard = setTimeout(() => process.exit(1), 5000);
  hard.unref();
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
