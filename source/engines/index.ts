// The engines' entry point: one Snapshot in, the report, the alert candidates and a history point out.
// Pure: no clock, no I/O; `now` and the staleness verdict come from the caller.
import { own } from '../own.js';
import type { Snapshot } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { AlertCandidate, Report } from '../report/types.js';
import type { HistoryPoint } from '../report/history.js';
import { detectAnomalies } from './anomalies.js';
import { alertCandidates } from './candidates.js';
import { costMetrics } from './costs.js';
import { metricAlerts, summarize } from './health.js';
import { cleanSamples, pipelineMetrics } from './pipeline.js';
import { poolMetrics } from './pools.js';
import { processingMetrics } from './processing.js';
import { qualityReport } from './quality.js';
import { referenceSummary } from './reference-summary.js';
import { slaMisses } from './sla.js';
import { taskMetrics } from './tasks.js';
import { checkThresholds } from './thresholds.js';

export interface EngineInput {
  snapshot: Snapshot;
  config: Config;
  now: Date;
  stale: { stale: boolean; reason: string | null; lastSuccess: string | null };
}

export function deriveReport(input: EngineInput): {
  report: Report;
  candidates: AlertCandidate[];
  point: HistoryPoint;
} {
  const { snapshot, config, now, stale } = input;
  const timestamp = now.toISOString();

  const dags = pipelineMetrics(snapshot);
  const tasks = taskMetrics(snapshot.window);
  const pools = poolMetrics(snapshot.pools);
  const baselineSamples = Object.fromEntries(
    Object.keys(dags).map((id) => [id, cleanSamples(own(snapshot.baseline.dags, id)).length]),
  );
  const thresholds = checkThresholds({ dags, tasks, pools, baselineSamples }, config, now);

  const variables = snapshot.variables;
  const processing = processingMetrics(variables[config.variables.processing_metrics], config, now);
  const costs = costMetrics(variables[config.variables.cost_metrics], config, now);
  const quality = qualityReport(variables, config, now);
  const misses = slaMisses(snapshot.runs, snapshot.taskInstances, config.sla, now);
  const anomalies = detectAnomalies(snapshot, config, now);
  const summary = {
    ...summarize({ processing, costs, quality, thresholds, slaMisses: misses }, config),
    reference: referenceSummary(processing, costs, quality, config),
  };

  const report: Report = {
    timestamp,
    airflow: {
      url: snapshot.airflow.url,
      version: snapshot.airflow.version,
      api: snapshot.airflow.api,
      health: snapshot.health,
      stale: stale.stale,
      stale_reason: stale.reason,
      last_success: stale.lastSuccess,
    },
    pipeline: { timestamp, dags },
    tasks: { timestamp, task_stats: tasks },
    resources: { timestamp, pools },
    processing,
    costs,
    quality,
    sla: { misses },
    anomalies,
    thresholds,
    summary,
    // Filled by the alert lifecycle (source/alerts) from the candidates below.
    alerts: [],
    issues: snapshot.issues,
  };

  const candidates = alertCandidates({
    thresholds,
    slaMisses: misses,
    anomalies,
    metricAlerts: metricAlerts(processing, costs, quality.extraction_confidence, config),
    quality,
    health: snapshot.health,
  });

  const point: HistoryPoint = {
    at: timestamp,
    healthScore: summary.health_score,
    totalCostUsd: costs.costs.total_cost_usd,
    costPerDocumentUsd: costs.costs.cost_per_document_usd,
    qualityScore: quality.overall_score,
    dagDurations: Object.fromEntries(Object.entries(dags).map(([id, m]) => [id, m.avg_duration_seconds])),
  };

  return { report, candidates, point };
}

/** Monitoring-plugin convention: 0 healthy, 1 warning, 2 critical (3, unknown, is the CLI's to give). */
export function exitCodeFor(report: Report): 0 | 1 | 2 {
  switch (report.summary.overall) {
    case 'critical':
      return 2;
    case 'warning':
      return 1;
    default:
      return 0;
  }
}

export { escalationLevel } from './sla.js';
export { formatTimedelta } from './time.js';
export { parseVariable } from './variables.js';
