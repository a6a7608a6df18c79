import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScenario, startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { call, FIXED_NOW, fixedClock, restOptionsFor, signIn } from '../helpers/http.js';

let demo: DemoServer;
let token: string;
beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
  token = await signIn(demo.url);
});
afterAll(async () => {
  await demo.close();
});

const get = (path: string, t: string | null = token) => call(demo.url, 'GET', path, { token: t ?? undefined });

describe('the demo speaks Airflow 3.3 /api/v2', () => {
  it('answers version and health without credentials, everything else only with a valid token', async () => {
    expect((await get('/api/v2/version', null)).body).toEqual({ version: '3.3.2', git_version: '.release:demo' });
    expect((await get('/api/v2/monitor/health', null)).body.scheduler.status).toBe('healthy');
    const anonymous = await get('/api/v2/dags', null);
    expect([anonymous.status, anonymous.body]).toEqual([401, { detail: 'Not authenticated' }]);
    expect((await get('/api/v2/dags', 'forged')).status).toBe(401);
    expect(
      (await call(demo.url, 'POST', '/auth/token', { body: { username: 'admin', password: 'nope' } })).status,
    ).toBe(401);
  });

  it('pages with limit capped at 100 and total_entries', async () => {
    const first = await get('/api/v2/dags/capstone_ingestion_pipeline/dagRuns?limit=500&order_by=-run_after');
    expect(first.body.dag_runs).toHaveLength(100);
    expect(first.body.total_entries).toBe(8 * 24 * 12 + 1); // every 5 minutes for the 8 days of history, both ends included
    const second = await get(
      '/api/v2/dags/capstone_ingestion_pipeline/dagRuns?limit=100&offset=100&order_by=-run_after',
    );
    expect(second.body.dag_runs[0].run_after < first.body.dag_runs[99].run_after).toBe(true);
    expect((await get('/api/v2/dags')).body.dags).toHaveLength(9);
  });

  it('answers bad requests the way FastAPI does', async () => {
    expect((await get('/api/v2/dags/nope')).body).toEqual({ detail: 'The Dag with ID: `nope` was not found' });
    expect((await get('/api/v2/variables/nope')).status).toBe(404);
    expect((await get('/api/v2/dags?limit=-1')).status).toBe(422);
    expect((await get('/api/v2/dags/~/dagRuns?order_by=color')).status).toBe(400);
    const extra = await call(demo.url, 'POST', '/api/v2/dags/~/dagRuns/list', {
      token,
      body: { dag_ids: ['x'], updated_at_gte: '2025-01-01T00:00:00Z' },
    });
    expect(extra.status).toBe(422);
    expect(extra.body.detail[0]).toMatchObject({ type: 'extra_forbidden', loc: ['body', 'updated_at_gte'] });
    expect((await get('/api/v2/no/such/route')).status).toBe(404);
  });

  it('filters and sorts runs and task instances like Airflow', async () => {
    const since = new Date(FIXED_NOW.getTime() - 3600_000).toISOString();
    const runs = await get(
      `/api/v2/dags/~/dagRuns?run_after_gte=${encodeURIComponent(since)}&state=failed&state=success&order_by=-run_after&limit=100`,
    );
    expect(runs.body.dag_runs.length).toBeGreaterThan(10);
    expect(
      runs.body.dag_runs.every(
        (r: { state: string; run_after: string }) =>
          ['failed', 'success'].includes(r.state) && Date.parse(r.run_after) >= Date.parse(since),
      ),
    ).toBe(true);
    const times = runs.body.dag_runs.map((r: { run_after: string }) => r.run_after);
    expect(times).toEqual([...times].sort().reverse());
    const tis = await call(demo.url, 'POST', '/api/v2/dags/~/dagRuns/~/taskInstances/list', {
      token,
      body: { dag_ids: ['partner_sftp_sync'], state: ['success'], start_date_gte: since },
    });
    expect(tis.body.task_instances.length).toBeGreaterThan(0);
    expect(
      tis.body.task_instances.every(
        (t: { dag_id: string; state: string }) => t.dag_id === 'partner_sftp_sync' && t.state === 'success',
      ),
    ).toBe(true);
  });

  it('serves task logs: source details, progress lines, and a traceback for a failed try', async () => {
    const runs = await get('/api/v2/dags/ml_feature_refresh/dagRuns?state=failed&order_by=-run_after&limit=1');
    const runId = encodeURIComponent(runs.body.dag_runs[0].dag_run_id);
    const log = await get(
      `/api/v2/dags/ml_feature_refresh/dagRuns/${runId}/taskInstances/compute_features/logs/2?map_index=-1`,
    );
    expect(log.status).toBe(200);
    const content = log.body.content as { event: string; level?: string; error_detail?: { exc_type: string }[] }[];
    expect(content.slice(0, 3).map((line) => line.event)).toEqual([
      '::group::Log message source details',
      expect.stringMatching(
        /^\/opt\/airflow\/logs\/dag_id=ml_feature_refresh\/run_id=.*\/task_id=compute_features\/attempt=2\.log$/,
      ),
      '::endgroup::',
    ]);
    const failure = content.find((line) => line.level === 'error');
    expect(failure?.event).toBe('Task failed with exception');
    expect(failure?.error_detail?.[0]?.exc_type).toBe('psycopg2.errors.LockNotAvailable');
    expect(content.slice(-2).map((line) => line.event)).toEqual(['::group::Post Execute', '::endgroup::']);
    const rest = await get(
      `/api/v2/dags/ml_feature_refresh/dagRuns/${runId}/taskInstances/compute_features/logs/2?map_index=-1&token=${log.body.continuation_token}`,
    );
    expect(rest.body.content).toEqual([]);
    expect(
      (await get(`/api/v2/dags/ml_feature_refresh/dagRuns/${runId}/taskInstances/compute_features/logs/9`)).status,
    ).toBe(404);
  });

  it('stores Variables written by op users and refuses viewers', async () => {
    const created = await call(demo.url, 'POST', '/api/v2/variables', {
      token,
      body: { key: 'capstone_latest_metrics', value: '{"summary":{}}', description: 'airtop' },
    });
    expect(created.status).toBe(201);
    expect(
      (
        await call(demo.url, 'POST', '/api/v2/variables', {
          token,
          body: { key: 'capstone_latest_metrics', value: '{}' },
        })
      ).status,
    ).toBe(409);
    await call(demo.url, 'PATCH', '/api/v2/variables/capstone_latest_metrics', {
      token,
      body: { key: 'capstone_latest_metrics', value: { summary: { health_score: 90 } } },
    });
    expect((await get('/api/v2/variables/capstone_latest_metrics')).body).toEqual({
      key: 'capstone_latest_metrics',
      value: '{"summary":{"health_score":90}}',
      description: 'airtop',
      is_encrypted: true,
      team_name: null,
    });
    const viewer = await signIn(demo.url, 'viewer', 'viewer');
    expect((await get('/api/v2/variables/capstone_latest_metrics', viewer)).status).toBe(403);
    expect((await get('/api/v2/pools', viewer)).status).toBe(200);
  });

  it('applies injected faults the given number of times', async () => {
    demo.faults.add({ method: 'GET', path: '/api/v2/pools', status: 503, headers: { 'retry-after': '7' }, times: 1 });
    const failed = await get('/api/v2/pools');
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '7']);
    expect((await get('/api/v2/pools')).status).toBe(200);
  });
});

