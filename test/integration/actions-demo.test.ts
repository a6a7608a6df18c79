// Given the demo Airflow, the action client's dry runs list what will change and change nothing; the real
// calls clear, mark, trigger (with conf) and pause; a viewer is refused in words; the probe learns the role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionClient } from '../../source/airflow/rest/actions.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import type { ActionRequest } from '../../source/actions/types.js';
import type { TaskInstance } from '../../source/airflow/types.js';
import { restOptionsFor } from '../helpers/http.js';

let demo: DemoServer;
let admin: RestSource;
let viewer: RestSource;
let now = new Date('2025-06-01T12:00:00Z');
const clock = () => now;

const client = (source: RestSource) =>
  createActionClient(source, {
    role: async () => ((await source.tokenClaims())?.['role'] as string | undefined) ?? null,
  });

beforeAll(async () => {
  demo = await startDemoServer({ clock });
  admin = await createRestSource(restOptionsFor(demo, { clock }));
  viewer = await createRestSource(
    restOptionsFor(demo, { clock, auth: { kind: 'password', username: 'viewer', password: 'viewer' } }),
  );
});
afterAll(async () => {
  await admin.close();
  await viewer.close();
  await demo.close();
});

/** A finished failed task instance of a finished failed run of the failing demo DAG. */
async function failedTask(): Promise<TaskInstance> {
  for (const dagId of demo.scenario.dags.map((d) => d.dagId)) {
    const runs = await admin.dagRuns(dagId, 100);
    for (const run of runs.filter((r) => r.state === 'failed')) {
      const ti = (await admin.taskInstances(dagId, run.runId)).find((t) => t.state === 'failed');
      if (ti) return ti;
    }
  }
  throw new Error('the demo has no failed task instance');
}

const writes = () => demo.stats.log.filter((r) => r.method !== 'GET' && r.path !== '/auth/token');

