import type { AirflowSource, Snapshot } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import { deriveReport } from '../engines/index.js';
import { screenSnapshot } from '../airflow/screen.js';
import type { AlertCandidate, AlertView, Report } from '../report/types.js';
import type { AirtopStore } from '../state/store.js';

/** What the alert lifecycle does with a poll's findings; the notifier implements it, `--once` uses a read-only one. */
export interface AlertStage {
  afterPoll(report: Report, candidates: AlertCandidate[], now: Date, snapshot?: Snapshot | null): Promise<AlertView[]>;
  /**
   * Optional (fleet mode): the alerts of a failed poll when there is no report yet (an instance never reached
   * since start), so that it is still one airflow_unreachable alert.
   */
  afterFailure?(candidates: AlertCandidate[], now: Date): Promise<AlertView[]>;
}

export interface PollCycleOptions {
  source: AirflowSource;
  store: AirtopStore;
  config: Config;
  alerts: AlertStage;
  clock: () => Date;
  onReport?: (report: Report, snapshot: Snapshot) => void | Promise<void>;
  /** Fleet mode: every candidate carries `instance: NAME` (its fingerprint differs per instance). */
  instance?: string;
}

/** The candidates with the `instance` label, in fleet mode; as they are otherwise. */
export function labelInstance(candidates: AlertCandidate[], instance: string | undefined): AlertCandidate[] {
  if (instance === undefined) return candidates;
  return candidates.map((c) => ({ ...c, labels: { ...c.labels, instance } }));
}

/**
 * One tick of the data flow: source → snapshot → engines → alert lifecycle → one store update.
 * A failed read keeps the last good snapshot and re-derives its report marked stale, then rethrows
 * so the poller can back off.
 */
export function createPollCycle(options: PollCycleOptions): () => Promise<void> {
  const { source, store, config, alerts, clock, instance } = options;
  /** The last good poll's findings: while Airflow is unreachable they still stand, with that on top. */
  let lastCandidates: AlertCandidate[] = [];
  return async () => {
    const started = clock();
    store.getState().pollStarted(started);
    let snapshot: Snapshot;
    try {
      // Impossible records (end before start, negative slots) raise an issue and feed no figure.
      snapshot = screenSnapshot(await source.snapshot(started));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const state = store.getState();
      const report = state.snapshot
        ? deriveReport({
            snapshot: state.snapshot,
            config,
            now: clock(),
            stale: { stale: true, reason: message, lastSuccess: state.poll.lastSuccessAt },
          }).report
        : undefined;
      if (report) {
        report.alerts = state.report?.alerts ?? [];
        // Airflow unreachable is an alert of its own; its default inhibit rule mutes every other one.
        try {
          report.alerts = await alerts.afterPoll(
            report,
            [...lastCandidates, ...labelInstance([unreachableCandidate(message)], instance)],
            clock(),
          );
          state.setAlerts(report.alerts);
        } catch {
          // The poll's own error is the one to report.
        }
      } else if (instance !== undefined && alerts.afterFailure) {
        try {
          await alerts.afterFailure(labelInstance([unreachableCandidate(message)], instance), clock());
        } catch {
          // The poll's own error is the one to report.
        }
      }
      state.pollFailed({ error: message, at: clock(), ...(report ? { report } : {}) });
      throw error;
    }
    const now = clock();
    const { report, candidates, point } = deriveReport({
      snapshot,
      config,
      now,
      stale: { stale: false, reason: null, lastSuccess: now.toISOString() },
    });
    lastCandidates = labelInstance(candidates, instance);
    report.alerts = await alerts.afterPoll(report, lastCandidates, now, snapshot);
    store.getState().pollSucceeded({ snapshot, report, point, at: now });
    await options.onReport?.(report, snapshot);
  };
}

export function unreachableCandidate(message: string): AlertCandidate {
  return {
    labels: { alertname: 'airflow_unreachable', severity: 'critical' },
    annotations: { summary: 'Airflow is unreachable; showing the last good data', description: message.slice(0, 500) },
    severity: 'critical',
  };
}
