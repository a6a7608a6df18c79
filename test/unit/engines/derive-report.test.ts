import { describe, expect, it } from 'vitest';
import type { Health } from '../../../source/airflow/types.js';
import { deriveReport, exitCodeFor, type EngineInput } from '../../../source/engines/index.js';
import {
  config,
  dagStats,
  nonFiniteNumbers,
  NOW,
  pool,
  run,
  snapshot,
  taskStats,
  ti,
  variable,
} from '../../helpers/snapshot.js';

const ING = 'capstone_ingestion_pipeline';
const fresh = { stale: false, reason: null, lastSuccess: NOW.toISOString() };
const healthy = { status: 'healthy' as const, latestHeartbeat: NOW.toISOString() };
const allHealthy: Health = { metadatabase: healthy, scheduler: healthy, triggerer: healthy, dagProcessor: healthy };

function input(parts: Parameters<typeof snapshot>[0] = {}, now = NOW): EngineInput {
  return { snapshot: snapshot(parts), config: config(), now, stale: fresh };
}

describe('deriveReport', () => {
  it('gives a healthy report, no candidates and exit 0 for a quiet Airflow', () => {
    const { report, candidates, point } = deriveReport(
      input({
        health: allHealthy,
        windowDags: [dagStats(ING, { runs: 4, success: 4, avgSuccessDurationSeconds: 60 })],
      }),
    );
    // The reference reads "no confidence samples" as a confidence of 0: 40 points off and an alert.
    expect(report.summary).toEqual({
      health_score: 100,
      alerts: [],
      overall: 'healthy',
      reference: { health_score: 60, alerts: ['Low extraction confidence'], overall: 'warning' },
    });
    expect(report.alerts).toEqual([]);
    expect(report.airflow).toEqual({
      url: 'http://127.0.0.1:8080',
      version: '3.1.0',
      api: 'v2',
      health: allHealthy,
      stale: false,
      stale_reason: null,
      last_success: NOW.toISOString(),
    });
    expect(report.quality.status).toBe('no_data');
    expect(candidates).toEqual([]);
    expect(point).toEqual({
      at: NOW.toISOString(),
      healthScore: 100,
      totalCostUsd: 0,
      costPerDocumentUsd: 0,
      qualityScore: 0,
      dagDurations: { [ING]: 60 },
    });
    expect(exitCodeFor(report)).toBe(0);
  });

  it('combines every engine into the report and the alert candidates', () => {
    const { report, candidates, point } = deriveReport(
      input({
        health: { ...allHealthy, scheduler: { status: 'unhealthy', latestHeartbeat: null } },
        windowDags: [dagStats(ING, { runs: 20, success: 17, failed: 3 })], // 0.85 < 0.90
        windowTasks: [taskStats(`${ING}.scan_sources`, { total: 5, retries: 1 })], // 0.2 > 0.1
        pools: [pool('default_pool', 10, 9)], // 0.9 > 0.8
        runs: [run(ING, 'r1', 'running', 90)], // 30 min past its 1 h SLA
        variables: {
          capstone_processing_metrics: variable({ '2024-01-15-12': { errors: { extraction: 12 } } }),
          capstone_cost_metrics: variable({ '2024-01-15': { llm_output_tokens: 1_000_000, documents_processed: 50 } }), // $15, $0.30 / doc
          extraction_log: variable([{ status: 'failed' }]), // score 100 − 40 − 30 = 30 → critical
        },
      }),
    );
    // 100 − min(12 × 5, 30) − min((0.30 − 0.10) × 100, 20) = 100 − 30 − 20 = 50
    expect(report.summary.health_score).toBeCloseTo(50, 9);
    expect(report.summary.alerts).toEqual([
      'High extraction error rate',
      `${ING}: success rate 85.0% below 90.0%`,
      'pool default_pool: utilization 90.0% above 80.0%',
      `${ING}.scan_sources: retry rate 20.0% above 10.0%`,
    ]);
    expect(report.summary.overall).toBe('critical');
    expect(exitCodeFor(report)).toBe(2);
    expect(report.sla.misses).toHaveLength(1);
    expect(report.quality.status).toBe('critical');
    expect(point.costPerDocumentUsd).toBeCloseTo(0.3, 12);

    expect(candidates.map((c) => c.labels)).toEqual([
      { alertname: 'component_unhealthy', severity: 'critical', component: 'scheduler' },
      { alertname: 'success_rate_critical', severity: 'critical', dag_id: ING },
      { alertname: 'pool_utilization_warning', severity: 'warning', pool: 'default_pool' },
      { alertname: 'high_retry_rate', severity: 'warning', task: `${ING}.scan_sources` },
      { alertname: 'sla_miss', dag_id: ING, task_id: '__dag__', run_id: 'r1' },
      { alertname: 'metric_alert', severity: 'warning', alert: 'High extraction error rate' },
      { alertname: 'quality_critical', severity: 'critical' },
    ]);
    const sla = candidates.find((c) => c.labels.alertname === 'sla_miss')!;
    expect(sla).toMatchObject({ severity: 'warning', escalation_level: 1, channels: ['slack'] });
    expect(sla.annotations.summary).toBe(`SLA missed for ${ING} (late by 0:30:00)`);
    expect(nonFiniteNumbers(report)).toEqual([]);
  });

  it('keeps candidate labels stable as an SLA miss grows later and escalates', () => {
    const parts = {
      runs: [run(ING, 'r1', 'running', 90)],
      taskInstances: [ti(ING, 'r1', 'scan_sources', 'running', 90)],
    };
    const early = deriveReport(input(parts)).candidates;
    const later = deriveReport(input(parts, new Date(NOW.getTime() + 45 * 60_000))).candidates;
    expect(later.map((c) => c.labels)).toEqual(early.map((c) => c.labels));
    expect(early.map((c) => c.escalation_level)).toEqual([3, 1]); // scan_sources 1:25 late; the run 0:30
    expect(later.map((c) => c.escalation_level)).toEqual([3, 3]); // 2:10 and 1:15
    expect(later.map((c) => c.severity)).toEqual(['critical', 'critical']);
  });

  it('carries staleness and source issues into the report', () => {
    const { report } = deriveReport({
      ...input({ issues: [{ scope: 'variables', message: '403 on /api/v2/variables: needs the op role' }] }),
      stale: { stale: true, reason: 'connection refused', lastSuccess: '2024-01-15T12:00:00.000Z' },
    });
    expect(report.airflow).toMatchObject({
      stale: true,
      stale_reason: 'connection refused',
      last_success: '2024-01-15T12:00:00.000Z',
    });
    expect(report.issues).toEqual([{ scope: 'variables', message: '403 on /api/v2/variables: needs the op role' }]);
  });
});

describe('exitCodeFor', () => {
  it.each([
    ['healthy', 0],
    ['warning', 1],
    ['critical', 2],
  ] as const)('%s → %d', (overall, code) => {
    const { report } = deriveReport(input());
    expect(exitCodeFor({ ...report, summary: { ...report.summary, overall } })).toBe(code);
  });
});
