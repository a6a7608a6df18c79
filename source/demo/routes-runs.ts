import {
  batchBody,
  inRange,
  likeToRegExp,
  page,
  pagingFromBody,
  pagingFromQuery,
  rangesFrom,
  Reply,
  sortBy,
  stringList,
  type Paging,
  type Range,
} from './filters.js';
import { decodeLogToken, demoLogLines, encodeLogToken } from './logs.js';
import type { Planner, RunPlan } from './plan.js';
import type { DemoDagSpec, DemoScenario } from './scenario.js';
import { listEnvelope, runJson, taskInstanceJson } from './serialize.js';
import { ACTIVE_LOOKBACK_MS, runStateAt, taskStatesAt, type DemoRunState, type DemoTaskState } from './world.js';

// DAG runs, task instances and logs: GET lists (with `~` for all), the batch POST lists, single items.

export interface DemoContext {
  scenario: DemoScenario;
  planner: Planner;
  nowMs: number;
}

const TIME_FIELDS = ['run_after', 'logical_date', 'start_date', 'end_date', 'updated_at'];
const UNFINISHED_TI = new Set([
  'queued',
  'scheduled',
  'running',
  'up_for_retry',
  'up_for_reschedule',
  'deferred',
  'restarting',
  'no_status',
]);
const RUN_BATCH_FIELDS = [
  'order_by',
  'page_offset',
  'page_limit',
  'dag_ids',
  'states',
  ...suffixed(['run_after', 'logical_date', 'start_date', 'end_date']),
];
const TI_BATCH_FIELDS = [
  'dag_ids',
  'dag_run_ids',
  'task_ids',
  'state',
  'pool',
  'queue',
  'executor',
  'page_offset',
  'page_limit',
  'order_by',
  ...suffixed(['run_after', 'logical_date', 'start_date', 'end_date', 'duration']),
];

function suffixed(fields: string[]): string[] {
  return fields.flatMap((f) => ['gte', 'gt', 'lte', 'lt'].map((op) => `${f}_${op}`));
}

export function dagOr404(ctx: DemoContext, dagId: string): DemoDagSpec {
  const dag = ctx.scenario.dags.find((d) => d.dagId === dagId);
  if (!dag) throw new Reply(404, { detail: `The Dag with ID: \`${dagId}\` was not found` });
  return dag;
}

function planOr404(ctx: DemoContext, dagId: string, runId: string): RunPlan {
  dagOr404(ctx, dagId);
  const plan = ctx.planner.planFor(dagId, runId, ctx.nowMs);
  if (!plan)
    throw new Reply(404, { detail: `The DagRun with dag_id: \`${dagId}\` and run_id: \`${runId}\` was not found` });
  return plan;
}

const latest = (...times: (number | null)[]) => Math.max(...times.map((t) => t ?? -Infinity));

function runTime(run: DemoRunState, field: string): number | null {
  if (field === 'run_after' || field === 'logical_date') return run.runAfterMs;
  if (field === 'start_date') return run.startMs;
  if (field === 'end_date') return run.endMs;
  if (field === 'updated_at') return latest(run.runAfterMs, run.queuedAtMs, run.startMs, run.endMs);
  return null;
}

function taskValue(ti: DemoTaskState, field: string): number | null {
  if (field === 'run_after' || field === 'logical_date') return ti.runAfterMs;
  if (field === 'start_date') return ti.startMs;
  if (field === 'end_date') return ti.endMs;
  // A task instance row is created with its run (no status yet), then updated on every state change.
  if (field === 'updated_at') return latest(ti.runAfterMs, ti.queuedWhenMs, ti.startMs, ti.endMs);
  if (field === 'duration') return ti.startMs !== null && ti.endMs !== null ? (ti.endMs - ti.startMs) / 1000 : null;
  return null;
}

/** The run_after interval that can hold every match, so only those runs are generated. */
function scanWindow(ctx: DemoContext, ranges: Range[], unfinishedOnly: boolean): [number, number] {
  let from = -Infinity;
  let to = ctx.nowMs;
  for (const { field, op, value } of ranges) {
    if (op === 'gte' || op === 'gt') {
      const bound =
        field === 'run_after' || field === 'logical_date'
          ? value
          : field === 'duration'
            ? -Infinity
            : value - ACTIVE_LOOKBACK_MS;
      from = Math.max(from, bound);
    } else if (field === 'run_after' || field === 'logical_date' || field === 'start_date') to = Math.min(to, value);
  }
  if (unfinishedOnly) from = Math.max(from, ctx.nowMs - ACTIVE_LOOKBACK_MS);
  return [from, to];
}

