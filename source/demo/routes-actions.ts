import { addTriggeredRun, clearTasks, markRun, markTasks } from './actions-overlay.js';
import { batchBody, invalid, Reply } from './filters.js';
import { planRun, type RunPlan } from './plan.js';
import type { DemoContext } from './routes-runs.js';
import { dagOr404 } from './routes-runs.js';
import type { DemoDagSpec, DemoUser } from './scenario.js';
import { dagJson, listEnvelope, runJson, taskInstanceJson } from './serialize.js';
import { runStateAt, taskStatesAt, type DemoTaskState } from './world.js';

// The write endpoints airtop's actions use, as Airflow 3.3's /api/v2 has them (bodies, defaults, dry runs,
// 403 for the viewer before anything else, 404s worded as Airflow words them). Changes go to the overlay.

interface ActionRequestLike {
  query: URLSearchParams;
  body: unknown;
}
type Handler = (ctx: DemoContext, params: Record<string, string>, req: ActionRequestLike, user: DemoUser) => unknown;

const CLEAR_TI_FIELDS = [
  'dry_run',
  'start_date',
  'end_date',
  'only_failed',
  'only_running',
  'reset_dag_runs',
  'task_ids',
  'dag_run_id',
  'include_upstream',
  'include_downstream',
  'include_future',
  'include_past',
  'run_on_latest_version',
  'prevent_running_task',
  'note',
];
const CLEAR_RUN_FIELDS = ['dry_run', 'only_failed', 'only_new', 'run_on_latest_version', 'note'];
const PATCH_TI_FIELDS = [
  'new_state',
  'note',
  'include_upstream',
  'include_downstream',
  'include_future',
  'include_past',
];
const TRIGGER_FIELDS = [
  'dag_run_id',
  'data_interval_start',
  'data_interval_end',
  'logical_date',
  'run_after',
  'conf',
  'note',
  'partition_key',
];
const FAILED = new Set(['failed', 'upstream_failed']);
const TI_STATES = new Set(['success', 'failed', 'skipped']);

function needsOp(user: DemoUser): void {
  // SimpleAuthManager: the viewer may read only; Airflow checks this before it looks for the DAG or run.
  if (user.role === 'viewer') throw new Reply(403, { detail: 'Forbidden' });
}

const flag = (b: Record<string, unknown>, name: string, fallback: boolean) =>
  typeof b[name] === 'boolean' ? (b[name] as boolean) : fallback;

function runOr404(ctx: DemoContext, dag: DemoDagSpec, runId: string): RunPlan {
  const plan = ctx.planner.planFor(dag.dagId, runId, ctx.nowMs);
  if (!plan) throw new Reply(404, { detail: `Dag Run id ${runId} not found in dag ${dag.dagId}` });
  return plan;
}

/** The demo DAGs are chains: downstream is every later task, upstream every earlier one. */
function related(
  plan: RunPlan,
  all: DemoTaskState[],
  chosen: Set<string>,
  upstream: boolean,
  downstream: boolean,
): DemoTaskState[] {
  const order = plan.dag.tasks.map((t) => t.taskId);
  const indexes = [...chosen].map((id) => order.indexOf(id)).filter((i) => i >= 0);
  if (indexes.length === 0) return [];
  const lo = Math.min(...indexes);
  const hi = Math.max(...indexes);
  return all.filter((ti) => {
    const i = order.indexOf(ti.taskId);
    return chosen.has(ti.taskId) || (downstream && i > lo) || (upstream && i < hi);
  });
}

const tiList = (ctx: DemoContext, plan: RunPlan, tis: DemoTaskState[]) => ({
  task_instances: tis.map((t) => taskInstanceJson(t, plan.dag, ctx.scenario.anchorMs)),
  ...listEnvelope(tis.length),
});

const runOut = (ctx: DemoContext, plan: RunPlan) =>
  runJson(runStateAt(plan, ctx.scenario.dags.indexOf(plan.dag), ctx.nowMs), plan.dag, ctx.scenario.anchorMs);

