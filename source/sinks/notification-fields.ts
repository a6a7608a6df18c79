import type { Notification } from '../alerts/types.js';

// The reference's fields, read from a notification whatever the alert: details (looked up in the report)
// first, then labels and annotations, so a sink can always render something sensible.

export type SlaSeverity = 'warning' | 'high' | 'critical';

export interface SlaFields {
  type: 'sla_miss';
  severity: SlaSeverity;
  escalation_level: number;
  dag_id: string;
  task_id: string;
  lateness_human: string;
  blocking_tasks: string;
  message: string;
}

const LEVEL_SEVERITY: Record<number, SlaSeverity> = { 1: 'warning', 2: 'high', 3: 'critical' };

export function isSla(n: Notification): boolean {
  return n.alert.escalation_level !== null;
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** The engines' task_id label for a whole-run (DAG-level) SLA miss; shown as no task. */
const DAG_SCOPE = '__dag__';

/** A field from details when they carry it (null included), else from labels, then annotations. */
export function detail(n: Notification, key: string): string | null {
  const value =
    n.details && key in n.details ? text(n.details[key]) : (n.alert.labels[key] ?? n.alert.annotations[key] ?? null);
  return value === DAG_SCOPE ? null : value;
}

export function slaFields(n: Notification): SlaFields {
  const level = n.alert.escalation_level ?? 1;
  const severity = detail(n, 'severity');
  return {
    type: 'sla_miss',
    severity:
      severity === 'warning' || severity === 'high' || severity === 'critical'
        ? severity
        : (LEVEL_SEVERITY[level] ?? 'warning'),
    escalation_level: level,
    dag_id: detail(n, 'dag_id') ?? '',
    task_id: detail(n, 'task_id') ?? '',
    lateness_human: detail(n, 'lateness_human') ?? '',
    blocking_tasks: detail(n, 'blocking_tasks') ?? '',
    message: detail(n, 'message') ?? n.alert.annotations.summary ?? '',
  };
}

export function alertName(n: Notification): string {
  return detail(n, 'type') ?? n.alert.labels.alertname ?? 'alert';
}

export function summary(n: Notification): string {
  return n.alert.annotations.summary ?? alertName(n);
}

/** Python's `{:.2%}`: 0.85 → "85.00%". */
export function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}

/** Seconds with two decimals: 1449.951 → "1449.95s". */
export function seconds(value: number): string {
  return `${value.toFixed(2)}s`;
}

/**
 * The unit of a threshold finding's value and threshold. The reference's findings are all ratios, printed
 * with `{:.2%}`; airtop's avg_duration_increase compares seconds, which as a percentage would read
 * "144995.23%" for 1449.95 s.
 */
const SECONDS_FINDINGS = new Set(['avg_duration_increase']);

export function formatFindingNumber(type: string | null, value: number): string {
  return type !== null && SECONDS_FINDINGS.has(type) ? seconds(value) : percent(value);
}

/** The reference's field value for a threshold finding, or null when the notification carries none. */
export function thresholdValue(n: Notification): string | null {
  const value = n.details?.value;
  const threshold = n.details?.threshold;
  if (typeof value !== 'number' || typeof threshold !== 'number') return null;
  const type = typeof n.details?.type === 'string' ? n.details.type : (n.alert.labels.alertname ?? null);
  return `Value: ${formatFindingNumber(type, value)}, Threshold: ${formatFindingNumber(type, threshold)}`;
}

/** Where the alert points: dag.task, a pool, or the alert name. */
export function subject(n: Notification): string {
  const dag = detail(n, 'dag_id');
  const task = detail(n, 'task_id') ?? detail(n, 'task');
  const pool = detail(n, 'pool');
  if (dag && task) return `${dag}.${task}`;
  return dag ?? task ?? (pool ? `pool ${pool}` : alertName(n));
}
