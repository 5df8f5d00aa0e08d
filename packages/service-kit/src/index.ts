// Public API of @mixtape/service-kit: explicit named re-exports only.
export {
  baseConfigSchema,
  bundleConfigShape,
  bundleSettings,
  ConfigError,
  describeConfig,
  envBoolean,
  envByteSize,
  envInteger,
  experimentsConfigShape,
  experimentSettings,
  envList,
  envNumber,
  formatConfigProblems,
  isAuthEnabled,
  isDevelopment,
  loadConfig,
  parseConfig,
  renderConfigTable,
  serviceConfigSchema,
  writeConfigTable,
} from './config';
export type {
  AuthMode,
  BaseConfig,
  BundleConfig,
  BundleSettings,
  ConfigKeyDoc,
  ConfigProblem,
  EnvSource,
  LoadConfigOptions,
  LogLevel,
  TrustProxySetting,
} from './config';
export { createLogger } from './logger';
export type { CreateLoggerOptions, ServiceLogger } from './logger';
export { isSecretKey, REDACTED, redactSecrets, redactUrl } from './redact';
export {
  AppError,
  ConflictError,
  ForbiddenError,
  InputError,
  inputErrorFromZod,
  InternalError,
  isAppError,
  mapErrorCodes,
  MethodNotAllowedError,
  NotFoundError,
  NotReadyError,
  PayloadTooLargeError,
  RateLimitedError,
  TimeoutError,
  toAppError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  UpstreamError,
} from './errors';
export type { AppErrorOptions, AppErrorStatus, ErrorBody, ErrorCodeMapping, InputIssue } from './errors';
export { createMetrics } from './metrics';
export { DECIMAL_INTEGER, DECIMAL_NUMBER, decimalQueryIssues, describeNumberForm, integerQueryParameter } from './query-numbers';
export type { NumberForm } from './query-numbers';
export type { Counter, CreateMetricsOptions, Gauge, Histogram, InfoMetric, Registry, ServiceMetrics } from './metrics';
export { createReadiness } from './readiness';
export type { Readiness, ReadinessState, ReadinessStatus } from './readiness';
export { createApiKeyVerifier, presentedApiKey } from './auth';
export type { ApiKeyMatch, ApiKeyScope, ApiKeySets, ApiKeyVerifier } from './auth';
export { createMemoryRateLimitStore } from './rate-limit';
export type { MemoryRateLimitStoreOptions, RateLimitDecision, RateLimitRule, RateLimitStore } from './rate-limit';
export { createServiceContext } from './context';
export type { CreateServiceContextOptions, ServiceContext } from './context';
export { getRequestContext, getRequestLogger } from './request-context';
export type { RequestContext } from './request-context';
export { createServiceApp, parseInput, requireApiKey, requireExportKey, requireReady } from './app';
export { createInfoRouter } from './info-router';
export type { InfoRouterOptions } from './info-router';
export type { ReadyGate, ReadyGateOptions, ServiceAppOptions } from './app';
export { createService } from './service';
export type { CreateServiceOptions, LifecycleHook, Service, ServiceAddress, SignalSource } from './service';
