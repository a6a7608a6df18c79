import { jsonLogger, startMetricsServer } from '../headless/index.js';
import { createAirtopStore } from '../state/store.js';
import { startLive } from './live.js';
import { sinkHealthLogger } from '../headless/sink-health.js';
import type { ModeContext } from './context.js';

/** The poll loop, engines, alerts and sinks without a UI, until SIGTERM or SIGINT. */
export async function runHeadless(context: ModeContext): Promise<number> {
  const log = jsonLogger(process.stderr);
  const store = createAirtopStore();
  const listen = context.flags.metricsListen ?? (context.config.sinks.metrics.enabled ? context.config.sinks.metrics.listen : null);
  const metrics = listen ? await startMetricsServer({ listen, getReport: () => store.getState().report, getStore: () => store.getState() }) : null;
  if (metrics) log('info', 'metrics endpoint listening', { url: metrics.url });
  log('info', 'airtop headless started', { url: context.source.url, interval_seconds: context.config.interval, state_dir: context.stateDir });
  const logSinkHealth = sinkHealthLogger((level, msg, fields) => log(level, msg, fields));
  const unsubscribe = store.subscribe((state, previous) => {
    if (state.sinks !== previous.sinks) logSinkHealth(Object.values(state.sinks));
  });
  const live = await startLive(context, store, {
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
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  log('info', 'stopping', { signal });
  unsubscribe();
  await live.stop();
  await metrics?.close();
  log('info', 'stopped cleanly', { outbox: live.notifier.outbox.status() });
  return 0;
}
