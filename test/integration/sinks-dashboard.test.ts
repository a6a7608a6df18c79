import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { DagRun } from '../../source/airflow/types.js';
import { AirflowError } from '../../source/airflow/errors.js';
import { createAirflowVariablesSink, createVariableWriter, restVariableWriter, type AirflowHttp } from '../../source/sinks/airflow-variables.js';
import { createDashboardSink } from '../../source/sinks/dashboard.js';
import { dashboardStatus, latestMetrics, qualityReport } from '../../source/sinks/reference-shapes.js';
import { startDashboardReceiver, type Receiver } from '../helpers/receivers.js';
import { sampleReport, T0 } from '../unit/sinks/report-fixture.js';

// The reference's dashboard API (Bearer key, status payload) and Airflow's Variables API, on loopback.

let dashboard: Receiver<Record<string, unknown>> | null = null;
let airflow: Server | null = null;
afterEach(async () => {
  await dashboard?.close();
  dashboard = null;
  await new Promise<void>((resolve) => (airflow ? airflow.close(() => resolve()) : resolve()));
  airflow = null;
});

const run: DagRun = {
  dagId: 'capstone_ingestion_pipeline',
  runId: 'scheduled__2024-06-01T11:55:00+00:00',
  state: 'success',
  runType: 'scheduled',
  queuedAt: null,
  startDate: '2024-06-01T11:55:01.000Z',
  endDate: '2024-06-01T11:57:00.000Z',
  runAfter: '2024-06-01T11:55:00.000Z',
  logicalDate: '2024-06-01T11:55:00.000Z',
};

describe('dashboard sink', () => {
  it('POSTs the reference status payload with the Bearer key', async () => {
    dashboard = await startDashboardReceiver('s3cret-key');
    const sink = createDashboardSink({ url: dashboard.url, apiKey: 's3cret-key' });
    expect(await sink.deliver(dashboardStatus(sampleReport(), [run], 'capstone-document-processor', T0))).toEqual({ ok: true });
    expect(dashboard.accepted[0]).toMatchObject({
      pipeline_id: 'capstone-document-processor',
      // The reference's verdict on its own summary; airtop's, which counts the threshold violation, beside it.
      status: { overall: 'healthy', health_score: 92.5 },
      metrics: { quality: { embedding_quality: { avg_similarity: 0.86, min_similarity: 0.61, samples: 10 } } },
      recent_runs: [{ dag_id: 'capstone_ingestion_pipeline', run_id: run.runId, state: 'success', execution_date: run.logicalDate }],
      airtop_summary: { overall: 'critical', health_score: 92.5, alerts: [] },
    });
    expect(dashboard.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('a wrong key is permanent and says which setting to check, without the key', async () => {
    dashboard = await startDashboardReceiver('right-key');
    const result = await createDashboardSink({ url: dashboard.url, apiKey: 'wrong-key' }).deliver(dashboardStatus(sampleReport(), [], 'p', T0));
    expect(result).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(/HTTP 401 .*check sinks\.dashboard\.api_key_env/) });
    expect(JSON.stringify(result)).not.toContain('wrong-key');
  });
});

/** Airflow's /api/v2/variables: GET reads, PATCH updates (404 when missing), POST creates; 403 for a viewer. */
function startFakeAirflow(options: { forbid?: boolean } = {}) {
  const variables = new Map<string, { value: string; description?: string }>();
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      calls.push(`${req.method} ${req.url}`);
      if (options.forbid) return res.writeHead(403).end('{"detail":"Forbidden"}');
      const parsed = (body ? JSON.parse(body) : {}) as { key: string; value: string; description?: string };
      const key = decodeURIComponent(req.url!.replace('/api/v2/variables/', ''));
      if (req.method === 'GET') {
        const stored = variables.get(key);
        if (!stored) return res.writeHead(404).end(`{"detail":"The Variable with key: \`${key}\` was not found"}`);
        return res.writeHead(200).end(JSON.stringify({ key, value: stored.value, description: stored.description ?? null }));
      }
      if (req.method === 'PATCH') {
        if (!variables.has(key)) return res.writeHead(404).end(`{"detail":"The Variable with key: \`${key}\` was not found"}`);
        variables.set(key, { ...variables.get(key), value: parsed.value });
        return res.writeHead(200).end(JSON.stringify(parsed));
      }
      if (req.method === 'POST' && req.url === '/api/v2/variables') {
        variables.set(parsed.key, { value: parsed.value, description: parsed.description });
        return res.writeHead(201).end(JSON.stringify(parsed));
      }
      res.writeHead(405).end();
    });
  });
  return new Promise<{ server: Server; http: AirflowHttp; variables: typeof variables; calls: string[] }>((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const http: AirflowHttp = async ({ method, path, body }) => {
        const res = await fetch(`${base}${path}`, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
        return { status: res.status, text: await res.text() };
      };
      resolve({ server, http, variables, calls });
    }),
  );
}

