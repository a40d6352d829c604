export { type Backoff, type BackoffOptions, createBackoff } from './backoff.ts';
export { type Clock, type ManualClock, manualClock, systemClock } from './clock.ts';
export { type CommandLine, parseCommandLine } from './config/cli.ts';
export * from './config/common.ts';
export { type EnvVariable, envVariables } from './config/env.ts';
export { type LoadConfigOptions, type LoadedConfig, loadConfig } from './config/load.ts';
export { checkConfig } from './config/problems.ts';
export { configReference } from './config/reference.ts';
export { closest, didYouMean } from './config/suggest.ts';
export { type UnknownEnvWarning, unknownEnvWarnings } from './config/unknown-env.ts';
export { describeError, HorizonError, hasCode, type SharedErrorCode } from './errors.ts';
export {
  bestHostnameSpecificity,
  hostnameMatches,
  hostnameSpecificity,
  isWildcardHostname,
  wildcardCovers,
} from './gateway-api/hostnames.ts';
export { type GatewayRef, gatewayRefsOf } from './gateway-api/parent-refs.ts';
export * from './gateway-api/types.ts';
export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS } from './log.ts';
export { cidrMatcher, clientBlock } from './net/cidr.ts';
export { createHistory, type History, type HistoryOptions, type SeriesSpec } from './ops/history.ts';
export {
  type HotCounter,
  type HotHistogram,
  hotCounter,
  hotHistogram,
  type Labels,
} from './ops/hot-metrics.ts';
export { ago, card, escapeHtml, type Html, html, lineGraph, page, raw, state, table } from './ops/html.ts';
export { createMetricsRegistry, type Registry } from './ops/metrics.ts';
export { type MetricSample, metricSamples, metricTotal } from './ops/metrics-read.ts';
export { createReadiness, type Readiness, type ReadinessCheck } from './ops/readiness.ts';
export { createRecent, type Recent } from './ops/recent.ts';
export {
  createOpsServer,
  type OpsResponse,
  type OpsRoute,
  type OpsServer,
  type OpsServerOptions,
} from './ops/server.ts';
export { limitViews, VIEWS_BURST, VIEWS_PER_SECOND } from './ops/view-limit.ts';
export {
  runService,
  type ServiceContext,
  type ServiceDefinition,
  type ServiceParts,
  type ServiceProcess,
} from './runner.ts';
export { createShutdown, type Shutdown, type ShutdownOptions, type ShutdownStep } from './shutdown.ts';
export { isOfKind } from './source/core.ts';
export { createFileSource, type FileSourceOptions } from './source/file.ts';
export { createGatewayApiSource, type SourceDeps } from './source/index.ts';
export {
  apiVersionOf,
  collectionPath,
  DEFAULT_KINDS,
  KINDS,
  type KindName,
  type ResourceKind,
} from './source/kinds.ts';
export {
  type LabelMatcher,
  labelSelectorMatcher,
  parseLabelSelector,
} from './source/selector.ts';
export { substituteVariables } from './source/substitute.ts';
export {
  type GatewayApiSnapshot,
  type GatewayApiSource,
  SNAPSHOT_FIELD,
  snapshotOf,
} from './source/types.ts';
export { after, every } from './timers.ts';
