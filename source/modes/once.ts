import { readRecentAudit } from '../actions/audit-log.js';
import { createPollCycle } from '../collect/cycle.js';
import { safeDelayMs } from '../safe-delay.js';
import { exitCodeFor } from '../engines/index.js';
import type { Report } from '../report/types.js';
import { createAirtopStore } from '../state/store.js';
import { EXIT_UNKNOWN, type ModeContext } from './context.js';
import { openReadOnlyAlerts } from './read-only-alerts.js';

/** `--once` ran out of its total time (`--deadline`, `once_deadline`). */
export class DeadlineError extends Error {
  override name = 'DeadlineError';
}

/**
 * One poll, then the report on stdout. Reads acks and silences from the state dir but writes nothing and
 * notifies no one. The whole run is bounded by `once_deadline` (Nagios and cron kill a check that hangs):
 * when it runs out the poll is abandoned (the caller closes the source) and the error says so.
 */
export async function runOnce(context: ModeContext): Promise<number> {
  const store = createAirtopStore();
  const deadlineSeconds = context.config.once_deadline;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new DeadlineError(
            `--once gave up after ${deadlineSeconds} s (its deadline): Airflow at ${context.source.url} did not answer in time; check it, or raise --deadline / once_deadline`,
          ),
        ),
      safeDelayMs(deadlineSeconds * 1000),
    );
  });
  try {
    await Promise.race([
      (async () => {
        const alerts = await openReadOnlyAlerts(context);
        const cycle = createPollCycle({
          source: context.source,
          store,
          config: context.config,
          alerts,
          clock: context.clock,
        });
        await cycle();
      })(),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
  const report = store.getState().report;
  if (!report) return EXIT_UNKNOWN;
  // The last 20 actions taken from airtop (actions.log in the state dir) ride along in the JSON report.
  const json = () =>
    readRecentAudit(context.stateDir, 20).then((actions) => JSON.stringify({ ...report, actions }, null, 2));
  process.stdout.write(context.flags.json ? `${await json()}\n` : `${summaryLine(report)}\n`);
  return exitCodeFor(report);
}

export function summaryLine(report: Report): string {
  const dags = Object.values(report.pipeline.dags);
  const runs = dags.reduce((sum, dag) => sum + dag.runs_last_hour, 0);
  const parts = [
    `${report.thresholds.violations.length} violations`,
    `${report.thresholds.warnings.length} warnings`,
    `${report.sla.misses.length} SLA misses`,
    `${dags.length} DAGs, ${runs} runs in the last hour`,
  ];
  return `airtop: ${report.summary.overall.toUpperCase()} health ${Math.round(report.summary.health_score)}/100 - ${parts.join(', ')}`;
}
