export { consoleConfigSchema, ConsoleConfigError, defaultStaticDir, loadConsoleConfig } from './config';
export type { ConsoleConfig } from './config';
export { CONTENT_SECURITY_POLICY, createConsoleServer, LOOPBACK_HOSTS, routeApiPath, SECURITY_HEADERS } from './server';
export type { ApiRoute, ConsoleLogger, ConsoleServerOptions, ConsoleService } from './server';
export { createStatusProbe, histogramDelta, histogramQuantile, isApiRoute, parseServiceMetrics } from './status';
export type { LatencyHistogram, ParsedMetrics, ServiceStatus, StatusProbeOptions } from './status';
export type { ReadoutStore, ReadoutSummary } from './readouts';
