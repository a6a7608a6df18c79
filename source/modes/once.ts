import { readRecentAudit } from '../actions/audit-log.js';
import { createPollCycle } from '../collect/cycle.js';
import { safeDelayMs } from '../safe-delay.js';
import { exitCodeFor } from '../engines/index.js';
import type { InstanceContext } from '../fleet/types.js';
import type { Report } from '../report/types.js';
import { createAirtopStore, type AirtopStore } from '../state/store.js';
import { redactSecrets } from '../text/redact.js';
import { sanitizeText } from '../text/sanitize.js';
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
 * In fleet mode (README "Fleet") every instance polls at once under that one deadline.
 */
export async function runOnce(context: ModeContext): Promise<number> {
  if (context.fleet && context.flags.context === undefined) return runOnceFleet(context);
  const instance = context.instances[0];
  const deadline = startDeadline(
    context.config.once_deadline,
    `--once gave up after ${context.config.once_deadline} s (its deadline): Airflow at ${context.source.url} did not answer in time; check it, or raise --deadline / once_deadline`,
  );
  // --context in a fleet: that instance's plain report, its alerts labelled as the daemon labels them.
  const label = context.fleet && instance ? instance.name : undefined;
  let store: AirtopStore;
  try {
    if (context.fleet && instance?.problem) throw new Error(`${instance.name}: ${instance.problem}`);
    store = await pollOnce(context, { source: context.source, config: context.config }, label, deadline.expired);
  } finally {
    deadline.cancel();
  }
  const report = store.getState().report;
  if (!report) return EXIT_UNKNOWN;
  // The last 20 actions taken from airtop (actions.log in the state dir) ride along in the JSON report.
  const json = () =>
    readRecentAudit(context.stateDir, 20).then((actions) => JSON.stringify({ ...report, actions }, null, 2));
  process.stdout.write(context.flags.json ? `${await json()}\n` : `${summaryLine(report)}\n`);
  return exitCodeFor(report);
}

/** A promise that fails with DeadlineError(message) once `seconds` have passed, and what cancels it. */
function startDeadline(seconds: number, message: string): { expired: Promise<never>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(message)), safeDelayMs(seconds * 1000));
  });
  return { expired, cancel: () => clearTimeout(timer) };
}

/**
 * One poll of an instance into a fresh store, given up when `expired` fails. Acks and silences are read
 * from the state dir, never written; `label` is the `instance` label its alerts carry in a fleet.
 */
