import type { Snapshot } from '../../../source/airflow/types.js';
import type { AlertCandidate, Report, SlaMiss } from '../../../source/report/types.js';
import { derivedReport } from '../../helpers/report.js';
import { dagStats, NOW, pool, snapshot, taskStats, variable } from '../../helpers/snapshot.js';

// A small, complete report derived by the engines: one critical success-rate violation (85% < 90%), one pool
// warning, and an SLA miss whose level the tests raise.

/** The shared fixture NOW, under the name the sink and alert tests know it by. */
export const T0 = NOW;
const ING = 'capstone_ingestion_pipeline';

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
    run_id: 'scheduled__2024-01-15T11:30:00+00:00',
    execution_date: '2024-01-15T11:30:00.000Z',
    expected_end: '2024-01-15T11:45:00.000Z',
    lateness_seconds: latenessSeconds,
    lateness_human: `0:${String(Math.floor(latenessSeconds / 60)).padStart(2, '0')}:00`,
    blocking_tasks: 'generate_summary',
    ongoing: true,
    timestamp: at.toISOString(),
    message: `SLA missed for capstone_processing_pipeline.extract_text (late by ${latenessSeconds}s)`,
  };
}

/**
 * The snapshot behind sampleReport, at `at`: ingestion's hour went 17 of 20 (85% < 90%: the critical
 * success-rate violation), default_pool holds 108 of 128 slots (84.4% > 80%: the warning), 40 documents
 * processed and costed this hour, three of ten extractions failed.
 */
export function sampleSnapshot(at: Date = T0): Snapshot {
  const iso = at.toISOString();
  const hourKey = `${iso.slice(0, 10)}-${iso.slice(11, 13)}`;
  return snapshot({
    takenAt: iso,
    airflow: { url: 'http://127.0.0.1:8080', version: '3.0.2', api: 'v2' },
    windowDags: [
      dagStats(ING, {
        runs: 20,
        success: 17,
        failed: 3,
        avgSuccessDurationSeconds: 120.5,
        p95SuccessDurationSeconds: 200,
      }),
    ],
    baselineDags: { [ING]: [100, 120] },
    // One retry in ten is the 10% limit itself, not above it: this report's only task finding is none.
    windowTasks: [
      taskStats(`${ING}.scan_sources`, {
        total: 10,
        success: 9,
        failed: 1,
        retries: 1,
        avgDurationSeconds: 30,
        maxDurationSeconds: 60,
      }),
    ],
    pools: [pool('default_pool', 128, 108, { queuedSlots: 4 })],
    variables: {
      capstone_processing_metrics: variable({
        [hourKey]: {
          documents_processed: 40,
          total_processing_time_ms: 80_000,
          by_type: {},
          errors: { extraction: 1, embedding: 0, storage: 0 },
        },
      }),
      capstone_cost_metrics: variable({
        [iso.slice(0, 10)]: {
          embedding_tokens: 100_000,
          llm_input_tokens: 100_000,
          llm_output_tokens: 50_000,
          documents_processed: 40,
        },
      }),
      capstone_quality_metrics: variable({
        extraction_confidence_scores: [0.95, 0.9, 0.9, 0.85, 0.85, 0.8, 0.8, 0.8, 0.75, 0.6],
        embedding_similarity_scores: [0.95, 0.95, 0.9, 0.9, 0.9, 0.88, 0.86, 0.85, 0.8, 0.61],
      }),
      embedding_generation_log: variable(Array.from({ length: 10 }, () => ({ dimensions: 1536, norm: 1 }))),
      extraction_log: variable(
        Array.from({ length: 10 }, (_, i) => ({ status: i < 7 ? 'success' : 'failed', text_length: 1200 })),
      ),
    },
  });
}

/** The report deriveReport makes of sampleSnapshot(at), with `overrides` laid over it. */
export function sampleReport(overrides: Partial<Report> = {}, at: Date = T0): Report {
  return { ...derivedReport(sampleSnapshot(at), { now: at }), ...overrides };
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
      run_id: 'scheduled__2024-01-15T11:30:00+00:00',
      severity: 'warning',
    },
    annotations: { summary: 'SLA missed for capstone_processing_pipeline.extract_text' },
    severity: level === 3 ? 'critical' : 'warning',
    escalation_level: level,
    channels: level === 1 ? ['slack'] : level === 2 ? ['slack', 'email'] : ['slack', 'email', 'pagerduty'],
  };
}