function dagsFor(ctx: DemoContext, dagIds: string[] | undefined): DemoDagSpec[] {
  return dagIds === undefined ? ctx.scenario.dags : ctx.scenario.dags.filter((d) => dagIds.includes(d.dagId));
}

/** The `~` GET lists' dag_id_pattern (ilike '%pattern%' in Airflow), as the DAG ids it leaves. */
function dagIdsMatching(ctx: DemoContext, pattern: string | null): string[] | undefined {
  if (pattern === null) return undefined;
  const like = likeToRegExp(`%${pattern}%`);
  return ctx.scenario.dags.filter((d) => like.test(d.dagId)).map((d) => d.dagId);
}

interface RunQuery {
  dagIds?: string[];
  states?: string[];
  ranges: Range[];
  orderBy: string[];
  paging: Paging;
}

function listRuns(ctx: DemoContext, q: RunQuery) {
  const unfinishedOnly = q.states !== undefined && q.states.every((s) => s === 'queued' || s === 'running');
  const [from, to] = scanWindow(ctx, q.ranges, unfinishedOnly);
  const runs: DemoRunState[] = [];
  for (const dag of dagsFor(ctx, q.dagIds)) {
    const dagIndex = ctx.scenario.dags.indexOf(dag);
    for (const plan of ctx.planner.plansBetween(dag, from, to, ctx.nowMs)) {
      const run = runStateAt(plan, dagIndex, ctx.nowMs);
      if (q.states !== undefined && !q.states.includes(run.state)) continue;
      if (q.ranges.every((r) => inRange(runTime(run, r.field), r))) runs.push(run);
    }
  }
  const sorted = sortBy(
    runs,
    q.orderBy,
    {
      id: (r) => r.id,
      dag_id: (r) => r.dagId,
      run_id: (r) => r.runId,
      dag_run_id: (r) => r.runId,
      state: (r) => r.state,
      run_after: (r) => r.runAfterMs,
      logical_date: (r) => r.runAfterMs,
      start_date: (r) => r.startMs,
      end_date: (r) => r.endMs,
      queued_at: (r) => r.queuedAtMs,
      updated_at: (r) => runTime(r, 'updated_at'),
      duration: (r) => (r.startMs !== null && r.endMs !== null ? r.endMs - r.startMs : null),
    },
    (r) => r.id,
  );
  const dagOf = (id: string) => ctx.scenario.dags.find((d) => d.dagId === id)!;
  return {
    dag_runs: page(sorted, q.paging).map((r) => runJson(r, dagOf(r.dagId), ctx.scenario.anchorMs)),
    ...listEnvelope(sorted.length),
  };
}

export function getRuns(ctx: DemoContext, dagId: string, query: URLSearchParams) {
  if (dagId !== '~') dagOr404(ctx, dagId);
  const states = query.getAll('state');
  return listRuns(ctx, {
    dagIds: dagId === '~' ? dagIdsMatching(ctx, query.get('dag_id_pattern')) : [dagId],
    states: states.length > 0 ? states : undefined,
    ranges: rangesFrom(query, TIME_FIELDS, 'query'),
    orderBy: query.getAll('order_by').length > 0 ? query.getAll('order_by') : ['id'],
    paging: pagingFromQuery(query),
  });
}

export function postRunsList(ctx: DemoContext, body: unknown) {
  const b = batchBody(body, RUN_BATCH_FIELDS);
  return listRuns(ctx, {
    dagIds: stringList(b.dag_ids, ['body', 'dag_ids']),
    states: stringList(b.states, ['body', 'states']),
    ranges: rangesFrom(
      b,
      TIME_FIELDS.filter((f) => f !== 'updated_at'),
      'body',
    ),
    orderBy: typeof b.order_by === 'string' ? [b.order_by] : ['id'],
    paging: pagingFromBody(b),
  });
}

export function getRun(ctx: DemoContext, dagId: string, runId: string) {
  const plan = planOr404(ctx, dagId, runId);
  return runJson(runStateAt(plan, ctx.scenario.dags.indexOf(plan.dag), ctx.nowMs), plan.dag, ctx.scenario.anchorMs);
}

interface TaskQuery {
  dagIds?: string[];
  runIds?: string[];
  taskIds?: string[];
  states?: (string | null)[];
  pools?: string[];
  ranges: Range[];
  orderBy: string[];
  paging: Paging;
}

