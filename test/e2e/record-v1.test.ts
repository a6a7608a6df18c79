// Records real responses of Airflow 2.11's /api/v1 (HTTP Basic) for the replay and contract tests, in
// fixtures/airflow/recorded/airflow2/ (same format as the Airflow 3 ones; see its README): a fixed list of
// requests, plus every request `airtop --once` makes through the recording proxy. Every run records into a
// scratch dir and checks the recordings; with RECORD=1 they replace fixtures/airflow/recorded/airflow2/*.json.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { normalisePath, normaliseQuery, recordingFileName, type Recording } from '../helpers/recording.js';
import { startRecordingProxy } from '../helpers/replay.js';
import { AirflowApi, type RunRef } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { harness, REPO, scratchDir } from './support/context.js';
import { doc } from './support/documents.js';

const FIXTURES = join(REPO, 'fixtures', 'airflow', 'recorded', 'airflow2');
const DAG = 'capstone_processing_pipeline';
const DAGS = ['capstone_ingestion_pipeline', DAG, 'capstone_vector_store_pipeline'];

type Saved = Omit<Recording, 'file'>;
const identity = (r: Saved) => `${r.method} ${normalisePath(r.path)}?${r.query} ${JSON.stringify(r.request ?? null)}`;

describe.runIf(inject('airflow').major === 2)('recorded fixtures from the real Airflow 2.11 (/api/v1)', () => {
  const admin = AirflowApi.as('admin');
  const viewer = AirflowApi.as('viewer');
  const wrong = new AirflowApi(inject('airflow').url, { username: 'admin', password: 'wrong-password' }, 2);
  const recordings: Saved[] = [];
  const airtopAsked: Saved[] = [];
  let dir: string;
  let flaky: RunRef;
  let failing: RunRef;

  /** This machine's home, port, checkout and venv paths replaced, so fixtures are the same everywhere. */
  function portable(value: unknown): unknown {
    const h = harness();
    const text = JSON.stringify(value)
      .split(h.home)
      .join('/tmp/airtop-e2e-home')
      .split(REPO)
      .join('/airtop')
      .split(h.url)
      .join('http://127.0.0.1:8080')
      .split(h.url.replace('http://', ''))
      .join('127.0.0.1:8080')
      .replace(/(?:\/[^"/\\]+)*\/airflow2?-venv-[0-9a-f]+/g, '/opt/airflow-venv');
    return JSON.parse(text);
  }

  async function record(
    api: AirflowApi | null,
    method: 'GET' | 'POST',
    path: string,
    query: Record<string, string | number | (string | number)[]> = {},
    request?: unknown,
  ) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query))
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v));
    const q = normaliseQuery(params);
    const url = `${path}${q ? `?${q}` : ''}`;
    let status: number;
    let body: unknown;
    let contentType: string | undefined;
    if (api) ({ status, body } = await api.request(method, url, request));
    else {
      const response = await fetch(`${harness().url}${url}`, { method, headers: { accept: 'application/json' } });
      status = response.status;
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('json')) body = text === '' ? null : JSON.parse(text);
      else {
        body = text;
        contentType = type;
      }
    }
    const saved: Saved = {
      method,
      path: portable(path) as string,
      query: q,
      ...(request === undefined ? {} : { request }),
      status,
      body: portable(body),
      ...(contentType ? { contentType } : {}),
    };
    recordings.push(saved);
    return saved;
  }

  beforeAll(async () => {
    await admin.waitQuiet();
    let vectors: RunRef;
    [flaky, failing, vectors] = await Promise.all([
      admin.trigger(DAG, { docs: [doc('recorded-1')], flaky: ['extract_text'] }),
      admin.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
      admin.trigger('capstone_vector_store_pipeline', { docs: [doc('recorded-1')] }),
    ]);
    await admin.waitForRuns([flaky, failing, vectors]);

    const page = { limit: 100, offset: 0 };
    const run = (ref: RunRef) => `/api/v1/dags/${ref.dagId}/dagRuns/${encodeURIComponent(ref.runId)}`;
    await record(null, 'GET', '/api/v2/version');
    await record(null, 'GET', '/api/v1/version');
    await record(null, 'GET', '/api/v1/health');
    await record(wrong, 'GET', '/api/v1/dags', { limit: 1, offset: 0 });
    await record(admin, 'GET', '/api/v1/dags', { ...page, dag_id_pattern: 'capstone_' });
    await record(admin, 'GET', '/api/v1/dags', page);
    for (const dagId of DAGS)
      await record(admin, 'GET', `/api/v1/dags/${dagId}/dagRuns`, { ...page, order_by: '-execution_date' });
    await record(
      admin,
      'POST',
      '/api/v1/dags/~/dagRuns/list',
      {},
      { dag_ids: [DAG, 'capstone_ingestion_pipeline'], page_offset: 0, page_limit: 100, order_by: '-execution_date' },
    );
    await record(
      admin,
      'POST',
      '/api/v1/dags/~/dagRuns/~/taskInstances/list',
      {},
      { dag_ids: [DAG], page_offset: 0, page_limit: 100 },
    );
    await record(admin, 'GET', `${run(flaky)}/taskInstances`, page);
    await record(admin, 'GET', `${run(failing)}/taskInstances`, page);
    await record(admin, 'GET', `${run(flaky)}/taskInstances/extract_text/tries`, page);
    await record(admin, 'GET', `${run(failing)}/taskInstances/download_documents/logs/1`, { full_content: 'false' });
    await record(admin, 'GET', '/api/v1/pools', page);
    await record(admin, 'GET', '/api/v1/variables/capstone_cost_metrics');
    await record(admin, 'GET', '/api/v1/variables/airtop_no_such_variable');
    await record(viewer, 'GET', '/api/v1/variables/dashboard_api_endpoint');
    await record(admin, 'GET', '/api/v1/importErrors', page);

    const h = harness();
    const proxy = await startRecordingProxy(h.url);
    try {
      const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
      const once = await onceJson<{ airflow: { api: string } }>(['--url', proxy.url, '--config', writeConfig({})], env);
      expect(once.code, once.stderr).not.toBe(3);
      expect(once.report?.airflow.api).toBe('v1');
    } finally {
      await proxy.close();
    }
    const seen = new Set(recordings.map(identity));
    for (const { fileName: _name, ...r } of proxy.recordings) {
      const saved: Saved = { ...r, path: portable(r.path) as string, body: portable(r.body) };
      if (seen.has(identity(saved))) continue;
      seen.add(identity(saved));
      recordings.push(saved);
      airtopAsked.push(saved);
    }

    dir = process.env.RECORD === '1' ? FIXTURES : scratchDir('recorded-v1');
    mkdirSync(dir, { recursive: true });
    if (process.env.RECORD === '1')
      for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(join(dir, name));
    for (const r of recordings) {
      const { contentType, ...rest } = r;
      writeFileSync(
        join(dir, recordingFileName(r)),
        `${JSON.stringify({ ...rest, ...(contentType ? { content_type: contentType } : {}) }, null, 2)}\n`,
      );
    }
  }, 600_000);

  it('got the status each request should get: an HTML 404 for /api/v2, 403 (not 401) for a wrong password, 403 for a viewer on Variables', () => {
    const find = (method: string, path: string) => recordings.find((r) => r.method === method && r.path === path);
    const v2 = find('GET', '/api/v2/version')!;
    expect(v2.status).toBe(404);
    expect(v2.contentType).toMatch(/text\/html/);
    expect(find('GET', '/api/v1/version')?.status).toBe(200);
    expect((find('GET', '/api/v1/version')?.body as { version: string }).version).toMatch(/^2\.11\./);
    expect(recordings.find((r) => r.path === '/api/v1/dags' && r.query === 'limit=1&offset=0')?.status).toBe(403);
    expect(find('GET', '/api/v1/variables/airtop_no_such_variable')?.status).toBe(404);
    expect(find('GET', '/api/v1/variables/dashboard_api_endpoint')?.status).toBe(403);
    const others = recordings.filter(
      (r) =>
        r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/variables/') && r.query !== 'limit=1&offset=0',
    );
    for (const r of others)
      expect(r.status, `${r.method} ${r.path}?${r.query}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  });

  it("holds real content: two tries of the retried task, the failed task's log, the pipeline's Variable", () => {
    const tries = recordings.find((r) => r.path.endsWith('/taskInstances/extract_text/tries'))!.body as {
      task_instances: { try_number: number; state: string }[];
    };
    expect(tries.task_instances.map((t) => [t.try_number, t.state]).sort()).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    const log = recordings.find((r) => r.path.includes('/logs/'))!;
    expect(JSON.stringify(log.body)).toContain('capstone: download_documents fails as conf.fail asks');
    const cost = recordings.find((r) => r.path === '/api/v1/variables/capstone_cost_metrics')!.body as {
      value: string;
    };
    expect(
      Object.values(JSON.parse(cost.value) as Record<string, { llm_input_tokens: number }>)[0]!.llm_input_tokens,
    ).toBeGreaterThan(0);
  });

  it('holds every request airtop --once made, all answered', () => {
    expect(
      airtopAsked.some((r) => r.method === 'POST' && normalisePath(r.path) === '/api/v1/dags/~/dagRuns/list'),
    ).toBe(true);
    expect(
      airtopAsked.some(
        (r) => r.method === 'POST' && normalisePath(r.path) === '/api/v1/dags/~/dagRuns/~/taskInstances/list',
      ),
    ).toBe(true);
    for (const r of airtopAsked) {
      const expectedMiss =
        r.status === 404 && (r.path.startsWith('/api/v1/variables/') || r.path === '/api/v2/version');
      expect(expectedMiss || r.status < 400, `${r.method} ${r.path}?${r.query}: ${r.status}`).toBe(true);
    }
  });

  it('writes one file per request with nothing secret or machine-specific in it', () => {
    const h = harness();
    const forbidden = [
      h.users.admin.password,
      h.users.op.password,
      h.users.viewer.password,
      Buffer.from('admin:admin-pw').toString('base64'),
      h.home,
      h.url,
      REPO,
    ];
    expect(new Set(recordings.map(recordingFileName)).size).toBe(recordings.length);
    for (const r of recordings) {
      const text = readFileSync(join(dir, recordingFileName(r)), 'utf8');
      for (const secret of forbidden)
        expect(text.includes(secret), `${recordingFileName(r)} contains ${secret}`).toBe(false);
      expect(text.length, `${recordingFileName(r)} size`).toBeLessThan(200_000);
    }
  });
});
