import type { Notification } from '../alerts/types.js';
import { classify, httpSend } from './http.js';
import { alertName, detail, isSla, slaFields, summary } from './notification-fields.js';
import type { Sink } from './types.js';

// PagerDuty Events API v2 (the reference used the deprecated v1). dedup_key is the alert's fingerprint, so
// firing, escalation and repeats update one incident, the terminal's ack acknowledges it, and resolution
// closes it. 202 is success; 400 is final (dead letter); 429 and 5xx are retried.

export type PagerDutyAction = 'trigger' | 'acknowledge' | 'resolve';
export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

export interface PagerDutyEvent {
  routing_key: string;
  event_action: PagerDutyAction;
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    severity: PagerDutySeverity;
    timestamp: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details: Record<string, unknown>;
  };
  client: string;
}

const SUMMARY_LIMIT = 1024;
const SLA_SEVERITY: Record<string, PagerDutySeverity> = { warning: 'warning', high: 'error', critical: 'critical' };

function severityOf(n: Notification): PagerDutySeverity {
  if (isSla(n)) return SLA_SEVERITY[slaFields(n).severity] ?? 'warning';
  return n.alert.severity;
}

function actionOf(n: Notification): PagerDutyAction {
  if (n.kind === 'acknowledged') return 'acknowledge';
  if (n.kind === 'resolved') return 'resolve';
  return 'trigger';
}

/** The reference's notification fields for SLA misses; labels, annotations and details otherwise. */
function customDetails(n: Notification): Record<string, unknown> {
  if (isSla(n)) return { ...slaFields(n), ...n.details };
  return {
    ...n.alert.labels,
    ...n.alert.annotations,
    ...n.details,
    fingerprint: n.alert.fingerprint,
    since: n.alert.since,
  };
}

export function pagerDutyEvent(n: Notification, routingKey: string, source: string): PagerDutyEvent {
  const action = actionOf(n);
  const event: PagerDutyEvent = {
    routing_key: routingKey,
    event_action: action,
    dedup_key: n.alert.fingerprint,
    client: 'airtop',
  };
  if (action !== 'trigger') return event;
  const text = isSla(n) ? slaFields(n).message || summary(n) : summary(n);
  const component = detail(n, 'dag_id');
  const group = detail(n, 'task_id') ?? detail(n, 'pool');
  event.payload = {
    summary: text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT - 1)}…` : text,
    source,
    severity: severityOf(n),
    timestamp: n.createdAt,
    ...(component ? { component } : {}),
    ...(group ? { group } : {}),
    class: alertName(n),
    custom_details: customDetails(n),
  };
  return event;
}

export function createPagerDutySink(options: {
  routingKey: string;
  url: string;
  source: string;
  timeoutMs?: number;
}): Sink<Notification> {
  return {
    name: 'pagerduty',
    mode: 'queue',
    async deliver(n) {
      const outcome = await httpSend({
        method: 'POST',
        url: options.url,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(pagerDutyEvent(n, options.routingKey, options.source)),
        timeoutMs: options.timeoutMs,
      });
      return classify('pagerduty', outcome, (status) => status === 202);
    },
    describe: (n) => `${actionOf(n)} ${n.alert.fingerprint} ${summary(n)}`,
  };
}
