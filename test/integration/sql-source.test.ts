// The SQL source against a real Airflow 3 metadata schema (a copy of the `airflow db migrate` template),
// filled with hand-made rows whose every figure is computed below from the reference's formulas.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqlSource, type QueryEvent, type SqlSourceOptions } from '../../source/airflow/sql/index.js';
import type { AirflowSource, Snapshot, TaskLogPage, VariableRead } from '../../source/airflow/types.js';
import { createScratchDb, type ScratchDb } from '../bench/schema.js';

const NOW = new Date('2026-01-15T12:00:00.000Z');
const ago = (minutes: number, plusSeconds = 0): Date => new Date(NOW.getTime() - minutes * 60_000 + plusSeconds * 1000);
const ING = 'capstone_ingestion_pipeline';
const PROC = 'capstone_processing_pipeline';
const VEC = 'capstone_vector_store_pipeline';

let db: ScratchDb;
let client: pg.Client;

interface RunSpec {
  runId: string;
  runAfter: Date;
  state: string;
  start?: Date | null;
  seconds?: number | null;
}

async function insertDag(
  dagId: string,
  extra: { paused?: boolean; stale?: boolean; owners?: string; tags?: string[] } = {},
) {
  await client.query(
    `INSERT INTO dag (dag_id, is_paused, is_stale, bundle_name, owners, timetable_type, partition_mapper_info, max_active_tasks,
                      max_consecutive_failed_dag_runs, has_task_concurrency_limits)
     VALUES ($1, $2, $3, 'dags-folder', $4, 'cron', '{}', 16, 0, false)`,
    [dagId, extra.paused ?? false, extra.stale ?? false, extra.owners ?? 'airflow'],
  );
  for (const tag of extra.tags ?? [])
    await client.query('INSERT INTO dag_tag (name, dag_id) VALUES ($1, $2)', [tag, dagId]);
}

async function insertRun(dagId: string, run: RunSpec) {
  const start = run.start === undefined ? new Date(run.runAfter.getTime() + 5000) : run.start;
  const end = start && run.seconds != null ? new Date(start.getTime() + run.seconds * 1000) : null;
  await client.query(
    `INSERT INTO dag_run (dag_id, run_id, run_type, state, queued_at, logical_date, start_date, end_date, run_after, clear_number, span_status)
     VALUES ($1, $2, 'scheduled', $3, $4, $4, $5, $6, $4, 0, 'not_started')`,
    [dagId, run.runId, run.state, run.runAfter, start, end],
  );
}

interface TiSpec {
  taskId: string;
  state: string | null;
  start?: Date | null;
  seconds?: number | null;
  tryNumber?: number;
  mapIndex?: number;
  pool?: string;
  poolSlots?: number;
}

let tiCounter = 0;
async function insertTi(dagId: string, runId: string, ti: TiSpec) {
  const start = ti.start ?? null;
  const end = start && ti.seconds != null ? new Date(start.getTime() + ti.seconds * 1000) : null;
  tiCounter += 1;
  await client.query(
    `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, start_date, end_date, duration, state, try_number, max_tries,
                                pool, pool_slots, queue, priority_weight, operator, span_status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 3, $11, $12, 'default', 1, 'PythonOperator', 'not_started')`,
    [
      `00000000-0000-7000-8000-${String(tiCounter).padStart(12, '0')}`,
      ti.taskId,
      dagId,
      runId,
      ti.mapIndex ?? -1,
      start,
      end,
      end ? ti.seconds : null,
      ti.state,
      ti.tryNumber ?? (ti.state === null ? 0 : 1),
      ti.pool ?? 'default_pool',
      ti.poolSlots ?? 1,
    ],
  );
}

