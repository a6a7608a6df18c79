// The headless daemon's parts that cli/modes wire: the scrape endpoint and the JSON-lines logger.
export { jsonLogger, redactValue, type LogFn, type Logger, type LogLevel } from './json-logger.js';
export {
  metricsText,
  parseListen,
  startMetricsServer,
  statusFromStore,
  type DaemonStatus,
  type MetricsServer,
  type MetricsServerOptions,
} from './metrics-server.js';
export {
  fleetHealthText,
  fleetMetricsText,
  mergeExpositions,
  withInstance,
  type FleetHealthMember,
  type FleetMetricsMember,
} from './fleet-metrics.js';
