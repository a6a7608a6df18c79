import { z } from 'zod';

// Airflow's response shapes, with its snake_case names (shared/notes/airflow.md, Airflow's OpenAPI spec).
// Only fields airtop reads are declared; unknown extra fields are dropped, unknown states kept as strings.
// One schema serves /api/v2 (Airflow 3) and /api/v1 (Airflow 2): fields only one of them has are optional.

/** An ISO date-time with `Z` (v2) or `+00:00` (v1), normalised to `toISOString()` so strings compare in time order. */
export const isoTime = z.string().transform((value, ctx) => {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a date-time` });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});
const optionalTime = isoTime.nullish().transform((value) => value ?? null);
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? null);

export const versionSchema = z.object({ version: z.string(), git_version: z.string().nullish() });

export const dagSchema = z.object({
  dag_id: z.string(),
  is_paused: z.boolean().nullish(),
  // v2: [{name, dag_id, ...}]; v1: [{name}]
  tags: z.array(z.object({ name: z.string() })).nullish(),
  owners: z.array(z.string()).nullish(),
});
export const dagListSchema = z.object({ dags: z.array(dagSchema), total_entries: z.number().int() });

export const runSchema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  state: z.string(),
  run_type: z.string().nullish(),
  queued_at: optionalTime,
  start_date: optionalTime,
  end_date: optionalTime,
  /** Airflow 3 only; Airflow 2 windows on logical_date / execution_date. */
  run_after: optionalTime,
  logical_date: optionalTime,
  execution_date: optionalTime,
});
export const runListSchema = z.object({ dag_runs: z.array(runSchema), total_entries: z.number().int() });

export const taskInstanceSchema = z.object({
  dag_id: z.string(),
  dag_run_id: z.string(),
  task_id: z.string(),
  map_index: z.number().int().nullish(),
  state: z.string().nullish(),
  try_number: z.number().int().nullish(),
  max_tries: z.number().int().nullish(),
  start_date: optionalTime,
  end_date: optionalTime,
  duration: z.number().nullish(),
  pool: z.string().nullish(),
  pool_slots: z.number().nullish(),
  queue: optionalString,
  operator: optionalString,
  queued_when: optionalTime,
});
export const taskInstanceListSchema = z.object({
  task_instances: z.array(taskInstanceSchema),
  total_entries: z.number().int(),
});

export const poolSchema = z.object({
  name: z.string(),
  slots: z.number().int(),
  occupied_slots: z.number().nullish(),
  running_slots: z.number().nullish(),
  /** Airflow 2 < 2.7 called running slots used_slots. */
  used_slots: z.number().nullish(),
  queued_slots: z.number().nullish(),
  scheduled_slots: z.number().nullish(),
  deferred_slots: z.number().nullish(),
  open_slots: z.number().nullish(),
});
export const poolListSchema = z.object({ pools: z.array(poolSchema), total_entries: z.number().int() });

export const variableSchema = z.object({ key: z.string(), value: z.string().nullish() });

const component = z
  .object({
    status: z.string().nullish(),
    latest_scheduler_heartbeat: z.string().nullish(),
    latest_triggerer_heartbeat: z.string().nullish(),
    latest_dag_processor_heartbeat: z.string().nullish(),
  })
  .nullish();
export const healthSchema = z.object({
  metadatabase: component,
  scheduler: component,
  triggerer: component,
  dag_processor: component,
});

const structuredLine = z.looseObject({
  event: z.string().nullish(),
  timestamp: z.string().nullish(),
  level: z.string().nullish(),
});
export type StructuredLogLine = z.infer<typeof structuredLine>;
export const logSchema = z.object({
  // v2: a list of strings or structured lines; v1: one string.
  content: z.union([z.string(), z.array(z.union([z.string(), structuredLine]))]),
  continuation_token: z.string().nullish(),
});

export type RunJson = z.infer<typeof runSchema>;
export type TaskInstanceJson = z.infer<typeof taskInstanceSchema>;
export type PoolJson = z.infer<typeof poolSchema>;
export type DagJson = z.infer<typeof dagSchema>;
export type HealthJson = z.infer<typeof healthSchema>;