function taskIdsOf(value: unknown): Set<string> | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) invalid(['body', 'task_ids'], 'Input should be a valid list', value);
  return new Set(value.map((v: unknown) => (Array.isArray(v) ? String(v[0]) : String(v))));
}

const clearTaskInstances: Handler = (ctx, p, req, user) => {
  needsOp(user);
  const dag = dagOr404(ctx, p.dag!);
  const b = batchBody(req.body, CLEAR_TI_FIELDS);
  if (typeof b.dag_run_id !== 'string')
    throw new Reply(400, { detail: 'the demo clears task instances of one run: give dag_run_id' });
  const plan = runOr404(ctx, dag, b.dag_run_id);
  const all = taskStatesAt(plan, ctx.nowMs);
  const ids = taskIdsOf(b.task_ids) ?? new Set(all.map((t) => t.taskId));
  let chosen = related(plan, all, ids, flag(b, 'include_upstream', false), flag(b, 'include_downstream', false));
  // Airflow's default is only_failed: true.
  if (flag(b, 'only_failed', true)) chosen = chosen.filter((t) => FAILED.has(t.state ?? ''));
  if (flag(b, 'dry_run', true)) return tiList(ctx, plan, chosen);
  clearTasks(plan, chosen, ctx.nowMs);
  // As Airflow answers: the task instances as they are after clearing (no status).
  return tiList(ctx, plan, after(ctx, plan, chosen));
};

function after(ctx: DemoContext, plan: RunPlan, chosen: DemoTaskState[]): DemoTaskState[] {
  const keys = new Set(chosen.map((t) => `${t.taskId}\0${t.mapIndex}`));
  return taskStatesAt(plan, ctx.nowMs).filter((t) => keys.has(`${t.taskId}\0${t.mapIndex}`));
}

const clearRun: Handler = (ctx, p, req, user) => {
  needsOp(user);
  const dag = dagOr404(ctx, p.dag!);
  const plan = runOr404(ctx, dag, p.run!);
  const b = batchBody(req.body, CLEAR_RUN_FIELDS);
  const all = taskStatesAt(plan, ctx.nowMs);
  const chosen = flag(b, 'only_failed', false) ? all.filter((t) => FAILED.has(t.state ?? '')) : all;
  if (flag(b, 'dry_run', true)) return tiList(ctx, plan, chosen);
  clearTasks(plan, chosen, ctx.nowMs);
  return runOut(ctx, plan);
};

function patchTaskInstance(dryRun: boolean): Handler {
  return (ctx, p, req, user) => {
    needsOp(user);
    const dag = dagOr404(ctx, p.dag!);
    const plan = runOr404(ctx, dag, p.run!);
    const b = batchBody(req.body, PATCH_TI_FIELDS);
    const state = b.new_state;
    if (typeof state !== 'string' || !TI_STATES.has(state))
      invalid(['body', 'new_state'], "Input should be 'success', 'failed' or 'skipped'", state);
    const mapIndex = Number(req.query.get('map_index') ?? -1);
    const all = taskStatesAt(plan, ctx.nowMs);
    if (!all.some((t) => t.taskId === p.task && t.mapIndex === mapIndex)) {
      throw new Reply(404, {
        detail: `The Task Instance with dag_id: \`${dag.dagId}\`, run_id: \`${plan.runId}\`, task_id: \`${p.task}\` and map_index: \`${mapIndex}\` was not found`,
      });
    }
    // Airflow leaves out what is already in the new state.
    const chosen = related(
      plan,
      all,
      new Set([p.task!]),
      flag(b, 'include_upstream', false),
      flag(b, 'include_downstream', false),
    ).filter((t) => t.state !== state);
    if (dryRun) return tiList(ctx, plan, chosen);
    markTasks(plan, chosen, state, ctx.nowMs);
    return tiList(ctx, plan, after(ctx, plan, chosen));
  };
}

