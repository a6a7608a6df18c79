import type { DemoDagSpec } from './scenario.js';
import type { DemoRunState, DemoTaskState, RunPlan } from './shapes.js';

// What people changed in the simulated Airflow (clear, mark), laid over the planned runs: the plan decides a
// run's life from the clock alone, and an override then rewrites it from the moment of the change on. Kept
// per DAG spec object, so two demo servers (two scenarios) never share overrides.

/** A cleared task runs again: no status for 1 s, queued for 1 s, then a try that succeeds. */
const WAIT_MS = 1000;
const QUEUE_MS = 1000;
const RERUN_MS = 3000;

interface TaskOverride {
  kind: 'clear' | 'mark';
  atMs: number;
  /** clear: when its new try starts (queued before), and ends. */
  startMs: number;
  endMs: number;
  /** mark: the state set. */
  state: string;
}

interface RunOverlay {
  tasks: Map<string, TaskOverride>;
  /** mark run: the state set, and when. */
  run: { state: DemoRunState['state']; atMs: number } | null;
  /** The latest clear: the run is queued again from then until its cleared tasks are done. */
  clearedAtMs: number | null;
}

const overlays = new WeakMap<DemoDagSpec, Map<string, RunOverlay>>();

function overlayOf(dag: DemoDagSpec, runId: string, create: boolean): RunOverlay | null {
  let runs = overlays.get(dag);
  if (!runs) {
    if (!create) return null;
    overlays.set(dag, (runs = new Map()));
  }
  let found = runs.get(runId);
  if (!found && create) runs.set(runId, (found = { tasks: new Map(), run: null, clearedAtMs: null }));
  return found ?? null;
}

const key = (taskId: string, mapIndex: number) => `${taskId}\0${mapIndex}`;

/** Clear these task instances at `nowMs`: they run again one after another, in DAG order. */
export function clearTasks(plan: RunPlan, tasks: DemoTaskState[], nowMs: number): void {
  const overlay = overlayOf(plan.dag, plan.runId, true)!;
  let cursor = nowMs + WAIT_MS + QUEUE_MS;
  for (const ti of tasks) {
    overlay.tasks.set(key(ti.taskId, ti.mapIndex), {
      kind: 'clear',
      atMs: nowMs,
      startMs: cursor,
      endMs: cursor + RERUN_MS,
      state: 'success',
    });
    cursor += RERUN_MS + 500;
  }
  overlay.clearedAtMs = nowMs;
  overlay.run = null;
}

export function markTasks(plan: RunPlan, tasks: DemoTaskState[], state: string, nowMs: number): void {
  const overlay = overlayOf(plan.dag, plan.runId, true)!;
  for (const ti of tasks)
    overlay.tasks.set(key(ti.taskId, ti.mapIndex), {
      kind: 'mark',
      atMs: nowMs,
      startMs: ti.startMs ?? nowMs,
      endMs: nowMs,
      state,
    });
}

export function markRun(plan: RunPlan, state: DemoRunState['state'], nowMs: number): void {
  overlayOf(plan.dag, plan.runId, true)!.run = { state, atMs: nowMs };
}

/** Whether anything in this run was changed (the fast path skips the rest). */
export function hasOverlay(dag: DemoDagSpec, runId: string): boolean {
  return overlays.get(dag)?.has(runId) ?? false;
}

/** A task instance as the overrides make it at `nowMs`. */
export function overlayTask(ti: DemoTaskState, dag: DemoDagSpec, nowMs: number): DemoTaskState {
  const o = overlayOf(dag, ti.runId, false)?.tasks.get(key(ti.taskId, ti.mapIndex));
  if (!o || nowMs < o.atMs) return ti;
  if (o.kind === 'mark')
    return {
      ...ti,
      state: o.state,
      startMs: ti.startMs ?? o.atMs,
      endMs: ti.endMs ?? o.atMs,
      queuedWhenMs: ti.queuedWhenMs ?? o.atMs,
    };
  const tries = [...ti.tries];
  if (nowMs < o.startMs - QUEUE_MS) return { ...ti, state: null, startMs: null, endMs: null, queuedWhenMs: o.atMs };
  if (nowMs < o.startMs)
    return { ...ti, state: 'queued', startMs: null, endMs: null, queuedWhenMs: o.startMs - QUEUE_MS };
  const done = nowMs >= o.endMs;
  tries.push({ startMs: o.startMs, endMs: done ? o.endMs : null, ok: done ? true : null });
  return {
    ...ti,
    state: done ? 'success' : 'running',
    tryNumber: tries.length,
    startMs: o.startMs,
    endMs: done ? o.endMs : null,
    queuedWhenMs: o.startMs - QUEUE_MS,
    tries,
  };
}

/** The run as the overrides make it: marked, or queued and running again after a clear until its tasks are done. */
export function overlayRun(
  run: DemoRunState,
  plan: RunPlan,
  tasks: () => DemoTaskState[],
  nowMs: number,
): DemoRunState {
  const overlay = overlayOf(plan.dag, plan.runId, false);
  if (!overlay) return run;
  if (overlay.run && nowMs >= overlay.run.atMs)
    return { ...run, state: overlay.run.state, endMs: run.endMs ?? overlay.run.atMs };
  const at = overlay.clearedAtMs;
  if (at === null || nowMs < at) return run;
  const tis = tasks();
  const lastEnd = Math.max(...[...overlay.tasks.values()].filter((o) => o.kind === 'clear').map((o) => o.endMs));
  if (nowMs < at + WAIT_MS) return { ...run, state: 'queued', queuedAtMs: at, startMs: null, endMs: null };
  if (nowMs < lastEnd + 500) return { ...run, state: 'running', queuedAtMs: at, startMs: at + WAIT_MS, endMs: null };
  const failed = tis.some((t) => t.state === 'failed' || t.state === 'upstream_failed');
  return { ...run, state: failed ? 'failed' : 'success', queuedAtMs: at, startMs: at + WAIT_MS, endMs: lastEnd + 500 };
}

/** Runs started by a trigger, per DAG spec: the planner lists them with the scheduled ones. */
const triggered = new WeakMap<DemoDagSpec, RunPlan[]>();

export function addTriggeredRun(plan: RunPlan): void {
  const list = triggered.get(plan.dag) ?? [];
  list.push(plan);
  triggered.set(plan.dag, list);
}

export function triggeredRuns(dag: DemoDagSpec): readonly RunPlan[] {
  return triggered.get(dag) ?? [];
}
