import { describe, expect, it } from 'vitest';
import type { Reads, RunFilter, TaskInstanceFilter } from '../../../source/airflow/rest/reads.js';
import { createWindowCache } from '../../../source/airflow/rest/window.js';
import type { DagRun, TaskInstance } from '../../../source/airflow/types.js';

// The kept window against a table of rows with updated_at, as Airflow holds them: rows change, appear and are
// deleted between polls, and each poll's result must be what reading the whole window would give.

const T0 = Date.parse('2025-06-01T12:00:00Z');
const MIN = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Row<T> {
  row: T;
  updatedAt: number;
}

function run(dagId: string, n: number, state: DagRun['state'], runAfter: number): DagRun {
  return {
    dagId,
    runId: `r${n}`,
    state,
    runType: 'scheduled',
    queuedAt: iso(runAfter),
    startDate: iso(runAfter),
    endDate: state === 'running' ? null : iso(runAfter + MIN),
    runAfter: iso(runAfter),
    logicalDate: iso(runAfter),
  };
}

function ti(r: DagRun, taskId: string, state: TaskInstance['state'], start: number | null): TaskInstance {
  return {
    dagId: r.dagId,
    runId: r.runId,
    taskId,
    mapIndex: -1,
    state,
    tryNumber: 1,
    maxTries: 1,
    startDate: start === null ? null : iso(start),
    endDate: null,
    durationSeconds: null,
    pool: 'default_pool',
    poolSlots: 1,
    queue: null,
    operator: null,
    queuedWhen: null,
  };
}

/** An Airflow in miniature: what the reads see is the tables as they are when asked. */
function fakeAirflow(api: 'v2' | 'v1' = 'v2') {
  const runs = new Map<string, Row<DagRun>>();
  const tis = new Map<string, Row<TaskInstance>>();
  let clock = T0;
  const calls: string[] = [];
  let failChanges = false;
  const rows = <T>(table: Map<string, Row<T>>) => [...table.values()];
  const reads = {
    api,
    async runs(filter: RunFilter) {
      calls.push('runs');
      return rows(runs)
        .map((r) => r.row)
        .filter(
          (r) =>
            filter.dagIds.includes(r.dagId) &&
            (filter.since === undefined || r.runAfter >= filter.since) &&
            (filter.states === undefined || filter.states.includes(r.state)),
        );
    },
    async taskInstances(filter: TaskInstanceFilter) {
      calls.push('taskInstances');
      return rows(tis)
        .map((r) => r.row)
        .filter(
          (t) =>
            filter.dagIds.includes(t.dagId) &&
            (filter.runIds === undefined || filter.runIds.includes(t.runId)) &&
            (filter.startedSince === undefined || (t.startDate !== null && t.startDate >= filter.startedSince)),
        );
    },
    async runsUpdated(since: string) {
      calls.push('runsUpdated');
      if (failChanges) throw new Error('500 from the API server');
      return rows(runs)
        .filter((r) => r.updatedAt >= Date.parse(since))
        .map((r) => r.row);
    },
    async taskInstancesUpdated(since: string) {
      calls.push('taskInstancesUpdated');
      return rows(tis)
        .filter((r) => r.updatedAt >= Date.parse(since))
        .map((r) => r.row);
    },
  } as unknown as Reads;
  return {
    reads,
    calls,
    now: () => new Date(clock),
    advance(ms: number) {
      clock += ms;
    },
    failChanges(on: boolean) {
      failChanges = on;
    },
    putRun(r: DagRun) {
      runs.set(`${r.dagId}/${r.runId}`, { row: r, updatedAt: clock });
    },
    deleteRun(r: DagRun) {
      runs.delete(`${r.dagId}/${r.runId}`);
      for (const [key, t] of tis) if (t.row.dagId === r.dagId && t.row.runId === r.runId) tis.delete(key);
    },
    putTi(t: TaskInstance) {
      tis.set(`${t.dagId}/${t.runId}/${t.taskId}`, { row: t, updatedAt: clock });
    },
  };
}

const keys = (result: { runs: DagRun[]; tis: TaskInstance[] }) => ({
  runs: result.runs.map((r) => `${r.dagId}/${r.runId} ${r.state}`).sort(),
  tis: result.tis.map((t) => `${t.dagId}/${t.runId}/${t.taskId} ${t.state}`).sort(),
});

function setup(api: 'v2' | 'v1' = 'v2') {
  const airflow = fakeAirflow(api);
  const cache = createWindowCache(airflow.reads, { overlapMs: 2 * MIN, resyncMs: 60 * MIN, serverNow: airflow.now });
  const since = () => iso(airflow.now().getTime() - 60 * MIN);
  const poll = (dagIds = ['a', 'b']) => cache.read(airflow.now(), dagIds, null, since());
  const whole = async (dagIds = ['a', 'b']) =>
    keys(
      await createWindowCache(airflow.reads, { overlapMs: 2 * MIN, resyncMs: 60 * MIN, serverNow: airflow.now }).read(
        airflow.now(),
        dagIds,
        null,
        since(),
      ),
    );
  return { airflow, poll, whole };
}

