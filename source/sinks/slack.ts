import type { Notification } from '../alerts/types.js';
import { classify, httpSend } from './http.js';
import { alertName, isSla, slaFields, subject, summary, thresholdValue } from './notification-fields.js';
import { soleMember } from './group-render.js';
import { groupSlackMessage } from './slack-group.js';
import type { SlackAttachment, SlackField, SlackMessage } from './slack-message.js';
import type { Sink } from './types.js';

export type { SlackAttachment, SlackField, SlackMessage };

// Slack incoming webhook. Messages keep the reference's layout (legacy attachments with colour and fields)
// so channels that already receive them see no change; resolution and acknowledgement are additions.

const SLA_COLOURS: Record<string, string> = { warning: '#ffcc00', high: '#ff6600', critical: '#ff0000' };
const RESOLVED_COLOUR = '#36a64f';
const ACK_COLOUR = '#439fe0';

function slaMessage(n: Notification): SlackMessage {
  const f = slaFields(n);
  return {
    attachments: [
      {
        color: SLA_COLOURS[f.severity] ?? '#cccccc',
        title: `:clock1: SLA Miss - Level ${f.escalation_level}`,
        text: f.message,
        fallback: f.message,
        fields: [
          { title: 'DAG', value: f.dag_id, short: true },
          { title: 'Task', value: f.task_id || 'None', short: true },
          { title: 'Lateness', value: f.lateness_human, short: true },
          { title: 'Blocking', value: f.blocking_tasks || 'None', short: true },
        ],
        footer: `Escalation Level: ${f.escalation_level}`,
      },
    ],
  };
}

function firingMessage(n: Notification): SlackMessage {
  const critical = n.alert.severity === 'critical';
  return {
    text: critical ? ':red_circle: Capstone Pipeline Alert' : ':large_yellow_circle: Capstone Pipeline Warning',
    attachments: [
      {
        color: critical ? '#ff0000' : '#ffcc00',
        title: critical ? 'Critical Violations Detected' : 'Warnings Detected',
        text: summary(n),
        fields: [{ title: alertName(n), value: thresholdValue(n) ?? subject(n), short: true }],
      },
    ],
  };
}

function resolvedMessage(n: Notification): SlackMessage {
  return {
    text: `:large_green_circle: Resolved: ${summary(n)}`,
    attachments: [
      {
        color: RESOLVED_COLOUR,
        title: `Resolved - ${isSla(n) ? `SLA Miss ${subject(n)}` : alertName(n)}`,
        text: summary(n),
        fields: [{ title: 'Firing since', value: n.alert.since, short: true }],
      },
    ],
  };
}

function ackMessage(n: Notification): SlackMessage {
  const ack = n.alert.ack;
  return {
    text: `:eyes: Acknowledged by ${ack?.by ?? 'someone'}: ${summary(n)}`,
    attachments: [
      {
        color: ACK_COLOUR,
        title: `Acknowledged - ${isSla(n) ? `SLA Miss ${subject(n)}` : alertName(n)}`,
        text: summary(n),
        fields: [
          { title: 'By', value: ack?.by ?? '', short: true },
          { title: 'Note', value: ack?.note || 'None', short: true },
        ],
      },
    ],
  };
}

export function slackMessage(n: Notification): SlackMessage {
  // A group of one is sent as that alert alone, in the reference's layout.
  if (n.group) {
    const sole = soleMember(n);
    return sole ? slackMessage(sole) : groupSlackMessage(n, slackMessage);
  }
  switch (n.kind) {
    case 'resolved':
      return resolvedMessage(n);
    case 'acknowledged':
      return ackMessage(n);
    default:
      return isSla(n) ? slaMessage(n) : firingMessage(n);
  }
}

export function createSlackSink(options: { webhookUrl: string; timeoutMs?: number }): Sink<Notification> {
  return {
    name: 'slack',
    mode: 'queue',
    // Slack allows one message per second per webhook.
    minIntervalMs: 1000,
    async deliver(n) {
      const outcome = await httpSend({
        method: 'POST',
        url: options.webhookUrl,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(slackMessage(n)),
        timeoutMs: options.timeoutMs,
      });
      // Success is 200 with the body "ok"; anything else is an error string such as invalid_payload.
      return classify('slack', outcome, (status, text) => status === 200 && text.trim() === 'ok');
    },
    describe: (n) => `${n.kind} ${summary(n)}`,
  };
}
