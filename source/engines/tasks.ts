// collect_task_metrics: per "dag_id.task_id", the task instances that started in the last hour.
import type { Snapshot } from '../airflow/types.js';
import type { TaskMetrics } from '../report/types.js';
import { finiteOr } from '../numbers.js';

export function taskMetrics(window: Snapshot['window']): Record<string, TaskMetrics> {
  const result: Record<string, TaskMetrics> = {};
  for (const [key, t] of Object.entries(window.tasks)) {
    result[key] = {
      total: finiteOr(t.total),
      success: finiteOr(t.success),
      failed: finiteOr(t.failed),
      retries: finiteOr(t.retries),
      avg_duration: finiteOr(t.avgDurationSeconds),
      max_duration: finiteOr(t.maxDurationSeconds),
    };
  }
  return result;
}
