// Public API of @mixtape/ops: explicit named re-exports only.
export {
  appConfigKeys,
  copySources,
  deployableConfigKeys,
  isBundleWired,
  parseDockerfile,
  pipelineEnvKeys,
  readYamlFiles,
  RUNTIME_ENV_KEYS,
  serviceKitConfigKeys,
} from './deploy-check';
export type { DockerInstruction, DockerStage, YamlFile } from './deploy-check';
export { findWorkspaceRoot } from './workspace';
export {
  advisoriesFromReport,
  classifyAuditOutput,
  describeAuditOutcome,
  evaluateAudit,
  parseAuditExceptions,
  runAudit,
} from './audit';
export type { Advisory, AuditEvaluation, AuditException, AuditOutcome, RunAuditOptions } from './audit';
export { authHeaders, benchServiceEnv, freePort, peakRssBytes, startServiceProcess } from './service-process';
export type { ServiceName, ServiceProcess } from './service-process';
export { percentile, runLoad } from './load';
export type { LoadRequest, LoadResult } from './load';
export { ensureDatasetAndBundle, LOAD_PROMPTS } from './fixtures';
