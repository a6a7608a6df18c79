// Records real responses of this Airflow 3 for the replay tests: one JSON file per request,
// { method, path, query (sorted), status, body }. Every suite run records into a scratch dir and checks the
// recordings; with RECORD=1 they replace fixtures/airflow/recorded/*.json (README.md there is kept).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AirflowApi, type RunRef } from './support/api.js';
import { harness, REPO } from './support/context.js';
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

/** Query params sorted by key (stable for equal keys), as the replay side matches them. */
export function sortedQuery(query: Record<string, string | number | (string | number)[]>): string {
  const pairs = Object.entries(query).flatMap(([key, value]) => (Array.isArray(value) ? value.map((v) => [key, String(v)]) : [[key, String(value)]]));
  pairs.sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0));
  return new URLSearchParams(pairs as [string, string][]).toString();
}

/** A slug of method, path and query; POSTs add their status, since one path may answer 201 or 401. */
export function fileName(r: Pick<Recording, 'method' | 'path' | 'query' | 'status'>): string {
  const slug = `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}${r.method === 'POST' ? ` ${r.status}` : ''}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${slug.slice(0, 180)}.json`;
}

describe('recorded fixtures from the real Airflow', () => {
  const admin = AirflowApi.as('admin');
  const viewer = AirflowApi.as('viewer');
  const recordings: Recording[] = [];
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
      .join('http://127.0.0.1:8080');
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
    const recording: Recording = { method, path: portable(path) as string, query: q, ...(shown === undefined ? {} : { request: shown }), status, body: portable(body) };
    recordings.push(recording);
    return recording;
  }

  beforeAll(async () => {
    await admin.waitQuiet();
    // Runs worth recording: a retried task (two tries), a failed task (its log), Variables written by the pipeline.
    [flaky, failing] = await Promise.all([
      admin.trigger(DAG, { docs: [doc('recorded-1')], flaky: ['extract_text'] }),
      admin.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
    ]);
    await admin.waitForRuns([flaky, failing]);

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
    await record(admin, 'POST', '/api/v2/dags/~/dagRuns/list', {}, { dag_ids: [DAG, 'capstone_ingestion_pipeline'], page_offset: 0, page_limit: 100, order_by: '-run_after' });
    await record(admin, 'GET', '/api/v2/dags/~/dagRuns/~/taskInstances', { ...page, order_by: '-start_date' });
    await record(admin, 'POST', '/api/v2/dags/~/dagRuns/~/taskInstances/list', {}, { dag_ids: [DAG], page_offset: 0, page_limit: 100 });
    await record(admin, 'GET', `${run(flaky)}/taskInstances`, page);
    await record(admin, 'GET', `${run(failing)}/taskInstances`, page);
    await record(admin, 'GET', `${run(flaky)}/taskInstances/extract_text/tries`, { map_index: -1 });
    await record(admin, 'GET', `${run(failing)}/taskInstances/download_documents/logs/1`, { map_index: -1 });
    await record(admin, 'GET', '/api/v2/pools', page);
    await record(admin, 'GET', '/api/v2/variables/capstone_cost_metrics');
    await record(admin, 'GET', '/api/v2/variables/extraction_log');
    await record(admin, 'GET', '/api/v2/variables/airtop_no_such_variable');
    await record(viewer, 'GET', '/api/v2/variables/capstone_processing_metrics');
    await record(admin, 'GET', '/api/v2/importErrors', page);
    await record(admin, 'GET', '/api/v2/dagStats', { dag_ids: ['capstone_ingestion_pipeline', DAG, 'capstone_vector_store_pipeline'] });

    dir = process.env.RECORD === '1' ? FIXTURES : mkdtempSync(join(tmpdir(), 'airtop-e2e-recorded-'));
    mkdirSync(dir, { recursive: true });
    if (process.env.RECORD === '1') {
      for (const name of readdirSync(dir)) if (name.endsWith('.json')) rmSync(join(dir, name));
    }
    for (const r of recordings) writeFileSync(join(dir, fileName(r)), `${JSON.stringify(r, null, 2)}\n`);
  }, 600_000);

  it('got the status each request should get', () => {
    const status = (method: string, path: string, query = '') => recordings.find((r) => r.method === method && r.path === path && r.query === query)?.status;
    expect(status('GET', '/api/v2/version')).toBe(200);
    expect(status('GET', '/api/v2/monitor/health')).toBe(200);
    expect(recordings.filter((r) => r.path === '/auth/token').map((r) => r.status)).toEqual([401, 201]);
    expect(status('GET', '/api/v2/variables/capstone_cost_metrics')).toBe(200);
    expect(status('GET', '/api/v2/variables/airtop_no_such_variable')).toBe(404);
    expect(status('GET', '/api/v2/variables/capstone_processing_metrics')).toBe(403);
    const others = recordings.filter((r) => !r.path.startsWith('/auth/') && !r.path.startsWith('/api/v2/variables/'));
    for (const r of others) expect(r.status, `${r.method} ${r.path}?${r.query}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
  });

  it('holds real content: two tries of the retried task, the failed task\'s own log line, the pipeline\'s Variable', () => {
    const tries = recordings.find((r) => r.path.endsWith('/taskInstances/extract_text/tries'))!.body as { task_instances: { try_number: number; state: string }[] };
    expect(tries.task_instances.map((t) => [t.try_number, t.state])).toEqual([
      [1, 'failed'],
      [2, 'success'],
    ]);
    const log = recordings.find((r) => r.path.includes('/logs/'))!;
    expect(JSON.stringify(log.body)).toContain('capstone: download_documents fails as conf.fail asks');
    const cost = recordings.find((r) => r.path === '/api/v2/variables/capstone_cost_metrics')!.body as { value: string };
    expect(Object.values(JSON.parse(cost.value) as Record<string, { llm_input_tokens: number }>)[0]!.llm_input_tokens).toBeGreaterThan(0);
  });

  it('writes one file per request, named from it, with nothing secret or machine-specific in it', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(new Set(recordings.map(fileName)).size).toBe(recordings.length);
    for (const r of recordings) expect(files).toContain(fileName(r));
    const h = harness();
    const forbidden = [h.users.admin.password, h.users.op.password, h.users.viewer.password, 'jwt-secret', 'fernet', h.home, h.url, REPO];
    for (const r of recordings) {
      const text = readFileSync(join(dir, fileName(r)), 'utf8');
      const parsed = JSON.parse(text) as Recording;
      expect(Object.keys(parsed).filter((k) => k !== 'request')).toEqual(['method', 'path', 'query', 'status', 'body']);
      for (const secret of forbidden) expect(text.includes(secret), `${fileName(r)} contains ${secret}`).toBe(false);
      expect(text).not.toMatch(/eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./); // no JWT (header.payload.signature)
      expect(text.length, `${fileName(r)} size`).toBeLessThan(200_000);
    }
  });
});
