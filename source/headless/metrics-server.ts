import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { Report } from '../report/types.js';
import type { AirtopData } from '../state/types.js';
import { reportToRegistry } from '../sinks/metrics-registry.js';
import { PROMETHEUS_TEXT } from '../sinks/pushgateway.js';
import type { SinkStatus } from '../state/types.js';
import { healthText, isFailing } from './sink-health.js';

// The headless daemon's scrape endpoint. For a long-running monitor a /metrics that Prometheus scrapes beats
// a push: Prometheus keeps `up` and forgets series that vanish. The report's families are the Pushgateway's.

export interface DaemonStatus {
  /** The last poll reached Airflow. */
  up: boolean;
  lastPollAt: Date | null;
  pollFailures: number;
  /** Items waiting per sink (outbox.status()). */
  queueDepth: Record<string, number>;
  /** Each sink's delivery state, for airtop_sink_up and a degraded /healthz. */
  sinks?: SinkStatus[];
}

export interface MetricsServerOptions {
  /** host:port; port 0 picks a free one. */
  listen: string;
  getReport: () => Report | null;
  getStatus?: () => DaemonStatus;
  /** Instead of getStatus: read poll state and sink queues from the store (see statusFromStore). */
  getStore?: () => Pick<AirtopData, 'poll' | 'sinks'>;
  /** More text-format families appended verbatim. */
  getExtra?: () => string;
  /** Asked first for every request (the hub's /api/v1); true when it answered. */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Serve HTTPS with this PEM certificate chain and key. */
  tls?: { cert: Buffer; key: Buffer };
  /** Fleet mode: /metrics and /healthz of every instance (headless/fleet-metrics.ts) instead of one report's. */
  fleet?: {
    metrics: () => Promise<string>;
    health: () => { degraded: boolean; text: string };
  };
}

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(.*):(\d{1,5})$/.exec(listen.trim());
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65535)
    throw new Error(`metrics listen address "${listen}" is not host:port (e.g. 127.0.0.1:9464)`);
  return { host: match[1]!.replace(/^\[|\]$/g, '') || '127.0.0.1', port };
}

/** Which families: the poll's (per instance in a fleet), the outbox's and sinks' (the fleet's), or both. */
type Families = { poll: boolean; sinks: boolean };

function daemonRegistry(
  report: Report | null,
  status: DaemonStatus | null,
  families: Families = { poll: true, sinks: true },
): Registry {
  const registry = new Registry();
  if (families.poll) pollFamilies(registry, report, status);
  if (families.sinks) sinkFamilies(registry, status);
  return registry;
}

function pollFamilies(registry: Registry, report: Report | null, status: DaemonStatus | null): void {
  const up = status ? status.up : report !== null && !report.airflow.stale;
  new Gauge({ name: 'airtop_up', help: '1 when the last poll reached Airflow', registers: [registry] }).set(up ? 1 : 0);
  const lastPoll = status?.lastPollAt ?? (report ? new Date(report.timestamp) : null);
  if (lastPoll) {
    new Gauge({
      name: 'airtop_last_poll_timestamp_seconds',
      help: 'When airtop last polled Airflow successfully (Unix seconds)',
      registers: [registry],
    }).set(lastPoll.getTime() / 1000);
  }
  new Counter({ name: 'airtop_poll_failures_total', help: 'Polls that failed since start', registers: [registry] }).inc(
    status?.pollFailures ?? 0,
  );
}

function sinkFamilies(registry: Registry, status: DaemonStatus | null): void {
  const depth = new Gauge({
    name: 'airtop_outbox_queue_depth',
    help: 'Notifications and states waiting per sink',
    labelNames: ['sink'],
    registers: [registry],
  });
  for (const [sink, count] of Object.entries(status?.queueDepth ?? {})) depth.set({ sink }, count);
  const sinks = status?.sinks ?? [];
  if (sinks.length > 0) {
    const sinkUp = new Gauge({
      name: 'airtop_sink_up',
      help: '1 while the sink accepts deliveries, 0 while its latest attempt failed',
      labelNames: ['sink'],
      registers: [registry],
    });
    const letters = new Gauge({
      name: 'airtop_sink_dead_letters',
      help: 'Notifications a sink refused for good',
      labelNames: ['sink'],
      registers: [registry],
    });
    const lastOk = new Gauge({
      name: 'airtop_sink_last_success_timestamp_seconds',
      help: 'When the sink last accepted a delivery (Unix seconds)',
      labelNames: ['sink'],
      registers: [registry],
    });
    for (const sink of sinks) {
      sinkUp.set({ sink: sink.name }, isFailing(sink) ? 0 : 1);
      letters.set({ sink: sink.name }, sink.deadLetters);
      if (sink.lastSuccessAt) lastOk.set({ sink: sink.name }, Date.parse(sink.lastSuccessAt) / 1000);
    }
  }
}

/** DaemonStatus from the store, which counts failed polls as they fail (poll.failuresTotal). */
export function statusFromStore(data: Pick<AirtopData, 'poll' | 'sinks'>): DaemonStatus {
  const lastSuccess = data.poll.lastSuccessAt;
  return {
    up: data.poll.error === null && lastSuccess !== null,
    lastPollAt: lastSuccess ? new Date(lastSuccess) : null,
    pollFailures: data.poll.failuresTotal,
    queueDepth: Object.fromEntries(Object.values(data.sinks).map((s) => [s.name, s.queueDepth])),
    sinks: Object.values(data.sinks),
  };
}

export async function metricsText(
  options: Pick<MetricsServerOptions, 'getReport' | 'getStatus' | 'getExtra'>,
  families?: Families,
): Promise<string> {
  const report = options.getReport();
  const status = options.getStatus?.() ?? null;
  const registries = [daemonRegistry(report, status, families)];
  if (report && families?.poll !== false) registries.push(reportToRegistry(report));
  let text = await Registry.merge(registries).metrics();
  const extra = options.getExtra?.() ?? '';
  if (extra) text = `${text.endsWith('\n') ? text : `${text}\n`}${extra}`;
  return text.endsWith('\n') ? text : `${text}\n`;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const { host, port } = parseListen(options.listen);
  const getStore = options.getStore;
  const render = {
    ...options,
    getStatus: options.getStatus ?? (getStore ? () => statusFromStore(getStore()) : undefined),
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (options.handle?.(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/metrics') {
      try {
        const body = options.fleet ? await options.fleet.metrics() : await metricsText(render);
        res.writeHead(200, { 'content-type': PROMETHEUS_TEXT }).end(req.method === 'HEAD' ? undefined : body);
      } catch (error) {
        res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end(`cannot render metrics: ${(error as Error).message}\n`);
      }
      return;
    }
    if (path === '/healthz') {
      // 200 either way: the process is alive and a restart would not fix Slack; "degraded" says what fails.
      const health = options.fleet ? options.fleet.health() : healthText(render.getStatus?.().sinks ?? []);
      res
        .writeHead(200, { 'content-type': 'text/plain', 'x-airtop-health': health.degraded ? 'degraded' : 'ok' })
        .end(health.text);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics or /healthz\n');
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const server = options.tls
    ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest)
    : createServer(onRequest);
  // A slow or stuck client cannot hold a request open: headers within 10 s, a whole request within 30 s.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const hint = error.code === 'EADDRINUSE' ? ': the port is in use; set sinks.metrics.listen to another port' : '';
      reject(new Error(`cannot serve metrics on ${options.listen} (${error.code ?? error.message})${hint}`));
    });
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `${options.tls ? 'https' : 'http'}://${shownHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
