// The `--once --json` report (shared/DESIGN.md). Key names are the reference's, snake_case, so that the
// consumers of its Variables and payloads keep working. Numbers are numbers; rates in [0, 1]; scores in
// [0, 100]; durations in seconds.
import type { Health, SourceIssue } from '../airflow/types.js';

export type Overall = 'healthy' | 'warning' | 'critical';
export type Severity = 'critical' | 'warning' | 'info';

export interface PipelineDagMetrics {
  runs_last_hour: number;
  success_count: number;
  failed_count: number;
  running_count: number;
  success_rate: number;
  avg_duration_seconds: number;
  p95_duration_seconds: number;
  /** Mean of successful run durations over the baseline window; null with no sample. */
  baseline_avg_duration_seconds: number | null;
}

export interface TaskMetrics {
  total: number;
  success: number;
  failed: number;
  retries: number;
  avg_duration: number;
  max_duration: number;
}

export interface PoolMetrics {
  total_slots: number;
  open_slots: number;
  used_slots: number;
  queued_slots: number;
  utilization: number;
}

/** One entry of check_thresholds' violations / warnings, plus the duration check the reference declared but never ran. */
export interface ThresholdFinding {
  type:
    | 'success_rate_critical'
    | 'success_rate_warning'
    | 'pool_utilization_critical'
    | 'pool_utilization_warning'
    | 'high_retry_rate'
    | 'avg_duration_increase';
  severity: 'critical' | 'warning';
  value: number;
  threshold: number;
  dag_id?: string;
  pool?: string;
  task?: string;
}

export interface ThresholdReport {
  timestamp: string;
  violations: ThresholdFinding[];
  warnings: ThresholdFinding[];
  healthy: boolean;
}

export interface ProcessingReport {
  timestamp: string;
  hour_key: string;
  /** The reference's hour bucket as read (documents_processed, total_processing_time_ms, by_type, errors). */
  metrics: {
    documents_processed: number;
    total_processing_time_ms: number;
    by_type: Record<string, unknown>;
    errors: Record<string, number>;
  };
  documents_per_hour: number;
  avg_processing_time_ms: number;
  /** Per document type, for by_type entries shaped {documents_processed | count, total_processing_time_ms}. */
  avg_processing_time_ms_by_type?: Record<string, number>;
  /** What was wrong with the Variable, if anything; the rest of the report still stands. */
  problems: string[];
}

export interface CostReport {
  timestamp: string;
  day_key: string;
  costs: {
    embedding_cost_usd: number;
    llm_input_cost_usd: number;
    llm_output_cost_usd: number;
    total_cost_usd: number;
    cost_per_document_usd: number;
    documents_processed: number;
  };
  tokens: { embedding: number; llm_input: number; llm_output: number };
  budget: { daily_budget_usd: number; used_ratio: number; exceeded: boolean };
  /** Total cost per day, oldest first, from the same Variable (for the daily chart). */
  by_day: { day: string; total_cost_usd: number }[];
  problems: string[];
}

export interface QualityComponent {
  status?: 'no_data';
  quality_score?: number;
  samples_analyzed?: number;
  [key: string]: unknown;
}

export interface QualityReport {
  timestamp: string;
  overall_score: number;
  status: 'healthy' | 'degraded' | 'critical' | 'no_data';
  components: { embedding: QualityComponent; extraction: QualityComponent; llm: QualityComponent };
  /** The metrics collector's extraction confidence (capstone_quality_metrics), used by the health score. */
  extraction_confidence: { avg_confidence: number; low_confidence_count: number; samples: number } | null;
  /** The metrics collector's embedding_quality (capstone_quality_metrics' embedding_similarity_scores); null with no samples. */
  embedding_similarity: { avg_similarity: number; min_similarity: number; samples: number } | null;
  issues: string[];
  recommendations: string[];
  problems: string[];
}

export interface SlaMiss {
  type: 'sla_miss';
  /** 'dag' when the whole run's default SLA is missed. */
  scope: 'task' | 'dag';
  severity: 'warning' | 'high' | 'critical';
  escalation_level: 1 | 2 | 3;
  channels: string[];
  dag_id: string;
  task_id: string | null;
  run_id: string;
  execution_date: string;
  expected_end: string;
  lateness_seconds: number;
  lateness_human: string;
  blocking_tasks: string;
  /** true while the task or run has not finished. */
  ongoing: boolean;
  timestamp: string;
  message: string;
}

export interface Anomaly {
  type: 'slow_run' | 'slow_task' | 'running_long';
  dag_id: string;
  task_id: string | null;
  run_id: string;
  duration_seconds: number;
  baseline_median_seconds: number;
  baseline_mad_seconds: number;
  samples: number;
  ratio: number;
  message: string;
}

export interface AlertView {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: Severity;
  state: 'firing' | 'acknowledged' | 'silenced' | 'resolved';
  since: string;
  escalation_level: number | null;
  ack: { by: string; at: string; note: string } | null;
  /** Where its notifications go, by the routes it matched (empty: no person; TUI, /metrics and the latest-state sinks only). */
  receivers?: string[];
  /** The fingerprint of the firing alert that mutes it, or null. */
  inhibited_by?: string | null;
  /** The key of the group it is shown in (its first matching route's group). */
  group_key?: string;
  group_labels?: Record<string, string>;
}

/** Alerts with equal group_by labels on one route: one row in the alerts pane, one notification. */
export interface AlertGroupView {
  key: string;
  labels: Record<string, string>;
  /** firing if any member fires unmuted; else the state most of them are kept in (inhibited, silenced, acknowledged, resolved). */
  state: 'firing' | 'inhibited' | 'acknowledged' | 'silenced' | 'resolved';
  /** The worst of its members'. */
  severity: Severity;
  alerts: string[];
  receivers: string[];
}

export interface ReferenceSummary {
  health_score: number;
  alerts: string[];
  overall: Overall;
}

export interface Report {
  timestamp: string;
  airflow: {
    url: string;
    version: string | null;
    api: 'v2' | 'v1' | 'sql';
    health: Health | null;
    stale: boolean;
    stale_reason: string | null;
    last_success: string | null;
  };
  pipeline: { timestamp: string; dags: Record<string, PipelineDagMetrics> };
  tasks: { timestamp: string; task_stats: Record<string, TaskMetrics> };
  resources: { timestamp: string; pools: Record<string, PoolMetrics> };
  processing: ProcessingReport;
  costs: CostReport;
  quality: QualityReport;
  sla: { misses: SlaMiss[] };
  anomalies: Anomaly[];
  thresholds: ThresholdReport;
  /**
   * airtop's verdict. `reference` is the reference's own (its health score and metric alerts as
   * aggregate_and_store computes them, and _determine_overall_status over those), which the payloads written
   * under the reference's names carry.
   */
  summary: { health_score: number; alerts: string[]; overall: Overall; reference: ReferenceSummary };
  alerts: AlertView[];
  /** The alerts grouped as they are notified (set by the alert stage). */
  alert_groups?: AlertGroupView[];
  issues: SourceIssue[];
}

/** What the engines say should be alerting now; the alert lifecycle (source/alerts) turns these into AlertViews. */
export interface AlertCandidate {
  /** Identity. Always has alertname and severity; plus dag_id, task_id, pool, run_id where they apply. */
  labels: Record<string, string>;
  annotations: { summary: string; description?: string };
  severity: Severity;
  /** SLA misses only: the escalation level, which may rise while the alert fires. */
  escalation_level?: 1 | 2 | 3;
  channels?: string[];
}