async function seed() {
  await client.query("INSERT INTO dag_bundle (name, active) VALUES ('dags-folder', true) ON CONFLICT DO NOTHING");
  await insertDag(ING, { owners: 'data-eng, sre', tags: ['ingest', 'capstone'] });
  await insertDag(PROC);
  await insertDag(VEC, { paused: true });
  await insertDag('capstone_quiet');
  await insertDag('capstone_stale', { stale: true });
  await insertDag('other_dag');

  // Ingestion, in the window (run_after within the hour): r1–r4 succeed in 100..400 s, r5 fails, r6 runs,
  // r7 is queued, r8 succeeded without a start date (counted, but no duration). r0 is older than the window
  // but one of its tasks started inside it; r9 is an old run still running; h1/h2 are history.
  const ingestionRuns: RunSpec[] = [
    { runId: 'r1', runAfter: ago(10), state: 'success', seconds: 100 },
    { runId: 'r2', runAfter: ago(20), state: 'success', seconds: 200 },
    { runId: 'r3', runAfter: ago(30), state: 'success', seconds: 300 },
    { runId: 'r4', runAfter: ago(40), state: 'success', seconds: 400 },
    { runId: 'r5', runAfter: ago(45), state: 'failed', seconds: 50 },
    { runId: 'r6', runAfter: ago(5), state: 'running' },
    { runId: 'r7', runAfter: ago(2), state: 'queued', start: null },
    { runId: 'r8', runAfter: ago(50), state: 'success', start: null },
    { runId: 'r0', runAfter: ago(70), state: 'success', start: ago(70), seconds: 41 * 60 },
    { runId: 'r9', runAfter: ago(180), state: 'running', start: ago(180) },
    { runId: 'h1', runAfter: ago(2 * 1440), state: 'success', seconds: 500 },
    { runId: 'h2', runAfter: ago(8 * 1440), state: 'success', seconds: 900 },
  ];
  for (const run of ingestionRuns) await insertRun(ING, run);
  const s = (runAfterMinutes: number, offset: number) => ago(runAfterMinutes, 5 + offset);
  await insertTi(ING, 'r1', { taskId: 'scan_sources', state: 'success', start: s(10, 0), seconds: 30 });
  await insertTi(ING, 'r1', {
    taskId: 'download_documents',
    state: 'success',
    start: s(10, 35),
    seconds: 60,
    tryNumber: 3,
  });
  await insertTi(ING, 'r2', { taskId: 'scan_sources', state: 'success', start: s(20, 0), seconds: 50 });
  await insertTi(ING, 'r2', {
    taskId: 'download_documents',
    state: 'failed',
    start: s(20, 55),
    seconds: 10,
    tryNumber: 2,
  });
  await insertTi(ING, 'r5', { taskId: 'scan_sources', state: 'success', start: s(45, 0), seconds: 20 });
  await insertTi(ING, 'r5', {
    taskId: 'download_documents',
    state: 'failed',
    start: s(45, 25),
    seconds: 5,
    tryNumber: 2,
  });
  await insertTi(ING, 'r6', { taskId: 'scan_sources', state: 'running', start: s(5, 0), pool: 'small' });
  await insertTi(ING, 'r6', { taskId: 'download_documents', state: null });
  await insertTi(ING, 'r6', {
    taskId: 'wait_sensor',
    state: 'deferred',
    start: s(5, 10),
    pool: 'deferring',
    poolSlots: 2,
  });
  await insertTi(ING, 'r6', { taskId: 'big_task', state: 'queued', pool: 'deferring' });
  await insertTi(ING, 'r6', { taskId: 'side_task', state: 'running', start: s(5, 20), pool: 'unlimited' });
  await insertTi(ING, 'r7', { taskId: 'scan_sources', state: 'scheduled', pool: 'small' });
  await insertTi(ING, 'r0', { taskId: 'scan_sources', state: 'success', start: ago(70), seconds: 15 });
  await insertTi(ING, 'r0', { taskId: 'download_documents', state: 'success', start: ago(30), seconds: 45 });
  await insertTi(ING, 'r9', { taskId: 'scan_sources', state: 'up_for_retry', start: ago(180), seconds: 10 });
  await insertTi(ING, 'h1', { taskId: 'scan_sources', state: 'success', start: ago(2 * 1440, 5), seconds: 25 });

  // Processing: one run in the window with a mapped task; history at 3 days (in the baseline) and 8 days (out).
  await insertRun(PROC, { runId: 'p1', runAfter: ago(15), state: 'success', seconds: 60 });
  await insertRun(PROC, { runId: 'ph1', runAfter: ago(3 * 1440), state: 'success', seconds: 90 });
  await insertRun(PROC, { runId: 'ph2', runAfter: ago(8 * 1440), state: 'success', seconds: 999 });
  for (const [mapIndex, seconds] of [10, 20, 30].entries()) {
    await insertTi(PROC, 'p1', {
      taskId: 'extract_text',
      state: 'success',
      start: ago(15, 10 + mapIndex),
      seconds,
      mapIndex,
    });
  }
  // Runs of DAGs that are not selected never count.
  await insertRun('other_dag', { runId: 'o1', runAfter: ago(10), state: 'failed', seconds: 5 });
  await insertTi('other_dag', 'o1', { taskId: 'x', state: 'failed', start: ago(10), seconds: 5 });
  await insertRun('capstone_stale', { runId: 's1', runAfter: ago(10), state: 'failed', seconds: 5 });

  await client.query(`INSERT INTO slot_pool (pool, slots, description, include_deferred) VALUES
    ('small', 2, '', false), ('deferring', 4, '', true), ('unlimited', -1, '', false)`);
  await client.query(
    `INSERT INTO job (job_type, state, latest_heartbeat) VALUES
       ('SchedulerJob', 'failed', $1), ('SchedulerJob', 'running', $2), ('TriggererJob', 'running', $3)`,
    [ago(0, 5), ago(0, -10), ago(0, -45)],
  );
}

