import { z } from 'zod';
import type { AlertRecord, GroupState, Notification, NotificationLogEntry, Silence } from './types.js';

// The shape of <state dir>/alerts.json. Parsing it with a schema means a file from a different version or
// a hand edit gone wrong is moved aside with a message instead of crashing the monitor later.

export const STATE_VERSION = 1;
/** Notification log entries kept for audit. */
export const LOG_CAPACITY = 1000;

export interface AlertStoreState {
  version: typeof STATE_VERSION;
  /** Makes notification ids unique across a state reset, so an outbox never mistakes a new one for a sent one. */
  epoch: string;
  sequence: number;
  alerts: Record<string, AlertRecord>;
  silences: Silence[];
  log: NotificationLogEntry[];
  /** Emitted but not yet confirmed as handed to the outbox; re-handed after a crash. */
  pending: Notification[];
  /** The reference's sla_miss_history: SLA notification dicts, newest last. */
  slaHistory: Record<string, unknown>[];
  /** The dispatcher's groups (when each last notified, and whom it told about). */
  groups: Record<string, GroupState>;
}

const labels = z.record(z.string(), z.string());
const severity = z.enum(['critical', 'warning', 'info']);
const kind = z.enum(['firing', 'escalated', 'repeat', 'resolved', 'acknowledged']);
const ack = z.object({ by: z.string(), at: z.string(), note: z.string() });
const details = z.record(z.string(), z.unknown());

const record = z.object({
  fingerprint: z.string(),
  labels,
  annotations: labels,
  severity,
  startsAt: z.string(),
  lastSeenAt: z.string(),
  resolvedAt: z.string().nullable(),
  escalationLevel: z.number().nullable(),
  notifiedLevel: z.number().nullable(),
  channels: z.array(z.string()),
  notifiedChannels: z.array(z.string()),
  lastNotifiedAt: z.string().nullable(),
  ack: ack.nullable(),
  details: details.optional(),
  group: z.object({ key: z.string(), labels }).optional(),
});

const silence = z.object({
  id: z.string(),
  matchers: z.array(z.object({ name: z.string(), value: z.string(), isRegex: z.boolean(), isEqual: z.boolean() })),
  startsAt: z.string(),
  endsAt: z.string(),
  createdBy: z.string(),
  comment: z.string(),
  updatedAt: z.string(),
});

const view = z.object({
  fingerprint: z.string(),
  labels,
  annotations: labels,
  severity,
  state: z.enum(['firing', 'acknowledged', 'silenced', 'resolved']),
  since: z.string(),
  escalation_level: z.number().nullable(),
  ack: ack.nullable(),
});

export const notificationSchema = z.object({
  id: z.string(),
  kind,
  alert: view,
  channels: z.array(z.string()),
  createdAt: z.string(),
  details: details.optional(),
  // A group's members are views and details already checked at creation; kept whole for a re-hand.
  group: z.record(z.string(), z.unknown()).optional(),
});

const groupState = z.object({
  key: z.string(),
  routeId: z.string(),
  labels,
  receivers: z.array(z.string()),
  createdAt: z.string(),
  nextFlushAt: z.string(),
  lastNotifiedAt: z.string().nullable(),
  notified: z.record(z.string(), z.number()),
});

const stateSchema = z.object({
  version: z.literal(STATE_VERSION),
  epoch: z.string().min(1),
  sequence: z.number().int().min(0),
  alerts: z.record(z.string(), record),
  silences: z.array(silence),
  log: z.array(
    z.object({
      id: z.string(),
      fingerprint: z.string(),
      kind,
      at: z.string(),
      channels: z.array(z.string()),
      escalationLevel: z.number().nullable(),
    }),
  ),
  pending: z.array(notificationSchema),
  slaHistory: z.array(details),
  // Absent in files written before routing: no group has notified yet.
  groups: z.record(z.string(), groupState).default({}),
});

/** Throws with the first problem (path and what was expected) when the file is not airtop's alert state. */
export function parseAlertState(raw: unknown): AlertStoreState {
  const parsed = stateSchema.safeParse(raw);
  if (parsed.success) return parsed.data as AlertStoreState;
  const issue = parsed.error.issues[0];
  throw new Error(`not airtop alert state: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
}

export function emptyAlertState(epoch: string): AlertStoreState {
  return {
    version: STATE_VERSION,
    epoch,
    sequence: 0,
    alerts: {},
    silences: [],
    log: [],
    pending: [],
    slaHistory: [],
    groups: {},
  };
}
