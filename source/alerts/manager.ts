import { randomUUID } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { AlertView } from '../report/types.js';
import { type AlertRouting, dispatch } from './dispatch.js';
import type { InhibitRule } from './inhibition.js';
import { alertView, makeNotification, sortViews, step, type LifecyclePolicy } from './lifecycle.js';
import type { RouteNode } from './routing.js';
import { emptyAlertState, LOG_CAPACITY, parseAlertState, type AlertStoreState } from './persisted.js';
import { createSilence, expire, pruneSilences, type SilenceRequest } from './silences.js';
import { withFileLock } from './file-lock.js';
import { readBackup, readJsonState, writeJsonAtomic, type StateRead } from '../persist/json-file.js';
import type {
  AlertRecord,
  CandidateInput,
  Notification,
  NotificationKind,
  NotificationLogEntry,
  Result,
  Silence,
} from './types.js';

export const ALERT_STATE_FILE = 'alerts.json';
const DAY_SECONDS = 86400;
/** A safety net for a caller that never confirms hand-off; the notifier always does. */
const PENDING_CAPACITY = 10_000;

export interface AlertManagerOptions {
  stateDir: string;
  repeatIntervalSeconds: number;
  clock?: () => Date;
  /** Who acks and silences when the caller does not say; defaults to the OS user. */
  user?: string;
  /** Channels for non-SLA alerts: every configured alert sink. */
  defaultChannels?: string[];
  /** How long resolved alerts stay listed (default 24 h). */
  resolvedRetentionSeconds?: number;
  /** Entries kept in the SLA miss history (the reference keeps 100). */
  slaHistorySize?: number;
  /** Told about state files that were unreadable or could not be written. */
  onProblem?: (message: string) => void;
  /** Read acks and silences but never write (for --once, which must not change what the daemon sees). */
  readOnly?: boolean;
  /**
   * Routing, grouping and inhibition (Alertmanager's model). Without it every alert notifies on its own
   * to its channels, as before routing existed.
   */
  routing?: { root: RouteNode; inhibitRules: InhibitRule[] };
}

export interface AlertManager {
  /** Reads the state dir; a corrupt file is moved aside and reported through onProblem, never thrown. */
  load(): Promise<void>;
  /**
   * `scope`: labels every alert this poll could have seen carries (fleet mode: `{instance: NAME}`); alerts
   * without them are neither refreshed nor resolved by it.
   */
  update(
    candidates: CandidateInput[],
    now: Date,
    scope?: Readonly<Record<string, string>>,
  ): { alerts: AlertView[]; notifications: Notification[] };
  /** Sends what groups have due (group_wait, group_interval, repeat_interval) without a poll. */
  flushDue(now: Date): { alerts: AlertView[]; notifications: Notification[] };
  /** When a group next has something due, for the shell's timer; null when nothing waits. */
  nextDueAt(): Date | null;
  ack(fingerprint: string, by?: string, note?: string): Result<{ alert: AlertView; notification: Notification | null }>;
  unack(fingerprint: string): Result<{ alert: AlertView }>;
  silence(request: Omit<SilenceRequest, 'createdBy'> & { createdBy?: string }): Result<{ silence: Silence }>;
  expireSilence(id: string): Result<{ silence: Silence }>;
  silences(): Silence[];
  alerts(): AlertView[];
  /** The full records, including when each resolved (for Alertmanager's endsAt). */
  records(): AlertRecord[];
  /** Notifications emitted but not yet confirmed as handed to the outbox (after a crash, re-hand these). */
  pending(): Notification[];
  handedOff(ids: string[]): void;
  slaHistory(): Record<string, unknown>[];
  log(): NotificationLogEntry[];
}

