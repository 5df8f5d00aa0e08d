import { createVitestConfig } from '@mixtape/vitest-config';

// The shared config resolves the "module" condition, which sends @aws-sdk/* to its dist-es
// build: extensionless ESM that Node cannot load when vitest externalizes it. Drop "module"
// here so the SDK resolves to its Node build.
const config = createVitestConfig();
const withoutModule = (conditions: string[] | undefined): string[] | undefined => conditions?.filter((condition) => condition !== 'module');

export default {
  ...config,
  resolve: { ...config.resolve, conditions: withoutModule(config.resolve?.conditions) },
  ssr: { ...config.ssr, resolve: { ...config.ssr?.resolve, conditions: withoutModule(config.ssr?.resolve?.conditions) } },
};
