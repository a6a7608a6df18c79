import type { AlertView, Severity } from '../report/types.js';
import { fingerprint } from './fingerprint.js';
import { silencedBy } from './silences.js';
import type { AlertRecord, CandidateInput, Notification, NotificationKind, Silence } from './types.js';

// The pure heart of the alert lifecycle: (records, silences, candidates, now) → (records, notifications).
// Notify on first firing, on a higher SLA escalation level, on resolution, and otherwise only once per
// repeat interval. Silenced alerts stay quiet; acknowledged ones neither escalate nor repeat.

export interface LifecyclePolicy {
  repeatIntervalSeconds: number;
  /** Channels for alerts whose candidate names none (every configured alert sink). */
  defaultChannels: string[];
  /** How long a resolved alert stays listed for the log. */
  resolvedRetentionSeconds: number;
  /** At most this many resolved alerts are kept (the newest); default RESOLVED_CAPACITY. */
  resolvedCapacity?: number;
  /** false: keep the records only and let the dispatcher (routing, grouping) decide what to send. */
  notify?: boolean;
}

export type NextId = (fingerprint: string, kind: NotificationKind) => string;

export interface StepResult {
  records: Record<string, AlertRecord>;
  notifications: Notification[];
}

/**
 * Resolved alerts kept at most, over the whole state: a fleet whose runs fail all day makes a new alert per
 * failed run, and every poll rewrites alerts.json, so a day of them would make each write megabytes.
 */
export const RESOLVED_CAPACITY = 2000;

const SEVERITY_ORDER: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function alertView(record: AlertRecord, silences: readonly Silence[], now: Date): AlertView {
  let state: AlertView['state'] = 'firing';
  if (record.resolvedAt) state = 'resolved';
  else if (silencedBy(record.labels, silences, now).length > 0) state = 'silenced';
  else if (record.ack) state = 'acknowledged';
  return {
    fingerprint: record.fingerprint,
    labels: { ...record.labels },
    annotations: { ...record.annotations },
    severity: record.severity,
    state,
    since: record.startsAt,
    escalation_level: record.escalationLevel,
    ack: record.ack ? { ...record.ack } : null,
  };
}

/** Active alerts first, then by severity, then oldest first: the order an on-call engineer reads them. */
export function sortViews(views: AlertView[]): AlertView[] {
  return views.sort(
    (a, b) =>
      Number(a.state === 'resolved') - Number(b.state === 'resolved') ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.since.localeCompare(b.since) ||
      a.fingerprint.localeCompare(b.fingerprint),
  );
}

function freshRecord(fp: string, candidate: CandidateInput, at: string): AlertRecord {
  return {
    fingerprint: fp,
    labels: { ...candidate.labels },
    annotations: {},
    severity: candidate.severity,
    startsAt: at,
    lastSeenAt: at,
    resolvedAt: null,
    escalationLevel: null,
    notifiedLevel: null,
    channels: [],
    notifiedChannels: [],
    lastNotifiedAt: null,
    ack: null,
  };
}

function annotationsOf(candidate: CandidateInput): Record<string, string> {
  const out: Record<string, string> = { summary: candidate.annotations.summary };
  if (candidate.annotations.description !== undefined) out.description = candidate.annotations.description;
  return out;
}

