import type { z } from 'zod';
import { AirflowError } from '../errors.js';
import type { ComponentHealth, ComponentStatus, Dag, DagRun, Health, Pool, TaskInstance } from '../types.js';
import type { DagJson, HealthJson, PoolJson, RunJson, TaskInstanceJson } from './schemas.js';
import { sanitizeText } from '../../text/sanitize.js';
import { finiteOr } from '../../numbers.js';

// Every string below comes from Airflow and may end up on a terminal, in a log line, a sink or a state
// file: each is sanitised here, once, where it enters (text/sanitize.ts).
const s = (text: string): string => sanitizeText(text);
const sn = (text: string | null): string | null => (text === null ? null : sanitizeText(text));

/** Validate a response body; the error names the endpoint and the first field that did not fit. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, what: string): z.output<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new AirflowError(
    'bad_response',
    `${what} returned an unexpected shape at ${where}: ${issue?.message ?? 'invalid'} — is this a supported Airflow (3.x /api/v2 or 2.x /api/v1)?`,
  );
}

export function toDag(json: DagJson): Dag {
  return {
    dagId: s(json.dag_id),
    isPaused: json.is_paused ?? false,
    tags: (json.tags ?? []).slice(0, 100).map((tag) => s(tag.name)),
    owners: (json.owners ?? []).slice(0, 100).map(s),
  };
}

const EPOCH = new Date(0).toISOString();

export function toRun(json: RunJson): DagRun {
  const logicalDate = json.logical_date ?? json.execution_date;
  return {
    dagId: s(json.dag_id),
    runId: s(json.dag_run_id),
    state: s(json.state),
    runType: s(json.run_type ?? 'unknown'),
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
    dagId: s(json.dag_id),
    runId: s(json.dag_run_id),
    taskId: s(json.task_id),
    mapIndex: json.map_index ?? -1,
    state: sn(json.state ?? null),
    tryNumber: json.try_number ?? 0,
    maxTries: json.max_tries ?? 0,
    startDate: json.start_date,
    endDate: json.end_date,
    durationSeconds: json.duration ?? null,
    pool: s(json.pool ?? 'default_pool'),
    poolSlots: json.pool_slots ?? 1,
    queue: sn(json.queue),
    operator: sn(json.operator),
    queuedWhen: json.queued_when,
  };
}

export function toPool(json: PoolJson): Pool {
  const running = json.running_slots ?? json.used_slots ?? 0;
  const queued = json.queued_slots ?? 0;
  // Sums of absurd counts (±1e308) overflow to ±Infinity: such a figure is 0, never Infinity on screen.
  const occupied = json.occupied_slots ?? finiteOr(running + queued);
  return {
    name: s(json.name),
    slots: json.slots,
    occupiedSlots: occupied,
    runningSlots: running,
    queuedSlots: queued,
    scheduledSlots: json.scheduled_slots ?? 0,
    deferredSlots: json.deferred_slots ?? 0,
    openSlots: json.open_slots ?? (json.slots < 0 ? 0 : finiteOr(json.slots - occupied)),
  };
}

function toStatus(value: string | null | undefined): ComponentStatus {
  return value === 'healthy' || value === 'unhealthy' ? value : null;
}

function toComponent(json: HealthJson['scheduler']): ComponentHealth {
  const heartbeat =
    json?.latest_scheduler_heartbeat ??
    json?.latest_triggerer_heartbeat ??
    json?.latest_dag_processor_heartbeat ??
    null;
  const parsed = heartbeat === null ? Number.NaN : Date.parse(heartbeat);
  return {
    status: toStatus(json?.status),
    latestHeartbeat: Number.isNaN(parsed) ? null : new Date(parsed).toISOString(),
  };
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
