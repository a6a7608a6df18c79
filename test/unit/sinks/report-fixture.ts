import type { AlertCandidate, Report, SlaMiss } from '../../../source/report/types.js';

// A small, complete report with the reference's numbers: one critical success-rate violation (85% < 90%),
// one pool warning, and an SLA miss whose level the tests raise.

export const T0 = new Date('2024-06-01T12:00:00.000Z');

export function slaMiss(level: 1 | 2 | 3, latenessSeconds: number, at: Date = T0): SlaMiss {
  const severity = ({ 1: 'warning', 2: 'high', 3: 'critical' } as const)[level];
  return {
    type: 'sla_miss',
    scope: 'task',
    severity,
    escalation_level: level,
    channels: level === 1 ? ['slack'] : level === 2 ? ['slack', 'email'] : ['slack', 'email', 'pagerduty'],
    dag_id: 'capstone_processing_pipeline',
    task_id: 'extract_text',
    run_id: 'scheduled__2024-06-01T11:00:00+00:00',
    execution_date: '2024-06-01T11:00:00.000Z',
    expected_end: '2024-06-01T11:15:00.000Z',
    lateness_seconds: latenessSeconds,
    lateness_human: `0:${String(Math.floor(latenessSeconds / 60)).padStart(2, '0')}:00`,
    blocking_tasks: 'generate_summary',
    ongoing: true,
    timestamp: at.toISOString(),
    message: `SLA missed for capstone_processing_pipeline.extract_text (late by ${latenessSeconds}s)`,
  };
}

export function sampleReport(overrides: Partial<Report> = {}, at: Date = T0): Report {
  const ts = at.toISOString();
  return {
    timestamp: ts,
    airflow: {
      url: 'http://127.0.0.1:8080',
      version: '3.0.2',
      api: 'v2',
      health: null,
      stale: false,
      stale_reason: null,
      last_success: ts,
    },
    pipeline: {
      timestamp: ts,
      dags: {
        capstone_ingestion_pipeline: {
          runs_last_hour: 20,
          success_count: 17,
          failed_count: 3,
          running_count: 0,
          success_rate: 0.85,
          avg_duration_seconds: 120.5,
          p95_duration_seconds: 200,
          baseline_avg_duration_seconds: 110,
        },
      },
    },
    tasks: {
      timestamp: ts,
      task_stats: {
        'capstone_ingestion_pipeline.scan_sources': {
          total: 10,
          success: 9,
          failed: 1,
          retries: 2,
          avg_duration: 30,
          max_duration: 60,
        },
      },
    },
    resources: {
      timestamp: ts,
      pools: {
        default_pool: { total_slots: 128, open_slots: 20, used_slots: 108, queued_slots: 4, utilization: 108 / 128 },
      },
    },
    processing: {
      timestamp: ts,
      hour_key: '2024-06-01-12',
      metrics: {
        documents_processed: 40,
        total_processing_time_ms: 80000,
        by_type: {},
        errors: { extraction: 1, embedding: 0, storage: 0 },
      },
      documents_per_hour: 40,
      avg_processing_time_ms: 2000,
      problems: [],
    },
    costs: {
      timestamp: ts,
      day_key: '2024-06-01',
      costs: {
        embedding_cost_usd: 0.01,
        llm_input_cost_usd: 0.3,
        llm_output_cost_usd: 0.75,
        total_cost_usd: 1.06,
        cost_per_document_usd: 0.0265,
        documents_processed: 40,
      },
      tokens: { embedding: 100000, llm_input: 100000, llm_output: 50000 },
      budget: { daily_budget_usd: 100, used_ratio: 0.0106, exceeded: false },
      by_day: [],
      problems: [],
    },
    quality: {
      timestamp: ts,
      overall_score: 83.3,
      status: 'healthy',
      components: {
        embedding: { quality_score: 100, samples_analyzed: 10 },
        extraction: { quality_score: 70, samples_analyzed: 10 },
        llm: { status: 'no_data' },
      },
      extraction_confidence: { avg_confidence: 0.82, low_confidence_count: 1, samples: 10 },
      embedding_similarity: { avg_similarity: 0.86, min_similarity: 0.61, samples: 10 },
      issues: ['High extraction failure rate'],
      recommendations: ['Review document parser configuration', 'Check for unsupported document formats'],
      problems: [],
    },
    sla: { misses: [] },
    anomalies: [],
    thresholds: {
      timestamp: ts,
      violations: [
        {
          type: 'success_rate_critical',
          severity: 'critical',
          value: 0.85,
          threshold: 0.9,
          dag_id: 'capstone_ingestion_pipeline',
        },
      ],
      warnings: [
        {
          type: 'pool_utilization_warning',
          severity: 'warning',
          value: 108 / 128,
          threshold: 0.8,
          pool: 'default_pool',
        },
      ],
      healthy: false,
    },
    // The reference's own summary sees none of the threshold findings: healthy, where airtop's is critical.
    summary: {
      health_score: 92.5,
      alerts: [],
      overall: 'critical',
      reference: { health_score: 92.5, alerts: [], overall: 'healthy' },
    },
    alerts: [],
    issues: [],
    ...overrides,
  };
}

export const successRateCandidate: AlertCandidate = {
  labels: { alertname: 'success_rate_critical', dag_id: 'capstone_ingestion_pipeline', severity: 'critical' },
  annotations: { summary: 'capstone_ingestion_pipeline success rate 85.00% < 90.00%' },
  severity: 'critical',
};

export const poolCandidate: AlertCandidate = {
  labels: { alertname: 'pool_utilization_warning', pool: 'default_pool', severity: 'warning' },
  annotations: { summary: 'pool default_pool at 84.38%' },
  severity: 'warning',
};

export function slaCandidate(level: 1 | 2 | 3): AlertCandidate {
  return {
    labels: {
      alertname: 'sla_miss',
      dag_id: 'capstone_processing_pipeline',
      task_id: 'extract_text',
      run_id: 'scheduled__2024-06-01T11:00:00+00:00',
      severity: 'warning',
    },
    annotations: { summary: 'SLA missed for capstone_processing_pipeline.extract_text' },
    severity: level === 3 ? 'critical' : 'warning',
    escalation_level: level,
    channels: level === 1 ? ['slack'] : level === 2 ? ['slack', 'email'] : ['slack', 'email', 'pagerduty'],
  };
}
