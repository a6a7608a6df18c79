import { uuidFor } from './random.js';
import type { DemoDagSpec } from './scenario.js';
import type { DemoPoolState, DemoRunState, DemoTaskState } from './world.js';

// The demo's state written with Airflow 3's field names (DAGResponse, DAGRunResponse, TaskInstanceResponse,
// PoolResponse in Airflow's OpenAPI spec), every required field present, times with microseconds and `Z`.

export function isoMicros(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, -1)}000Z`;
}
const maybeIso = (ms: number | null) => (ms === null ? null : isoMicros(ms));

function cron(dag: DemoDagSpec): string {
  return dag.periodMinutes < 60
    ? `${dag.offsetMinutes}-59/${dag.periodMinutes} * * * *`
    : `${dag.offsetMinutes} * * * *`;
}

const versions = new Map<string, ReturnType<typeof makeVersion>>();

/** One version per DAG, created a month before the anchor; built once, it is the same object every time. */
function dagVersion(dag: DemoDagSpec, anchorMs: number) {
  const key = `${dag.dagId}@${anchorMs}`;
  let version = versions.get(key);
  if (!version) versions.set(key, (version = makeVersion(dag, anchorMs)));
  return version;
}

function makeVersion(dag: DemoDagSpec, anchorMs: number) {
  return {
    id: uuidFor('version', dag.dagId),
    version_number: 1,
    dag_id: dag.dagId,
    bundle_name: 'dags-folder',
    bundle_version: null,
    created_at: isoMicros(anchorMs - 30 * 86400_000),
    dag_display_name: dag.dagId,
    bundle_url: null,
  };
}

export function dagJson(dag: DemoDagSpec, nowMs: number) {
  const period = dag.periodMinutes * 60_000;
  const next = Math.floor((nowMs - dag.offsetMinutes * 60_000) / period + 1) * period + dag.offsetMinutes * 60_000;
  const paused = dag.pausedMinutesBeforeAnchor !== undefined;
  return {
    dag_id: dag.dagId,
    dag_display_name: dag.dagId,
    is_paused: paused,
    is_stale: false,
    last_parsed_time: isoMicros(nowMs - 20_000),
    last_expired: null,
    bundle_name: 'dags-folder',
    bundle_version: null,
    relative_fileloc: `${dag.dagId}.py`,
    fileloc: `/opt/airflow/dags/${dag.dagId}.py`,
    description: dag.description,
    timetable_summary: cron(dag),
    timetable_description: `Every ${dag.periodMinutes} minutes`,
    tags: dag.tags.map((name) => ({ name, dag_id: dag.dagId, dag_display_name: dag.dagId })),
    max_active_tasks: 16,
    max_active_runs: 16,
    max_consecutive_failed_dag_runs: 0,
    has_task_concurrency_limits: false,
    has_import_errors: false,
    next_dagrun_logical_date: paused ? null : isoMicros(next),
    next_dagrun_data_interval_start: paused ? null : isoMicros(next - period),
    next_dagrun_data_interval_end: paused ? null : isoMicros(next),
    next_dagrun_run_after: paused ? null : isoMicros(next),
    owners: dag.owners,
    file_token: Buffer.from(dag.dagId).toString('base64url'),
    // Airflow 3.3 additions (seen in recorded responses)
    last_parse_duration: 0.4,
    timetable_partitioned: false,
    timetable_periodic: !paused,
    allowed_run_types: null,
    is_backfillable: !paused,
  };
}

export function runJson(run: DemoRunState, dag: DemoDagSpec, anchorMs: number) {
  const period = dag.periodMinutes * 60_000;
  return {
    dag_run_id: run.runId,
    dag_id: run.dagId,
    logical_date: isoMicros(run.runAfterMs),
    queued_at: maybeIso(run.queuedAtMs),
    start_date: maybeIso(run.startMs),
    end_date: maybeIso(run.endMs),
    duration: run.startMs !== null && run.endMs !== null ? (run.endMs - run.startMs) / 1000 : null,
    data_interval_start: isoMicros(run.runAfterMs - period),
    data_interval_end: isoMicros(run.runAfterMs),
    run_after: isoMicros(run.runAfterMs),
    last_scheduling_decision: maybeIso(run.endMs ?? run.startMs),
    run_type: run.manual ? 'manual' : 'scheduled',
    state: run.state,
    triggered_by: run.manual ? 'rest_api' : 'timetable',
    triggering_user_name: null,
    conf: run.manual?.conf ?? {},
    note: run.manual?.note ?? null,
    dag_versions: [dagVersion(dag, anchorMs)],
    bundle_version: null,
    dag_display_name: run.dagId,
    partition_key: null,
    partition_date: null,
  };
}

export function taskInstanceJson(ti: DemoTaskState, dag: DemoDagSpec, anchorMs: number) {
  const started = ti.startMs !== null;
  return {
    id: uuidFor(ti.dagId, ti.runId, ti.taskId, ti.mapIndex),
    task_id: ti.taskId,
    dag_id: ti.dagId,
    dag_run_id: ti.runId,
    map_index: ti.mapIndex,
    logical_date: isoMicros(ti.runAfterMs),
    run_after: isoMicros(ti.runAfterMs),
    start_date: maybeIso(ti.startMs),
    end_date: maybeIso(ti.endMs),
    duration: ti.startMs !== null && ti.endMs !== null ? (ti.endMs - ti.startMs) / 1000 : null,
    state: ti.state,
    try_number: ti.tryNumber,
    max_tries: ti.maxTries,
    task_display_name: ti.taskId,
    dag_display_name: ti.dagId,
    hostname: started ? 'demo-worker-1' : '',
    unixname: 'airflow',
    pool: ti.pool,
    pool_slots: ti.poolSlots,
    queue: 'default',
    priority_weight: 1,
    operator: ti.operator,
    operator_name: ti.operator === '_PythonDecoratedOperator' ? '@task' : ti.operator,
    queued_when: maybeIso(ti.queuedWhenMs),
    scheduled_when: maybeIso(ti.queuedWhenMs === null ? null : ti.queuedWhenMs - 200),
    pid: started ? 1000 + (ti.order % 30000) : null,
    executor: null,
    executor_config: '{}',
    note: null,
    rendered_map_index: null,
    rendered_fields: {},
    trigger: null,
    triggerer_job: null,
    dag_version: dagVersion(dag, anchorMs),
  };
}

export function poolJson(pool: DemoPoolState) {
  return {
    name: pool.spec.name,
    slots: pool.spec.slots,
    description: pool.spec.description,
    include_deferred: pool.spec.includeDeferred,
    occupied_slots: pool.occupied,
    running_slots: pool.running,
    queued_slots: pool.queued,
    scheduled_slots: pool.scheduled,
    open_slots: pool.open,
    deferred_slots: pool.deferred,
    team_name: null,
  };
}

/** Airflow 3.3 wraps run and task-instance lists with cursor fields next to total_entries. */
export function listEnvelope(total: number) {
  return { total_entries: total, total_entries_limit: null, next_cursor: null, previous_cursor: null };
}

export function healthJson(nowMs: number) {
  const beat = isoMicros(nowMs - 2_000).replace(/Z$/, '+00:00');
  return {
    metadatabase: { status: 'healthy' },
    scheduler: { status: 'healthy', latest_scheduler_heartbeat: beat },
    triggerer: { status: 'healthy', latest_triggerer_heartbeat: beat },
    dag_processor: { status: 'healthy', latest_dag_processor_heartbeat: beat },
  };
}
