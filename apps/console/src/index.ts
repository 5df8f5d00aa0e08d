export { consoleConfigSchema, ConsoleConfigError, defaultStaticDir, loadConsoleConfig } from './config';
export type { ConsoleConfig } from './config';
export { CONSOLE_SERVICES, createConsoleServer, routeApiPath } from './server';
export type { ConsoleLogger, ConsoleServerOptions, ConsoleService } from './server';
export { createStatusProbe, histogramDelta, histogramQuantile, isApiRoute, parseServiceMetrics } from './status';
export type { LatencyHistogram, ParsedMetrics, ServiceStatus, StatusProbeOptions } from './status';
