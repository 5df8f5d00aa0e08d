// Composition root of the search service: config → logger/metrics/readiness → deps → app → listen → lifecycle.
import type { SearchEngine, UserAffinity } from '@mixtape/search-index';
import { createService, createServiceContext } from '@mixtape/service-kit';
import packageJson from '../package.json' with { type: 'json' };
import { createApp } from './app';
import { loadSearchConfig } from './config';

const config = loadSearchConfig();
const context = createServiceContext({ name: 'search', version: packageJson.version, config });

// bundle: the loaded bundle's engine lives here. The bundle-loading startup hook (download →
// verify → loadSearchIndex(buffer, store, contentIndex)) sets `loaded.engine`, and the watcher
// replaces it on a new version; /v1/search and /v1/suggest answer 503 NOT_READY while unset.
// `loaded.affinity` maps a userId to affinityFromHistory(...) over the bundle's interactions.
const loaded: { engine?: SearchEngine; affinity?: (userId: string) => UserAffinity | undefined } = {};

const app = createApp({ context, engine: () => loaded.engine, affinity: (userId) => loaded.affinity?.(userId) });

const service = createService({
  context,
  app,
  // bundle: loading (download, verify, loadSearchIndex) goes here; /readyz turns 200 after it.
  startup: [],
  // Cleanup in reverse order of registration (watchers, stores, clients).
  shutdown: [],
});

await service.start();
