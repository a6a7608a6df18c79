// collect_pipeline_metrics: per selected DAG, its runs over the last hour, plus the baseline mean that the
// duration threshold compares against.
import { own, setOwn } from '../own.js';
import type { Snapshot } from '../airflow/types.js';
import type { PipelineDagMetrics } from '../report/types.js';
import { clamp, finiteOr, mean } from '../numbers.js';

/** The DAGs to report: the selected ones (in Airflow's order), then any with window stats but no DAG record. */
export function selectedDagIds(snapshot: Pick<Snapshot, 'dags' | 'window'>): string[] {
  const ids = snapshot.dags.map((d) => d.dagId);
  const known = new Set(ids);
  for (const id of Object.keys(snapshot.window.dags)) if (!known.has(id)) ids.push(id);
  return ids;
}

/** Finite, non-negative samples only: a faulty source must not turn a mean into NaN. */
export function cleanSamples(samples: readonly number[] | undefined): number[] {
  return (Array.isArray(samples) ? samples : []).filter((s) => Number.isFinite(s) && s >= 0);
}

export function pipelineMetrics(
  snapshot: Pick<Snapshot, 'dags' | 'window' | 'baseline'>,
): Record<string, PipelineDagMetrics> {
  const result: Record<string, PipelineDagMetrics> = {};
  for (const dagId of selectedDagIds(snapshot)) {
    const w = own(snapshot.window.dags, dagId);
    const runs = finiteOr(w?.runs);
    const success = finiteOr(w?.success);
    const failed = finiteOr(w?.failed);
    const finished = success + failed;
    const baseline = cleanSamples(own(snapshot.baseline.dags, dagId));
    setOwn(result, dagId, {
      runs_last_hour: runs,
      success_count: success,
      failed_count: failed,
      running_count: finiteOr(w?.running),
      // Over finished runs only. The reference divides by every run of the hour, so a DAG whose one run
      // is still going reads 0% and pages someone; a run that has not finished has not failed.
      // No finished run in the hour is not a failure either (the reference's 1.0).
      // Clamped because a rate outside [0, 1] can only come from inconsistent counts.
      success_rate: finished > 0 ? clamp(success / finished, 0, 1) : 1.0,
      avg_duration_seconds: finiteOr(w?.avgSuccessDurationSeconds),
      p95_duration_seconds: finiteOr(w?.p95SuccessDurationSeconds),
      baseline_avg_duration_seconds: baseline.length > 0 ? mean(baseline) : null,
    });
  }
  return result;
}
