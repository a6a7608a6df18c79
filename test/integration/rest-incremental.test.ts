import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import type { Snapshot } from '../../source/airflow/types.js';
import { FIXED_NOW, restOptionsFor } from '../helpers/http.js';

// Given the demo's world moving on in simulated time, when one source polls every five minutes, then after
// its first poll it asks Airflow only for rows updated since the previous poll, and its window is at every
// poll what a fresh source reading the whole window sees.

const MINUTE = 60_000;
let t = FIXED_NOW.getTime();
const clock = () => new Date(t);
let demo: DemoServer;

beforeAll(async () => {
  demo = await startDemoServer({ clock });
});
afterAll(async () => {
  await demo.close();
});

const options = () => restOptionsFor(demo, { clock, variables: [], dags: { ids: [], patterns: ['capstone_*'] } });

/** What must not differ between the kept and the whole-read window. */
function windowOf(snapshot: Snapshot) {
  return {
    runs: snapshot.runs.map((r) => [r.dagId, r.runId, r.state, r.startDate, r.endDate].join(' ')),
    taskInstances: snapshot.taskInstances.map((ti) =>
      [ti.dagId, ti.runId, ti.taskId, ti.mapIndex, ti.state, ti.tryNumber, ti.startDate, ti.endDate].join(' '),
    ),
    window: snapshot.window,
    baseline: snapshot.baseline,
  };
}

async function wholeRead(now: Date): Promise<Snapshot> {
  const fresh = await createRestSource(options());
  try {
    return await fresh.snapshot(now);
  } finally {
    await fresh.close();
  }
}

const requestsOf = () =>
  demo.stats.log.map((r) => `${r.method} ${r.path}${r.query ? `?${decodeURIComponent(r.query)}` : ''}`);

describe('incremental REST polling against the demo', () => {
  let source: RestSource;
  beforeAll(async () => {
    source = await createRestSource(options());
  });
  afterAll(async () => {
    await source.close();
  });

  it('after the first poll asks only for what changed, and keeps the window a whole read sees', async () => {
    t = FIXED_NOW.getTime();
    await source.snapshot(clock());
    let changedRows = 0;
    // Five-minute polls up to the hourly whole read: runs start, fail, retry, finish and leave the window.
    for (let poll = 1; poll <= 11; poll++) {
      t += 5 * MINUTE;
      demo.stats.reset();
      const kept = await source.snapshot(clock());
      const asked = requestsOf();
      const serverTime = new Date(t);
      const whole = await wholeRead(serverTime);
      expect(windowOf(kept), `poll ${poll} at ${serverTime.toISOString()}`).toEqual(windowOf(whole));

      // The change lists, from the previous poll's start less the two-minute overlap, narrowed to capstone_*.
      const since = new Date(t - 5 * MINUTE - 2 * MINUTE).toISOString();
      const runsAsk = asked.find((r) => r.startsWith('GET /api/v2/dags/~/dagRuns?'));
      const tisAsk = asked.find((r) => r.startsWith('GET /api/v2/dags/~/dagRuns/~/taskInstances?'));
      for (const ask of [runsAsk, tisAsk]) {
        expect(ask, asked.join('\n')).toBeDefined();
        expect(new URLSearchParams(ask!.split('?')[1]).get('updated_at_gte')).toBe(since);
        expect(ask).toContain('dag_id_pattern=capstone_%');
      }
      // No whole-window list: the batch task-instance list is only for the first poll and hourly resyncs.
      expect(asked.filter((r) => r.startsWith('POST /api/v2/dags/~/dagRuns/~/taskInstances/list'))).toEqual([]);
      // health, pools, DAGs, runs changed, task instances changed, runs still unfinished
      expect(asked.length, asked.join('\n')).toBeLessThanOrEqual(6);
      changedRows += kept.taskInstances.length;
    }
    expect(changedRows).toBeGreaterThan(0);
  });

  it('a failed change read loses nothing: the next poll asks again from the same point', async () => {
    t += 5 * MINUTE;
    await source.snapshot(clock());
    const cursorBefore = new Date(t - 2 * MINUTE).toISOString();
    t += 5 * MINUTE;
    demo.faults.add({ method: 'GET', path: '/api/v2/dags/~/dagRuns/~/taskInstances', status: 500, times: 3 });
    await expect(source.snapshot(clock())).rejects.toThrow(/500/);
    demo.faults.clear();
    t += 5 * MINUTE;
    demo.stats.reset();
    const kept = await source.snapshot(clock());
    const tisAsk = requestsOf().find((r) => r.startsWith('GET /api/v2/dags/~/dagRuns/~/taskInstances?'));
    expect(new URLSearchParams(tisAsk!.split('?')[1]).get('updated_at_gte')).toBe(cursorBefore);
    expect(windowOf(kept)).toEqual(windowOf(await wholeRead(clock())));
  });

  it('reads the whole window again after an hour', async () => {
    t += 61 * MINUTE;
    demo.stats.reset();
    const kept = await source.snapshot(clock());
    expect(requestsOf().some((r) => r.startsWith('POST /api/v2/dags/~/dagRuns/~/taskInstances/list'))).toBe(true);
    expect(windowOf(kept)).toEqual(windowOf(await wholeRead(clock())));
  });
});