const BASE: SqlSourceOptions = {
  dbUrl: '',
  statementTimeoutSeconds: 10,
  dags: { ids: [ING, PROC, VEC, 'missing_dag'], patterns: ['capstone_q*'] },
  window: { recentSeconds: 3600, baselineSeconds: 7 * 86400, baselineSamples: 5 },
  variables: { source: null, names: ['capstone_cost_metrics'] },
};

function source(extra: Partial<SqlSourceOptions> = {}, events?: QueryEvent[]): AirflowSource {
  return createSqlSource({
    ...BASE,
    dbUrl: db.url,
    ...(events ? { onQuery: (e: QueryEvent) => events.push(e) } : {}),
    ...extra,
  });
}

beforeAll(async () => {
  db = await createScratchDb('sqlsource');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await seed();
}, 180_000);

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('SQL source snapshot', () => {
  let snapshot: Snapshot;
  const events: QueryEvent[] = [];

  beforeAll(async () => {
    const src = source({}, events);
    snapshot = await src.snapshot(NOW);
    await src.close();
  });

  it('selects DAGs by id and glob, skipping stale, unknown and unselected ones', () => {
    expect(snapshot.dags.map((d) => d.dagId)).toEqual([
      'capstone_ingestion_pipeline',
      'capstone_processing_pipeline',
      'capstone_quiet',
      VEC,
    ]);
    expect(snapshot.dags[0]).toEqual({
      dagId: ING,
      isPaused: false,
      tags: ['capstone', 'ingest'],
      owners: ['data-eng', 'sre'],
    });
    expect(snapshot.dags.find((d) => d.dagId === VEC)?.isPaused).toBe(true);
    expect(snapshot.source).toBe('sql');
    expect(snapshot.airflow).toEqual({ url: expect.stringContaining('127.0.0.1:5432'), version: '3.3.0+', api: 'sql' });
  });

  it('counts the window runs per DAG as collect_pipeline_metrics does', () => {
    // r1..r8 have run_after in the hour: 5 success (r1-r4, r8), 1 failed, 1 running, 1 queued.
    // Durations of successes with both dates: 100, 200, 300, 400 → mean 250;
    // p95 linear: position 3 × 0.95 = 2.85 → 300 + 0.85 × (400 − 300) = 385.
    expect(snapshot.window.dags[ING]).toEqual({
      dagId: ING,
      runs: 8,
      success: 5,
      failed: 1,
      running: 1,
      queued: 1,
      avgSuccessDurationSeconds: 250,
      p95SuccessDurationSeconds: expect.closeTo(385, 6),
    });
    expect(snapshot.window.dags[PROC]).toMatchObject({
      runs: 1,
      success: 1,
      avgSuccessDurationSeconds: 60,
      p95SuccessDurationSeconds: 60,
    });
    // Selected DAGs without runs are present with zeros; unselected ones are absent.
    expect(snapshot.window.dags[VEC]).toEqual({
      dagId: VEC,
      runs: 0,
      success: 0,
      failed: 0,
      running: 0,
      queued: 0,
      avgSuccessDurationSeconds: 0,
      p95SuccessDurationSeconds: 0,
    });
    expect(snapshot.window.dags.capstone_quiet?.runs).toBe(0);
    expect(Object.keys(snapshot.window.dags).sort()).toEqual([ING, PROC, 'capstone_quiet', VEC].sort());
    expect(snapshot.window.since).toBe('2026-01-15T11:00:00.000Z');
  });

  it('aggregates task instances started in the window as collect_task_metrics does', () => {
    // scan_sources started in the hour: r1 30 s, r2 50 s, r5 20 s (success) and r6 (running) → 4, 3 ok;
    // mean (30 + 50 + 20) / 3, max 50. r0's started 70 min ago and r9's 3 h ago: outside.
    expect(snapshot.window.tasks[`${ING}.scan_sources`]).toEqual({
      dagId: ING,
      taskId: 'scan_sources',
      total: 4,
      success: 3,
      failed: 0,
      retries: 0,
      avgDurationSeconds: expect.closeTo(100 / 3, 6),
      maxDurationSeconds: 50,
    });
    // download_documents: r1 ok 60 s try 3, r2 failed try 2, r5 failed try 2, r0 ok 45 s (its run is older,
    // the task started 30 min ago); r6's has no start. retries (3−1) + (2−1) + (2−1) = 4; mean (60+45)/2.
    expect(snapshot.window.tasks[`${ING}.download_documents`]).toMatchObject({
      total: 4,
      success: 2,
      failed: 2,
      retries: 4,
      avgDurationSeconds: 52.5,
      maxDurationSeconds: 60,
    });
    // The deferred sensor and the running side task started; the queued big_task did not.
    expect(snapshot.window.tasks[`${ING}.wait_sensor`]).toMatchObject({
      total: 1,
      success: 0,
      avgDurationSeconds: 0,
      maxDurationSeconds: 0,
    });
    expect(snapshot.window.tasks[`${ING}.side_task`]?.total).toBe(1);
    expect(snapshot.window.tasks[`${ING}.big_task`]).toBeUndefined();
    // A mapped task: three instances.
    expect(snapshot.window.tasks[`${PROC}.extract_text`]).toMatchObject({
      total: 3,
      success: 3,
      avgDurationSeconds: 20,
      maxDurationSeconds: 30,
    });
    expect(snapshot.window.tasks['other_dag.x']).toBeUndefined();
    expect(Object.keys(snapshot.window.tasks)).toHaveLength(5);
  });

  it('keeps the newest successful durations of the baseline window, capped', () => {
    // Successful ingestion runs by run_after, newest first: r1 100, r2 200, r3 300, r4 400, r0 2460, h1 500;
    // r8 has no start; h2 is older than 7 days. Cap 5.
    expect(snapshot.baseline.dags[ING]).toEqual([100, 200, 300, 400, 2460]);
    expect(snapshot.baseline.dags[PROC]).toEqual([60, 90]);
    expect(snapshot.baseline.dags[VEC]).toBeUndefined();
    // scan_sources successes by start_date: r1 30, r2 50, r5 20, r0 15, h1 25.
    expect(snapshot.baseline.tasks[`${ING}.scan_sources`]).toEqual([30, 50, 20, 15, 25]);
    expect(snapshot.baseline.tasks[`${ING}.download_documents`]).toEqual([60, 45]);
    expect(snapshot.baseline.tasks[`${PROC}.extract_text`]).toEqual([30, 20, 10]);
    expect(snapshot.baseline.since).toBe('2026-01-08T12:00:00.000Z');
  });

  it('lists recent runs (window plus unfinished) newest first', () => {
    expect(snapshot.runs.map((r) => `${r.dagId === ING ? 'i' : 'p'}:${r.runId}`)).toEqual([
      'i:r7',
      'i:r6',
      'i:r1',
      'p:p1',
      'i:r2',
      'i:r3',
      'i:r4',
      'i:r5',
      'i:r8',
      'i:r9',
    ]);
    expect(snapshot.runs.find((r) => r.runId === 'r1')).toEqual({
      dagId: ING,
      runId: 'r1',
      state: 'success',
      runType: 'scheduled',
      queuedAt: ago(10).toISOString(),
      startDate: ago(10, 5).toISOString(),
      endDate: ago(10, 105).toISOString(),
      runAfter: ago(10).toISOString(),
      logicalDate: ago(10).toISOString(),
    });
  });

  it('holds the task instances of those runs that started in the window or are unfinished', () => {
    const keys = snapshot.taskInstances
      .map((ti) => `${ti.runId}.${ti.taskId}${ti.mapIndex >= 0 ? `[${ti.mapIndex}]` : ''}`)
      .sort();
    expect(keys).toEqual(
      [
        'r1.scan_sources',
        'r1.download_documents',
        'r2.scan_sources',
        'r2.download_documents',
        'r5.scan_sources',
        'r5.download_documents',
        'r6.scan_sources',
        'r6.download_documents',
        'r6.wait_sensor',
        'r6.big_task',
        'r6.side_task',
        'r7.scan_sources',
        'r9.scan_sources',
        'p1.extract_text[0]',
        'p1.extract_text[1]',
        'p1.extract_text[2]',
      ].sort(),
    );
    // Unfinished ones come first.
    const firstFinished = snapshot.taskInstances.findIndex((ti) => ['success', 'failed'].includes(ti.state ?? ''));
    expect(
      snapshot.taskInstances.slice(firstFinished).every((ti) => ['success', 'failed'].includes(ti.state ?? '')),
    ).toBe(true);
    expect(snapshot.taskInstances.find((ti) => ti.runId === 'r1' && ti.taskId === 'download_documents')).toEqual({
      dagId: ING,
      runId: 'r1',
      taskId: 'download_documents',
      mapIndex: -1,
      state: 'success',
      tryNumber: 3,
      maxTries: 3,
      startDate: ago(10, 40).toISOString(),
      endDate: ago(10, 100).toISOString(),
      durationSeconds: 60,
      pool: 'default_pool',
      poolSlots: 1,
      queue: 'default',
      operator: 'PythonOperator',
      queuedWhen: null,
    });
  });

  it('computes pool slots as Pool.slots_stats does', () => {
    // In id order, as GET /api/v2/pools lists them.
    expect(snapshot.pools.map((p) => p.name)).toEqual(['default_pool', 'small', 'deferring', 'unlimited']);
    const pools = Object.fromEntries(snapshot.pools.map((p) => [p.name, p]));
    expect(pools.default_pool).toMatchObject({ slots: 128, occupiedSlots: 0, openSlots: 128 });
    // small: running 1, scheduled 1 (not occupying) → occupied 1, open 1.
    expect(pools.small).toEqual({
      name: 'small',
      slots: 2,
      occupiedSlots: 1,
      runningSlots: 1,
      queuedSlots: 0,
      scheduledSlots: 1,
      deferredSlots: 0,
      openSlots: 1,
    });
    // deferring counts deferred: queued 1 + deferred 2 → occupied 3, open 4 − 3.
    expect(pools.deferring).toMatchObject({ occupiedSlots: 3, queuedSlots: 1, deferredSlots: 2, openSlots: 1 });
    // unlimited: open is −1, as the REST API reports it.
    expect(pools.unlimited).toMatchObject({ slots: -1, occupiedSlots: 1, openSlots: -1 });
  });

  it('judges component health from the job table as Airflow does', () => {
    // The running scheduler (10 s old heartbeat) wins over a newer failed one; the triggerer's beat is 45 s old (> 30 s).
    expect(snapshot.health).toEqual({
      metadatabase: { status: 'healthy', latestHeartbeat: null },
      scheduler: { status: 'healthy', latestHeartbeat: ago(0, -10).toISOString() },
      triggerer: { status: 'unhealthy', latestHeartbeat: ago(0, -45).toISOString() },
      dagProcessor: { status: null, latestHeartbeat: null },
    });
  });

  it('says Variables need REST when there is none', () => {
    const reason = 'Variables are read through the REST API: pass --url as well as --db';
    expect(snapshot.variables).toEqual({ capstone_cost_metrics: { status: 'error', reason } });
    expect(snapshot.issues).toContainEqual({ scope: 'variables', message: reason });
  });

  it('names configured DAG ids the DB does not have', () => {
    expect(snapshot.issues).toContainEqual({
      scope: 'dags',
      message: expect.stringMatching(
        /^127\.0\.0\.1:5432\/airtop_sqlsource_\w+ has no DAG missing_dag \(configured in dags\.ids\): check the id or remove it$/,
      ),
    });
    expect(snapshot.issues).toHaveLength(2);
  });

  it('ran at most 6 queries, the baseline only when it is due', async () => {
    // The window task aggregate runs alongside the others, so the order of completion varies.
    expect(events.map((e) => e.name).sort()).toEqual(
      [
        'dags, version, health, pools',
        'window runs',
        'window task instances',
        'baseline',
        'recent runs',
        'current task instances',
      ].sort(),
    );
    const second: QueryEvent[] = [];
    const src = source({}, second);
    await src.snapshot(NOW);
    second.length = 0;
    const again = await src.snapshot(NOW);
    expect(second).toHaveLength(5);
    expect(again.baseline).toEqual(snapshot.baseline);
    await src.close();
  });
});