const patchRun: Handler = (ctx, p, req, user) => {
  needsOp(user);
  const dag = dagOr404(ctx, p.dag!);
  const plan = runOr404(ctx, dag, p.run!);
  const b = batchBody(req.body, ['state', 'note']);
  const state = b.state;
  if (state !== 'success' && state !== 'failed' && state !== 'queued')
    invalid(['body', 'state'], "Input should be 'queued', 'success' or 'failed'", state);
  const all = taskStatesAt(plan, ctx.nowMs);
  // As set_dag_run_state_to_success/failed: unfinished tasks follow the run.
  const unfinished = all.filter((t) => !['success', 'failed', 'upstream_failed', 'skipped'].includes(t.state ?? ''));
  if (state !== 'queued')
    markTasks(plan, state === 'success' ? all.filter((t) => t.state !== 'success') : unfinished, state, ctx.nowMs);
  markRun(plan, state, ctx.nowMs);
  return runOut(ctx, plan);
};

const trigger: Handler = (ctx, p, req, user) => {
  needsOp(user);
  const dag = dagOr404(ctx, p.dag!);
  const b = batchBody(req.body, TRIGGER_FIELDS);
  if (!('logical_date' in b)) invalid(['body', 'logical_date'], 'Field required', b);
  if (b.conf !== undefined && b.conf !== null && (typeof b.conf !== 'object' || Array.isArray(b.conf)))
    invalid(['body', 'conf'], 'Input should be a valid dictionary', b.conf);
  const runAfterMs = ctx.nowMs;
  const runId =
    typeof b.dag_run_id === 'string'
      ? b.dag_run_id
      : `manual__${new Date(runAfterMs).toISOString().slice(0, 23)}000+00:00`;
  if (ctx.planner.planFor(dag.dagId, runId, ctx.nowMs))
    throw new Reply(409, { detail: `DAG Run already exists: ${runId}` });
  // A triggered run of the demo succeeds: planned as the DAG's runs are, without its failure rate.
  const k = (runAfterMs / 60_000 - dag.offsetMinutes) / dag.periodMinutes;
  // runAfterMs exactly now: k is fractional, and the float arithmetic may land a hair later.
  const plan = {
    ...planRun(ctx.scenario, { ...dag, failureRate: 0 }, k),
    dag,
    runId,
    runAfterMs,
    manual: {
      conf: (b.conf as Record<string, unknown> | null) ?? {},
      note: typeof b.note === 'string' ? b.note : null,
    },
  };
  addTriggeredRun(plan);
  return runOut(ctx, plan);
};

const patchDag: Handler = (ctx, p, req, user) => {
  needsOp(user);
  const dag = dagOr404(ctx, p.dag!);
  const b = batchBody(req.body, ['is_paused']);
  if (typeof b.is_paused !== 'boolean') invalid(['body', 'is_paused'], 'Field required', b);
  // Paused from now on (runs stop being created); unpaused, the timetable carries on.
  if (b.is_paused) dag.pausedMinutesBeforeAnchor ??= (ctx.scenario.anchorMs - ctx.nowMs) / 60_000;
  else delete dag.pausedMinutesBeforeAnchor;
  return dagJson(dag, ctx.nowMs);
};

export const ACTION_ROUTES: [string, string, Handler][] = [
  ['POST', 'api/v2/dags/:dag/clearTaskInstances', clearTaskInstances],
  ['POST', 'api/v2/dags/:dag/dagRuns/:run/clear', clearRun],
  ['PATCH', 'api/v2/dags/:dag/dagRuns/:run/taskInstances/:task/dry_run', patchTaskInstance(true)],
  ['PATCH', 'api/v2/dags/:dag/dagRuns/:run/taskInstances/:task', patchTaskInstance(false)],
  ['PATCH', 'api/v2/dags/:dag/dagRuns/:run', patchRun],
  ['POST', 'api/v2/dags/:dag/dagRuns', trigger],
  ['PATCH', 'api/v2/dags/:dag', patchDag],
];