describe('airflow variables sink', () => {
  it('creates the Variables on first write (PATCH 404 → POST) and updates them after, as JSON strings', async () => {
    const fake = await startFakeAirflow();
    airflow = fake.server;
    const sink = createAirflowVariablesSink(createVariableWriter(fake.http));
    const report = sampleReport();
    const payload = { values: { capstone_latest_metrics: latestMetrics(report), capstone_quality_report: qualityReport(report), sla_miss_history: [{ type: 'sla_miss' }] } };
    expect(await sink.deliver(payload)).toEqual({ ok: true });
    expect(await sink.deliver(payload)).toEqual({ ok: true });
    expect(fake.calls).toEqual([
      'PATCH /api/v2/variables/capstone_latest_metrics',
      'POST /api/v2/variables',
      'PATCH /api/v2/variables/capstone_quality_report',
      'POST /api/v2/variables',
      'PATCH /api/v2/variables/sla_miss_history',
      'POST /api/v2/variables',
      'PATCH /api/v2/variables/capstone_latest_metrics',
      'PATCH /api/v2/variables/capstone_quality_report',
      'PATCH /api/v2/variables/sla_miss_history',
    ]);
    expect(JSON.parse(fake.variables.get('capstone_latest_metrics')!.value).summary).toEqual({ health_score: 92.5, alerts: [] });
    expect(fake.variables.get('capstone_quality_report')!.description).toBe('Latest quality report (written by airtop)');
  });

  it('appends to sla_miss_history: GET, then write only when there is something new', async () => {
    const fake = await startFakeAirflow();
    airflow = fake.server;
    const sink = createAirflowVariablesSink(createVariableWriter(fake.http), { appendLists: { sla_miss_history: 100 } });
    const entry = (ts: string) => ({ type: 'sla_miss', dag_id: 'd', task_id: 't', execution_date: 'e', escalation_level: 1, timestamp: ts });
    expect(await sink.deliver({ values: { sla_miss_history: [entry('a')] } })).toEqual({ ok: true });
    fake.variables.set('sla_miss_history', { value: JSON.stringify([entry('a'), { type: 'sla_miss', note: 'from the reference' }]) });
    expect(await sink.deliver({ values: { sla_miss_history: [entry('a')] } })).toEqual({ ok: true });
    expect(await sink.deliver({ values: { sla_miss_history: [entry('a'), entry('b')] } })).toEqual({ ok: true });
    expect(fake.calls).toEqual([
      'GET /api/v2/variables/sla_miss_history',
      'PATCH /api/v2/variables/sla_miss_history',
      'POST /api/v2/variables',
      'GET /api/v2/variables/sla_miss_history',
      'GET /api/v2/variables/sla_miss_history',
      'PATCH /api/v2/variables/sla_miss_history',
    ]);
    expect(JSON.parse(fake.variables.get('sla_miss_history')!.value)).toEqual([entry('a'), { type: 'sla_miss', note: 'from the reference' }, entry('b')]);
  });

  it('403 (a viewer token) is permanent and says the op role is needed', async () => {
    const fake = await startFakeAirflow({ forbid: true });
    airflow = fake.server;
    const result = await createAirflowVariablesSink(createVariableWriter(fake.http)).deliver({ values: { capstone_latest_metrics: {} } });
    expect(result).toEqual({ ok: false, permanent: true, reason: 'airflow_variables: 403 writing Variable capstone_latest_metrics: the Airflow user needs the op (or admin) role to write Variables' });
  });

  it('over the REST client\'s Http: PATCH expecting 404, then POST; its AirflowErrors decide retry or dead letter', async () => {
    const calls: string[] = [];
    let fail: AirflowError | null = null;
    const http = {
      async request(req: { method: 'PATCH' | 'POST'; path: string; body: unknown; expect?: readonly number[] }) {
        calls.push(`${req.method} ${req.path} expect=${req.expect?.join(',') ?? ''}`);
        if (fail) throw fail;
        return { status: req.method === 'PATCH' ? 404 : 201, body: {} };
      },
    };
    const sink = createAirflowVariablesSink(restVariableWriter(http, 'v1'));
    expect(await sink.deliver({ values: { sla_miss_history: [] } })).toEqual({ ok: true });
    expect(calls).toEqual(['PATCH /api/v1/variables/sla_miss_history expect=404', 'POST /api/v1/variables expect=']);
    fail = new AirflowError('server', '503 from http://airflow/api/v1/variables/x', 503);
    expect(await sink.deliver({ values: { x: 1 } })).toMatchObject({ ok: false, permanent: false });
    fail = new AirflowError('forbidden', '403 from http://airflow/api/v1/variables/x', 403);
    expect(await sink.deliver({ values: { x: 1 } })).toMatchObject({ ok: false, permanent: true });
  });
});