function listTaskInstances(ctx: DemoContext, q: TaskQuery) {
  const states = q.states?.map((s) => (s === null ? 'no_status' : s));
  const unfinishedOnly = states !== undefined && states.every((s) => UNFINISHED_TI.has(s));
  let plans: RunPlan[];
  if (q.runIds !== undefined) {
    plans = dagsFor(ctx, q.dagIds).flatMap((dag) =>
      q
        .runIds!.map((runId) => ctx.planner.planFor(dag.dagId, runId, ctx.nowMs))
        .filter((p): p is RunPlan => p !== null),
    );
  } else {
    const [from, to] = scanWindow(ctx, q.ranges, unfinishedOnly);
    plans = dagsFor(ctx, q.dagIds).flatMap((dag) => ctx.planner.plansBetween(dag, from, to, ctx.nowMs));
  }
  const tis = plans
    .flatMap((plan) => taskStatesAt(plan, ctx.nowMs))
    .filter(
      (ti) =>
        (q.taskIds === undefined || q.taskIds.includes(ti.taskId)) &&
        (states === undefined || states.includes(ti.state ?? 'no_status')) &&
        (q.pools === undefined || q.pools.includes(ti.pool)) &&
        q.ranges.every((r) => inRange(taskValue(ti, r.field), r)),
    );
  const sorted = sortBy(
    tis,
    q.orderBy,
    {
      id: (t) => t.order,
      map_index: (t) => t.mapIndex,
      state: (t) => t.state,
      task_id: (t) => t.taskId,
      dag_id: (t) => t.dagId,
      run_id: (t) => t.runId,
      try_number: (t) => t.tryNumber,
      pool: (t) => t.pool,
      operator: (t) => t.operator,
      start_date: (t) => t.startMs,
      end_date: (t) => t.endMs,
      run_after: (t) => t.runAfterMs,
      logical_date: (t) => t.runAfterMs,
      duration: (t) => taskValue(t, 'duration'),
    },
    (t) => t.order,
  );
  const dagOf = (id: string) => ctx.scenario.dags.find((d) => d.dagId === id)!;
  return {
    task_instances: page(sorted, q.paging).map((t) => taskInstanceJson(t, dagOf(t.dagId), ctx.scenario.anchorMs)),
    ...listEnvelope(sorted.length),
  };
}

export function getTaskInstances(ctx: DemoContext, dagId: string, runId: string, query: URLSearchParams) {
  if (dagId !== '~') dagOr404(ctx, dagId);
  if (dagId !== '~' && runId !== '~') planOr404(ctx, dagId, runId);
  const list = (name: string) => (query.getAll(name).length > 0 ? query.getAll(name) : undefined);
  const taskId = query.get('task_id');
  return listTaskInstances(ctx, {
    dagIds: dagId === '~' ? dagIdsMatching(ctx, query.get('dag_id_pattern')) : [dagId],
    runIds: runId === '~' ? undefined : [runId],
    taskIds: taskId === null ? undefined : [taskId],
    states: list('state'),
    pools: list('pool'),
    ranges: rangesFrom(query, TIME_FIELDS, 'query', ['duration']),
    orderBy: list('order_by') ?? ['map_index'],
    paging: pagingFromQuery(query),
  });
}

export function postTaskInstancesList(ctx: DemoContext, body: unknown) {
  const b = batchBody(body, TI_BATCH_FIELDS);
  return listTaskInstances(ctx, {
    dagIds: stringList(b.dag_ids, ['body', 'dag_ids']),
    runIds: stringList(b.dag_run_ids, ['body', 'dag_run_ids']),
    taskIds: stringList(b.task_ids, ['body', 'task_ids']),
    states: stringList(b.state, ['body', 'state']),
    pools: stringList(b.pool, ['body', 'pool']),
    ranges: rangesFrom(
      b,
      TIME_FIELDS.filter((f) => f !== 'updated_at'),
      'body',
      ['duration'],
    ),
    orderBy: typeof b.order_by === 'string' ? [b.order_by] : ['map_index'],
    paging: pagingFromBody(b),
  });
}

export function getLog(
  ctx: DemoContext,
  path: { dagId: string; runId: string; taskId: string; tryNumber: string },
  query: URLSearchParams,
  accept: string,
) {
  const plan = planOr404(ctx, path.dagId, path.runId);
  const ti = taskStatesAt(plan, ctx.nowMs).find(
    (t) => t.taskId === path.taskId && String(t.mapIndex) === (query.get('map_index') ?? '-1'),
  );
  const tryNumber = Number(path.tryNumber);
  const lines = ti && Number.isInteger(tryNumber) ? demoLogLines(ti, tryNumber, ctx.nowMs) : null;
  if (lines === null) throw new Reply(404, { detail: 'TaskInstance not found' });
  const from = decodeLogToken(query.get('token'));
  const content = lines.slice(from);
  if (!accept.includes('application/json') && accept.includes('text/plain')) {
    return { text: content.map((l) => [l.timestamp, l.level, l.event].filter(Boolean).join(' ')).join('\n') + '\n' };
  }
  return { json: { content, continuation_token: encodeLogToken(lines.length) } };
}
