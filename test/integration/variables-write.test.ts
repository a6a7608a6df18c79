import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSource } from '../../source/airflow/connect.js';
import { AirflowError } from '../../source/airflow/errors.js';
import { writeVariable } from '../../source/airflow/rest/variable-write.js';
import type { AirflowSource } from '../../source/airflow/types.js';
import { configSchema } from '../../source/config/schema.js';
import { variableWriterFor } from '../../source/modes/variable-writer.js';
import { createAirflowVariablesSink } from '../../source/sinks/airflow-variables.js';
import { latestMetrics, qualityReport } from '../../source/sinks/reference-shapes.js';
import { sampleReport } from '../unit/sinks/report-fixture.js';

// Airflow's Variables API on loopback, written by the airflow_variables sink through the source's
// writeVariable capability, the way live mode wires it (connectSource → variableWriterFor).

let airflow: Server | null = null;
let sources: AirflowSource[] = [];
afterEach(async () => {
  for (const source of sources) await source.close();
  sources = [];
  await new Promise<void>((resolve) => (airflow ? airflow.close(() => resolve()) : resolve()));
  airflow = null;
});

/** Airflow 3's /api/v2: version (no auth), PATCH variables (404 when missing), POST creates; 403 for a viewer. */
function startFakeAirflow(options: { forbid?: boolean } = {}) {
  const variables = new Map<string, { value: string; description?: string }>();
  const calls: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/api/v2/version')
        return res.writeHead(200, { 'content-type': 'application/json' }).end('{"version":"3.0.6","git_version":null}');
      calls.push(`${req.method} ${req.url}`);
      if (options.forbid)
        return res.writeHead(403, { 'content-type': 'application/json' }).end('{"detail":"Forbidden"}');
      const parsed = JSON.parse(body) as { key: string; value: string; description?: string };
      const key = decodeURIComponent(req.url!.replace('/api/v2/variables/', ''));
      if (req.method === 'PATCH') {
        if (!variables.has(key))
          return res
            .writeHead(404, { 'content-type': 'application/json' })
            .end(`{"detail":"The Variable with key: \`${key}\` was not found"}`);
        variables.set(key, { ...variables.get(key), value: parsed.value });
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(parsed));
      }
      if (req.method === 'POST' && req.url === '/api/v2/variables') {
        variables.set(parsed.key, { value: parsed.value, description: parsed.description });
        return res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify(parsed));
      }
      res.writeHead(405).end();
    });
  });
  return new Promise<{ server: Server; url: string; variables: typeof variables; calls: string[] }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, variables, calls }),
    ),
  );
}

async function connect(config: Record<string, unknown>): Promise<AirflowSource> {
  const source = await connectSource(configSchema.parse(config));
  sources.push(source);
  return source;
}

const restConfig = (url: string) => ({ airflow: { url, retries: 0 } });
// The database is never reached here: the pool connects on the first query, and writes go through REST.
const sqlConfig = (url?: string) => ({
  source: 'sql',
  db: { url: 'postgres://airtop@127.0.0.1:1/airflow' },
  ...(url ? { airflow: { url, retries: 0 } } : {}),
});

describe('airflow variables sink', () => {
  it('creates the Variables on first write (PATCH 404 → POST) and updates them after, as JSON strings', async () => {
    const fake = await startFakeAirflow();
    airflow = fake.server;
    const sink = createAirflowVariablesSink(variableWriterFor(await connect(restConfig(fake.url)))!);
    const report = sampleReport();
    const payload = {
      values: {
        capstone_latest_metrics: latestMetrics(report),
        capstone_quality_report: qualityReport(report),
        sla_miss_history: [{ type: 'sla_miss' }],
      },
    };
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
    expect(JSON.parse(fake.variables.get('capstone_latest_metrics')!.value).summary).toEqual({
      health_score: 95,
      alerts: [],
    });
    expect(fake.variables.get('capstone_quality_report')!.description).toBe(
      'Latest quality report (written by airtop)',
    );
  });

  it('403 (a viewer token) is permanent and says the op role is needed', async () => {
    const fake = await startFakeAirflow({ forbid: true });
    airflow = fake.server;
    const result = await createAirflowVariablesSink(variableWriterFor(await connect(restConfig(fake.url)))!).deliver({
      values: { capstone_latest_metrics: {} },
    });
    expect(result).toEqual({
      ok: false,
      permanent: true,
      reason:
        'airflow_variables: 403 writing Variable capstone_latest_metrics: the Airflow user needs the op (or admin) role to write Variables',
    });
  });

  it('--source sql with --url writes the Variables through the REST source', async () => {
    const fake = await startFakeAirflow();
    airflow = fake.server;
    const writer = variableWriterFor(await connect(sqlConfig(fake.url)));
    expect(writer).not.toBeNull();
    expect(await createAirflowVariablesSink(writer!).deliver({ values: { sla_miss_history: [] } })).toEqual({
      ok: true,
    });
    expect(fake.calls).toEqual(['PATCH /api/v2/variables/sla_miss_history', 'POST /api/v2/variables']);
    expect(fake.variables.get('sla_miss_history')).toEqual({
      value: '[]',
      description: 'Last SLA miss notifications (appended to by airtop)',
    });
  });

  it('--source sql without --url has no way to write', async () => {
    const source = await connect(sqlConfig());
    expect(source.writeVariable).toBeUndefined();
    expect(variableWriterFor(source)).toBeNull();
  });

  it("over the REST client's Http: PATCH expecting 404, then POST; its AirflowErrors decide retry or dead letter", async () => {
    const calls: string[] = [];
    let fail: AirflowError | null = null;
    const http = {
      async request(req: { method: string; path: string; expect?: readonly number[] }) {
        calls.push(`${req.method} ${req.path} expect=${req.expect?.join(',') ?? ''}`);
        if (fail) throw fail;
        return { status: req.method === 'PATCH' ? 404 : 201 };
      },
    };
    const sink = createAirflowVariablesSink({
      setVariable: (key, value, description) => writeVariable(http, 'v1', key, value, description),
    });
    expect(await sink.deliver({ values: { sla_miss_history: [] } })).toEqual({ ok: true });
    expect(calls).toEqual(['PATCH /api/v1/variables/sla_miss_history expect=404', 'POST /api/v1/variables expect=']);
    fail = new AirflowError('server', '503 from http://airflow/api/v1/variables/x', 503);
    expect(await sink.deliver({ values: { x: 1 } })).toMatchObject({ ok: false, permanent: false });
    fail = new AirflowError('forbidden', '403 from http://airflow/api/v1/variables/x', 403);
    expect(await sink.deliver({ values: { x: 1 } })).toMatchObject({
      ok: false,
      permanent: true,
      reason: expect.stringMatching(/needs the op \(or admin\) role/),
    });
  });
});
