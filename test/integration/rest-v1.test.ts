import { describe, expect, it } from 'vitest';
import type { Recording } from '../../source/airflow/demo/recording.js';
import { startReplayServer } from '../../source/airflow/demo/replay.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { restOptionsFor } from '../helpers/http.js';

// Airflow 2 (/api/v1): detected when /api/v2/version is 404; HTTP Basic; windows on execution_date;
// `+00:00` datetimes; logs as one text blob. Served from hand-written recordings in Airflow 2.10's shapes.

const NOW = new Date('2025-06-01T12:00:00Z');

function v1Run(runId: string, executionDate: string, state: string, start: string | null, end: string | null) {
  return { dag_run_id: runId, dag_id: 'etl', execution_date: executionDate, logical_date: executionDate, start_date: start, end_date: end, state, run_type: 'scheduled', external_trigger: false, conf: {}, data_interval_start: executionDate, data_interval_end: executionDate, last_scheduling_decision: null, note: null };
}

function v1Ti(runId: string, taskId: string, state: string, tryNumber: number, start: string | null, end: string | null) {
  return { task_id: taskId, dag_id: 'etl', dag_run_id: runId, execution_date: '2025-06-01T11:30:00+00:00', start_date: start, end_date: end, duration: null, state, try_number: tryNumber, map_index: -1, max_tries: 1, hostname: 'w1', unixname: 'airflow', pool: 'default_pool', pool_slots: 1, queue: 'default', priority_weight: 1, operator: 'BashOperator', queued_when: null, pid: 1, executor_config: '{}', sla_miss: null, rendered_fields: {}, trigger: null, triggerer_job: null, note: null };
}

const runs = [
  v1Run('r1', '2025-06-01T11:10:00+00:00', 'success', '2025-06-01T11:10:05+00:00', '2025-06-01T11:12:05+00:00'),
  v1Run('r2', '2025-06-01T11:30:00+00:00', 'failed', '2025-06-01T11:30:05+00:00', '2025-06-01T11:31:00+00:00'),
  v1Run('r3', '2025-06-01T11:50:00+00:00', 'running', '2025-06-01T11:50:05+00:00', null),
];
const tis = [
  v1Ti('r1', 'extract', 'success', 1, '2025-06-01T11:10:06+00:00', '2025-06-01T11:11:06+00:00'),
  v1Ti('r2', 'extract', 'failed', 2, '2025-06-01T11:30:06+00:00', '2025-06-01T11:30:56+00:00'),
  v1Ti('r3', 'extract', 'running', 1, '2025-06-01T11:50:06+00:00', null),
];

const recordings: Recording[] = [
  // What a real Airflow 2.11 webserver answers: its HTML 404 page, not JSON.
  { method: 'GET', path: '/api/v2/version', query: '', status: 404, body: '<!DOCTYPE html>\n<html lang="en"><head><title>Airflow 404 = lots of circles</title></head><body>404</body></html>', contentType: 'text/html; charset=utf-8' },
  { method: 'GET', path: '/api/v1/version', query: '', status: 200, body: { version: '2.10.5', git_version: null } },
  { method: 'GET', path: '/api/v1/health', query: '', status: 200, body: { metadatabase: { status: 'healthy' }, scheduler: { status: 'healthy', latest_scheduler_heartbeat: '2025-06-01T11:59:58.123456+00:00' }, triggerer: { status: null, latest_triggerer_heartbeat: null }, dag_processor: { status: null, latest_dag_processor_heartbeat: null } } },
  { method: 'GET', path: '/api/v1/dags', query: 'limit=100&offset=0', status: 200, body: { dags: [{ dag_id: 'etl', is_paused: false, is_active: true, tags: [{ name: 'etl' }], owners: ['airflow'], fileloc: '/dags/etl.py' }], total_entries: 1 } },
  { method: 'POST', path: '/api/v1/dags/~/dagRuns/list', query: '', status: 200, body: { dag_runs: runs, total_entries: runs.length } },
  { method: 'POST', path: '/api/v1/dags/~/dagRuns/~/taskInstances/list', query: '', status: 200, body: { task_instances: tis, total_entries: tis.length } },
  { method: 'GET', path: '/api/v1/pools', query: 'limit=100&offset=0', status: 200, body: { pools: [{ name: 'default_pool', slots: 128, occupied_slots: 1, running_slots: 1, queued_slots: 0, scheduled_slots: 0, deferred_slots: 0, open_slots: 127, description: 'Default pool', include_deferred: false }], total_entries: 1 } },
  { method: 'GET', path: '/api/v1/dags/etl/dagRuns', query: '', status: 200, body: { dag_runs: [runs[0]], total_entries: 1 } },
  { method: 'GET', path: '/api/v1/dags/etl/dagRuns/~/taskInstances', query: '', status: 200, body: { task_instances: [tis[0]], total_entries: 1 } },
  { method: 'GET', path: '/api/v1/variables/capstone_cost_metrics', query: '', status: 200, body: { key: 'capstone_cost_metrics', value: '{"2025-06-01": {}}', description: null } },
  { method: 'GET', path: '/api/v1/dags/etl/dagRuns/r2/taskInstances/extract/logs/2', query: '', status: 200, body: { content: '[2025-06-01, 11:30:06 UTC] {taskinstance.py:1} INFO - starting\n[2025-06-01, 11:30:56 UTC] {taskinstance.py:2} ERROR - exit 1\n', continuation_token: 'eyJlbmQiOnRydWV9' } },
];

