import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { loadRecordings, normalisePath, type Recording } from '../helpers/recording.js';
import { startRecordingProxy, startReplayServer } from '../helpers/replay.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import {
  healthSchema,
  logSchema,
  poolListSchema,
  runListSchema,
  taskInstanceListSchema,
  variableSchema,
  versionSchema,
  dagListSchema,
} from '../../source/airflow/rest/schemas.js';
import { FIXED_NOW, fixedClock, restOptionsFor } from '../helpers/http.js';

// The same client checks run against the demo and against recordings of a real Airflow 3.3.2
// (fixtures/airflow/recorded), so the demo cannot drift from the real API unnoticed.

const RECORDED_DIR = join(import.meta.dirname, '../../fixtures/airflow/recorded');

/** Required response fields, from Airflow's OpenAPI spec (airflow-core/.../openapi/v2-rest-api-generated.yaml). */
const REQUIRED: Record<string, string[]> = {
  VersionInfo: ['version', 'git_version'],
  HealthInfoResponse: ['metadatabase', 'scheduler', 'triggerer'],
  DAGResponse: [
    'dag_id',
    'dag_display_name',
    'is_paused',
    'is_stale',
    'last_parsed_time',
    'last_expired',
    'bundle_name',
    'bundle_version',
    'relative_fileloc',
    'fileloc',
    'description',
    'timetable_summary',
    'timetable_description',
    'tags',
    'max_active_tasks',
    'max_active_runs',
    'max_consecutive_failed_dag_runs',
    'has_task_concurrency_limits',
    'has_import_errors',
    'next_dagrun_logical_date',
    'next_dagrun_data_interval_start',
    'next_dagrun_data_interval_end',
    'next_dagrun_run_after',
    'owners',
    'file_token',
  ],
  DAGRunResponse: [
    'dag_run_id',
    'dag_id',
    'logical_date',
    'queued_at',
    'start_date',
    'end_date',
    'duration',
    'data_interval_start',
    'data_interval_end',
    'run_after',
    'last_scheduling_decision',
    'run_type',
    'state',
    'triggered_by',
    'triggering_user_name',
    'conf',
    'note',
    'dag_versions',
    'bundle_version',
    'dag_display_name',
  ],
  TaskInstanceResponse: [
    'id',
    'task_id',
    'dag_id',
    'dag_run_id',
    'map_index',
    'logical_date',
    'run_after',
    'start_date',
    'end_date',
    'duration',
    'state',
    'try_number',
    'max_tries',
    'task_display_name',
    'dag_display_name',
    'hostname',
    'unixname',
    'pool',
    'pool_slots',
    'queue',
    'priority_weight',
    'operator',
    'operator_name',
    'queued_when',
    'scheduled_when',
    'pid',
    'executor',
    'executor_config',
    'note',
    'rendered_map_index',
    'trigger',
    'triggerer_job',
    'dag_version',
  ],
  PoolResponse: [
    'name',
    'slots',
    'description',
    'include_deferred',
    'occupied_slots',
    'running_slots',
    'queued_slots',
    'scheduled_slots',
    'open_slots',
    'deferred_slots',
  ],
  VariableResponse: ['key', 'value', 'description', 'is_encrypted'],
  TaskInstancesLogResponse: ['content', 'continuation_token'],
};

interface Endpoint {
  kind: keyof typeof REQUIRED;
  method: string;
  path: RegExp;
  schema: z.ZodType;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each row picks its own list out of the reply it matched
  items: (body: any) => Record<string, unknown>[];
}