/** Several candidates with one identity in one poll are one alert; the highest level wins. */
function mergeCandidates(candidates: readonly CandidateInput[]): Map<string, CandidateInput> {
  const byFp = new Map<string, CandidateInput>();
  for (const candidate of candidates) {
    const fp = fingerprint(candidate.labels);
    const seen = byFp.get(fp);
    if (!seen || (candidate.escalation_level ?? 0) >= (seen.escalation_level ?? 0)) byFp.set(fp, candidate);
  }
  return byFp;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

function decide(record: AlertRecord, silenced: boolean, now: Date, policy: LifecyclePolicy): NotificationKind | null {
  if (silenced || record.ack) return null;
  if (record.lastNotifiedAt === null) return 'firing';
  if (record.escalationLevel !== null && record.escalationLevel > (record.notifiedLevel ?? 0)) return 'escalated';
  if (now.getTime() - Date.parse(record.lastNotifiedAt) >= policy.repeatIntervalSeconds * 1000) return 'repeat';
  return null;
}

export function makeNotification(
  record: AlertRecord,
  kind: NotificationKind,
  channels: string[],
  silences: readonly Silence[],
  now: Date,
  nextId: NextId,
): Notification {
  const notification: Notification = {
    id: nextId(record.fingerprint, kind),
    kind,
    alert: alertView(record, silences, now),
    channels: [...channels],
    createdAt: now.toISOString(),
  };
  if (record.details) notification.details = record.details;
  return notification;
}

export function step(
  previous: Readonly<Record<string, AlertRecord>>,
  silences: readonly Silence[],
  candidates: readonly CandidateInput[],
  now: Date,
  policy: LifecyclePolicy,
  nextId: NextId,
  /**
   * The alerts this poll could have seen (fleet mode: its instance's). Others are kept as they are: one
   * instance's poll never resolves another's alerts. Default: every alert.
   */
  inScope: (labels: Readonly<Record<string, string>>) => boolean = () => true,
): StepResult {
  const at = now.toISOString();
  const records: Record<string, AlertRecord> = {};
  const notifications: Notification[] = [];
  const current = mergeCandidates(candidates);

  for (const [fp, candidate] of current) {
    const old = previous[fp];
    const base = old && !old.resolvedAt ? old : freshRecord(fp, candidate, at);
    const record: AlertRecord = {
      ...base,
      labels: { ...candidate.labels },
      annotations: annotationsOf(candidate),
      severity: candidate.severity,
      lastSeenAt: at,
      escalationLevel: candidate.escalation_level ?? null,
      channels:
        candidate.escalation_level !== undefined
          ? [...(candidate.channels ?? policy.defaultChannels)]
          : [...policy.defaultChannels],
    };
    if (candidate.details) record.details = candidate.details;
    const kind =
      policy.notify === false ? null : decide(record, silencedBy(record.labels, silences, now).length > 0, now, policy);
    if (kind) {
      record.lastNotifiedAt = at;
      record.notifiedLevel = Math.max(record.notifiedLevel ?? 0, record.escalationLevel ?? 0) || null;
      record.notifiedChannels = union(record.notifiedChannels, record.channels);
      notifications.push(makeNotification(record, kind, record.channels, silences, now, nextId));
    }
    records[fp] = record;
  }

  const horizon = now.getTime() - policy.resolvedRetentionSeconds * 1000;
  for (const [fp, old] of Object.entries(previous)) {
    if (current.has(fp)) continue;
    if (!inScope(old.labels)) {
      records[fp] = old;
      continue;
    }
    if (old.resolvedAt) {
      if (Date.parse(old.resolvedAt) >= horizon) records[fp] = old;
      continue;
    }
    const resolved: AlertRecord = { ...old, resolvedAt: at };
    records[fp] = resolved;
    // Only what was announced needs closing; a pager incident left open would page on.
    if (old.notifiedChannels.length > 0 && policy.notify !== false) {
      notifications.push(makeNotification(resolved, 'resolved', old.notifiedChannels, silences, now, nextId));
    }
  }
  dropOldestResolved(records, policy.resolvedCapacity ?? RESOLVED_CAPACITY);
  return { records, notifications };
}

function dropOldestResolved(records: Record<string, AlertRecord>, capacity: number): void {
  const resolved = Object.values(records).filter((r) => r.resolvedAt !== null);
  if (resolved.length <= capacity) return;
  // ISO timestamps of one clock sort as strings.
  resolved.sort((a, b) => (a.resolvedAt! < b.resolvedAt! ? -1 : a.resolvedAt! > b.resolvedAt! ? 1 : 0));
  for (const r of resolved.slice(0, resolved.length - capacity)) delete records[r.fingerprint];
}