describe('the kept REST window', () => {
  it('given a run deleted while it was running, when the next poll reads changes, then the run and its task instances are gone', async () => {
    const { airflow, poll, whole } = setup();
    const doomed = run('a', 1, 'running', T0 - 10 * MIN);
    const kept = run('a', 2, 'running', T0 - 5 * MIN);
    airflow.putRun(doomed);
    airflow.putRun(kept);
    airflow.putTi(ti(doomed, 't1', 'running', T0 - 9 * MIN));
    airflow.putTi(ti(kept, 't1', 'running', T0 - 4 * MIN));
    expect((await poll()).read).toBe('full');

    airflow.advance(5 * MIN);
    airflow.deleteRun(doomed);
    const next = await poll();
    expect(next.read).toBe('changes');
    expect(keys(next)).toEqual({ runs: ['a/r2 running'], tis: ['a/r2/t1 running'] });
    expect(keys(next)).toEqual(await whole());
  });

  it('given runs that finish and age out, when polls read changes, then each poll equals a whole read', async () => {
    const { airflow, poll, whole } = setup();
    const r1 = run('a', 1, 'running', T0 - 50 * MIN);
    const r2 = run('b', 2, 'queued', T0 - 2 * MIN);
    airflow.putRun(r1);
    airflow.putRun(r2);
    airflow.putTi(ti(r1, 't1', 'success', T0 - 49 * MIN));
    airflow.putTi(ti(r1, 't2', 'running', T0 - 20 * MIN));
    airflow.putTi(ti(r2, 't1', null, null));
    await poll();

    airflow.advance(5 * MIN);
    airflow.putTi(ti(r1, 't2', 'success', T0 - 20 * MIN));
    airflow.putRun({ ...r1, state: 'success', endDate: iso(T0 + 4 * MIN) });
    airflow.putRun({ ...r2, state: 'running' });
    airflow.putTi(ti(r2, 't1', 'running', T0 + 4 * MIN));
    expect(keys(await poll())).toEqual(await whole());

    // r1 ran from 50 minutes before T0: fifteen minutes on, its run_after and first task leave the hour.
    airflow.advance(10 * MIN);
    const later = await poll();
    expect(later.read).toBe('changes');
    expect(keys(later)).toEqual({ runs: ['b/r2 running'], tis: ['a/r1/t2 success', 'b/r2/t1 running'] });
    expect(keys(later)).toEqual(await whole());
  });

  it('keeps only the selected DAGs, and reads whole again when the selection changes', async () => {
    const { airflow, poll, whole } = setup();
    airflow.putRun(run('a', 1, 'success', T0 - 5 * MIN));
    await poll(['a']);
    airflow.advance(MIN);
    airflow.putRun(run('b', 1, 'running', T0));
    expect(keys(await poll(['a']))).toEqual({ runs: ['a/r1 success'], tis: [] });
    const widened = await poll(['a', 'b']);
    expect(widened.read).toBe('full');
    expect(keys(widened)).toEqual(await whole());
  });

  it('given a failed change read, when the next poll succeeds, then it asks from the same point and misses nothing', async () => {
    const { airflow, poll, whole } = setup();
    const r1 = run('a', 1, 'running', T0 - 5 * MIN);
    airflow.putRun(r1);
    await poll();
    airflow.advance(5 * MIN);
    airflow.putRun({ ...r1, state: 'failed' });
    airflow.failChanges(true);
    await expect(poll()).rejects.toThrow(/500/);
    airflow.failChanges(false);
    airflow.advance(5 * MIN);
    const next = await poll();
    expect(next.read).toBe('changes');
    expect(keys(next)).toEqual({ runs: ['a/r1 failed'], tis: [] });
    expect(keys(next)).toEqual(await whole());
  });

  it('asks nothing while no DAG is selected', async () => {
    const { airflow, poll } = setup();
    airflow.putRun(run('a', 1, 'running', T0));
    await poll([]);
    airflow.advance(5 * MIN);
    expect(keys(await poll([]))).toEqual({ runs: [], tis: [] });
    expect(airflow.calls).toEqual([]);
  });

  it('reads Airflow 2 whole every poll: its API has no updated_at filter airtop relies on', async () => {
    const { airflow, poll } = setup('v1');
    airflow.putRun(run('a', 1, 'running', T0));
    await poll();
    airflow.advance(5 * MIN);
    expect((await poll()).read).toBe('full');
    expect(airflow.calls).not.toContain('runsUpdated');
  });

  it('reads whole again once an hour, for deletions updated_at cannot show', async () => {
    const { airflow, poll } = setup();
    await poll();
    airflow.advance(59 * MIN);
    expect((await poll()).read).toBe('changes');
    airflow.advance(MIN);
    expect((await poll()).read).toBe('full');
  });
});
