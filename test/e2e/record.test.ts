// Records real responses of this Airflow 3 for the replay and contract tests (fixtures/airflow/recorded/README.md):
// one JSON file per request, { method, path, query (sorted), status, body, request? }: a fixed list of requests,
// plus every request `airtop --once` makes, captured through the recording proxy. Every suite run records into
// a scratch dir and checks the recordings; with RECORD=1 they replace fixtures/airflow/recorded/*.json.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { normalisePath, normaliseQuery, recordingFileName } from '../helpers/recording.js';
import { startRecordingProxy } from '../helpers/replay.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { harness, REPO, scratchDir } from './support/context.js';
import { doc } from './support/documents.js';

const FIXTURES = join(REPO, 'fixtures', 'airflow', 'recorded');
const DAG = 'capstone_processing_pipeline';

interface Recording {
  method: string;
  path: string;
  query: string;
  /** POST bodies, so a replay can tell batch requests apart; absent for GET. */
  request?: unknown;
  status: number;
  body: unknown;
}

/** Query params sorted by key, then value (the replay side's normaliseQuery). */
function sortedQuery(query: Record<string, string | number | (string | number)[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
  return normaliseQuery(params);
}

/** One recording per request: the same method, path, query and POST body is recorded once. */
const identity = (r: Recording) =>
  `${r.method} ${normalisePath(r.path)}?${r.query} ${JSON.stringify(r.request ?? null)}`;

// Airflow 3 only; record-v1.test.ts records Airflow 2.11's /api/v1.
describe.skipIf(inject('airflow').major === 2)('recorded fixtures from the real Airflow', () => {
  const admin = AirflowApi.as('admin');
  const viewer = AirflowApi.as('viewer');
  const recordings: Recording[] = [];
  const airtopAsked: Recording[] = [];
  let dir: string;
  let flaky: RunRef;
  let failing: RunRef;

  /** The harness's home, port and the checkout's path are this machine's: replace them so fixtures are the same on every machine. */
  function portable(value: unknown): unknown {
    const h = harness();
    const text = JSON.stringify(value)
      .split(h.home)
      .join('/tmp/airtop-e2e-home')
      .split(REPO)
      .join('/airtop')
      .split(h.url)
      .join('http://127.0.0.1:8080')
      // Tracebacks name the cached venv, which lives under the user's home.
      .replace(/(?:\/[^"/\\]+)*\/airflow-venv-[0-9a-f]+/g, '/opt/airflow-venv');
    return JSON.parse(text);
  }

  async function record(
    api: AirflowApi | null,
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string | number | (string | number)[]> = {},
    request?: unknown,
  ): Promise<Recording> {
    const q = sortedQuery(query);
    const url = `${path}${q ? `?${q}` : ''}`;
    let status: number;
    let body: unknown;
    if (api) ({ status, body } = await api.request(method, url, request));
    else {
      const response = await fetch(`${harness().url}${url}`, {
        method,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        ...(request === undefined ? {} : { body: JSON.stringify(request) }),
      });
      status = response.status;
      const text = await response.text();
      body = text === '' ? null : JSON.parse(text);
    }
    // A token that worked, and the password that got it, are never written.
    if (body && typeof body === 'object' && 'access_token' in body) body = { ...body, access_token: '<redacted>' };
    let shown = request;
    if (status === 201 && path === '/auth/token') shown = { ...(request as object), password: '<redacted>' };
    const recording: Recording = {
      method,
      path: portable(path) as string,
      query: q,
      ...(shown === undefined ? {} : { request: shown }),
      status,
      body: portable(body),
    };
    recordings.push(recording);
    return recording;
  }

  beforeAll(async () => {
    await admin.waitQuiet();
    // Runs worth recording: a retried task (two tries), a failed task (its log), Variables written by the pipeline.
    let vectors: RunRef;
    [flaky, failing, vectors] = await Promise.all([
      admin.trigger(DAG, { docs: [doc('recorded-1')], flaky: ['extract_text'] }),
      admin.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
      admin.trigger('capstone_vector_store_pipeline', { docs: [doc('recorded-1')] }),
    ]);
    await admin.waitForRuns([flaky, failing, vectors]);

    const page = { limit: 100, offset: 0 };
    const run = (ref: RunRef) => `/api/v2/dags/${ref.dagId}/dagRuns/${encodeURIComponent(ref.runId)}`;
    await record(null, 'GET', '/api/v2/version');
    await record(null, 'GET', '/api/v2/monitor/health');
    await record(null, 'POST', '/auth/token', {}, { username: 'admin', password: 'wrong-password' });
    await record(null, 'POST', '/auth/token', {}, { username: 'viewer', password: harness().users.viewer.password });
    await record(admin, 'GET', '/api/v2/dags', { ...page, dag_id_pattern: 'capstone_' });
    await record(admin, 'GET', '/api/v2/dags', page);
    await record(admin, 'GET', '/api/v2/dags/~/dagRuns', { ...page, order_by: '-run_after' });
    for (const dagId of ['capstone_ingestion_pipeline', DAG, 'capstone_vector_store_pipeline']) {
      await record(admin, 'GET', `/api/v2/dags/${dagId}/dagRuns`, { ...page, order_by: '-run_after' });
    }
    await record(
      admin,
      'POST',
      '/api/v2/dags/~/dagRuns/list',
      {},
      { dag_ids: [DAG, 'capstone_ingestion_pipeline'], page_offset: 0, page_limit: 100, order_by: '-run_after' },
    );
    await record(admin, 'GET', '/api/v2/dags/~/dagRuns/~/taskInstances', { ...page, order_by: '-start_date' });
    await record(
      admin,
      'POST',
      '/api/v2/dags/~/dagRuns/~/taskInstances/list',
      {},
      { dag_ids: [DAG], page_offset: 0, page_limit: 100 },
    );
    await record(admin, 'GET', `${run(flaky)}/taskInstances`, page);
    await record(admin, 'GET', `${run(failing)}/taskInstances`, page);
    await record(admin, 'GET', `${run(flaky)}/taskInstances/extract_text/tries`, { map_index: -1 });
    await record(admin, 'GET', `${run(failing)}/taskInstances/download_documents/logs/1`, { map_index: -1 });
    await record(admin, 'GET', '/api/v2/pools', page);
    await record(admin, 'GET', '/api/v2/variables/capstone_cost_metrics');
    await record(admin, 'GET', '/api/v2/variables/extraction_log');
    await record(admin, 'GET', '/api/v2/variables/airtop_no_such_variable');
    // A key airtop does not read, so this viewer's 403 does not stand in for the admin's answer airtop gets.
    await record(viewer, 'GET', '/api/v2/variables/dashboard_api_endpoint');
    await record(admin, 'GET', '/api/v2/importErrors', page);
    await record(admin, 'GET', '/api/v2/dagStats', {
      dag_ids: ['capstone_ingestion_pipeline', DAG, 'capstone_vector_store_pipeline'],
    });

    // Exactly what airtop asks for in one poll, through the recording proxy.
    const h = harness();
    const proxy = await startRecordingProxy(h.url);
    try {
      const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
      const once = await onceJson<{ airflow: { url: string } }>(['--url', proxy.url, '--config', writeConfig({})], env);
      expect(once.code, once.stderr).not.toBe(3);
    } finally {
      await proxy.close();
    }
    const seen = new Set(recordings.map(identity));
    for (const { fileName: _name, ...r } of proxy.recordings) {
      const recording: Recording = { ...r, path: portable(r.path) as string, body: portable(r.body) };
      if (seen.has(identity(recording))) continue;
      seen.add(identity(recording));
      recordings.push(recording);
      airtopAsked.push(recording);
    }

    dir = process.env.RECORD === '1' ? FIXTURES : scratchDir('recorded');
    mkdirSync(dir, { recursive: true });
    if (process.env.RECORD === '1') {
      for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(join(dir, name));
    }
    for (const r of recordings) writeFileSync(join(dir, recordingFileName(r)), `${JSON.stringify(r, null, 2)}\n`);
  }, 600_000);

  it('got the status each request should get', () => {
    const status = (method: string, path: string, query = '') =>
      recordings.find((r) => r.method === method && r.path === path && r.query === query)?.status;
    expect(status('GET', '/api/v2/version')).toBe(200);
    expect(status('GET', '/api/v2/monitor/health')).toBe(200);
    expect(recordings.filter((r) => r.path === '/auth/token').map((r) => r.status)).toEqual(
      expect.arrayContaining([401, 201]),
    );
    expect(status('GET', '/api/v2/variables/capstone_cost_metrics')).toBe(200);
    expect(status('GET', '/api/v2/variables/airtop_no_such_variable')).toBe(404);
    expect(status('GET', '/api/v2/variables/dashboard_api_endpoint')).toBe(403);
    const others = recordings.filter((r) => !r.path.startsWith('/auth/') && !r.path.startsWith('/api/v2/variables/'));
    for (const r of others)
      expect(r.status, `${r.method} ${r.path}?${r.query}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  });

  it("holds real content: two tries of the retried task, the failed task's own log line, the pipeline's Variable", () => {
    const tries = recordings.find((r) => r.path.endsWith('/taskInstances/extract_text/tries'))!.body as {
      task_instances: { try_number: number; state: string }[];
    };
    expect(tries.task_instances.map((t) => [t.try_number, t.state])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    const log = recordings.find((r) => r.path.includes('/logs/'))!;
    expect(JSON.stringify(log.body)).toContain('capstone: download_documents fails as conf.fail asks');
    const cost = recordings.find((r) => r.path === '/api/v2/variables/capstone_cost_metrics')!.body as {
      value: string;
    };
    expect(
      Object.values(JSON.parse(cost.value) as Record<string, { llm_input_tokens: number }>)[0]!.llm_input_tokens,
    ).toBeGreaterThan(0);
  });

  it('holds every request airtop --once made: batch runs and task instances, baselines, pools, the reference Variables', () => {
    const asked = (method: string, pattern: RegExp) =>
      airtopAsked.filter((r) => r.method === method && pattern.test(normalisePath(r.path)));
    expect(asked('POST', /^\/api\/v2\/dags\/~\/dagRuns\/list$/).length).toBeGreaterThan(0);
    expect(asked('POST', /^\/api\/v2\/dags\/~\/dagRuns\/~\/taskInstances\/list$/).length).toBeGreaterThan(0);
    expect(asked('GET', /^\/api\/v2\/dags\/capstone_[a-z_]+\/dagRuns$/).length).toBeGreaterThan(0);
    const variables = recordings
      .filter((r) => r.method === 'GET' && r.path.startsWith('/api/v2/variables/') && r.status === 200)
      .map((r) => r.path.split('/').pop());
    for (const key of [
      'capstone_processing_metrics',
      'capstone_cost_metrics',
      'capstone_quality_metrics',
      'embedding_generation_log',
      'extraction_log',
      'llm_response_log',
    ]) {
      expect(variables, key).toContain(key);
    }
    // A Variable the pipeline has not written yet is a 404 airtop expects; anything else must have worked.
    for (const r of airtopAsked) {
      const missingVariable = r.status === 404 && r.path.startsWith('/api/v2/variables/');
      expect(missingVariable || r.status < 400, `${r.method} ${r.path}?${r.query}: ${r.status}`).toBe(true);
    }
  });

  it('writes one file per request, named from it, with nothing secret or machine-specific in it', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(new Set(recordings.map(recordingFileName)).size).toBe(recordings.length);
    for (const r of recordings) expect(files).toContain(recordingFileName(r));
    const h = harness();
    const forbidden = [
      h.users.admin.password,
      h.users.op.password,
      h.users.viewer.password,
      'jwt-secret',
      'fernet',
      h.home,
      h.url,
      REPO,
    ];
    for (const r of recordings) {
      const text = readFileSync(join(dir, recordingFileName(r)), 'utf8');
      const parsed = JSON.parse(text) as Recording;
      expect(
        Object.keys(parsed)
          .filter((k) => k !== 'request')
          .sort(),
      ).toEqual(['body', 'method', 'path', 'query', 'status']);
      for (const secret of forbidden)
        expect(text.includes(secret), `${recordingFileName(r)} contains ${secret}`).toBe(false);
      expect(text).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./); // no JWT (header.payload.signature)
      expect(text.length, `${recordingFileName(r)} size`).toBeLessThan(200_000);
    }
  });
});
