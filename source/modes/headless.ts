import {
  fleetHealthText,
  fleetMetricsText,
  jsonLogger,
  startMetricsServer,
  type Logger,
  type MetricsServer,
} from '../headless/index.js';
import { hubMirror } from '../fleet/hub-mirror.js';
import { startFleetLive } from '../fleet/live.js';
import type { FleetMember } from '../fleet/types.js';
import { loadHubTokens } from '../hub/auth.js';
import { startDaemonHub, hubTls } from '../hub/daemon.js';
import type { HubNotifier } from '../hub/routes.js';
import { acquireLease } from '../hub/lease.js';
import type { Hub } from '../hub/server.js';
import type { Report } from '../report/types.js';
import { createAirtopStore, type AirtopStore } from '../state/store.js';
import { startLive } from './live.js';
import { sinkHealthLogger } from '../headless/sink-health.js';
import type { ModeContext } from './context.js';

/** The poll loop, engines, alerts and sinks without a UI, until SIGTERM or SIGINT. */
export async function runHeadless(context: ModeContext): Promise<number> {
  const log = jsonLogger(process.stderr);
  // A bad hub token is a start-up error, before this daemon takes the lease or polls.
  loadHubTokens(process.env);
  const stopping = new AbortController();
  const signalled = new Promise<string>((resolve) => {
    const on = (name: string) => () => {
      stopping.abort();
      resolve(name);
    };
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });
  // HA: one daemon per state dir polls and pages; another one started on it waits as a standby.
  const lease = await acquireLease({
    stateDir: context.stateDir,
    ttlSeconds: context.config.hub.lease_ttl,
    signal: stopping.signal,
    onStandby: (holder) =>
      log('warn', 'standby: another daemon holds the lease on this state dir; taking over if it stops renewing', {
        state_dir: context.stateDir,
        holder_host: holder.host,
        holder_pid: holder.pid,
        ttl_seconds: holder.ttlSeconds,
      }),
  });
  if (!lease) {
    log('info', 'stopped cleanly (was standby)', { signal: await signalled });
    return 0;
  }
  log('info', 'holding the lease on the state dir: this daemon polls and pages', { state_dir: context.stateDir });
  const lost = lease.lost.then((reason) => {
    log('error', 'lost the lease; stopping so that only one daemon pages', { reason });
    return 'lease lost';
  });
  const daemon = context.fleet ? await startFleetDaemon(context, log) : await startSingleDaemon(context, log);
  const signal = await Promise.race([signalled, lost]);
  log('info', 'stopping', { signal });
  const outbox = await daemon.stop();
  if (signal !== 'lease lost') lease.release();
  log('info', 'stopped cleanly', { outbox });
  return signal === 'lease lost' ? 1 : 0;
}

/** A running daemon; stop() resolves to the outbox status it left. */
interface Daemon {
  stop(): Promise<unknown>;
}

function metricsListen(context: ModeContext): string | null {
  return (
    context.flags.metricsListen ?? (context.config.sinks.metrics.enabled ? context.config.sinks.metrics.listen : null)
  );
}

