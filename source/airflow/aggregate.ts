import { own, setOwn } from '../own.js';
import { mean, percentileLinear } from '../numbers.js';
import type { DagRun, DagWindowStats, TaskInstance, TaskWindowStats } from './types.js';

// The reference's collect_pipeline_metrics and collect_task_metrics, as pure functions over records
// already fetched, so REST, SQL and demo sources produce the same numbers.

function seconds(startIso: string | null, endIso: string | null): number | null {
  if (startIso === null || endIso === null) return null;
  const span = (Date.parse(endIso) - Date.parse(startIso)) / 1000;
  // An end before the start is impossible (airflow/screen.ts raises the issue): it gives no duration.
  return Number.isFinite(span) && span >= 0 ? span : null;
}

function emptyDagStats(dagId: string): DagWindowStats {
  return {
    dagId,
    runs: 0,
    success: 0,
    failed: 0,
    running: 0,
    queued: 0,
    avgSuccessDurationSeconds: 0,
    p95SuccessDurationSeconds: 0,
  };
}

export function aggregateDagWindow(runs: DagRun[], sinceIso: string, dagIds: string[]): Record<string, DagWindowStats> {
  const since = Date.parse(sinceIso);
  const stats: Record<string, DagWindowStats> = {};
  const durations: Record<string, number[]> = {};
  for (const dagId of dagIds) {
    setOwn(stats, dagId, emptyDagStats(dagId));
    setOwn(durations, dagId, []);
  }
  for (const run of runs) {
    const entry = own(stats, run.dagId);
    if (entry === undefined || Date.parse(run.runAfter) < since) continue;
    entry.runs += 1;
    if (run.state === 'success') {
      entry.success += 1;
      const duration = seconds(run.startDate, run.endDate);
      if (duration !== null) own(durations, run.dagId)!.push(duration);
    } else if (run.state === 'failed') entry.failed += 1;
    else if (run.state === 'running') entry.running += 1;
    else if (run.state === 'queued') entry.queued += 1;
  }
  for (const dagId of dagIds) {
    const values = own(durations, dagId)!;
    own(stats, dagId)!.avgSuccessDurationSeconds = mean(values);
    own(stats, dagId)!.p95SuccessDurationSeconds = percentileLinear(values, 95);
  }
  return stats;
}

export function aggregateTaskWindow(
  tis: TaskInstance[],
  sinceIso: string,
  dagIds: string[],
): Record<string, TaskWindowStats> {
  const since = Date.parse(sinceIso);
  const selected = new Set(dagIds);
  const stats: Record<string, TaskWindowStats> = {};
  const durations: Record<string, number[]> = {};
  for (const ti of tis) {
    if (!selected.has(ti.dagId) || ti.startDate === null || Date.parse(ti.startDate) < since) continue;
    const key = `${ti.dagId}.${ti.taskId}`;
    const entry = (stats[key] ??= {
      dagId: ti.dagId,
      taskId: ti.taskId,
      total: 0,
      success: 0,
      failed: 0,
      retries: 0,
      avgDurationSeconds: 0,
      maxDurationSeconds: 0,
    });
    const values = (durations[key] ??= []);
    entry.total += 1;
    if (ti.state === 'success') {
      entry.success += 1;
      const duration = seconds(ti.startDate, ti.endDate);
      if (duration !== null) values.push(duration);
    } else if (ti.state === 'failed') entry.failed += 1;
    if (ti.tryNumber > 1) entry.retries += ti.tryNumber - 1;
  }
  for (const [key, entry] of Object.entries(stats)) {
    const values = durations[key]!;
    entry.avgDurationSeconds = mean(values);
    entry.maxDurationSeconds = values.length === 0 ? 0 : Math.max(...values);
  }
  return stats;
}

/**
 * The window aggregates of a snapshot: runs whose run_after >= since (the reference's execution_date
 * window) and task instances whose start_date >= since, for the selected DAGs. Every selected DAG gets an
 * entry even with no runs, so a DAG that stopped running is visible rather than absent.
 */
export function aggregateWindow(
  runs: DagRun[],
  tis: TaskInstance[],
  sinceIso: string,
  dagIds: string[],
): { dags: Record<string, DagWindowStats>; tasks: Record<string, TaskWindowStats> } {
  return { dags: aggregateDagWindow(runs, sinceIso, dagIds), tasks: aggregateTaskWindow(tis, sinceIso, dagIds) };
}
