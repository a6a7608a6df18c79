import { jsonLogger, startMetricsServer } from '../headless/index.js';
import { loadHubTokens } from '../hub/auth.js';
import { startDaemonHub, hubTls } from '../hub/daemon.js';
import { acquireLease } from '../hub/lease.js';
import type { Hub } from '../hub/server.js';
import { createAirtopStore } from '../state/store.js';
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
  const store = createAirtopStore();
  const listen =
    context.flags.metricsListen ?? (context.config.sinks.metrics.enabled ? context.config.sinks.metrics.listen : null);
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
    onReport: (report) =>
      log('info', 'poll', {
        overall: report.summary.overall,
        health_score: report.summary.health_score,
        violations: report.thresholds.violations.length,
        warnings: report.thresholds.warnings.length,
        sla_misses: report.sla.misses.length,
        firing: report.alerts.filter((a) => a.state === 'firing').length,
        issues: report.issues.map((i) => i.message),
      }),
    onPollError: (error, at) =>
      log('error', 'poll failed; keeping the last good data (stale)', {
        error: error instanceof Error ? error.message : String(error),
        retry_at: at.toISOString(),
      }),
  });
  hub = startDaemonHub({
    config: context.config,
    env: process.env,
    store,
    notifier: live.notifier,
    stateDir: context.stateDir,
    listening: metrics !== null,
    log,
  });
  const lost = lease.lost.then((reason) => {
    log('error', 'lost the lease; stopping so that only one daemon pages', { reason });
    return 'lease lost';
  });
  const signal = await Promise.race([signalled, lost]);
  log('info', 'stopping', { signal });
  unsubscribe();
  await live.stop();
  hub?.close();
  await metrics?.close();
  if (signal !== 'lease lost') lease.release();
  log('info', 'stopped cleanly', { outbox: live.notifier.outbox.status() });
  return signal === 'lease lost' ? 1 : 0;
}
