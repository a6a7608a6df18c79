import type { DagRun, Pool, Snapshot, SourceIssue, TaskInstance } from './types.js';

// Records that cannot be true (a run that ends before it starts, a negative slot count) come from a broken
// clock, a hand-edited row or a hostile server. Each kind raises one issue naming an example, and none of
// them feeds a figure: their durations are left out of averages, percentiles, maxima and baselines (the
// aggregates skip negative spans too), and an impossible pool is left out of pool pressure.

const before = (end: string | null, start: string | null): boolean =>
  end !== null && start !== null && Date.parse(end) < Date.parse(start);

export function impossibleRun(run: DagRun): string | null {
  return before(run.endDate, run.startDate) ? `ends (${run.endDate}) before it starts (${run.startDate})` : null;
}

export function impossibleTaskInstance(ti: TaskInstance): string | null {
  if (before(ti.endDate, ti.startDate)) return `ends (${ti.endDate}) before it starts (${ti.startDate})`;
  if (ti.durationSeconds !== null && ti.durationSeconds < 0) return `has a negative duration (${ti.durationSeconds} s)`;
  if (ti.poolSlots < 0) return `takes a negative number of pool slots (${ti.poolSlots})`;
  if (ti.tryNumber < 0 || ti.maxTries < -1) return `has a negative try number (${ti.tryNumber})`;
  return null;
}

export function impossiblePool(pool: Pool): string | null {
  // -1 slots means unlimited; anything lower, or a negative count, is not a pool state.
  if (pool.slots < -1) return `has ${pool.slots} slots`;
  const counts = {
    running: pool.runningSlots,
    queued: pool.queuedSlots,
    scheduled: pool.scheduledSlots,
    deferred: pool.deferredSlots,
    occupied: pool.occupiedSlots,
  };
  const negative = Object.entries(counts).find(([, n]) => n < 0);
  return negative ? `has ${negative[1]} ${negative[0]} slots` : null;
}

function issue(what: string, count: number, example: string): SourceIssue {
  return {
    scope: 'data',
    message: `${count} ${what} ${count === 1 ? 'is' : 'are'} impossible (e.g. ${example}): left out of the figures; check Airflow's clock and metadata DB`,
  };
}

/** The snapshot with impossible records left out of the figures and one issue per kind. */
export function screenSnapshot(snapshot: Snapshot): Snapshot {
  const issues: SourceIssue[] = [];
  const badRuns = snapshot.runs.map((run) => [run, impossibleRun(run)] as const).filter(([, why]) => why !== null);
  if (badRuns.length > 0) {
    const [run, why] = badRuns[0]!;
    issues.push(
      issue(badRuns.length === 1 ? 'DAG run' : 'DAG runs', badRuns.length, `${run.dagId} run ${run.runId} ${why}`),
    );
  }
  const badTis = new Set<TaskInstance>();
  let tiExample = '';
  for (const ti of snapshot.taskInstances) {
    const why = impossibleTaskInstance(ti);
    if (why === null) continue;
    if (badTis.size === 0) tiExample = `${ti.dagId}.${ti.taskId} in ${ti.runId} ${why}`;
    badTis.add(ti);
  }
  if (badTis.size > 0)
    issues.push(issue(badTis.size === 1 ? 'task instance' : 'task instances', badTis.size, tiExample));
  const badPools = snapshot.pools.filter((pool) => impossiblePool(pool) !== null);
  if (badPools.length > 0)
    issues.push(
      issue(
        badPools.length === 1 ? 'pool' : 'pools',
        badPools.length,
        `${badPools[0]!.name} ${impossiblePool(badPools[0]!)}`,
      ),
    );
  const nonNegative = (table: Record<string, number[]>): Record<string, number[]> =>
    Object.fromEntries(
      Object.entries(table).map(([key, values]) => [key, values.filter((v) => Number.isFinite(v) && v >= 0)]),
    );
  const dropped = [...Object.values(snapshot.baseline.dags), ...Object.values(snapshot.baseline.tasks)].some((values) =>
    values.some((v) => !(Number.isFinite(v) && v >= 0)),
  );
  if (issues.length === 0 && !dropped) return snapshot;
  if (dropped)
    issues.push({
      scope: 'data',
      message: 'some baseline durations are negative or not numbers: left out of the baselines',
    });
  return {
    ...snapshot,
    // An impossible run stays listed (it happened, in some state); the aggregates already took no duration from it.
    taskInstances: snapshot.taskInstances.filter((ti) => !badTis.has(ti)),
    pools: snapshot.pools.filter((pool) => !badPools.includes(pool)),
    baseline: {
      ...snapshot.baseline,
      dags: nonNegative(snapshot.baseline.dags),
      tasks: nonNegative(snapshot.baseline.tasks),
    },
    issues: [...snapshot.issues, ...issues],
  };
}
