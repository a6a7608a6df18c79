import { createPollCycle } from '../collect/cycle.js';
import { createPoller } from '../collect/poller.js';
import { jsonLogger, startMetricsServer } from '../headless/index.js';
import { createNotifier } from '../sinks/notifier.js';
import { createAirtopStore } from '../state/store.js';
import type { ModeContext } from './main.js';
import { variableWriterFor } from './variable-writer.js';

/** The poll loop, engines, alerts and sinks without a UI, until SIGTERM or SIGINT. */
export async function runHeadless(context: ModeContext): Promise<number> {
  const log = jsonLogger(process.stderr);
  const store = createAirtopStore();
  const notifier = await createNotifier({
    config: context.config,
    stateDir: context.stateDir,
    variableWriter: variableWriterFor(context.source),
    clock: context.clock,
    onStatus: (status) => store.getState().setSinkStatus(status),
    onDeadLetters: (letters) => store.getState().setDeadLetters(letters),
    log: (level, msg, fields) => log(level, msg, fields),
  });
  let nextAt: Date | null = null;
  const cycle = createPollCycle({
    source: context.source,
    store,
    config: context.config,
    alerts: notifier,
    clock: context.clock,
    nextPollAt: () => nextAt,
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
  });
  const listen = context.flags.metricsListen ?? (context.config.sinks.metrics.enabled ? context.config.sinks.metrics.listen : null);
  const metrics = listen ? await startMetricsServer({ listen, getReport: () => store.getState().report, getStore: () => store.getState() }) : null;
  if (metrics) log('info', 'metrics endpoint listening', { url: metrics.url });
  const poller = createPoller({
    intervalSeconds: context.config.interval,
    poll: cycle,
    onScheduled: (at) => (nextAt = at),
    onError: (error, at) => {
      nextAt = at;
      log('error', 'poll failed; keeping the last good data (stale)', { error: error instanceof Error ? error.message : String(error), retry_at: at.toISOString() });
    },
  });
  log('info', 'airtop headless started', { url: context.source.url, interval_seconds: context.config.interval, state_dir: context.stateDir });
  poller.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log('info', 'stopping', { signal });
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await poller.stop();
  await notifier.close();
  await metrics?.close();
  log('info', 'stopped cleanly', { outbox: notifier.outbox.status() });
  return 0;
}
