// Composition root of the home service: config → logger/metrics/readiness → bundle runtime → app → listen → lifecycle.
import { createBundleRuntime } from '@mixtape/bundle';
import { createMemoryShelfStateStore } from '@mixtape/ranking';
import { createService, createServiceContext } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import type { HomeServing } from './app';
import { loadHomeConfig, s3OptionsFromConfig } from './config';
import { HOME_BUNDLE_PARTS, createHomeServing } from './serving';

const config = loadHomeConfig();
const context = createServiceContext({ name: 'home', version: packageJson.version, config });

// One bandit state for the process: shelf feedback survives bundle swaps.
const shelfState = createMemoryShelfStateStore();
const runtime = createBundleRuntime({
  uri: config.MIXTAPE_BUNDLE,
  s3: s3OptionsFromConfig(config),
  cacheDir: config.MIXTAPE_CACHE_DIR,
  parts: HOME_BUNDLE_PARTS,
  pollIntervalMs: config.MIXTAPE_BUNDLE_POLL_MS,
  build: (bundle): Promise<HomeServing> => createHomeServing(bundle, { shelfState, logger: context.logger }),
  logger: context.logger,
  metrics: context.metrics,
});

const app = createApp({ context, serving: () => runtime.current()?.state, maxItems: config.HOME_MAX_ITEMS });

const service = createService({
  context,
  app,
  // /readyz turns 200 once a bundle is downloaded, verified and the engine built.
  startup: [runtime.startupHook],
  // Cleanup in reverse order of registration.
  shutdown: [runtime.shutdownHook],
});

await service.start();
