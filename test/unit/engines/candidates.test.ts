import { describe, expect, it } from 'vitest';
import {
  anomalyCandidate,
  componentCandidates,
  qualityCandidate,
  slaCandidate,
} from '../../../source/engines/candidates.js';
import type { Anomaly, SlaMiss } from '../../../source/report/types.js';

const miss = (escalation_level: 1 | 2 | 3, task_id: string | null): SlaMiss => ({
  type: 'sla_miss',
  scope: task_id ? 'task' : 'dag',
  severity: ({ 1: 'warning', 2: 'high', 3: 'critical' } as const)[escalation_level],
  escalation_level,
  channels: ['slack'],
  dag_id: 'd',
  task_id,
  run_id: 'r',
  execution_date: 'e',
  expected_end: 'x',
  lateness_seconds: 10,
  lateness_human: '0:00:10',
  blocking_tasks: '',
  ongoing: true,
  timestamp: 't',
  message: 'SLA missed for d.t (late by 0:00:10)',
});

describe('alert candidates', () => {
  it.each([
    [1, 'warning'],
    [2, 'critical'],
    [3, 'critical'],
  ] as const)('an SLA miss at level %d is %s, with the same labels at every level', (level, severity) => {
    const c = slaCandidate(miss(level, 't'));
    expect(c.severity).toBe(severity);
    expect(c.escalation_level).toBe(level);
    expect(c.labels).toEqual({ alertname: 'sla_miss', dag_id: 'd', task_id: 't', run_id: 'r' });
    expect(c.annotations.description).toContain('blocking: none');
  });

  it('labels a DAG-level miss task_id __dag__', () => {
    expect(slaCandidate(miss(1, null)).labels.task_id).toBe('__dag__');
  });

  it('makes anomalies warnings labelled by DAG, task and run, with figures only in annotations', () => {
    const a: Anomaly = {
      type: 'slow_task',
      dag_id: 'd',
      task_id: 't',
      run_id: 'r',
      duration_seconds: 30,
      baseline_median_seconds: 10,
      baseline_mad_seconds: 0,
      samples: 5,
      ratio: 3,
      message: 'm',
    };
    expect(anomalyCandidate(a)).toEqual({
      labels: { alertname: 'slow_task', severity: 'warning', dag_id: 'd', run_id: 'r', task_id: 't' },
      annotations: { summary: 'm', description: '3.0× the median of 5 recent durations' },
      severity: 'warning',
    });
  });

  it('raises quality only when degraded or critical', () => {
    expect(qualityCandidate({ status: 'healthy', overall_score: 90, issues: [] })).toBeNull();
    expect(qualityCandidate({ status: 'no_data', overall_score: 0, issues: [] })).toBeNull();
    expect(
      qualityCandidate({ status: 'degraded', overall_score: 70, issues: ['High extraction failure rate'] }),
    ).toEqual({
      labels: { alertname: 'quality_degraded', severity: 'warning' },
      annotations: { summary: 'ML quality degraded: score 70.0', description: 'High extraction failure rate' },
      severity: 'warning',
    });
  });

  it('names unhealthy Airflow components as Airflow does', () => {
    const ok = { status: 'healthy' as const, latestHeartbeat: null };
    const down = { status: 'unhealthy' as const, latestHeartbeat: '2024-01-15T12:00:00Z' };
    const c = componentCandidates({
      metadatabase: ok,
      scheduler: ok,
      triggerer: { status: null, latestHeartbeat: null },
      dagProcessor: down,
    });
    expect(c).toEqual([
      {
        labels: { alertname: 'component_unhealthy', severity: 'critical', component: 'dag_processor' },
        annotations: {
          summary: 'Airflow dag_processor is unhealthy',
          description: 'latest heartbeat 2024-01-15T12:00:00Z',
        },
        severity: 'critical',
      },
    ]);
    expect(componentCandidates(null)).toEqual([]);
  });
});