const ENDPOINTS: Endpoint[] = [
  { kind: 'VersionInfo', method: 'GET', path: /^\/api\/v2\/version$/, schema: versionSchema, items: (b) => [b] },
  {
    kind: 'HealthInfoResponse',
    method: 'GET',
    path: /^\/api\/v2\/monitor\/health$/,
    schema: healthSchema,
    items: (b) => [b],
  },
  { kind: 'DAGResponse', method: 'GET', path: /^\/api\/v2\/dags$/, schema: dagListSchema, items: (b) => b.dags },
  {
    kind: 'DAGRunResponse',
    method: 'GET',
    path: /^\/api\/v2\/dags\/[^/]+\/dagRuns$/,
    schema: runListSchema,
    items: (b) => b.dag_runs,
  },
  {
    kind: 'DAGRunResponse',
    method: 'POST',
    path: /^\/api\/v2\/dags\/~\/dagRuns\/list$/,
    schema: runListSchema,
    items: (b) => b.dag_runs,
  },
  {
    kind: 'TaskInstanceResponse',
    method: 'GET',
    path: /^\/api\/v2\/dags\/[^/]+\/dagRuns\/[^/]+\/taskInstances$/,
    schema: taskInstanceListSchema,
    items: (b) => b.task_instances,
  },
  {
    kind: 'TaskInstanceResponse',
    method: 'POST',
    path: /^\/api\/v2\/dags\/~\/dagRuns\/~\/taskInstances\/list$/,
    schema: taskInstanceListSchema,
    items: (b) => b.task_instances,
  },
  {
    kind: 'TaskInstancesLogResponse',
    method: 'GET',
    path: /^\/api\/v2\/dags\/[^/]+\/dagRuns\/[^/]+\/taskInstances\/[^/]+\/logs\/\d+$/,
    schema: logSchema,
    items: (b) => [b],
  },
  { kind: 'PoolResponse', method: 'GET', path: /^\/api\/v2\/pools$/, schema: poolListSchema, items: (b) => b.pools },
  {
    kind: 'VariableResponse',
    method: 'GET',
    path: /^\/api\/v2\/variables\/[^/]+$/,
    schema: variableSchema,
    items: (b) => [b],
  },
];

const endpointOf = (r: Recording) => ENDPOINTS.find((e) => e.method === r.method && e.path.test(r.path));
const ok = (r: Recording) => r.status >= 200 && r.status < 300;

/** Field names per endpoint kind over every item of every successful recording, and of list envelopes. */
function fieldsByKind(recordings: Recording[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (key: string, fields: string[]) => {
    const set = out.get(key) ?? new Set<string>();
    fields.forEach((field) => set.add(field));
    out.set(key, set);
  };
  for (const r of recordings.filter(ok)) {
    const endpoint = endpointOf(r);
    if (!endpoint) continue;
    for (const item of endpoint.items(r.body)) add(endpoint.kind, Object.keys(item));
    const envelope = Object.keys(r.body as object);
    if (endpoint.items(r.body)[0] !== r.body)
      add(`${endpoint.kind} list (${r.method} ${endpoint.path.source})`, envelope);
  }
  return out;
}

interface Picks {
  dagId?: string;
  runId?: string;
  log?: { dagId: string; runId: string; taskId: string; tryNumber: number };
  snapshot?: { dagIds: string[]; variables: string[]; now: Date };
}

/** The client calls the contract covers; each returns what a later comparison can use. */
async function clientChecks(source: RestSource, picks: Picks) {
  const results: Record<string, unknown> = {};
  if (picks.dagId) {
    const runs = await source.dagRuns(picks.dagId, 5);
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(run.dagId).toBe(picks.dagId);
      expect(run.runAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    results.dagRuns = runs;
  }
  if (picks.dagId && picks.runId) {
    const tis = await source.taskInstances(picks.dagId, picks.runId);
    expect(tis.length).toBeGreaterThan(0);
    expect(tis.every((t) => t.runId === picks.runId && typeof t.tryNumber === 'number')).toBe(true);
    results.taskInstances = tis;
  }
  if (picks.log) {
    const page = await source.taskLog({ ...picks.log, mapIndex: -1 }, picks.log.tryNumber);
    expect(page.lines.length).toBeGreaterThan(0);
    expect(page.lines.every((line) => typeof line === 'string')).toBe(true);
    results.log = page;
  }
  if (picks.snapshot) {
    const snapshot = await source.snapshot(picks.snapshot.now);
    expect(Object.keys(snapshot.window.dags).sort()).toEqual(snapshot.dags.map((d) => d.dagId).sort());
    expect(snapshot.pools.length).toBeGreaterThan(0);
    results.snapshot = snapshot;
  }
  expect(Object.keys(results).length).toBeGreaterThan(0);
  return results;
}

let demo: DemoServer;
let demoRecordings: Recording[];
let demoResults: Record<string, unknown>;
const DEMO_PICKS: Picks = {
  dagId: 'ml_feature_refresh',
  runId: 'scheduled__2025-06-01T11:44:00+00:00',
  log: {
    dagId: 'ml_feature_refresh',
    runId: 'scheduled__2025-06-01T11:44:00+00:00',
    taskId: 'compute_features',
    tryNumber: 2,
  },
  snapshot: {
    dagIds: ['capstone_ingestion_pipeline', 'ml_feature_refresh'],
    variables: ['capstone_cost_metrics', 'extraction_log'],
    now: FIXED_NOW,
  },
};
const optionsFor = (url: string, picks: Picks) =>
  restOptionsFor(
    { url, credentials: { username: 'admin', password: 'admin' } },
    {
      dags: { ids: picks.snapshot?.dagIds ?? [], patterns: [] },
      variables: picks.snapshot?.variables ?? [],
      retries: 0,
    },
  );

beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
  const proxy = await startRecordingProxy(demo.url);
  const source = await createRestSource(optionsFor(proxy.url, DEMO_PICKS));
  try {
    demoResults = await clientChecks(source, DEMO_PICKS);
  } finally {
    await source.close();
    await proxy.close();
  }
  demoRecordings = proxy.recordings;
});
afterAll(async () => {
  await demo.close();
});

