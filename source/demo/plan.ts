import { triggeredRuns } from './actions-overlay.js';
import { around, rngFor } from './random.js';
import type { DemoDagSpec, DemoScenario, DemoTaskSpec } from './scenario.js';
import type { RunPlan, TaskPlan, TryPlan } from './shapes.js';

export type { RunPlan, TaskPlan, TryPlan };

// A run's whole life is decided when it is planned (from the seed, the DAG and its index), so its state at
// any instant is a pure function of that instant: the demo moves with the clock and is deterministic for a
// fixed one.

const MINUTE = 60_000;

export function runIdFor(runAfterMs: number): string {
  return `scheduled__${new Date(runAfterMs).toISOString().slice(0, 19)}+00:00`;
}

function slowFactor(scenario: DemoScenario, dag: DemoDagSpec, task: DemoTaskSpec, runAfterMs: number): number {
  const slow = dag.slow;
  if (!slow || runAfterMs < scenario.anchorMs - slow.sinceMinutesBeforeAnchor * MINUTE) return 1;
  return slow.tasks === undefined || slow.tasks.includes(task.taskId) ? slow.factor : 1;
}

function pickFailing(random: () => number, tasks: DemoTaskSpec[]): number {
  const weights = tasks.map((t) => t.failWeight ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  if (total === 0) return tasks.length - 1;
  let roll = random() * total;
  for (let i = 0; i < weights.length; i += 1) {
    roll -= weights[i]!;
    if (roll < 0) return i;
  }
  return tasks.length - 1;
}

export function planRun(scenario: DemoScenario, dag: DemoDagSpec, k: number): RunPlan {
  const random = rngFor(scenario.seed, dag.dagId, k);
  const runAfterMs = (k * dag.periodMinutes + dag.offsetMinutes) * MINUTE;
  const queuedAtMs = runAfterMs + 500 + Math.floor(random() * 1500);
  const startMs =
    queuedAtMs + 1000 + Math.floor(random() * 3000) + Math.floor(random() * (dag.queueDelaySeconds ?? 0) * 1000);
  const failIndex = random() < dag.failureRate ? pickFailing(random, dag.tasks) : -1;
  const tasks: TaskPlan[] = [];
  let cursor = startMs + 1000;
  let markedMs: number | null = null;
  for (const [index, spec] of dag.tasks.entries()) {
    if (failIndex >= 0 && index > failIndex) {
      tasks.push({ spec, readyMs: cursor, tries: [], outcome: 'upstream_failed', markedMs: null });
      continue;
    }
    const readyMs = cursor;
    const attempts: boolean[] =
      index === failIndex
        ? Array.from({ length: dag.retries + 1 }, () => false)
        : dag.retries > 0 && random() < (spec.retryRate ?? 0)
          ? [false, true]
          : [true];
    const tries: TryPlan[] = [];
    for (const [attempt, ok] of attempts.entries()) {
      const wait = attempt === 0 ? 1000 + Math.floor(random() * 2000) : dag.retryDelaySeconds * 1000;
      const seconds = around(random, spec.meanSeconds, spec.spread) * slowFactor(scenario, dag, spec, runAfterMs);
      // A failing try usually dies part-way through.
      const durationMs = Math.max(1000, Math.round(seconds * 1000 * (ok ? 1 : 0.3 + random() * 0.5)));
      const tryStart = cursor + wait;
      tries.push({ startMs: tryStart, endMs: tryStart + durationMs, ok });
      cursor = tryStart + durationMs;
    }
    tasks.push({ spec, readyMs, tries, outcome: attempts.at(-1) ? 'success' : 'failed', markedMs: null });
    if (index === failIndex) markedMs = cursor + 200;
  }
  for (const task of tasks) if (task.outcome === 'upstream_failed') task.markedMs = markedMs;
  const endMs = (markedMs ?? cursor) + 1000;
  return {
    dag,
    k,
    runId: runIdFor(runAfterMs),
    runAfterMs,
    queuedAtMs,
    startMs,
    endMs,
    outcome: failIndex >= 0 ? 'failed' : 'success',
    tasks,
  };
}

/** Memoised plans, and the arithmetic from a time range or a run id to the runs that exist. */
export function createPlanner(scenario: DemoScenario) {
  const cache = new Map<string, RunPlan>();
  const plan = (dag: DemoDagSpec, k: number): RunPlan => {
    const key = `${dag.dagId}:${k}`;
    let found = cache.get(key);
    if (!found) {
      if (cache.size > 200_000) cache.clear();
      found = planRun(scenario, dag, k);
      cache.set(key, found);
    }
    return found;
  };

  /** The earliest and latest run_after that exist at `nowMs` (history kept, pauses respected). */
  const bounds = (dag: DemoDagSpec, nowMs: number): [number, number] => {
    const earliest = nowMs - scenario.historyDays * 24 * 60 * MINUTE;
    const paused = dag.pausedMinutesBeforeAnchor;
    const latest = paused === undefined ? nowMs : Math.min(nowMs, scenario.anchorMs - paused * MINUTE);
    return [earliest, latest];
  };

  return {
    /** Runs of `dag` whose run_after is within [fromMs, toMs] and that exist at `nowMs`, oldest first. */
    plansBetween(dag: DemoDagSpec, fromMs: number, toMs: number, nowMs: number): RunPlan[] {
      const [earliest, latest] = bounds(dag, nowMs);
      const from = Math.max(fromMs, earliest);
      const to = Math.min(toMs, latest);
      const period = dag.periodMinutes * MINUTE;
      const offset = dag.offsetMinutes * MINUTE;
      const plans: RunPlan[] = [];
      for (let k = Math.ceil((from - offset) / period); k * period + offset <= to; k += 1) plans.push(plan(dag, k));
      const manual = triggeredRuns(dag).filter(
        (p) => p.runAfterMs >= Math.max(fromMs, earliest) && p.runAfterMs <= Math.min(toMs, nowMs),
      );
      return manual.length === 0 ? plans : [...plans, ...manual].sort((a, b) => a.runAfterMs - b.runAfterMs);
    },
    /** The run with this id, if it exists at `nowMs`. */
    planFor(dagId: string, runId: string, nowMs: number): RunPlan | null {
      const dag = scenario.dags.find((d) => d.dagId === dagId);
      const manual = dag ? triggeredRuns(dag).find((p) => p.runId === runId && p.runAfterMs <= nowMs) : undefined;
      if (manual) return manual;
      const match = /^scheduled__(.+)$/.exec(runId);
      if (!dag || !match) return null;
      const runAfterMs = Date.parse(match[1]!);
      if (Number.isNaN(runAfterMs)) return null;
      const k = (runAfterMs - dag.offsetMinutes * MINUTE) / (dag.periodMinutes * MINUTE);
      const [earliest, latest] = bounds(dag, nowMs);
      if (!Number.isInteger(k) || runAfterMs < earliest || runAfterMs > latest) return null;
      const found = plan(dag, k);
      return found.runId === runId ? found : null;
    },
  };
}

export type Planner = ReturnType<typeof createPlanner>;
