import { alertView, type NextId } from './lifecycle.js';
import { type InhibitRule, inhibitions } from './inhibition.js';
import { groupOf, matchRoutes, type RouteNode, routingLabels } from './routing.js';
import { silencedBy } from './silences.js';
import type { AlertRecord, GroupMember, GroupState, Notification, NotificationKind, Silence } from './types.js';

// Routing, inhibition and grouping in one pure step: (alert records, group state, now) → (group state,
// notifications). Alertmanager's dispatcher: a group notifies group_wait after it appears, then at most
// every group_interval and only when its members changed (new, escalated or resolved), and again after
// repeat_interval. Inhibited, silenced and acknowledged alerts are members but never make it notify.

export interface DispatchInput {
  records: Readonly<Record<string, AlertRecord>>;
  silences: readonly Silence[];
  groups: Readonly<Record<string, GroupState>>;
  root: RouteNode;
  inhibitRules: readonly InhibitRule[];
  now: Date;
  nextId: NextId;
}

export interface AlertRouting {
  receivers: string[];
  inhibitedBy: string | null;
  groupKey: string;
  groupLabels: Record<string, string>;
}

export interface DispatchResult {
  records: Record<string, AlertRecord>;
  groups: Record<string, GroupState>;
  notifications: Notification[];
  /** Per unresolved alert: where it goes, what mutes it, the group it is shown in. */
  routing: Map<string, AlertRouting>;
  /** When a group next has something to send (for the shell's timer), or null. */
  nextDueAt: Date | null;
}

interface LiveGroup {
  key: string;
  route: RouteNode;
  labels: Record<string, string>;
  members: string[];
}

export function routesById(root: RouteNode): Map<string, RouteNode> {
  const out = new Map<string, RouteNode>();
  const walk = (node: RouteNode) => {
    out.set(node.id, node);
    node.routes.forEach(walk);
  };
  walk(root);
  return out;
}

const level = (r: AlertRecord) => r.escalationLevel ?? 0;

/** Routes, inhibits and groups the unresolved alerts; no notification decisions. */
export function routeAlerts(
  records: Readonly<Record<string, AlertRecord>>,
  root: RouteNode,
  inhibitRules: readonly InhibitRule[],
): { routing: Map<string, AlertRouting>; live: Map<string, LiveGroup> } {
  const active = Object.values(records).filter((r) => !r.resolvedAt);
  const labelsOf = new Map(active.map((r) => [r.fingerprint, routingLabels(r)]));
  const muted = inhibitions(
    active.map((r) => ({ fingerprint: r.fingerprint, labels: labelsOf.get(r.fingerprint)! })),
    inhibitRules,
  );
  const routing = new Map<string, AlertRouting>();
  const live = new Map<string, LiveGroup>();
  for (const record of active) {
    const labels = labelsOf.get(record.fingerprint)!;
    const routes = matchRoutes(root, labels);
    let home: { key: string; labels: Record<string, string> } | null = null;
    const receivers = new Set<string>();
    for (const route of routes) {
      const group = groupOf(route, labels);
      home ??= group;
      route.receivers.forEach((r) => receivers.add(r));
      const existing = live.get(group.key);
      if (existing) existing.members.push(record.fingerprint);
      else live.set(group.key, { key: group.key, route, labels: group.labels, members: [record.fingerprint] });
    }
    // matchRoutes always returns at least the root.
    routing.set(record.fingerprint, {
      receivers: [...receivers],
      inhibitedBy: muted.get(record.fingerprint) ?? null,
      groupKey: home!.key,
      groupLabels: home!.labels,
    });
  }
  return { routing, live };
}