describe('the demo is deterministic and moves with its clock', () => {
  it('gives identical answers for the same seed and instant', async () => {
    const other = await startDemoServer({ clock: fixedClock });
    try {
      const otherToken = await signIn(other.url);
      for (const path of [
        '/api/v2/dags',
        '/api/v2/dags/~/dagRuns?order_by=-run_after&limit=100',
        '/api/v2/pools',
        '/api/v2/variables/capstone_cost_metrics',
      ]) {
        expect((await call(other.url, 'GET', path, { token: otherToken })).body).toEqual((await get(path)).body);
      }
    } finally {
      await other.close();
    }
  });

  it('starts new runs and finishes running ones as time passes, at the chosen speed', async () => {
    let now = FIXED_NOW.getTime();
    const live = await startDemoServer({
      clock: () => new Date(now),
      speed: 10,
      scenario: createScenario({ anchor: FIXED_NOW }),
    });
    const source = await createRestSource(restOptionsFor(live, { variables: [], clock: () => live.now() }));
    try {
      const before = await source.snapshot(live.now());
      const running = before.runs.filter((r) => r.state === 'running');
      expect(running.length).toBeGreaterThan(0);
      now += 6 * 60_000; // one real minute at speed 10: one simulated hour
      expect(live.now().toISOString()).toBe('2025-06-01T13:00:00.000Z');
      const after = await source.snapshot(live.now());
      const byKey = new Map(after.runs.map((r) => [r.runId + r.dagId, r]));
      const finished = await Promise.all(
        running.map(async (r) => (await source.dagRuns(r.dagId, 50)).find((x) => x.runId === r.runId)?.state),
      );
      expect(finished.every((state) => state === 'success' || state === 'failed')).toBe(true);
      expect(after.runs.some((r) => !before.runs.some((b) => b.runId === r.runId && b.dagId === r.dagId))).toBe(true);
      expect(byKey.size).toBe(after.runs.length);
    } finally {
      await source.close();
      await live.close();
    }
  });
});
