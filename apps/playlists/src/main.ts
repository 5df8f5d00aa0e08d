// Composition root of the playlists service: config → logger/metrics/readiness → deps → app → listen → lifecycle.
import { createService, createServiceContext } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { loadPlaylistsConfig } from './config';

const config = loadPlaylistsConfig();
const context = createServiceContext({ name: 'playlists', version: packageJson.version, config });
const app = createApp({ context });

const service = createService({
  context,
  app,
  // Bundle loading (download, verify, build indexes) goes here; /readyz turns 200 after it.
  startup: [],
  // Cleanup in reverse order of registration (watchers, stores, clients).
  shutdown: [],
});

await service.start();