describe('contract: the demo', () => {
  it('answers every endpoint airtop uses with bodies the client accepts and every field the real API requires', () => {
    const seen = new Set<string>();
    for (const recording of demoRecordings.filter(ok)) {
      const endpoint = endpointOf(recording);
      if (!endpoint) continue;
      seen.add(endpoint.kind);
      expect(endpoint.schema.safeParse(recording.body).success, `${recording.method} ${recording.path}`).toBe(true);
      for (const item of endpoint.items(recording.body)) {
        const missing = REQUIRED[endpoint.kind]!.filter((field) => !(field in item));
        expect(missing, `${endpoint.kind} from ${recording.path}`).toEqual([]);
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(REQUIRED).sort());
  });

  it('records in the documented format, with the token redacted, and loads back from files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-recorded-'));
    try {
      for (const { fileName, ...recording } of demoRecordings)
        writeFileSync(join(dir, fileName), JSON.stringify(recording, null, 2));
      const loaded = loadRecordings(dir);
      expect(loaded).toHaveLength(new Set(demoRecordings.map((r) => r.fileName)).size);
      const signIn = loaded.find((r) => r.path === '/auth/token');
      expect(signIn?.body).toEqual({ access_token: '<redacted>' });
      expect(signIn?.request).toEqual({ username: 'admin', password: '<redacted>' });
      const baseline = loaded.find(
        (r) => r.method === 'GET' && r.path.endsWith('/dagRuns') && r.query.includes('order_by'),
      );
      const keys = [...new URLSearchParams(baseline!.query).keys()];
      expect(keys).toEqual([...keys].sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replays its own recordings to the same client results (the replay server works)', async () => {
    const replay = await startReplayServer(demoRecordings);
    const source = await createRestSource(optionsFor(replay.url, DEMO_PICKS));
    try {
      const replayed = await clientChecks(source, DEMO_PICKS);
      expect(replay.misses).toEqual([]);
      const withoutUrl = (results: Record<string, unknown>) => ({
        ...results,
        snapshot: { ...(results.snapshot as object), airflow: null },
      });
      expect(withoutUrl(replayed)).toEqual(withoutUrl(demoResults));
    } finally {
      await source.close();
      await replay.close();
    }
  });
});

