import type { GroupMember, Notification, NotificationKind } from '../alerts/types.js';

// How one group notification reaches each sink. Slack and email get the group as one message. PagerDuty
// keeps one incident per alert (dedup_key = its fingerprint), so an ack in the terminal acknowledges
// exactly that incident: it gets one event per new or resolved member (every member on a repeat).

function memberNotification(n: Notification, m: GroupMember, kind: NotificationKind): Notification {
  return {
    id: `${n.id}#${m.alert.fingerprint}`,
    kind,
    alert: m.alert,
    channels: ['pagerduty'],
    createdAt: n.createdAt,
    ...(m.details ? { details: m.details } : {}),
  };
}

export function perSinkNotifications(n: Notification, sink: string): Notification[] {
  if (sink !== 'pagerduty' || !n.group) return [n];
  const group = n.group;
  const firing = group.firing
    .filter((m) => m.isNew || n.kind === 'repeat')
    .map((m) => memberNotification(n, m, m.isNew ? (n.kind === 'escalated' ? 'escalated' : 'firing') : 'repeat'));
  return [...firing, ...group.resolved.map((m) => memberNotification(n, m, 'resolved'))];
}
