// Row shapes of the queries in queries.ts and their mapping onto the records of ../types.ts.
import type { Dag, DagRun, DagWindowStats, Pool, TaskInstance, TaskWindowStats } from '../types.js';

/** The session parses timestamptz straight into ISO text (session.ts); a Date is accepted too. */
type Time = Date | string | null;

function iso(value: Time): string | null {
  return value instanceof Date ? value.toISOString() : value;
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
  const owners = (row.owners ?? '')
    .split(',')
    .map((owner) => owner.trim())
    .filter(Boolean);
  return { dagId: row.dag_id, isPaused: row.is_paused, tags: row.tags, owners };
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
    dagId: intern(row.dag_id),
    // Unique per run: interning it would cost a hash lookup and save nothing.
    runId: row.run_id,
    state: intern(row.state ?? 'queued'),
    runType: intern(row.run_type),
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
    dagId: intern(row.dag_id),
    runId: intern(row.run_id),
    taskId: intern(row.task_id),
    mapIndex: row.map_index,
    state: row.state === null ? null : intern(row.state),
    tryNumber: row.try_number,
    maxTries: row.max_tries,
    startDate: iso(row.start_date),
    endDate: iso(row.end_date),
    durationSeconds: row.duration,
    pool: intern(row.pool),
    poolSlots: row.pool_slots,
    queue: row.queue === null ? null : intern(row.queue),
    operator: row.operator === null ? null : intern(row.operator),
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
  const occupied = row.running + row.queued + (row.include_deferred ? row.deferred : 0);
  return {
    name: row.pool,
    slots: row.slots,
    occupiedSlots: occupied,
    runningSlots: row.running,
    queuedSlots: row.queued,
    scheduledSlots: row.scheduled,
    deferredSlots: row.deferred,
    openSlots: row.slots === -1 ? -1 : row.slots - occupied,
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
  const byDag = new Map(rows.map((row) => [row.dag_id, row]));
  const out: Record<string, DagWindowStats> = {};
  for (const dagId of dagIds) {
    const row = byDag.get(dagId);
    out[dagId] = {
      dagId,
      runs: row?.runs ?? 0,
      success: row?.success ?? 0,
      failed: row?.failed ?? 0,
      running: row?.running ?? 0,
      queued: row?.queued ?? 0,
      avgSuccessDurationSeconds: row?.avg_seconds ?? 0,
      p95SuccessDurationSeconds: row?.p95_seconds ?? 0,
    };
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
    out[`${row.dag_id}.${row.task_id}`] = {
      dagId: row.dag_id,
      taskId: row.task_id,
      total: row.total,
      success: row.success,
      failed: row.failed,
      retries: row.retries,
      avgDurationSeconds: row.avg_seconds,
      maxDurationSeconds: row.max_seconds,
    };
  }
  return out;
}
