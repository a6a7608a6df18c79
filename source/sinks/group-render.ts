import type { GroupMember, Notification } from '../alerts/types.js';

// A group notification seen as its members, each as the single-alert notification the sinks already know
// how to format: the reference's layouts stay exactly as they were for each member.

export interface MemberNotifications {
  firing: Notification[];
  resolved: Notification[];
  newCount: number;
}

function single(n: Notification, m: GroupMember, kind: Notification['kind']): Notification {
  const out: Notification = {
    id: `${n.id}#${m.alert.fingerprint}`,
    kind,
    alert: m.alert,
    channels: n.channels,
    createdAt: n.createdAt,
  };
  if (m.details) out.details = m.details;
  return out;
}

export function members(n: Notification): MemberNotifications {
  if (!n.group)
    return n.kind === 'resolved'
      ? { firing: [], resolved: [n], newCount: 0 }
      : { firing: [n], resolved: [], newCount: 1 };
  return {
    firing: n.group.firing.map((m) =>
      single(
        n,
        m,
        n.kind === 'acknowledged'
          ? 'acknowledged'
          : m.isNew
            ? n.kind === 'escalated'
              ? 'escalated'
              : 'firing'
            : 'repeat',
      ),
    ),
    resolved: n.group.resolved.map((m) => single(n, m, 'resolved')),
    newCount: n.group.firing.filter((m) => m.isNew).length,
  };
}

/** The one member, when the group notification carries only one: sinks then send the reference's message. */
export function soleMember(n: Notification): Notification | null {
  const m = members(n);
  const all = [...m.firing, ...m.resolved];
  return all.length === 1 ? all[0]! : null;
}

/** "3 firing (2 new), 1 resolved". */
export function counts(n: Notification): string {
  const m = members(n);
  const parts = [`${m.firing.length} firing${m.newCount > 0 ? ` (${m.newCount} new)` : ''}`];
  if (m.resolved.length > 0) parts.push(`${m.resolved.length} resolved`);
  return parts.join(', ');
}

export function groupLabelText(n: Notification): string {
  const labels = Object.entries(n.group?.labels ?? {});
  return labels.length > 0 ? labels.map(([k, v]) => `${k}=${v}`).join(', ') : 'all';
}
