import type { Matcher } from '../config/matchers.js';
import type { AlertCandidate, AlertView, Severity } from '../report/types.js';

export type NotificationKind = 'firing' | 'escalated' | 'repeat' | 'resolved' | 'acknowledged';

/** One message to send, to each of `channels`. `id` is the idempotency key: fingerprint + kind + sequence. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  alert: AlertView;
  channels: string[];
  createdAt: string;
  /**
   * The reference's fields for this alert, when known: an SLA miss's notification dict (dag_id, task_id,
   * lateness_human, blocking_tasks, ...) or a threshold finding (type, value, threshold). Sinks format from these.
   */
  details?: Record<string, unknown>;
  /** Set when the notification is for a group (always, since routing): every member, the new ones first. */
  group?: NotificationGroup;
}

export interface GroupMember {
  alert: AlertView;
  details?: Record<string, unknown>;
  /** Not in the group's previous notification (or at a higher escalation level than then). */
  isNew: boolean;
}

/** One notification per group: Slack and email render it as one message, PagerDuty one event per member. */
export interface NotificationGroup {
  key: string;
  labels: Record<string, string>;
  /** Firing members, the new ones first. */
  firing: GroupMember[];
  /** Members announced before that have resolved since. */
  resolved: GroupMember[];
}

/** What the dispatcher remembers about one group between polls (Alertmanager's aggregation group + nflog). */
export interface GroupState {
  key: string;
  routeId: string;
  labels: Record<string, string>;
  receivers: string[];
  createdAt: string;
  /** When the group may next notify: createdAt + group_wait, then every group_interval. */
  nextFlushAt: string;
  lastNotifiedAt: string | null;
  /** fingerprint → escalation level (0 for none) as last notified; resolution goes to these. */
  notified: Record<string, number>;
}

/** An AlertCandidate plus the reference fields the notifier looked up for it in the report. */
export type CandidateInput = AlertCandidate & { details?: Record<string, unknown> };

export interface Ack {
  by: string;
  at: string;
  note: string;
}

/** What airtop remembers about one alert (one label set) between polls and restarts. */
export interface AlertRecord {
  fingerprint: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  severity: Severity;
  /** When this firing episode began; a resolved alert that fires again starts a new episode. */
  startsAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  /** SLA alerts: the level the engines give now; null for other alerts. */
  escalationLevel: number | null;
  /** The highest level a notification went out for in this episode. */
  notifiedLevel: number | null;
  /** Where this alert's notifications go now. */
  channels: string[];
  /** Every channel notified in this episode; resolution and acknowledgement go to these. */
  notifiedChannels: string[];
  lastNotifiedAt: string | null;
  ack: Ack | null;
  details?: Record<string, unknown>;
  /** The group it was last routed to, so a resolved alert is still shown in it (after a restart too). */
  group?: { key: string; labels: Record<string, string> };
}

export type { Matcher };

export interface Silence {
  id: string;
  matchers: Matcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
  updatedAt: string;
}

export interface NotificationLogEntry {
  id: string;
  fingerprint: string;
  kind: NotificationKind;
  at: string;
  channels: string[];
  escalationLevel: number | null;
}

export type Result<T> = ({ ok: true } & T) | { ok: false; error: string };