async function pollOnce(
  context: ModeContext,
  instance: Pick<InstanceContext, 'source' | 'config'>,
  label: string | undefined,
  expired: Promise<never>,
): Promise<AirtopStore> {
  const store = createAirtopStore();
  await Promise.race([
    (async () => {
      const alerts = await openReadOnlyAlerts({ ...context, config: instance.config }, label);
      const cycle = createPollCycle({
        source: instance.source,
        store,
        config: instance.config,
        alerts,
        clock: context.clock,
        ...(label !== undefined ? { instance: label } : {}),
      });
      await cycle();
    })(),
    expired,
  ]);
  return store;
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

/** One instance's outcome of a fleet `--once`. */
export type InstanceOutcome =
  { name: string; url: string; ok: true; report: Report } | { name: string; url: string; ok: false; error: string };

/** Worst first when sorted by it descending: ok(0) < warning(1) < unknown(3) < critical(2). */
const SEVERITY_OF_CODE: Record<number, number> = { 0: 0, 1: 1, 3: 2, 2: 3 };

export function outcomeCode(outcome: InstanceOutcome): number {
  return outcome.ok ? exitCodeFor(outcome.report) : EXIT_UNKNOWN;
}

/** The fleet's exit code and the instance that gives it: the worst, by ok < warning < unknown < critical. */
export function worstOf(outcomes: readonly InstanceOutcome[]): { code: number; worst: string | null } {
  let code = 0;
  let worst: string | null = null;
  for (const outcome of outcomes) {
    const c = outcomeCode(outcome);
    if (worst === null || SEVERITY_OF_CODE[c]! > SEVERITY_OF_CODE[code]!) {
      code = c;
      worst = outcome.name;
    }
  }
  return { code, worst };
}

const OVERALL_OF_CODE: Record<number, string> = { 0: 'healthy', 1: 'warning', 2: 'critical', 3: 'unknown' };

/** The `--once --json` document of a fleet (README "Fleet"). */
export function fleetOnceJson(
  outcomes: readonly InstanceOutcome[],
  now: Date,
  actions: unknown[],
): Record<string, unknown> {
  const instances: Record<string, unknown> = {};
  const summaries: Record<string, unknown> = {};
  for (const outcome of outcomes) {
    const exit_code = outcomeCode(outcome);
    if (outcome.ok) {
      const { report } = outcome;
      instances[outcome.name] = { ...report, actions };
      summaries[outcome.name] = {
        url: outcome.url,
        overall: report.summary.overall,
        exit_code,
        health_score: report.summary.health_score,
        stale: report.airflow.stale,
        firing: report.alerts.filter((a) => a.state === 'firing').length,
      };
    } else {
      instances[outcome.name] = {
        error: outcome.error,
        summary: { health_score: null, alerts: [outcome.error], overall: 'unknown' },
      };
      summaries[outcome.name] = { url: outcome.url, overall: 'unknown', exit_code, error: outcome.error };
    }
  }
  const { code, worst } = worstOf(outcomes);
  const worstOutcome = outcomes.find((o) => o.name === worst);
  const overall = worstOutcome?.ok ? worstOutcome.report.summary.overall : (OVERALL_OF_CODE[code] ?? 'unknown');
  return {
    timestamp: now.toISOString(),
    instances,
    summary: { overall, exit_code: code, worst, instances: summaries },
  };
}

/** Plain `--once` in a fleet: one summary line per instance, prefixed with its name. */
export function fleetSummaryLines(outcomes: readonly InstanceOutcome[]): string[] {
  return outcomes.map((o) =>
    o.ok ? `${o.name}: ${summaryLine(o.report)}` : `${o.name}: airtop: UNKNOWN - ${o.error}`,
  );
}

const safe = (text: string) => redactSecrets(sanitizeText(text, { multiline: false, max: 2000 }));

async function pollInstance(
  context: ModeContext,
  instance: InstanceContext,
  expired: Promise<never>,
): Promise<InstanceOutcome> {
  const url = instance.source.url;
  if (instance.problem) return { name: instance.name, url, ok: false, error: safe(instance.problem) };
  let store: AirtopStore;
  try {
    store = await pollOnce(context, instance, instance.name, expired);
  } catch (error) {
    return { name: instance.name, url, ok: false, error: safe(error instanceof Error ? error.message : String(error)) };
  }
  const report = store.getState().report;
  if (!report) return { name: instance.name, url, ok: false, error: 'no report' };
  return { name: instance.name, url, ok: true, report };
}

async function runOnceFleet(context: ModeContext): Promise<number> {
  const deadline = startDeadline(
    context.config.once_deadline,
    `did not answer within --once's deadline (${context.config.once_deadline} s); check it, or raise --deadline / once_deadline`,
  );
  const { expired } = deadline;
  // Every instance fails on its own when the deadline passes; nobody waits for this one.
  expired.catch(() => undefined);
  let outcomes: InstanceOutcome[];
  try {
    outcomes = await Promise.all(context.instances.map((instance) => pollInstance(context, instance, expired)));
  } finally {
    deadline.cancel();
  }
  for (const o of outcomes) if (!o.ok) process.stderr.write(`airtop: ${o.name}: ${o.error}\n`);
  if (context.flags.json) {
    const actions = await readRecentAudit(context.stateDir, 20);
    process.stdout.write(`${JSON.stringify(fleetOnceJson(outcomes, context.clock(), actions), null, 2)}\n`);
  } else process.stdout.write(`${fleetSummaryLines(outcomes).join('\n')}\n`);
  return worstOf(outcomes).code;
}
