import type { z } from 'zod';
import { AirflowError } from '../errors.js';
import type { ComponentHealth, ComponentStatus, Dag, DagRun, Health, Pool, TaskInstance } from '../types.js';
import type { DagJson, HealthJson, PoolJson, RunJson, TaskInstanceJson } from './schemas.js';

/** Validate a response body; the error names the endpoint and the first field that did not fit. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new AirflowError('bad_response', `${what} returned an unexpected shape at ${where}: ${issue?.message ?? 'invalid'} — is this a supported Airflow (3.x /api/v2 or 2.x /api/v1)?`);
}

export function toDag(json: DagJson): Dag {
  return {
    dagId: json.dag_id,
    isPaused: json.is_paused ?? false,
    tags: (json.tags ?? []).map((tag) => tag.name),
    owners: json.owners ?? [],
  };
}

const EPOCH = new Date(0).toISOString();

export function toRun(json: RunJson): DagRun {
  const logicalDate = json.logical_date ?? json.execution_date;
  return {
    dagId: json.dag_id,
    runId: json.dag_run_id,
    state: json.state,
    runType: json.run_type ?? 'unknown',
    queuedAt: json.queued_at,
    startDate: json.start_date,
    endDate: json.end_date,
    // A run with no date at all cannot fall in any window.
    runAfter: json.run_after ?? logicalDate ?? json.queued_at ?? json.start_date ?? EPOCH,
    logicalDate,
  };
}

export function toTaskInstance(json: TaskInstanceJson): TaskInstance {
  return {
    dagId: json.dag_id,
    runId: json.dag_run_id,
    taskId: json.task_id,
    mapIndex: json.map_index ?? -1,
    state: json.state ?? null,
    tryNumber: json.try_number ?? 0,
    maxTries: json.max_tries ?? 0,
    startDate: json.start_date,
    endDate: json.end_date,
    durationSeconds: json.duration ?? null,
    pool: json.pool ?? 'default_pool',
    poolSlots: json.pool_slots ?? 1,
    queue: json.queue,
    operator: json.operator,
    queuedWhen: json.queued_when,
  };
}

export function toPool(json: PoolJson): Pool {
  const running = json.running_slots ?? json.used_slots ?? 0;
  const queued = json.queued_slots ?? 0;
  const occupied = json.occupied_slots ?? running + queued;
  return {
    name: json.name,
    slots: json.slots,
    occupiedSlots: occupied,
    runningSlots: running,
    queuedSlots: queued,
    scheduledSlots: json.scheduled_slots ?? 0,
    deferredSlots: json.deferred_slots ?? 0,
    openSlots: json.open_slots ?? (json.slots < 0 ? 0 : json.slots - occupied),
  };
}

function toStatus(value: string | null | undefined): ComponentStatus {
  return value === 'healthy' || value === 'unhealthy' ? value : null;
}

function toComponent(json: HealthJson['scheduler']): ComponentHealth {
  const heartbeat = json?.latest_scheduler_heartbeat ?? json?.latest_triggerer_heartbeat ?? json?.latest_dag_processor_heartbeat ?? null;
  const parsed = heartbeat === null ? Number.NaN : Date.parse(heartbeat);
  return { status: toStatus(json?.status), latestHeartbeat: Number.isNaN(parsed) ? null : new Date(parsed).toISOString() };
}

export function toHealth(json: HealthJson): Health {
  return {
    metadatabase: toComponent(json.metadatabase),
    scheduler: toComponent(json.scheduler),
    triggerer: toComponent(json.triggerer),
    dagProcessor: toComponent(json.dag_processor),
  };
}

export const runKey = (run: { dagId: string; runId: string }): string => `${run.dagId}\u0000${run.runId}`;
export const tiKey = (ti: TaskInstance): string => `${ti.dagId}\u0000${ti.runId}\u0000${ti.taskId}\u0000${ti.mapIndex}`;

/** Newest first by run_after, then by run id so equal times keep a stable order. */
export function newestRunsFirst(a: DagRun, b: DagRun): number {
  return b.runAfter.localeCompare(a.runAfter) || b.runId.localeCompare(a.runId);
}