describe('SQL source options and drill-down', () => {
  it('finds the same window task figures by scanning and through runs', async () => {
    const scan = source({ taskRead: 'scan' });
    const runs = source({ taskRead: 'runs' });
    const [a, b] = [await scan.snapshot(NOW), await runs.snapshot(NOW)];
    expect(b.window.tasks).toEqual(a.window.tasks);
    expect(Object.keys(a.window.tasks)).toHaveLength(5);
    await Promise.all([scan.close(), runs.close()]);
  });

  it('reads Variables and logs through the REST source when there is one', async () => {
    const reads: string[][] = [];
    const rest: AirflowSource = {
      url: 'http://airflow.test',
      snapshot: () => Promise.reject(new Error('not used')),
      dagRuns: () => Promise.resolve([]),
      taskInstances: () => Promise.resolve([]),
      taskLog: (ti, tryNumber) =>
        Promise.resolve<TaskLogPage>({ lines: [`${ti.taskId} try ${tryNumber}`], continuationToken: null }),
      close: () => Promise.resolve(),
      readVariables: (names) => {
        reads.push(names);
        return Promise.resolve(
          Object.fromEntries(names.map((n): [string, VariableRead] => [n, { status: 'ok', raw: '{"x":1}' }])),
        );
      },
    };
    const src = source({ variables: { source: rest, names: ['a', 'b'] }, url: 'http://airflow.test' });
    const snap = await src.snapshot(NOW);
    expect(snap.variables).toEqual({ a: { status: 'ok', raw: '{"x":1}' }, b: { status: 'ok', raw: '{"x":1}' } });
    expect(snap.issues.map((i) => i.scope)).toEqual(['dags']);
    expect(snap.airflow.url).toBe('http://airflow.test');
    expect(reads).toEqual([['a', 'b']]);
    const log = await src.taskLog({ dagId: ING, runId: 'r1', taskId: 'scan_sources', mapIndex: -1 }, 2);
    expect(log.lines).toEqual(['scan_sources try 2']);
    await src.close();
  });

  it('falls back to a REST snapshot for Variables, and records a failure as an issue', async () => {
    const fallback: AirflowSource = {
      url: 'http://airflow.test',
      snapshot: () =>
        Promise.resolve({ variables: { a: { status: 'forbidden', reason: '403' } } } as unknown as Snapshot),
      dagRuns: () => Promise.resolve([]),
      taskInstances: () => Promise.resolve([]),
      taskLog: () => Promise.reject(new Error('no')),
      close: () => Promise.resolve(),
    };
    const src = source({ variables: { source: fallback, names: ['a'] } });
    const forbidden = await src.snapshot(NOW);
    expect(forbidden.variables).toEqual({ a: { status: 'forbidden', reason: '403' } });
    expect(forbidden.issues).toContainEqual({ scope: 'variables', message: '403' });
    await src.close();
    const failing = source({
      variables: {
        source: { ...fallback, snapshot: () => Promise.reject(new Error('401 from http://airflow.test/auth/token')) },
        names: ['a'],
      },
    });
    const snap = await failing.snapshot(NOW);
    expect(snap.variables.a).toEqual({
      status: 'error',
      reason: expect.stringContaining('401 from http://airflow.test/auth/token'),
    });
    expect(snap.issues.map((i) => i.scope)).toEqual(['dags', 'variables']);
    expect(snap.window.dags[ING]?.runs).toBe(8);
    await failing.close();
  });

  it('lists a DAG’s runs newest first and a run’s task instances', async () => {
    const src = source();
    expect((await src.dagRuns(ING, 3)).map((r) => r.runId)).toEqual(['r7', 'r6', 'r1']);
    expect((await src.taskInstances(PROC, 'p1')).map((ti) => [ti.taskId, ti.mapIndex, ti.durationSeconds])).toEqual([
      ['extract_text', 0, 10],
      ['extract_text', 1, 20],
      ['extract_text', 2, 30],
    ]);
    await expect(
      src.taskLog({ dagId: ING, runId: 'r1', taskId: 'scan_sources', mapIndex: -1 }, 1),
    ).rejects.toMatchObject({
      kind: 'config',
      message: 'Task logs are read through the REST API: pass --url as well as --db',
    });
    await src.close();
  });

  it('keeps the baseline current between full reads with the successes each poll sees', async () => {
    await insertDag('capstone_merge');
    for (const [i, seconds] of [50, 40, 30].entries()) {
      await insertRun('capstone_merge', { runId: `m${i}`, runAfter: ago(30 + 10 * i), state: 'success', seconds });
    }
    const events: QueryEvent[] = [];
    const src = source(
      { dags: { ids: ['capstone_merge'], patterns: [] }, window: { ...BASE.window, baselineSamples: 3 } },
      events,
    );
    expect((await src.snapshot(NOW)).baseline.dags.capstone_merge).toEqual([50, 40, 30]);
    // A run that finished after that poll: the next poll (no baseline query) puts it first and drops the oldest.
    await insertRun('capstone_merge', { runId: 'm9', runAfter: ago(2), state: 'success', seconds: 20 });
    events.length = 0;
    const later = await src.snapshot(new Date(NOW.getTime() + 60_000));
    expect(events.map((e) => e.name)).not.toContain('baseline');
    expect(later.baseline.dags.capstone_merge).toEqual([20, 50, 40]);
    await src.close();
  });

  it('caps the runs and task instances it holds, keeping unfinished ones first, and says so', async () => {
    const src = source({ limits: { runs: 4, taskInstances: 6 } });
    const snap = await src.snapshot(NOW);
    await src.close();
    // Runs: the queued/running ones (r7, r6, r9), then the newest finished (r1); listed newest first.
    expect(snap.runs.map((r) => r.runId)).toEqual(['r7', 'r6', 'r1', 'r9']);
    // Task instances: those of the unfinished runs come first (r7: 1, r6: 5), the rest is cut.
    expect(snap.taskInstances.map((ti) => ti.runId).sort()).toEqual(['r6', 'r6', 'r6', 'r6', 'r6', 'r7']);
    expect(snap.issues.map((i) => i.scope)).toEqual(expect.arrayContaining(['runs', 'task_instances']));
    // The window figures still count everything.
    expect(snap.window.dags[ING]?.runs).toBe(8);
    expect(snap.window.tasks[`${ING}.scan_sources`]?.total).toBe(4);
  });
});