/** The `poll` log line's fields: what the report says. */
function pollFields(report: Report): Record<string, unknown> {
  return {
    overall: report.summary.overall,
    health_score: report.summary.health_score,
    violations: report.thresholds.violations.length,
    warnings: report.thresholds.warnings.length,
    sla_misses: report.sla.misses.length,
    firing: report.alerts.filter((a) => a.state === 'firing').length,
    issues: report.issues.map((i) => i.message),
  };
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The hub (README "Hub") over what this daemon serves, on the /metrics listener when there is one. */
function daemonHub(
  context: ModeContext,
  log: Logger,
  store: AirtopStore,
  notifier: HubNotifier,
  listening: boolean,
): Hub | null {
  return startDaemonHub({
    config: context.config,
    env: process.env,
    store,
    notifier,
    stateDir: context.stateDir,
    listening,
    log,
  });
}

/** The `poll` log line; in a fleet it names its instance first. */
function logPoll(log: Logger, report: Report, instance?: string): void {
  log('info', 'poll', { ...(instance !== undefined ? { instance } : {}), ...pollFields(report) });
}

/** The line of a failed poll: the data stays (stale) and the next try is at `at`. */
function logPollFailure(log: Logger, error: unknown, at: Date, instance?: string): void {
  log('error', 'poll failed; keeping the last good data (stale)', {
    ...(instance !== undefined ? { instance } : {}),
    error: errorText(error),
    retry_at: at.toISOString(),
  });
}

async function startSingleDaemon(context: ModeContext, log: Logger): Promise<Daemon> {
  const store = createAirtopStore();
  const listen = metricsListen(context);
  let hub: Hub | null = null;
  const tls = hubTls(context.config);
  const metrics = listen
    ? await startMetricsServer({
        listen,
        getReport: () => store.getState().report,
        getStore: () => store.getState(),
        handle: (req, res) => hub?.handle(req, res) ?? false,
        ...(tls ? { tls } : {}),
      })
    : null;
  if (metrics) log('info', 'metrics endpoint listening', { url: metrics.url });
  log('info', 'airtop headless started', {
    url: context.source.url,
    interval_seconds: context.config.interval,
    state_dir: context.stateDir,
  });
  const logSinkHealth = sinkHealthLogger((level, msg, fields) => log(level, msg, fields));
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.sinks !== previous.sinks) logSinkHealth(Object.values(state.sinks));
  });
  const live = await startLive(context, store, {
    role: 'headless',
    log: (level, msg, fields) => log(level, msg, fields),
    onReport: (report) => logPoll(log, report),
    onPollError: (error, at) => logPollFailure(log, error, at),
  });
  hub = daemonHub(context, log, store, live.notifier, metrics !== null);
  return {
    async stop() {
      unsubscribe();
      await live.stop();
      hub?.close();
      await metrics?.close();
      return live.notifier.outbox.status();
    },
  };
}

/**
 * Fleet mode (README "Fleet"): a poller per instance, one notifier and outbox, one /metrics with the
 * `instance` label, /healthz per instance, and every poll log line naming its instance.
 */
async function startFleetDaemon(context: ModeContext, log: Logger): Promise<Daemon> {
  const listen = metricsListen(context);
  let hub: Hub | null = null;
  let members: FleetMember[] = [];
  const tls = hubTls(context.config);
  const metrics: MetricsServer | null = listen
    ? await startMetricsServer({
        listen,
        getReport: () => null,
        handle: (req, res) => hub?.handle(req, res) ?? false,
        fleet: {
          metrics: () =>
            fleetMetricsText(
              members.map((m) => ({ name: m.name, report: m.store.getState().report, data: m.store.getState() })),
              members[0]?.store.getState() ?? createAirtopStore().getState(),
            ),
          health: () =>
            fleetHealthText(
              members.map((m) => {
                const poll = m.store.getState().poll;
                return {
                  name: m.name,
                  url: m.source.url,
                  up: poll.error === null && poll.lastSuccessAt !== null,
                  lastSuccessAt: poll.lastSuccessAt,
                  error: poll.error,
                };
              }),
              Object.values(members[0]?.store.getState().sinks ?? {}),
            ),
        },
        ...(tls ? { tls } : {}),
      })
    : null;
  if (metrics) log('info', 'metrics endpoint listening', { url: metrics.url });
  log('info', 'airtop headless started', {
    instances: context.instances.map((i) => ({
      instance: i.name,
      url: i.source.url,
      interval_seconds: i.config.interval,
    })),
    state_dir: context.stateDir,
  });
  for (const i of context.instances)
    if (i.problem) log('error', 'instance cannot poll; it stays unknown', { instance: i.name, error: i.problem });
  const live = await startFleetLive(context, {
    role: 'headless',
    log: (level, msg, fields) => log(level, msg, fields),
    onReport: (member, report) => logPoll(log, report, member.name),
    onPollError: (member, error, at) => logPollFailure(log, error, at, member.name),
  });
  members = live.members;
  // The sinks are the fleet's: every member's store has the same statuses; the first one's are logged.
  const logSinkHealth = sinkHealthLogger((level, msg, fields) => log(level, msg, fields));
  const unsubscribe = members[0]!.store.subscribe((state, previous) => {
    if (state.sinks !== previous.sinks) logSinkHealth(Object.values(state.sinks));
  });
  const mirror = hubMirror(live);
  hub = daemonHub(context, log, mirror.store, live.notifier, metrics !== null);
  return {
    async stop() {
      unsubscribe();
      await live.stop();
      mirror.stop();
      hub?.close();
      await metrics?.close();
      return live.notifier.outbox.status();
    },
  };
}
