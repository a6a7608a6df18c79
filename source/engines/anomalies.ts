// Unusually slow runs and tasks, against a robust baseline (median and MAD of the last week's successful
// durations), so that one pathological run in the baseline does not hide the next.
import { own } from '../own.js';
import type { Snapshot, TaskInstance } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { Anomaly } from '../report/types.js';
import { median, medianAbsoluteDeviation, safeRatio } from '../numbers.js';
import { cleanSamples } from './pipeline.js';
import { isTaskFinished } from './sla.js';
import { formatTimedelta, parseTime } from './time.js';

type AnomalyConfig = Config['anomalies'];

/** 1.4826 × MAD estimates the standard deviation of normally distributed samples. */
const MAD_TO_SIGMA = 1.4826;

export interface Baseline {
  median: number;
  mad: number;
  samples: number;
  /** A duration above this is unusual. */
  bound: number;
}

/**
 * median + mad_factor × 1.4826 × MAD, and at least min_ratio × median; null below min_samples.
 * MAD is 0 when most samples are identical (a task that always takes 10 s); the bound would then sit on the
 * median and flag a run of 10.1 s. The floor — 5% of the median, at least 1 s — keeps the bound above noise.
 */
export function robustBaseline(samples: readonly number[] | undefined, config: AnomalyConfig): Baseline | null {
  const clean = cleanSamples(samples);
  if (clean.length < config.min_samples) return null;
  const m = median(clean);
  const mad = medianAbsoluteDeviation(clean);
  const spread = Math.max(mad, 0.05 * m, 1);
  const bound = Math.max(m + config.mad_factor * MAD_TO_SIGMA * spread, config.min_ratio * m);
  return { median: m, mad, samples: clean.length, bound };
}

function anomaly(
  type: Anomaly['type'],
  ids: { dag_id: string; task_id: string | null; run_id: string },
  duration: number,
  baseline: Baseline,
): Anomaly {
  const ratio = safeRatio(duration, baseline.median);
  const what =
    ids.task_id === null ? `${ids.dag_id} run ${ids.run_id}` : `${ids.dag_id}.${ids.task_id} in ${ids.run_id}`;
  const verb = type === 'running_long' ? 'has been running' : 'took';
  return {
    type,
    ...ids,
    duration_seconds: duration,
    baseline_median_seconds: baseline.median,
    baseline_mad_seconds: baseline.mad,
    samples: baseline.samples,
    ratio,
    message: `${what} ${verb} ${formatTimedelta(Math.round(duration))}, usually ${formatTimedelta(Math.round(baseline.median))}`,
  };
}

/** A task's duration: Airflow's own figure when it has one, else end − start. */
function taskDuration(ti: TaskInstance, now: number): number | null {
  const start = parseTime(ti.startDate);
  if (!isTaskFinished(ti.state)) return ti.state === 'running' && start !== null ? (now - start) / 1000 : null;
  if (ti.durationSeconds !== null && Number.isFinite(ti.durationSeconds)) return ti.durationSeconds;
  const end = parseTime(ti.endDate);
  return start !== null && end !== null ? (end - start) / 1000 : null;
}

export function detectAnomalies(
  snapshot: Pick<Snapshot, 'runs' | 'taskInstances' | 'baseline'>,
  config: Pick<Config, 'anomalies'>,
  now: Date,
): Anomaly[] {
  const nowMs = now.getTime();
  const found: Anomaly[] = [];
  const dagBaselines = new Map<string, Baseline | null>();
  const dagBaseline = (dagId: string) => {
    if (!dagBaselines.has(dagId))
      dagBaselines.set(dagId, robustBaseline(own(snapshot.baseline.dags, dagId), config.anomalies));
    return dagBaselines.get(dagId) ?? null;
  };

  for (const run of snapshot.runs) {
    const baseline = dagBaseline(run.dagId);
    const start = parseTime(run.startDate);
    if (!baseline || start === null) continue;
    const ids = { dag_id: run.dagId, task_id: null, run_id: run.runId };
    if (run.state === 'running') {
      const elapsed = (nowMs - start) / 1000;
      if (elapsed > baseline.bound) found.push(anomaly('running_long', ids, elapsed, baseline));
    } else if (run.state !== 'queued') {
      const end = parseTime(run.endDate);
      const duration = end === null ? null : (end - start) / 1000;
      if (duration !== null && duration > baseline.bound) found.push(anomaly('slow_run', ids, duration, baseline));
    }
  }

  // Mapped instances of one task in one run count once, by the slowest, so each task has one finding.
  const slowest = new Map<string, { ti: TaskInstance; duration: number; running: boolean }>();
  for (const ti of snapshot.taskInstances) {
    const duration = taskDuration(ti, nowMs);
    if (duration === null || !Number.isFinite(duration)) continue;
    const key = `${ti.dagId}\u0000${ti.runId}\u0000${ti.taskId}`;
    const running = ti.state === 'running';
    const seen = slowest.get(key);
    if (!seen || duration > seen.duration) slowest.set(key, { ti, duration, running });
  }
  const taskBaselines = new Map<string, Baseline | null>();
  for (const { ti, duration, running } of slowest.values()) {
    const key = `${ti.dagId}.${ti.taskId}`;
    if (!taskBaselines.has(key))
      taskBaselines.set(key, robustBaseline(own(snapshot.baseline.tasks, key), config.anomalies));
    const baseline = taskBaselines.get(key);
    if (!baseline || !(duration > baseline.bound)) continue;
    const ids = { dag_id: ti.dagId, task_id: ti.taskId, run_id: ti.runId };
    found.push(anomaly(running ? 'running_long' : 'slow_task', ids, duration, baseline));
  }

  return found.sort(
    (a, b) => b.ratio - a.ratio || a.dag_id.localeCompare(b.dag_id) || a.run_id.localeCompare(b.run_id),
  );
}