export function createAlertManager(options: AlertManagerOptions): AlertManager {
  const clock = options.clock ?? (() => new Date());
  const path = join(options.stateDir, ALERT_STATE_FILE);
  const policy: LifecyclePolicy = {
    repeatIntervalSeconds: options.repeatIntervalSeconds,
    defaultChannels: options.defaultChannels ?? [],
    resolvedRetentionSeconds: options.resolvedRetentionSeconds ?? DAY_SECONDS,
    notify: options.routing === undefined,
  };
  let routingOf = new Map<string, AlertRouting>();
  /** Resolved alerts keep the group they were last shown in. */
  const lastRouting = new Map<string, AlertRouting>();
  let nextDue: Date | null = null;
  const historySize = options.slaHistorySize ?? 100;
  const problem = options.onProblem ?? (() => {});
  let state: AlertStoreState = emptyAlertState(newEpoch());

  const nextId = (fp: string, kind: NotificationKind) => `${fp}:${kind}:${state.epoch}-${++state.sequence}`;

  function persist(): void {
    if (options.readOnly) return;
    try {
      // The file being replaced is one this manager wrote or parsed (refresh): it is kept as the backup unread.
      const trusted = seen !== null && fileIdentity(path) === seen;
      writeJsonAtomic(path, state, { backup: true, trusted });
      seen = fileIdentity(path);
    } catch (error) {
      problem(
        `cannot save alert state to ${path}: ${(error as Error).message}; acks and silences will not survive a restart until this is fixed`,
      );
    }
  }

  // Another process on the same state dir (a TUI beside the daemon, an HA standby taking over) may have
  // written since we last did. Every change is read-modify-write under a lock: re-read the file when its
  // identity changed, apply the change to that, write (persist). So an ack made elsewhere is never
  // overwritten, and an alert another process already notified is not notified again.
  let seen: string | null = null;
  function refresh(): void {
    const identity = fileIdentity(path);
    if (identity === null || identity === seen) return;
    try {
      state = parseAlertState(JSON.parse(readFileSync(path, 'utf8')));
      seen = identity;
    } catch {
      // Corrupt or not ours: keep what we have; load() moves bad files aside.
    }
  }
  function locked<A extends unknown[], R>(change: (...args: A) => R): (...args: A) => R {
    return (...args) =>
      options.readOnly
        ? change(...args)
        : withFileLock(`${path}.lock`, () => (refresh(), change(...args)), { onProblem: problem });
  }

  function record(notifications: Notification[]): void {
    for (const n of notifications) {
      state.log.push({
        id: n.id,
        fingerprint: n.alert.fingerprint,
        kind: n.kind,
        at: n.createdAt,
        channels: n.channels,
        escalationLevel: n.alert.escalation_level,
      });
      if (n.kind === 'resolved' || n.kind === 'acknowledged') continue;
      // A group notification announces each of its new members: each SLA miss among them is history.
      const announced = n.group ? n.group.firing.filter((m) => m.isNew) : [{ alert: n.alert, details: n.details }];
      for (const m of announced)
        if (m.alert.escalation_level !== null && m.details) state.slaHistory.push({ ...m.details });
    }
    state.log = state.log.slice(-LOG_CAPACITY);
    state.slaHistory = state.slaHistory.slice(-historySize);
    state.pending = [...state.pending, ...notifications].slice(-PENDING_CAPACITY);
  }

  function runDispatch(now: Date): Notification[] {
    if (!options.routing) return [];
    const result = dispatch({
      records: state.alerts,
      silences: state.silences,
      groups: state.groups,
      root: options.routing.root,
      inhibitRules: options.routing.inhibitRules,
      now,
      nextId,
    });
    state.alerts = result.records;
    state.groups = result.groups;
    routingOf = result.routing;
    // Each routed alert remembers its group: once resolved (and after a restart) it is still shown in it.
    for (const [fp, r] of routingOf) {
      const record = state.alerts[fp];
      if (record && record.group?.key !== r.groupKey)
        state.alerts[fp] = { ...record, group: { key: r.groupKey, labels: { ...r.groupLabels } } };
    }
    for (const [fp, r] of routingOf) lastRouting.set(fp, r);
    for (const fp of lastRouting.keys()) if (!state.alerts[fp]) lastRouting.delete(fp);
    nextDue = result.nextDueAt;
    return result.notifications;
  }

  function annotated(record: AlertRecord, now: Date): AlertView {
    const view = alertView(record, state.silences, now);
    if (!options.routing) return view;
    const r = routingOf.get(record.fingerprint) ?? (record.resolvedAt ? null : lastRouting.get(record.fingerprint));
    view.receivers = r ? [...r.receivers] : [];
    view.inhibited_by = record.resolvedAt ? null : (r?.inhibitedBy ?? null);
    // Routed now, it is shown in its group; resolved, in the group it was last routed to (the record keeps it).
    const group = r ? { key: r.groupKey, labels: r.groupLabels } : record.group;
    if (group) {
      view.group_key = group.key;
      view.group_labels = { ...group.labels };
    }
    return view;
  }

  const views = (now: Date) => sortViews(Object.values(state.alerts).map((r) => annotated(r, now)));
  const by = (who: string | undefined) => (who && who.trim()) || options.user || osUser();

  return {
    async load() {
      // Read-only: do not move a bad file aside either; the daemon that owns it will.
      const read = options.readOnly
        ? readOnlyState(path)
        : readJsonState(path, parseAlertState, clock(), { backup: true });
      if (read.status === 'ok') state = read.value;
      else if (read.status === 'corrupt' && read.fallback) state = read.fallback;
      else state = emptyAlertState(newEpoch());
      seen = read.status === 'ok' ? fileIdentity(path) : null;
      if (read.status === 'corrupt') problem(read.message);
    },

    update: locked((candidates: CandidateInput[], now: Date, scope?: Readonly<Record<string, string>>) => {
      const inScope = scope
        ? (labels: Readonly<Record<string, string>>) => Object.entries(scope).every(([k, v]) => labels[k] === v)
        : undefined;
      const result = step(state.alerts, state.silences, candidates, now, policy, nextId, inScope);
      state.alerts = result.records;
      state.silences = pruneSilences(state.silences, now);
      const notifications = [...result.notifications, ...runDispatch(now)];
      record(notifications);
      persist();
      return { alerts: views(now), notifications };
    }),

    flushDue: locked((now: Date) => {
      const notifications = runDispatch(now);
      if (notifications.length > 0) {
        record(notifications);
        persist();
      }
      return { alerts: views(now), notifications };
    }),

    nextDueAt: () => nextDue,

    ack: locked((fp: string, who?: string, note = '') => {
      const now = clock();
      const current = state.alerts[fp];
      if (!current) return { ok: false, error: `no alert with fingerprint ${fp}` };
      if (current.resolvedAt) return { ok: false, error: `alert ${fp} is already resolved; nothing to acknowledge` };
      const acked: AlertRecord = { ...current, ack: { by: by(who), at: now.toISOString(), note } };
      state.alerts[fp] = acked;
      // Tell whoever was paged (PagerDuty gets event_action acknowledge), nobody if nothing went out yet.
      const notification =
        acked.notifiedChannels.length > 0
          ? makeNotification(acked, 'acknowledged', acked.notifiedChannels, state.silences, now, nextId)
          : null;
      if (notification) record([notification]);
      persist();
      return { ok: true as const, alert: annotated(acked, now), notification };
    }),

    unack: locked((fp: string) => {
      const now = clock();
      const current = state.alerts[fp];
      if (!current) return { ok: false, error: `no alert with fingerprint ${fp}` };
      state.alerts[fp] = { ...current, ack: null };
      persist();
      return { ok: true as const, alert: annotated(state.alerts[fp]!, now) };
    }),

    silence: locked((request: Parameters<AlertManager['silence']>[0]) => {
      const created = createSilence({ ...request, createdBy: by(request.createdBy) }, clock());
      if (!created.ok) return created;
      state.silences = [...state.silences, created.silence];
      persist();
      return created;
    }),

    expireSilence: locked((id: string) => {
      const found = state.silences.find((s) => s.id === id);
      if (!found) return { ok: false, error: `no silence with id ${id}` };
      const expired = expire(found, clock());
      state.silences = state.silences.map((s) => (s.id === id ? expired : s));
      persist();
      return { ok: true as const, silence: expired };
    }),

    silences: () => state.silences.map((s) => ({ ...s })),
    alerts: () => views(clock()),
    records: () => Object.values(state.alerts).map((r) => ({ ...r })),
    pending: () => [...state.pending],
    handedOff: locked((ids: string[]) => {
      const done = new Set(ids);
      const before = state.pending.length;
      state.pending = state.pending.filter((n) => !done.has(n.id));
      if (state.pending.length !== before) persist();
    }),
    slaHistory: () => state.slaHistory.map((h) => ({ ...h })),
    log: () => [...state.log],
  };
}

function readOnlyState(path: string): StateRead<AlertStoreState> {
  try {
    return { status: 'ok', value: parseAlertState(JSON.parse(readFileSync(path, 'utf8'))) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    const fallback = readBackup(path, parseAlertState);
    if (fallback)
      return {
        status: 'corrupt',
        message: `${path} could not be read (${(error as Error).message}); using the last good copy ${path}.bak`,
        fallback,
      };
    return {
      status: 'corrupt',
      message: `${path} could not be read (${(error as Error).message}); showing alerts without acks and silences`,
    };
  }
}

/** Changes whenever the file is replaced (a rename gives a new inode) or rewritten. */
function fileIdentity(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

function newEpoch(): string {
  return randomUUID().slice(0, 8);
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
