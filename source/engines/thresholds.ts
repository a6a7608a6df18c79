// check_thresholds, plus the duration check the reference declares (avg_duration_increase_pct) but never runs.
import type { Config } from '../config/schema.js';
import type {
  PipelineDagMetrics,
  PoolMetrics,
  TaskMetrics,
  ThresholdFinding,
  ThresholdReport,
} from '../report/types.js';
import { safeRatio } from '../numbers.js';

export interface ThresholdInput {
  dags: Record<string, PipelineDagMetrics>;
  tasks: Record<string, TaskMetrics>;
  pools: Record<string, PoolMetrics>;
  /** How many baseline durations each DAG has: the duration check needs anomalies.min_samples of them. */
  baselineSamples: Record<string, number>;
}

export function checkThresholds(
  input: ThresholdInput,
  config: Pick<Config, 'thresholds' | 'anomalies'>,
  now: Date,
): ThresholdReport {
  const t = config.thresholds;
  const violations: ThresholdFinding[] = [];
  const warnings: ThresholdFinding[] = [];

  for (const [dag_id, m] of Object.entries(input.dags)) {
    const value = m.success_rate;
    if (value < t.success_rate_critical) {
      violations.push({
        type: 'success_rate_critical',
        dag_id,
        value,
        threshold: t.success_rate_critical,
        severity: 'critical',
      });
    } else if (value < t.success_rate_warning) {
      warnings.push({
        type: 'success_rate_warning',
        dag_id,
        value,
        threshold: t.success_rate_warning,
        severity: 'warning',
      });
    }
  }

  for (const [pool, m] of Object.entries(input.pools)) {
    const value = m.utilization;
    if (value > t.pool_utilization_critical) {
      violations.push({
        type: 'pool_utilization_critical',
        pool,
        value,
        threshold: t.pool_utilization_critical,
        severity: 'critical',
      });
    } else if (value > t.pool_utilization_warning) {
      warnings.push({
        type: 'pool_utilization_warning',
        pool,
        value,
        threshold: t.pool_utilization_warning,
        severity: 'warning',
      });
    }
  }

  for (const [task, m] of Object.entries(input.tasks)) {
    if (m.total > 0) {
      const value = safeRatio(m.retries, m.total);
      if (value > t.retry_rate_warning) {
        warnings.push({ type: 'high_retry_rate', task, value, threshold: t.retry_rate_warning, severity: 'warning' });
      }
    }
  }

  for (const [dag_id, m] of Object.entries(input.dags)) {
    const finding = durationIncrease(dag_id, m, input.baselineSamples[dag_id] ?? 0, config);
    if (finding) warnings.push(finding);
  }

  return { timestamp: now.toISOString(), violations, warnings, healthy: violations.length === 0 };
}

/**
 * The last hour's mean successful-run duration against the baseline mean raised by avg_duration_increase_pct.
 * Only when both exist: an hour without successful runs reports 0 (reference semantics), which is "no data",
 * and a baseline of fewer than anomalies.min_samples runs is too thin to call anything an increase.
 */
function durationIncrease(
  dag_id: string,
  m: PipelineDagMetrics,
  samples: number,
  config: Pick<Config, 'thresholds' | 'anomalies'>,
): ThresholdFinding | null {
  const baseline = m.baseline_avg_duration_seconds;
  if (baseline === null || samples < config.anomalies.min_samples) return null;
  if (m.success_count <= 0 || m.avg_duration_seconds <= 0) return null;
  const threshold = baseline * (1 + config.thresholds.avg_duration_increase_pct / 100);
  if (!(m.avg_duration_seconds > threshold)) return null;
  return { type: 'avg_duration_increase', dag_id, value: m.avg_duration_seconds, threshold, severity: 'warning' };
}