export function dispatch(input: DispatchInput): DispatchResult {
  const { now, silences } = input;
  const at = now.toISOString();
  const records: Record<string, AlertRecord> = { ...input.records };
  const { routing, live } = routeAlerts(records, input.root, input.inhibitRules);
  const routes = routesById(input.root);
  const groups: Record<string, GroupState> = {};
  const notifications: Notification[] = [];
  let nextDue: number | null = null;
  const due = (t: number) => {
    nextDue = nextDue === null ? t : Math.min(nextDue, t);
  };

  const notifiable = (fp: string) => {
    const r = records[fp];
    if (!r || r.resolvedAt || r.ack || routing.get(fp)?.inhibitedBy) return false;
    return silencedBy(r.labels, silences, now).length === 0;
  };

  const keys = new Set([...live.keys(), ...Object.keys(input.groups)]);
  for (const key of keys) {
    const group = live.get(key);
    const previous = input.groups[key];
    const route = group?.route ?? routes.get(previous?.routeId ?? '');
    // A group whose route left the config: forget it (its alerts are in their new routes' groups).
    // A route that tells nobody needs no memory of what it told: its groups are only shown.
    if (!route || route.receivers.length === 0) continue;
    const members = group?.members ?? [];
    const sendable = members.filter(notifiable);
    const notified = previous?.notified ?? {};
    const resolved = Object.keys(notified).filter((fp) => !records[fp] || records[fp]!.resolvedAt);
    if (!previous && sendable.length === 0) continue;
    const state: GroupState = previous
      ? { ...previous, receivers: [...route.receivers], notified: { ...notified } }
      : {
          key,
          routeId: route.id,
          labels: group!.labels,
          receivers: [...route.receivers],
          createdAt: at,
          nextFlushAt: new Date(now.getTime() + route.groupWait * 1000).toISOString(),
          lastNotifiedAt: null,
          notified: {},
        };
    const fresh = sendable.filter((fp) => !(fp in notified) || level(records[fp]!) > notified[fp]!);
    const repeatAt = state.lastNotifiedAt ? Date.parse(state.lastNotifiedAt) + route.repeatInterval * 1000 : null;
    const changed = fresh.length > 0 || resolved.length > 0;
    const repeat = sendable.length > 0 && repeatAt !== null && now.getTime() >= repeatAt;
    const flushAt = Date.parse(state.nextFlushAt);

    if (now.getTime() >= flushAt && (changed || repeat)) {
      const freshSet = new Set(fresh);
      const ordered = [...fresh, ...sendable.filter((fp) => !freshSet.has(fp))];
      const member = (fp: string, isNew: boolean): GroupMember => {
        const r = records[fp] ?? input.records[fp]!;
        return { alert: alertView(r, silences, now), ...(r.details ? { details: r.details } : {}), isNew };
      };
      const firing = ordered.map((fp) => member(fp, freshSet.has(fp)));
      const gone = resolved.filter((fp) => records[fp]).map((fp) => member(fp, false));
      const lead = firing[0] ?? gone[0];
      if (lead && state.receivers.length > 0) {
        const kind = kindOf(fresh, resolved, sendable, records, notified);
        notifications.push({
          id: input.nextId(groupId(key), kind),
          kind,
          alert: lead.alert,
          channels: [...state.receivers],
          createdAt: at,
          ...(lead.details ? { details: lead.details } : {}),
          group: { key, labels: { ...state.labels }, firing, resolved: gone },
        });
        for (const fp of sendable) {
          const r = records[fp]!;
          records[fp] = {
            ...r,
            lastNotifiedAt: at,
            notifiedLevel: Math.max(r.notifiedLevel ?? 0, level(r)) || null,
            notifiedChannels: [...new Set([...r.notifiedChannels, ...state.receivers])],
          };
        }
      }
      // Notified: what is sendable now, plus muted members announced before (their resolution is news).
      const next: Record<string, number> = {};
      for (const fp of Object.keys(notified))
        if (!resolved.includes(fp) && members.includes(fp)) next[fp] = notified[fp]!;
      for (const fp of sendable) next[fp] = level(records[fp]!);
      state.notified = next;
      if (sendable.length > 0) state.lastNotifiedAt = at;
      state.nextFlushAt = new Date(now.getTime() + route.groupInterval * 1000).toISOString();
    } else if (changed) {
      due(flushAt);
    }
    // Members that moved to another route (an SLA miss escalating) leave quietly.
    for (const fp of Object.keys(state.notified))
      if (!members.includes(fp) && records[fp] && !records[fp]!.resolvedAt) delete state.notified[fp];
    if (members.length === 0 && Object.keys(state.notified).length === 0) continue;
    groups[key] = state;
    if (sendable.length > 0 && state.lastNotifiedAt)
      due(Math.max(Date.parse(state.nextFlushAt), Date.parse(state.lastNotifiedAt) + route.repeatInterval * 1000));
    else if (sendable.length > 0) due(Date.parse(state.nextFlushAt));
  }
  return { records, groups, notifications, routing, nextDueAt: nextDue === null ? null : new Date(nextDue) };
}

function kindOf(
  fresh: string[],
  resolved: string[],
  sendable: string[],
  records: Readonly<Record<string, AlertRecord>>,
  notified: Readonly<Record<string, number>>,
): NotificationKind {
  if (fresh.length > 0) {
    const escalated = fresh.some(
      (fp) => (records[fp]?.notifiedLevel ?? 0) > 0 && level(records[fp]!) > (records[fp]!.notifiedLevel ?? 0),
    );
    return escalated || fresh.some((fp) => fp in notified) ? 'escalated' : 'firing';
  }
  if (resolved.length > 0) return sendable.length > 0 ? 'firing' : 'resolved';
  return 'repeat';
}

/** The group key as a short id (FNV-1a 32, hex) for notification ids. */
export function groupId(key: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `g${h.toString(16).padStart(8, '0')}`;
}
