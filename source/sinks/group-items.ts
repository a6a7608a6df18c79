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
  if (n.kind === 'acknowledged') return group.firing.map((m) => memberNotification(n, m, 'acknowledged'));
  const firing = group.firing
    .filter((m) => m.isNew || n.kind === 'repeat')
    .map((m) => memberNotification(n, m, m.isNew ? (n.kind === 'escalated' ? 'escalated' : 'firing') : 'repeat'));
  return [...firing, ...group.resolved.map((m) => memberNotification(n, m, 'resolved'))];
}

/**
 * Collects the acknowledgements made in one tick (a group's members, acked in a loop) and hands them over
 * as one notification per set of channels once the tick is over; each add() resolves after that hand-off.
 */
export function ackBatcher(handOff: (notifications: Notification[]) => void): { add(n: Notification): Promise<void> } {
  let batch: Notification[] = [];
  let flushing: Promise<void> | null = null;
  const flush = () => {
    const taken = batch;
    batch = [];
    flushing = null;
    const byChannels = new Map<string, Notification[]>();
    for (const n of taken) {
      const key = [...n.channels].sort().join(',');
      byChannels.set(key, [...(byChannels.get(key) ?? []), n]);
    }
    for (const list of byChannels.values()) handOff([list.length === 1 ? list[0]! : mergeAcks(list)]);
  };
  return {
    add(n) {
      batch.push(n);
      flushing ??= Promise.resolve().then(flush);
      return flushing;
    },
  };
}

function mergeAcks(list: Notification[]): Notification {
  const first = list[0]!;
  return {
    id: `${first.id}+${list.length - 1}`,
    kind: 'acknowledged',
    alert: first.alert,
    channels: [...first.channels],
    createdAt: first.createdAt,
    ...(first.details ? { details: first.details } : {}),
    group: {
      key: 'acknowledged',
      labels: {},
      firing: list.map((n) => ({ alert: n.alert, ...(n.details ? { details: n.details } : {}), isNew: true })),
      resolved: [],
    },
  };
}
