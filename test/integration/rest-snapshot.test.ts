import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPlanner,
  demoVariables,
  poolsAt,
  startDemoServer,
  worldBetween,
  type DemoServer,
} from '../../source/demo/index.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import {
  CAPSTONE_DAGS,
  FIXED_NOW,
  fixedClock,
  numpyPercentile,
  REFERENCE_VARIABLES,
  restOptionsFor,
} from '../helpers/http.js';

// Given the demo frozen at a known instant, when airtop takes a snapshot over real HTTP, then every number
// equals what the scenario says, computed here with the reference's formulas from the demo's own state.

const NOW = FIXED_NOW.getTime();
const HOUR = 3600_000;
const seconds = (start: number | null, end: number | null) =>
  start === null || end === null ? null : (end - start) / 1000;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

let demo: DemoServer;
beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
});
afterAll(async () => {
  await demo.close();
});

function expectedState(recentMs: number) {
  const planner = createPlanner(demo.scenario);
  const since = NOW - recentMs;
  const world = worldBetween(demo.scenario, planner, NOW, { fromMs: NOW - 8 * 24 * HOUR, toMs: NOW });
  return { since, planner, world };
}

describe('snapshot over REST against the demo', () => {
  it('matches the scenario: window stats, runs, task instances, pools, variables, baseline', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, {
        dags: { ids: CAPSTONE_DAGS, patterns: ['*_*'] },
        window: { recentSeconds: 3600, baselineSeconds: 7 * 86400, baselineSamples: 50 },
      }),
    );
    try {
      const snapshot = await source.snapshot(FIXED_NOW);
      const { since, planner, world } = expectedState(HOUR);
      const dagIds = demo.scenario.dags.map((d) => d.dagId).sort();

      expect(snapshot.airflow).toEqual({ url: demo.url, version: '3.3.2', api: 'v2' });
      expect(snapshot.window.since).toBe(new Date(since).toISOString());
      expect(snapshot.dags.map((d) => d.dagId).sort()).toEqual(dagIds);
      expect(snapshot.issues).toEqual([]);
      expect(snapshot.health?.scheduler.status).toBe('healthy');

      // collect_pipeline_metrics: runs whose run_after is in the last hour
      for (const dagId of dagIds) {
        const runs = world.runs.filter((r) => r.dagId === dagId && r.runAfterMs >= since);
        const durations = runs.filter((r) => r.state === 'success').map((r) => seconds(r.startMs, r.endMs)!);
        const stats = snapshot.window.dags[dagId]!;
        expect({
          dagId,
          runs: stats.runs,
          success: stats.success,
          failed: stats.failed,
          running: stats.running,
          queued: stats.queued,
        }).toEqual({
          dagId,
          runs: runs.length,
          success: runs.filter((r) => r.state === 'success').length,
          failed: runs.filter((r) => r.state === 'failed').length,
          running: runs.filter((r) => r.state === 'running').length,
          queued: runs.filter((r) => r.state === 'queued').length,
        });
        expect(stats.avgSuccessDurationSeconds).toBeCloseTo(mean(durations), 6);
        expect(stats.p95SuccessDurationSeconds).toBeCloseTo(numpyPercentile(durations, 95), 6);
      }

      // collect_task_metrics: task instances that started in the last hour, keyed dag.task
      const started = world.tasks.filter((t) => t.startMs !== null && t.startMs >= since);
      const keys = [...new Set(started.map((t) => `${t.dagId}.${t.taskId}`))].sort();
      expect(Object.keys(snapshot.window.tasks).sort()).toEqual(keys);
      for (const key of keys) {
        const tis = started.filter((t) => `${t.dagId}.${t.taskId}` === key);
        const ok = tis.filter((t) => t.state === 'success').map((t) => seconds(t.startMs, t.endMs)!);
        const stats = snapshot.window.tasks[key]!;
        expect([stats.total, stats.success, stats.failed, stats.retries]).toEqual([
          tis.length,
          ok.length,
          tis.filter((t) => t.state === 'failed').length,
          tis.reduce((n, t) => n + (t.tryNumber > 1 ? t.tryNumber - 1 : 0), 0),
        ]);
        expect(stats.avgDurationSeconds).toBeCloseTo(mean(ok), 6);
        expect(stats.maxDurationSeconds).toBeCloseTo(ok.length ? Math.max(...ok) : 0, 6);
      }

      // The scenario really exercises failures, retries, running and queued runs.
      const all = Object.values(snapshot.window.dags);
      expect(all.some((d) => d.failed > 0)).toBe(true);
      expect(all.some((d) => d.running > 0)).toBe(true);
      expect(Object.values(snapshot.window.tasks).some((t) => t.retries > 0)).toBe(true);

      // Runs: the window plus anything still queued or running, newest first.
      const unfinished = (s: string) => s === 'queued' || s === 'running';
      const expectedRuns = world.runs.filter((r) => r.runAfterMs >= since || unfinished(r.state));
      expect(snapshot.runs.map((r) => `${r.dagId}/${r.runId}`).sort()).toEqual(
        expectedRuns.map((r) => `${r.dagId}/${r.runId}`).sort(),
      );
      expect(snapshot.runs.map((r) => r.runAfter)).toEqual([...snapshot.runs.map((r) => r.runAfter)].sort().reverse());

      // Task instances: started in the window, or belonging to an unfinished run.
      const openRuns = new Set(world.runs.filter((r) => unfinished(r.state)).map((r) => `${r.dagId}/${r.runId}`));
      const expectedTis = world.tasks.filter(
        (t) => (t.startMs !== null && t.startMs >= since) || openRuns.has(`${t.dagId}/${t.runId}`),
      );
      expect(snapshot.taskInstances.map((t) => `${t.dagId}/${t.runId}/${t.taskId}`).sort()).toEqual(
        expectedTis.map((t) => `${t.dagId}/${t.runId}/${t.taskId}`).sort(),
      );
      expect(snapshot.taskInstances.some((t) => t.state === null || t.state === 'queued')).toBe(true);

      // Pools, with the embedding pool saturated.
      const pools = poolsAt(demo.scenario, planner, NOW);
      expect(snapshot.pools.map((p) => [p.name, p.slots, p.occupiedSlots, p.queuedSlots, p.openSlots])).toEqual(
        pools.map((p) => [p.spec.name, p.spec.slots, p.occupied, p.queued, p.open]),
      );
      expect(snapshot.pools.find((p) => p.name === 'embedding_pool')?.openSlots).toBe(0);

      // Variables, byte for byte.
      const values = demoVariables(demo.scenario, NOW);
      for (const key of REFERENCE_VARIABLES)
        expect(snapshot.variables[key]).toEqual({ status: 'ok', raw: values[key] });

      // Baseline: successful runs of the last 7 days, newest first, at most 50 per DAG; tasks likewise.
      const weekAgo = NOW - 7 * 24 * HOUR;
      for (const dagId of dagIds) {
        const expected = world.runs
          .filter((r) => r.dagId === dagId && r.state === 'success' && r.runAfterMs >= weekAgo)
          .sort((a, b) => b.runAfterMs - a.runAfterMs)
          .slice(0, 50)
          .map((r) => seconds(r.startMs, r.endMs));
        expect(snapshot.baseline.dags[dagId]).toEqual(expected);
      }
      const embedKey = 'capstone_vector_store_pipeline.generate_embeddings';
      const expectedTask = world.tasks
        .filter((t) => `${t.dagId}.${t.taskId}` === embedKey && t.state === 'success' && t.startMs! >= weekAgo)
        .sort((a, b) => b.startMs! - a.startMs!)
        .slice(0, 50)
        .map((t) => seconds(t.startMs, t.endMs));
      expect(snapshot.baseline.tasks[embedKey]).toEqual(expectedTask);
    } finally {
      await source.close();
    }
  });

  it('keeps steady-state polls small: the baseline is read once, then kept up to date from each window', async () => {
    const source = await createRestSource(restOptionsFor(demo));
    try {
      await source.snapshot(FIXED_NOW);
      demo.stats.reset();
      const again = await source.snapshot(FIXED_NOW);
      const requests = demo.stats.log.map((r) => `${r.method} ${r.path}`);
      // health, 6 variables, pools, dags, 2 run lists, 2 task-instance lists
      expect(requests.length).toBeLessThanOrEqual(13);
      expect(requests.some((r) => r.includes('/dags/capstone_ingestion_pipeline/dagRuns'))).toBe(false);
      expect(again.baseline.dags.capstone_ingestion_pipeline).toHaveLength(5);
    } finally {
      await source.close();
    }
  });

  it('follows pagination past 100 items, for snapshots and for a DAG run list', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, {
        dags: { ids: [], patterns: ['*'] },
        window: { recentSeconds: 3 * 3600, baselineSeconds: 3600, baselineSamples: 5 },
      }),
    );
    try {
      demo.stats.reset();
      const snapshot = await source.snapshot(FIXED_NOW);
      const { since, world } = expectedState(3 * HOUR);
      const startedInWindow = world.tasks.filter((t) => t.startMs !== null && t.startMs >= since);
      expect(startedInWindow.length).toBeGreaterThan(200);
      expect(Object.values(snapshot.window.tasks).reduce((n, t) => n + t.total, 0)).toBe(startedInWindow.length);
      const pageOffsets = demo.stats.log
        .filter((r) => r.path.endsWith('/taskInstances/list'))
        .map((r) => (JSON.parse(r.body) as { page_offset: number }).page_offset);
      expect(pageOffsets).toEqual(expect.arrayContaining([0, 100, 200]));

      demo.stats.reset();
      const runs = await source.dagRuns('capstone_ingestion_pipeline', 250);
      expect(runs).toHaveLength(250);
      expect(runs[0]!.runAfter > runs[249]!.runAfter).toBe(true);
      expect(new Set(runs.map((r) => r.runId)).size).toBe(250);
      expect(demo.stats.log.map((r) => new URLSearchParams(r.query).get('offset'))).toEqual(['0', '100', '200']);
    } finally {
      await source.close();
    }
  });

  it('says when a configured DAG does not exist, and still reports the others', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, {
        dags: { ids: ['capstone_ingestion_pipeline', 'capstone_typo_pipeline'], patterns: [] },
        variables: [],
      }),
    );
    try {
      const snapshot = await source.snapshot(FIXED_NOW);
      expect(Object.keys(snapshot.window.dags)).toEqual(['capstone_ingestion_pipeline']);
      expect(snapshot.issues).toEqual([
        { scope: 'dags', message: expect.stringMatching(/no DAG capstone_typo_pipeline .*dags\.ids/) },
      ]);
    } finally {
      await source.close();
    }
  });
});
