import type { Notification, NotificationKind } from '../../../source/alerts/types.js';
import { slaNotificationFields } from '../../../source/alerts/details.js';
import { slaMiss, T0 } from './report-fixture.js';

export function slaNotification(level: 1 | 2 | 3, kind: NotificationKind = 'firing'): Notification {
  return {
    id: `c2aa51ecbcc11cb2:${kind}:e-1`,
    kind,
    alert: {
      fingerprint: 'c2aa51ecbcc11cb2',
      labels: {
        alertname: 'sla_miss',
        dag_id: 'capstone_processing_pipeline',
        task_id: 'extract_text',
        severity: 'warning',
      },
      annotations: { summary: 'SLA missed for capstone_processing_pipeline.extract_text' },
      severity: level === 3 ? 'critical' : 'warning',
      state: kind === 'resolved' ? 'resolved' : kind === 'acknowledged' ? 'acknowledged' : 'firing',
      since: T0.toISOString(),
      escalation_level: level,
      ack: kind === 'acknowledged' ? { by: 'ann', at: T0.toISOString(), note: 'restarting the worker' } : null,
    },
    channels: ['slack'],
    createdAt: T0.toISOString(),
    details: slaNotificationFields(slaMiss(level, level === 1 ? 600 : level === 2 ? 2400 : 4200)),
  };
}

export function thresholdNotification(kind: NotificationKind = 'firing'): Notification {
  return {
    id: `aaaaaaaaaaaaaaaa:${kind}:e-2`,
    kind,
    alert: {
      fingerprint: 'aaaaaaaaaaaaaaaa',
      labels: { alertname: 'success_rate_critical', dag_id: 'capstone_ingestion_pipeline', severity: 'critical' },
      annotations: { summary: 'capstone_ingestion_pipeline success rate 85.00% < 90.00%' },
      severity: 'critical',
      state: kind === 'resolved' ? 'resolved' : 'firing',
      since: T0.toISOString(),
      escalation_level: null,
      ack: kind === 'acknowledged' ? { by: 'ann', at: T0.toISOString(), note: '' } : null,
    },
    channels: ['slack', 'email', 'pagerduty'],
    createdAt: T0.toISOString(),
    details: {
      type: 'success_rate_critical',
      severity: 'critical',
      value: 0.85,
      threshold: 0.9,
      dag_id: 'capstone_ingestion_pipeline',
    },
  };
}
