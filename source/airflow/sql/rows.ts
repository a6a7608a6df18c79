// Row shapes of the queries in queries.ts and their mapping onto the records of ../types.ts.
import type { Dag, DagRun, DagWindowStats, Pool, TaskInstance, TaskWindowStats } from '../types.js';
import { sanitizeText } from '../../text/sanitize.js';
import { setOwn } from '../../own.js';

/** The session parses timestamptz straight into ISO text (session.ts); a Date is accepted too. */
type Time = Date | string | null;

// The metadata DB is outside text like any API: a DAG id or pool name may carry escape sequences, and a
// hand-edited row may hold the wrong type. Strings are sanitised (text/sanitize.ts), numbers must be finite.
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function iso(value: Time): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (typeof value !== 'string') return null;
  // What the session writes (toISOString's form) needs no parse; anything else is checked.
  if (ISO_UTC.test(value)) return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

function text(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return sanitizeText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

function num(value: unknown, fallback = 0): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

function numOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = num(value, Number.NaN);
  return Number.isNaN(n) ? null : n;
}

/**
 * One string instance per distinct value during a poll: ten thousand task instances repeat a few dozen DAG,
 * task, state and pool names, and the snapshot is kept in the store until the next poll.
 */
export type Intern = (value: string) => string;
export function createIntern(): Intern {
  const seen = new Map<string, string>();
  return (value) => {
    const known = seen.get(value);
    if (known !== undefined) return known;
    seen.set(value, value);
    return value;
  };
}
const asIs: Intern = (value) => value;

export interface DagRow {
  dag_id: string;
  is_paused: boolean;
  owners: string | null;
  tags: string[];
}

export function toDag(row: DagRow): Dag {
  const owners = text(row.owners)
    .split(',')
    .map((owner) => owner.trim())
    .filter(Boolean);
  const tags = Array.isArray(row.tags) ? row.tags.slice(0, 100).map((tag) => text(tag)) : [];
  return { dagId: text(row.dag_id), isPaused: row.is_paused === true, tags, owners };
}

export interface RunRow {
  dag_id: string;
  run_id: string;
  state: string | null;
  run_type: string;
  queued_at: Time;
  start_date: Time;
  end_date: Time;
  run_after: Time;
  logical_date: Time;
}

export function toDagRun(row: RunRow, intern: Intern = asIs): DagRun {
  return {
    dagId: intern(text(row.dag_id)),
    // Unique per run: interning it would cost a hash lookup and save nothing.
    runId: text(row.run_id),
    state: intern(text(row.state, 'queued')),
    runType: intern(text(row.run_type, 'unknown')),
    queuedAt: iso(row.queued_at),
    startDate: iso(row.start_date),
    endDate: iso(row.end_date),
    runAfter: iso(row.run_after) ?? '',
    logicalDate: iso(row.logical_date),
  };
}

export interface TaskInstanceRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  map_index: number;
  state: string | null;
  try_number: number;
  max_tries: number;
  start_date: Time;
  end_date: Time;
  duration: number | null;
  pool: string;
  pool_slots: number;
  queue: string | null;
  operator: string | null;
  queued_dttm: Time;
}

export function toTaskInstance(row: TaskInstanceRow, intern: Intern = asIs): TaskInstance {
  return {
    dagId: intern(text(row.dag_id)),
    runId: intern(text(row.run_id)),
    taskId: intern(text(row.task_id)),
    mapIndex: num(row.map_index, -1),
    state: row.state === null || row.state === undefined ? null : intern(text(row.state)),
    tryNumber: num(row.try_number),
    maxTries: num(row.max_tries),
    startDate: iso(row.start_date),
    endDate: iso(row.end_date),
    durationSeconds: numOrNull(row.duration),
    pool: intern(text(row.pool, 'default_pool')),
    poolSlots: num(row.pool_slots, 1),
    queue: textOrNull(row.queue) === null ? null : intern(textOrNull(row.queue)!),
    operator: textOrNull(row.operator) === null ? null : intern(textOrNull(row.operator)!),
    queuedWhen: iso(row.queued_dttm),
  };
}

export interface PoolRow {
  pool: string;
  slots: number;
  include_deferred: boolean;
  running: number;
  queued: number;
  scheduled: number;
  deferred: number;
}

/** Pool.slots_stats / PoolResponse: occupied = running + queued (+ deferred when the pool counts it); open = slots − occupied, −1 when unlimited. */
export function toPool(row: PoolRow): Pool {
  const [slots, running, queued, scheduled, deferred] = [
    num(row.slots),
    num(row.running),
    num(row.queued),
    num(row.scheduled),
    num(row.deferred),
  ];
  const occupied = running + queued + (row.include_deferred === true ? deferred : 0);
  return {
    name: text(row.pool),
    slots,
    occupiedSlots: occupied,
    runningSlots: running,
    queuedSlots: queued,
    scheduledSlots: scheduled,
    deferredSlots: deferred,
    openSlots: slots === -1 ? -1 : slots - occupied,
  };
}

export interface WindowDagRow {
  dag_id: string;
  runs: number;
  success: number;
  failed: number;
  running: number;
  queued: number;
  avg_seconds: number;
  p95_seconds: number;
}

/** Every selected DAG gets an entry, with zeros when it had no run in the window. */
export function toWindowDags(dagIds: string[], rows: WindowDagRow[]): Record<string, DagWindowStats> {
  const byDag = new Map(rows.map((row) => [text(row.dag_id), row]));
  const out: Record<string, DagWindowStats> = {};
  for (const dagId of dagIds) {
    const row = byDag.get(dagId);
    setOwn(out, dagId, {
      dagId,
      runs: num(row?.runs),
      success: num(row?.success),
      failed: num(row?.failed),
      running: num(row?.running),
      queued: num(row?.queued),
      avgSuccessDurationSeconds: num(row?.avg_seconds),
      p95SuccessDurationSeconds: num(row?.p95_seconds),
    });
  }
  return out;
}

export interface WindowTaskRow {
  dag_id: string;
  task_id: string;
  total: number;
  success: number;
  failed: number;
  retries: number;
  avg_seconds: number;
  max_seconds: number;
}

export function toWindowTasks(rows: WindowTaskRow[]): Record<string, TaskWindowStats> {
  const out: Record<string, TaskWindowStats> = {};
  for (const row of rows) {
    const [dagId, taskId] = [text(row.dag_id), text(row.task_id)];
    out[`${dagId}.${taskId}`] = {
      dagId,
      taskId,
      total: num(row.total),
      success: num(row.success),
      failed: num(row.failed),
      retries: num(row.retries),
      avgDurationSeconds: num(row.avg_seconds),
      maxDurationSeconds: num(row.max_seconds),
    };
  }
  return out;
}