describe('Airflow 2 over /api/v1', () => {
  it('detects v1, signs with HTTP Basic, and windows on execution_date', async () => {
    const replay = await startReplayServer(recordings);
    const source = await createRestSource(
      restOptionsFor(
        { url: replay.url, credentials: { username: 'admin', password: 'pw-for-basic' } },
        { dags: { ids: ['etl'], patterns: [] }, variables: ['capstone_cost_metrics'], clock: () => NOW, window: { recentSeconds: 3600, baselineSeconds: 86400, baselineSamples: 5 } },
      ),
    );
    try {
      const snapshot = await source.snapshot(NOW);
      expect(source.api).toBe('v1');
      expect(snapshot.airflow).toEqual({ url: replay.url, version: '2.10.5', api: 'v1' });
      expect(snapshot.window.dags.etl).toEqual({ dagId: 'etl', runs: 3, success: 1, failed: 1, running: 1, queued: 0, avgSuccessDurationSeconds: 120, p95SuccessDurationSeconds: 120 });
      expect(snapshot.window.tasks['etl.extract']).toMatchObject({ total: 3, success: 1, failed: 1, retries: 1, avgDurationSeconds: 60 });
      expect(snapshot.runs[0]?.runAfter).toBe('2025-06-01T11:50:00.000Z');
      expect(snapshot.health?.scheduler.latestHeartbeat).toBe('2025-06-01T11:59:58.123Z');
      expect(snapshot.variables.capstone_cost_metrics).toEqual({ status: 'ok', raw: '{"2025-06-01": {}}' });
      expect(snapshot.baseline.dags.etl).toEqual([120]);

      const api = replay.requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.endsWith('/version') && !r.path.endsWith('/health'));
      const basic = `Basic ${Buffer.from('admin:pw-for-basic').toString('base64')}`;
      expect(api.every((r) => r.authorization === basic)).toBe(true);
      expect(replay.requests.some((r) => r.path === '/auth/token')).toBe(false);
      const windowBody = replay.requests.find((r) => r.path === '/api/v1/dags/~/dagRuns/list' && (r.body as Record<string, unknown>).execution_date_gte !== undefined);
      expect(windowBody?.body).toEqual({ dag_ids: ['etl'], page_offset: 0, page_limit: 100, execution_date_gte: '2025-06-01T11:00:00.000Z' });

      const log = await source.taskLog({ dagId: 'etl', runId: 'r2', taskId: 'extract', mapIndex: -1 }, 2);
      expect(log).toEqual({
        lines: ['[2025-06-01, 11:30:06 UTC] {taskinstance.py:1} INFO - starting', '[2025-06-01, 11:30:56 UTC] {taskinstance.py:2} ERROR - exit 1'],
        continuationToken: 'eyJlbmQiOnRydWV9',
      });
    } finally {
      await source.close();
      await replay.close();
    }
  });
});
