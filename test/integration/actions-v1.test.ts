// Airflow 2's /api/v1 write endpoints: every body says dry_run explicitly (v1's clearTaskInstances defaults it
// to true, so an apply that left it out would silently do nothing), with Airflow 2.10's request and answer shapes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActionClient } from '../../source/airflow/rest/actions.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import { restOptionsFor } from '../helpers/http.js';

interface Seen {
  method: string;
  path: string;
  query: string;
  body: Record<string, unknown> | null;
}

let server: Server;
let url: string;
let source: RestSource;
const seen: Seen[] = [];
const ref = (taskId: string, runId = 'r2') => ({
  dag_id: 'etl',
  dag_run_id: runId,
  execution_date: '2025-06-01T11:30:00+00:00',
  task_id: taskId,
});

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const text = Buffer.concat(chunks).toString('utf8');
      const body = text ? (JSON.parse(text) as Record<string, unknown>) : null;
      seen.push({ method: req.method ?? '', path: u.pathname, query: u.search.slice(1), body });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (u.pathname === '/api/v2/version') return reply(404, { detail: 'Not Found' });
      if (u.pathname === '/api/v1/version') return reply(200, { version: '2.10.5', git_version: null });
      if (req.headers.authorization !== `Basic ${Buffer.from('op:op-pw').toString('base64')}`)
        return reply(403, { title: 'Forbidden', status: 403, detail: 'You do not have permission' });
      if (u.pathname === '/api/v1/dags/etl/clearTaskInstances')
        return reply(200, {
          task_instances: [ref('extract', String(body?.dag_run_id)), ref('load', String(body?.dag_run_id))],
        });
      if (u.pathname === '/api/v1/dags/etl/updateTaskInstancesState')
        return reply(200, { task_instances: [ref('extract')] });
      if (u.pathname === '/api/v1/dags/etl/dagRuns/r2') return reply(200, { dag_run_id: 'r2', state: 'success' });
      // The run's task instances, from which the dry run's references get their states.
      if (u.pathname === '/api/v1/dags/etl/dagRuns/r2/taskInstances')
        return reply(200, {
          task_instances: [
            { dag_id: 'etl', dag_run_id: 'r2', task_id: 'extract', map_index: -1, state: 'failed' },
            { dag_id: 'etl', dag_run_id: 'r2', task_id: 'load', map_index: -1, state: 'upstream_failed' },
            { dag_id: 'etl', dag_run_id: 'r2', task_id: 'report', map_index: -1, state: null },
          ],
          total_entries: 3,
        });
      if (u.pathname === '/api/v1/dags/etl/dagRuns')
        return reply(200, { dag_run_id: 'manual__2025-06-01T12:00:00+00:00', state: 'queued', conf: body?.conf });
      if (u.pathname === '/api/v1/dags/etl') return reply(200, { dag_id: 'etl', is_paused: body?.is_paused });
      return reply(404, { detail: 'Not Found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  source = await createRestSource(restOptionsFor({ url, credentials: { username: 'op', password: 'op-pw' } }));
});
afterAll(async () => {
  await source.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const client = () => createActionClient(source, { role: async () => null });
/** The last write (a preview also reads the run's task instances, for their states). */
const last = () => seen.filter((s) => s.method !== 'GET').at(-1)!;
const task = { dagId: 'etl', runId: 'r2', taskId: 'extract', mapIndex: -1 };

describe('actions on Airflow 2 (/api/v1)', () => {
  it('clear: the dry run says dry_run true, the apply says dry_run false; the states v1 references lack come from the run', async () => {
    const preview = await client().preview({
      verb: 'clearTask',
      task,
      downstream: true,
      upstream: false,
      onlyFailed: false,
    });
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/api/v1/dags/etl/clearTaskInstances',
      body: { dry_run: true, dag_run_id: 'r2', task_ids: ['extract'], include_downstream: true, only_failed: false },
    });
    expect(preview).toEqual({
      status: 'ready',
      total: 2,
      items: [
        { dagId: 'etl', runId: 'r2', taskId: 'extract', mapIndex: -1, state: 'failed' },
        { dagId: 'etl', runId: 'r2', taskId: 'load', mapIndex: -1, state: 'upstream_failed' },
      ],
    });
    expect(seen.filter((s) => s.method === 'GET' && s.path.endsWith('/taskInstances')).at(-1)).toMatchObject({
      path: '/api/v1/dags/etl/dagRuns/r2/taskInstances',
    });
    const done = await client().apply({
      verb: 'clearTask',
      task,
      downstream: true,
      upstream: false,
      onlyFailed: false,
    });
    expect(last().body).toMatchObject({ dry_run: false });
    expect(done).toMatchObject({ ok: true, message: 'Airflow cleared 2 task instances' });
  });

  it('a run whose task instances cannot be read leaves the references without state', async () => {
    const preview = await client().preview({ verb: 'clearRun', dagId: 'etl', runId: 'r9', onlyFailed: false });
    expect(seen.at(-1)).toMatchObject({ method: 'GET', path: '/api/v1/dags/etl/dagRuns/r9/taskInstances' });
    expect(preview).toMatchObject({
      status: 'ready',
      items: [
        { taskId: 'extract', runId: 'r9', state: null },
        { taskId: 'load', runId: 'r9', state: null },
      ],
    });
  });

  it('mark: updateTaskInstancesState with dry_run both ways', async () => {
    await client().preview({ verb: 'markTask', task, state: 'success', downstream: false });
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/api/v1/dags/etl/updateTaskInstancesState',
      body: { dry_run: true, task_id: 'extract', dag_run_id: 'r2', new_state: 'success', include_downstream: false },
    });
    await client().apply({ verb: 'markTask', task, state: 'success', downstream: false });
    expect(last().body).toMatchObject({ dry_run: false });
  });

  it('run clear goes through clearTaskInstances (v1 dagRuns/{id}/clear has no only_failed); run mark, trigger and pause', async () => {
    await client().preview({ verb: 'clearRun', dagId: 'etl', runId: 'r2', onlyFailed: true });
    expect(last()).toMatchObject({
      path: '/api/v1/dags/etl/clearTaskInstances',
      body: { dry_run: true, dag_run_id: 'r2', only_failed: true },
    });
    expect(last().body).not.toHaveProperty('task_ids');
    expect(await client().apply({ verb: 'markRun', dagId: 'etl', runId: 'r2', state: 'success' })).toMatchObject({
      ok: true,
    });
    expect(last()).toMatchObject({ method: 'PATCH', path: '/api/v1/dags/etl/dagRuns/r2', body: { state: 'success' } });
    expect(await client().apply({ verb: 'trigger', dagId: 'etl', conf: { a: 1 }, note: null })).toMatchObject({
      ok: true,
      message: 'Airflow created run manual__2025-06-01T12:00:00+00:00 (queued)',
    });
    expect(last().body).toEqual({ conf: { a: 1 } });
    expect(await client().apply({ verb: 'pause', dagId: 'etl', paused: true })).toMatchObject({
      message: 'Airflow says the DAG is paused',
    });
    expect(last()).toMatchObject({
      method: 'PATCH',
      path: '/api/v1/dags/etl',
      query: 'update_mask=is_paused',
      body: { is_paused: true },
    });
  });
});
