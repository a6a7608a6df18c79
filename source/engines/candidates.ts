// What should be alerting now, as AlertCandidates for the alert lifecycle. Labels are the identity: only
// names that stay the same from poll to poll (DAG, task, pool, run, the finding's kind). Values, times and
// lateness go in annotations, so a finding that persists keeps its fingerprint.
import type { Health } from '../airflow/types.js';
import type { AlertCandidate, Anomaly, QualityReport, SlaMiss, ThresholdFinding } from '../report/types.js';
import { thresholdLine } from './health.js';

export interface CandidateInput {
  thresholds: { violations: ThresholdFinding[]; warnings: ThresholdFinding[] };
  slaMisses: readonly SlaMiss[];
  anomalies: readonly Anomaly[];
  metricAlerts: readonly string[];
  quality: Pick<QualityReport, 'status' | 'overall_score' | 'issues'>;
  health: Health | null;
}

export function thresholdCandidate(f: ThresholdFinding): AlertCandidate {
  const labels: Record<string, string> = { alertname: f.type, severity: f.severity };
  if (f.dag_id !== undefined) labels.dag_id = f.dag_id;
  if (f.pool !== undefined) labels.pool = f.pool;
  if (f.task !== undefined) labels.task = f.task;
  return {
    labels,
    annotations: { summary: thresholdLine(f), description: `value ${f.value}, threshold ${f.threshold}` },
    severity: f.severity,
  };
}

/**
 * The escalation level rises while a miss goes on, and the severity with it (level 1 warning, 2 and 3
 * critical), so neither is a label: the alert keeps one fingerprint and an ack of it holds.
 */
export function slaCandidate(miss: SlaMiss): AlertCandidate {
  return {
    labels: { alertname: 'sla_miss', dag_id: miss.dag_id, task_id: miss.task_id ?? '__dag__', run_id: miss.run_id },
    annotations: {
      summary: miss.message,
      description: `expected end ${miss.expected_end}; late by ${miss.lateness_human}; blocking: ${miss.blocking_tasks || 'none'}`,
    },
    severity: miss.escalation_level === 1 ? 'warning' : 'critical',
    escalation_level: miss.escalation_level,
    channels: [...miss.channels],
  };
}

export function anomalyCandidate(a: Anomaly): AlertCandidate {
  const labels: Record<string, string> = { alertname: a.type, severity: 'warning', dag_id: a.dag_id, run_id: a.run_id };
  if (a.task_id !== null) labels.task_id = a.task_id;
  return {
    labels,
    annotations: {
      summary: a.message,
      description: `${a.ratio.toFixed(1)}× the median of ${a.samples} recent durations`,
    },
    severity: 'warning',
  };
}

export function metricAlertCandidate(alert: string): AlertCandidate {
  return {
    labels: { alertname: 'metric_alert', severity: 'warning', alert },
    annotations: { summary: alert },
    severity: 'warning',
  };
}

/** One alert per bad status; degraded and critical are different alerts, as their severities differ. */
export function qualityCandidate(quality: CandidateInput['quality']): AlertCandidate | null {
  if (quality.status !== 'degraded' && quality.status !== 'critical') return null;
  const severity = quality.status === 'critical' ? 'critical' : 'warning';
  return {
    labels: { alertname: `quality_${quality.status}`, severity },
    annotations: {
      summary: `ML quality ${quality.status}: score ${quality.overall_score.toFixed(1)}`,
      description: quality.issues.join('; ') || 'no specific issue',
    },
    severity,
  };
}

const COMPONENT_NAMES: Record<keyof Health, string> = {
  metadatabase: 'metadatabase',
  scheduler: 'scheduler',
  triggerer: 'triggerer',
  dagProcessor: 'dag_processor',
};

export function componentCandidates(health: Health | null): AlertCandidate[] {
  if (!health) return [];
  return (Object.keys(COMPONENT_NAMES) as (keyof Health)[])
    .filter((key) => health[key]?.status === 'unhealthy')
    .map((key) => {
      const component = COMPONENT_NAMES[key];
      const heartbeat = health[key].latestHeartbeat;
      return {
        labels: { alertname: 'component_unhealthy', severity: 'critical', component },
        annotations: {
          summary: `Airflow ${component} is unhealthy`,
          description: heartbeat ? `latest heartbeat ${heartbeat}` : 'no heartbeat reported',
        },
        severity: 'critical' as const,
      };
    });
}

export function alertCandidates(input: CandidateInput): AlertCandidate[] {
  const quality = qualityCandidate(input.quality);
  return [
    ...componentCandidates(input.health),
    ...input.thresholds.violations.map(thresholdCandidate),
    ...input.thresholds.warnings.map(thresholdCandidate),
    ...input.slaMisses.map(slaCandidate),
    ...input.anomalies.map(anomalyCandidate),
    ...input.metricAlerts.map(metricAlertCandidate),
    ...(quality ? [quality] : []),
  ];
}
