import { hasOverlay, overlayRun, overlayTask } from './actions-overlay.js';
import type { Planner } from './plan.js';
import type { DemoRunState, DemoTaskState, RunPlan, TaskPlan } from './shapes.js';

export type { DemoRunState, DemoTaskState };
import type { DemoDagSpec, DemoPoolSpec, DemoScenario } from './scenario.js';

// What the simulated Airflow holds at one instant, in milliseconds, before it is written out as JSON.

/** Longer than any demo run lasts: a run older than this has finished. */
export const ACTIVE_LOOKBACK_MS = 6 * 3600_000;

const finalRuns = new WeakMap<RunPlan, DemoRunState>();

/** The run at `nowMs`; once it has ended it never changes, so that state is kept. */
export function runStateAt(plan: RunPlan, dagIndex: number, nowMs: number): DemoRunState {
  const done = nowMs >= plan.endMs;
  let run = done ? finalRuns.get(plan) : undefined;
  if (!run) {
    run = computeRunState(plan, dagIndex, nowMs);
    if (done) finalRuns.set(plan, run);
  }
  // Cleared or marked from airtop: the plan's run, rewritten from that moment on.
  return hasOverlay(plan.dag, plan.runId) ? overlayRun(run, plan, () => taskStatesAt(plan, nowMs), nowMs) : run;
}

function computeRunState(plan: RunPlan, dagIndex: number, nowMs: number): DemoRunState {
  const state = nowMs < plan.startMs ? 'queued' : nowMs < plan.endMs ? 'running' : plan.outcome;
  return {
    id: Math.floor(plan.runAfterMs / 1000) * 32 + dagIndex,
    dagId: plan.dag.dagId,
    runId: plan.runId,
    state,
    queuedAtMs: nowMs >= plan.queuedAtMs ? plan.queuedAtMs : null,
    startMs: nowMs >= plan.startMs ? plan.startMs : null,
    endMs: nowMs >= plan.endMs ? plan.endMs : null,
    runAfterMs: plan.runAfterMs,
    ...(plan.manual ? { manual: plan.manual } : {}),
  };
}

type TaskTiming = Pick<DemoTaskState, 'state' | 'tryNumber' | 'startMs' | 'endMs' | 'queuedWhenMs' | 'tries'>;

function timing(
  state: string | null,
  tryNumber: number,
  startMs: number | null,
  endMs: number | null,
  queuedWhenMs: number | null,
  tries: DemoTaskState['tries'],
): TaskTiming {
  return { state, tryNumber, startMs, endMs, queuedWhenMs, tries };
}

function taskStateAt(plan: RunPlan, task: TaskPlan, nowMs: number): TaskTiming {
  if (task.outcome === 'upstream_failed') {
    const marked = task.markedMs;
    // The scheduler stamps start and end when it marks the task.
    return marked !== null && nowMs >= marked
      ? timing('upstream_failed', 0, marked, marked, null, [])
      : timing(null, 0, null, null, null, []);
  }
  if (nowMs < task.readyMs || nowMs < plan.startMs) return timing(null, 0, null, null, null, []);
  const queuedWhenMs = task.readyMs + 300;
  const tries: DemoTaskState['tries'] = [];
  for (const t of task.tries) {
    if (t.startMs > nowMs) break;
    const ended = t.endMs <= nowMs;
    tries.push({ startMs: t.startMs, endMs: ended ? t.endMs : null, ok: ended ? t.ok : null });
  }
  if (tries.length === 0) return timing('queued', 1, null, null, queuedWhenMs, tries);
  const current = task.tries[tries.length - 1]!;
  if (nowMs < current.endMs) return timing('running', tries.length, current.startMs, null, queuedWhenMs, tries);
  const state = tries.length < task.tries.length ? 'up_for_retry' : task.outcome;
  return timing(state, tries.length, current.startMs, current.endMs, queuedWhenMs, tries);
}

const finalTasks = new WeakMap<RunPlan, DemoTaskState[]>();

/** The run's task instances at `nowMs`. Once the run has ended they never change, so that list is kept. */
export function taskStatesAt(plan: RunPlan, nowMs: number): DemoTaskState[] {
  const planned = plannedTaskStatesAt(plan, nowMs);
  return hasOverlay(plan.dag, plan.runId) ? planned.map((ti) => overlayTask(ti, plan.dag, nowMs)) : planned;
}

function plannedTaskStatesAt(plan: RunPlan, nowMs: number): DemoTaskState[] {
  const done = nowMs >= plan.endMs;
  const cached = done ? finalTasks.get(plan) : undefined;
  if (cached) return cached;
  const states = plan.tasks.map((task, index): DemoTaskState => {
    const t = taskStateAt(plan, task, nowMs);
    return {
      order: plan.runAfterMs * 8 + index,
      dagId: plan.dag.dagId,
      runId: plan.runId,
      taskId: task.spec.taskId,
      mapIndex: -1,
      state: t.state,
      tryNumber: t.tryNumber,
      maxTries: plan.dag.retries,
      startMs: t.startMs,
      endMs: t.endMs,
      pool: task.spec.pool ?? 'default_pool',
      poolSlots: 1,
      operator: task.spec.operator ?? '_PythonDecoratedOperator',
      queuedWhenMs: t.queuedWhenMs,
      runAfterMs: plan.runAfterMs,
      tries: t.tries,
    };
  });
  if (done) finalTasks.set(plan, states);
  return states;
}

/** Everything that exists at `nowMs` with run_after in [fromMs, toMs], for the chosen DAGs. */
export function worldBetween(
  scenario: DemoScenario,
  planner: Planner,
  nowMs: number,
  range: { fromMs: number; toMs: number; dags?: DemoDagSpec[] },
): { runs: DemoRunState[]; tasks: DemoTaskState[] } {
  const runs: DemoRunState[] = [];
  const tasks: DemoTaskState[] = [];
  for (const dag of range.dags ?? scenario.dags) {
    const dagIndex = scenario.dags.indexOf(dag);
    for (const plan of planner.plansBetween(dag, range.fromMs, range.toMs, nowMs)) {
      runs.push(runStateAt(plan, dagIndex, nowMs));
      tasks.push(...taskStatesAt(plan, nowMs));
    }
  }
  return { runs, tasks };
}

export interface DemoPoolState {
  spec: DemoPoolSpec;
  running: number;
  queued: number;
  scheduled: number;
  deferred: number;
  occupied: number;
  open: number;
}

/** Background load plus the demo's own running and queued tasks; what does not fit waits as scheduled. */
export function poolsAt(scenario: DemoScenario, planner: Planner, nowMs: number): DemoPoolState[] {
  const { tasks } = worldBetween(scenario, planner, nowMs, { fromMs: nowMs - ACTIVE_LOOKBACK_MS, toMs: nowMs });
  return scenario.pools.map((spec) => {
    const mine = tasks.filter((t) => t.pool === spec.name);
    const wantRunning =
      spec.background.running + mine.filter((t) => t.state === 'running').reduce((n, t) => n + t.poolSlots, 0);
    const wantQueued =
      spec.background.queued + mine.filter((t) => t.state === 'queued').reduce((n, t) => n + t.poolSlots, 0);
    const running = Math.min(spec.slots, wantRunning);
    const queued = Math.min(spec.slots - running, wantQueued);
    const scheduled = wantRunning + wantQueued - running - queued;
    const occupied = running + queued;
    return { spec, running, queued, scheduled, deferred: 0, occupied, open: spec.slots - occupied };
  });
}
