import type { Notification } from '../alerts/types.js';
import { counts, groupLabelText, members } from './group-render.js';
import { alertName, isSla, subject, summary, thresholdValue } from './notification-fields.js';
import type { SlackAttachment, SlackMessage } from './slack-message.js';

// One Slack message for a group of alerts. Threshold findings keep the reference's send_alerts layout —
// one attachment, one field per finding — which is what the reference sent for all its violations at once.
// SLA misses keep their per-miss attachment. Counts go in the footer. Bounded: Slack renders at most a
// few thousand characters per attachment, and an on-call engineer reads the first few lines anyway.

const MAX_FIELDS = 20;
const MAX_SLA_ATTACHMENTS = 8;
const RESOLVED_COLOUR = '#36a64f';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function groupSlackMessage(n: Notification, single: (n: Notification) => SlackMessage): SlackMessage {
  const m = members(n);
  if (n.kind === 'acknowledged') {
    const ack = n.alert.ack;
    return {
      text: `:eyes: Acknowledged by ${ack?.by ?? 'someone'}: ${m.firing.length} alerts`,
      attachments: [
        {
          color: '#439fe0',
          title: `Acknowledged - ${m.firing.length} alerts`,
          text: m.firing
            .slice(0, MAX_FIELDS)
            .map((x) => `• ${escape(summary(x))}`)
            .join('\n'),
          fields: [
            { title: 'By', value: ack?.by ?? '', short: true },
            { title: 'Note', value: ack?.note || 'None', short: true },
          ],
        },
      ],
    };
  }
  const footer = `${counts(n)} · ${groupLabelText(n)}`;
  const attachments: SlackAttachment[] = [];
  const sla = m.firing.filter(isSla);
  const other = m.firing.filter((x) => !isSla(x));
  let text: string | undefined;

  if (other.length > 0) {
    const critical = other.some((x) => x.alert.severity === 'critical');
    text = critical ? ':red_circle: Capstone Pipeline Alert' : ':large_yellow_circle: Capstone Pipeline Warning';
    const fields = other.slice(0, MAX_FIELDS).map((x) => ({
      title: `${x.kind === 'repeat' ? '' : 'NEW '}${alertName(x)}`.trim(),
      value: escape(thresholdValue(x) ?? subject(x)),
      short: true,
    }));
    if (other.length > MAX_FIELDS)
      fields.push({ title: 'and more', value: `${other.length - MAX_FIELDS} more alerts in this group`, short: false });
    attachments.push({
      color: critical ? '#ff0000' : '#ffcc00',
      title: critical ? 'Critical Violations Detected' : 'Warnings Detected',
      fields,
    });
  }
  for (const x of sla.slice(0, MAX_SLA_ATTACHMENTS)) attachments.push(...single(x).attachments);
  if (sla.length > MAX_SLA_ATTACHMENTS) {
    attachments.push({
      color: '#cccccc',
      title: `and ${sla.length - MAX_SLA_ATTACHMENTS} more SLA misses`,
      fields: [],
    });
  }
  if (m.resolved.length > 0) {
    attachments.push({
      color: RESOLVED_COLOUR,
      title: `Resolved (${m.resolved.length})`,
      text: m.resolved
        .slice(0, MAX_FIELDS)
        .map((x) => `• ${escape(summary(x))}`)
        .join('\n'),
      fields: [],
    });
    text ??= `:large_green_circle: Resolved: ${m.resolved.length} alert${m.resolved.length === 1 ? '' : 's'} (${groupLabelText(n)})`;
  }
  const last = attachments[attachments.length - 1];
  if (last) last.footer = last.footer ? `${last.footer} · ${footer}` : footer;
  return text === undefined ? { attachments } : { text, attachments };
}