describe('actions against the demo Airflow', () => {
  it('clear: the dry run lists the task and its downstream and changes nothing; Enter clears exactly that and the task runs again', async () => {
    const ti = await failedTask();
    const req: ActionRequest = {
      verb: 'clearTask',
      task: { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex },
      downstream: true,
      upstream: false,
      onlyFailed: false,
    };
    const preview = await client(admin).preview(req);
    expect(preview.status).toBe('ready');
    if (preview.status !== 'ready') return;
    expect(preview.items[0]).toMatchObject({ taskId: ti.taskId, state: 'failed' });
    expect(preview.total).toBe(preview.items.length);
    expect((await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBe('failed');

    const result = await client(admin).apply(req);
    expect(result.ok).toBe(true);
    expect(result.changed.map((c) => c.taskId)).toEqual(preview.items.map((i) => i.taskId));
    const body = JSON.parse(writes().at(-1)!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ dry_run: false, include_downstream: true, only_failed: false, task_ids: [ti.taskId] });
    expect((await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBeNull();
    now = new Date(now.getTime() + 2500);
    const rerun = (await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)!;
    expect(rerun.state).toBe('running');
    expect(rerun.tryNumber).toBe(ti.tryNumber + 1);
    now = new Date(now.getTime() + 60_000);
    expect((await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBe('success');
    expect((await admin.dagRuns(ti.dagId, 100)).find((r) => r.runId === ti.runId)?.state).toBe('success');
  });

  it('mark: the dry run leaves out what is in that state already; the call sets it', async () => {
    const ti = await failedTask();
    const req: ActionRequest = {
      verb: 'markTask',
      task: { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: -1 },
      state: 'success',
      downstream: false,
    };
    const preview = await client(admin).preview(req);
    expect(preview).toMatchObject({ status: 'ready', total: 1, items: [{ taskId: ti.taskId, state: 'failed' }] });
    expect(writes().at(-1)!.path).toMatch(/\/dry_run$/);
    expect((await client(admin).apply(req)).ok).toBe(true);
    expect((await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBe('success');
    expect(await client(admin).preview(req)).toMatchObject({ status: 'ready', total: 0 });
  });

  it('clear run: failed tasks only by default; mark run has no dry run and says so', async () => {
    const ti = await failedTask();
    const clear = await client(admin).preview({ verb: 'clearRun', dagId: ti.dagId, runId: ti.runId, onlyFailed: true });
    expect(clear.status).toBe('ready');
    if (clear.status === 'ready')
      expect(clear.items.every((i) => i.state === 'failed' || i.state === 'upstream_failed')).toBe(true);
    const mark = await client(admin).preview({ verb: 'markRun', dagId: ti.dagId, runId: ti.runId, state: 'success' });
    expect(mark).toMatchObject({ status: 'none' });
    const done = await client(admin).apply({ verb: 'markRun', dagId: ti.dagId, runId: ti.runId, state: 'success' });
    expect(done).toMatchObject({ ok: true, message: 'Airflow set the run to success' });
    expect((await admin.dagRuns(ti.dagId, 100)).find((r) => r.runId === ti.runId)?.state).toBe('success');
  });

  it('trigger with conf and note: the run exists with that conf', async () => {
    const before = demo.stats.log.length;
    const result = await client(admin).apply({
      verb: 'trigger',
      dagId: 'capstone_ingestion_pipeline',
      conf: { docs: 3 },
      note: 'from airtop',
    });
    expect(result.ok).toBe(true);
    const runId = /created run (\S+)/.exec(result.message)![1]!;
    expect(demo.stats.log.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/dagRuns'))).toHaveLength(
      1,
    );
    const run = (await (
      await admin.request({
        method: 'GET',
        path: `/api/v2/dags/capstone_ingestion_pipeline/dagRuns/${encodeURIComponent(runId)}`,
      })
    ).body) as Record<string, unknown>;
    expect(run).toMatchObject({ run_type: 'manual', conf: { docs: 3 }, note: 'from airtop' });
  });

  it('pause and unpause: Airflow reports the DAG paused, then active', async () => {
    expect(
      (await client(admin).apply({ verb: 'pause', dagId: 'capstone_vector_store_pipeline', paused: true })).message,
    ).toBe('Airflow says the DAG is paused');
    const dag = (await admin.request({ method: 'GET', path: '/api/v2/dags/capstone_vector_store_pipeline' })).body as {
      is_paused: boolean;
    };
    expect(dag.is_paused).toBe(true);
    expect(
      (await client(admin).apply({ verb: 'pause', dagId: 'capstone_vector_store_pipeline', paused: false })).message,
    ).toBe('Airflow says the DAG is active');
  });

  it('a viewer is refused in words, and the probe learns it without changing anything', async () => {
    const ti = await failedTask();
    const req: ActionRequest = {
      verb: 'clearTask',
      task: { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: -1 },
      downstream: true,
      upstream: false,
      onlyFailed: false,
    };
    expect(await client(viewer).preview(req)).toMatchObject({
      status: 'error',
      reason: 'your role (viewer) cannot clear task instances; it needs op (or user, admin)',
    });
    expect(await client(viewer).probe(ti.dagId)).toMatchObject({ allowed: false });
    expect(await client(admin).probe(ti.dagId)).toMatchObject({ allowed: true, reason: null });
    expect((await admin.taskInstances(ti.dagId, ti.runId)).find((t) => t.taskId === ti.taskId)?.state).toBe('failed');
  });

  it('Airflow down mid-action: the call throws (nothing done), it is not retried', async () => {
    const ti = await failedTask();
    demo.faults.add({ method: 'POST', path: `/api/v2/dags/${ti.dagId}/clearTaskInstances`, status: 503, times: 5 });
    const before = demo.stats.log.length;
    await expect(
      client(admin).apply({
        verb: 'clearTask',
        task: { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: -1 },
        downstream: false,
        upstream: false,
        onlyFailed: false,
      }),
    ).rejects.toThrow(/503/);
    expect(demo.stats.log.slice(before).filter((r) => r.method === 'POST')).toHaveLength(1);
    demo.faults.clear();
  });
});