const recorded = loadRecordings(RECORDED_DIR);

describe.runIf(recorded.length > 0)('contract: recorded Airflow 3.3.2 responses', () => {
  it('are all accepted by the client schemas', () => {
    const known = recorded.filter((r) => ok(r) && endpointOf(r));
    expect(known.length).toBeGreaterThan(0);
    for (const recording of known) {
      const result = endpointOf(recording)!.schema.safeParse(recording.body);
      expect(result.success, `${recording.file}: ${result.success ? '' : result.error.message}`).toBe(true);
    }
  });

  it('carry no field the demo lacks', () => {
    const real = fieldsByKind(recorded);
    const fake = fieldsByKind(demoRecordings);
    for (const [kind, fields] of real) {
      const missing = [...fields].filter((field) => !fake.get(kind)?.has(field));
      expect(missing, `${kind}: the demo does not send these fields that Airflow 3.3.2 does`).toEqual([]);
    }
  });

  it('pass the same client checks when replayed', async () => {
    const picks: Picks = {};
    // Pick a DAG, a run and a log that the recordings hold with data in them.
    const segments = (r: Recording) => normalisePath(r.path).split('/');
    const withItems = (r: Recording, key: string) =>
      ok(r) &&
      Array.isArray((r.body as Record<string, unknown>)[key]) &&
      (r.body as Record<string, unknown[]>)[key]!.length > 0;
    const runList = recorded.find(
      (r) =>
        r.method === 'GET' &&
        segments(r).length === 6 &&
        segments(r)[4] !== '~' &&
        segments(r)[5] === 'dagRuns' &&
        withItems(r, 'dag_runs'),
    );
    if (runList) picks.dagId = segments(runList)[4];
    const tiList = recorded.find(
      (r) =>
        r.method === 'GET' &&
        segments(r).length === 8 &&
        segments(r)[4] !== '~' &&
        segments(r)[6] !== '~' &&
        segments(r)[7] === 'taskInstances' &&
        withItems(r, 'task_instances'),
    );
    if (tiList && (!picks.dagId || picks.dagId === segments(tiList)[4]))
      Object.assign(picks, { dagId: segments(tiList)[4], runId: segments(tiList)[6] });
    const log = recorded.find((r) => ok(r) && r.method === 'GET' && segments(r)[9] === 'logs');
    if (log)
      picks.log = {
        dagId: segments(log)[4]!,
        runId: segments(log)[6]!,
        taskId: segments(log)[8]!,
        tryNumber: Number(segments(log)[10]),
      };
    const has = (method: string, re: RegExp) =>
      recorded.some((r) => ok(r) && r.method === method && re.test(normalisePath(r.path)));
    // A snapshot also reads each DAG's baseline (its runs and its task instances); only DAGs with both recorded qualify.
    const dagIds = (
      (
        recorded.find((r) => ok(r) && r.method === 'GET' && r.path === '/api/v2/dags')?.body as
          { dags?: { dag_id: string }[] } | undefined
      )?.dags ?? []
    )
      .map((d) => d.dag_id)
      .filter(
        (id) =>
          has('GET', new RegExp(`^/api/v2/dags/${id}/dagRuns$`)) &&
          has('GET', new RegExp(`^/api/v2/dags/${id}/dagRuns/~/taskInstances$`)),
      );
    if (
      dagIds.length > 0 &&
      has('POST', /dagRuns\/list$/) &&
      has('POST', /taskInstances\/list$/) &&
      has('GET', /^\/api\/v2\/pools$/)
    ) {
      const variables = recorded
        .filter((r) => r.method === 'GET' && r.path.startsWith('/api/v2/variables/'))
        .map((r) => decodeURIComponent(r.path.split('/').at(-1)!));
      picks.snapshot = { dagIds, variables, now: new Date() };
    }
    const replay = await startReplayServer(recorded);
    const source = await createRestSource(optionsFor(replay.url, picks));
    try {
      await clientChecks(source, picks);
    } finally {
      await source.close();
      await replay.close();
    }
  });
});
