import type { DagRun } from '../airflow/types.js';
import type { Report } from '../report/types.js';

// The reference DAGs' payloads, built from airtop's report, so consumers of capstone_latest_metrics,
// capstone_quality_report and the dashboard API see the shapes they already parse. Pure functions.

type Summary = { health_score: number; alerts: string[] };
/** airtop's verdict (report.summary): its health score, every alert line including threshold findings, overall. */
export type AirtopSummary = { health_score: number; alerts: string[]; overall: Report['summary']['overall'] };

export interface LatestMetrics {
  timestamp: string;
  processing: { timestamp: string; hour_key: string; metrics: Report['processing']['metrics'] };
  costs: { timestamp: string; day_key: string; costs: Report['costs']['costs']; tokens: Report['costs']['tokens'] };
  quality: {
    timestamp: string;
    embedding_quality: { avg_similarity: number; min_similarity: number; samples: number };
    extraction_quality: { avg_confidence: number; low_confidence_count: number; samples: number };
  };
  /** The reference's own summary, so _determine_overall_status on this Variable gives the reference's answer. */
  summary: Summary;
  /** Added by airtop: its wider verdict (threshold findings and SLA misses count too). */
  airtop_summary: AirtopSummary;
}

const airtopSummary = (report: Report): AirtopSummary => ({
  health_score: report.summary.health_score,
  alerts: [...report.summary.alerts],
  overall: report.summary.overall,
});

/** aggregate_and_store's dict (capstone_metrics_collector), plus airtop_summary. */
export function latestMetrics(report: Report): LatestMetrics {
  const confidence = report.quality.extraction_confidence;
  const similarity = report.quality.embedding_similarity;
  const reference = report.summary.reference;
  return {
    timestamp: report.timestamp,
    processing: {
      timestamp: report.processing.timestamp,
      hour_key: report.processing.hour_key,
      metrics: report.processing.metrics,
    },
    costs: {
      timestamp: report.costs.timestamp,
      day_key: report.costs.day_key,
      costs: report.costs.costs,
      tokens: report.costs.tokens,
    },
    // collect_quality_metrics' dict, in its key order; with no scores the reference reports zeros, so does this.
    quality: {
      timestamp: report.quality.timestamp,
      embedding_quality: similarity
        ? {
            avg_similarity: similarity.avg_similarity,
            min_similarity: similarity.min_similarity,
            samples: similarity.samples,
          }
        : { avg_similarity: 0, min_similarity: 0, samples: 0 },
      extraction_quality: confidence
        ? {
            avg_confidence: confidence.avg_confidence,
            low_confidence_count: confidence.low_confidence_count,
            samples: confidence.samples,
          }
        : { avg_confidence: 0, low_confidence_count: 0, samples: 0 },
    },
    summary: { health_score: reference.health_score, alerts: [...reference.alerts] },
    airtop_summary: airtopSummary(report),
  };
}

/** generate_quality_report's dict (capstone_quality_tracker), without airtop's extra fields. */
export function qualityReport(report: Report) {
  const q = report.quality;
  return {
    timestamp: q.timestamp,
    overall_score: q.overall_score,
    status: q.status,
    components: q.components,
    issues: [...q.issues],
    recommendations: [...q.recommendations],
  };
}

export interface RecentRun {
  dag_id: string;
  run_id: string;
  state: string;
  execution_date: string;
  start_date: string | null;
  end_date: string | null;
}

/** The last 10 runs whose logical time falls in the last hour, newest first (get_recent_runs). */
export function recentRuns(runs: readonly DagRun[], now: Date, limit = 10): RecentRun[] {
  const since = now.getTime() - 3600_000;
  return runs
    .map((r) => ({ run: r, at: r.logicalDate ?? r.runAfter }))
    .filter(({ at }) => Date.parse(at) >= since)
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
    .slice(0, limit)
    .map(({ run, at }) => ({
      dag_id: run.dagId,
      run_id: run.runId,
      state: run.state,
      execution_date: at,
      start_date: run.startDate,
      end_date: run.endDate,
    }));
}

/** prepare_status_payload's dict (capstone_api_reporter), plus airtop_summary. */
export function dashboardStatus(report: Report, runs: readonly DagRun[], pipelineId: string, now: Date) {
  const latest = latestMetrics(report);
  return {
    pipeline_id: pipelineId,
    timestamp: report.timestamp,
    // The reference derives status from capstone_latest_metrics.summary (_determine_overall_status).
    status: {
      overall: report.summary.reference.overall,
      health_score: latest.summary.health_score,
      alerts: [...latest.summary.alerts],
    },
    metrics: { processing: latest.processing, costs: latest.costs, quality: latest.quality },
    recent_runs: recentRuns(runs, now),
    airtop_summary: latest.airtop_summary,
  };
}

export type DashboardStatus = ReturnType<typeof dashboardStatus>;
