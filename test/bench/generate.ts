// Fills a migrated Airflow 3 metadata DB with synthetic history, in a few set-based statements
// (generate_series), so even the L size takes seconds. Timestamps are relative to `now`, because every
// consumer (airtop's sources, the reference's code) windows on "the last hour" and "the last 7 days".
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from './schema.js';

export type SizeName = 'S' | 'M' | 'L';

export interface SizePlan {
  name: SizeName;
  /** Synthetic DAGs named capstone_synth_NNNN, so the reference's `dag_id LIKE 'capstone_%'` sees them. */
  dags: number;
  /** Runs per DAG in the last hour (every 5 minutes); the newest is still running. */
  windowRuns: number;
  /** Finished runs per DAG spread over the rest of the 7-day baseline window. */
  historyRuns: number;
  /** Width of the mapped task; each run has 4 plain task instances plus this many mapped ones. */
  mappedWidth: number;
}

/** S is the reference pipeline itself (3 DAGs, their task ids); M and L are synthetic. */
export const SIZES: Record<SizeName, SizePlan> = {
  S: { name: 'S', dags: 3, windowRuns: 12, historyRuns: 7 * 24, mappedWidth: 0 },
  // 200 DAGs × 12 runs × (4 + 17) task instances = 50,400 in the last hour.
  M: { name: 'M', dags: 200, windowRuns: 12, historyRuns: 42, mappedWidth: 17 },
  // 2,000 DAGs × 12 runs × (4 + 38) = 1,008,000 in the last hour.
  L: { name: 'L', dags: 2000, windowRuns: 12, historyRuns: 7, mappedWidth: 38 },
};

export const REFERENCE_PIPELINE: Record<string, string[]> = {
  capstone_ingestion_pipeline: ['scan_sources', 'download_documents'],
  capstone_processing_pipeline: ['extract_text', 'generate_summary', 'classify_document'],
  capstone_vector_store_pipeline: ['generate_embeddings', 'upsert_vectors'],
};

const SYNTHETIC_TASKS = [
  'scan_sources',
  'download_documents',
  'process_document',
  'generate_embeddings',
  'upsert_vectors',
];
const MAPPED_TASK = 'process_document';
export const BENCH_POOLS = ['bench_pool_0', 'bench_pool_1', 'bench_pool_2', 'bench_pool_3', 'bench_pool_4'];

export interface GeneratedCounts {
  dags: number;
  runs: number;
  taskInstances: number;
  windowTaskInstances: number;
  ms: number;
}

function catalogSql(plan: SizePlan): string {
  if (plan.name === 'S') {
    const dags = Object.keys(REFERENCE_PIPELINE)
      .map((dagId, i) => `('${dagId}', ${i + 1})`)
      .join(', ');
    const tasks = Object.entries(REFERENCE_PIPELINE)
      .flatMap(([dagId, taskIds]) =>
        taskIds.map(
          (taskId, i) =>
            `('${dagId}', '${taskId}', ${i + 1}, ${taskIds.length}, 0, '${taskId === 'generate_summary' ? 'bench_pool_0' : 'default_pool'}')`,
        ),
      )
      .join(', ');
    return `INSERT INTO bench_dag (dag_id, idx) VALUES ${dags};
      INSERT INTO bench_task (dag_id, task_id, ord, stages, width, pool) VALUES ${tasks};`;
  }
  const taskValues = SYNTHETIC_TASKS.map((taskId, i) => `('${taskId}', ${i + 1})`).join(', ');
  return `INSERT INTO bench_dag (dag_id, idx)
      SELECT 'capstone_synth_' || lpad(i::text, 4, '0'), i FROM generate_series(1, ${plan.dags}) i;
    INSERT INTO bench_task (dag_id, task_id, ord, stages, width, pool)
      SELECT d.dag_id, t.task_id, t.ord, ${SYNTHETIC_TASKS.length},
             CASE WHEN t.task_id = '${MAPPED_TASK}' THEN ${plan.mappedWidth} ELSE 0 END,
             CASE WHEN t.task_id = '${MAPPED_TASK}' AND d.idx % 4 = 0 THEN 'bench_pool_' || (d.idx / 4) % 5 ELSE 'default_pool' END
      FROM bench_dag d CROSS JOIN (VALUES ${taskValues}) AS t(task_id, ord);`;
}

/** Runs: per DAG a base duration; 1 in 10 DAGs fails often, the rest rarely; the newest window run is running. */
function runsSql(plan: SizePlan, at: string): string {
  const historySpan = 7 * 86400 - 4200; // the history ends 70 minutes before now
  return `CREATE TEMP TABLE bench_run AS
    WITH planned AS (
      SELECT d.dag_id, d.idx, d.version_id, k AS seq,
             ${at} - make_interval(secs => k * 300 + 60 + (d.idx % 180)) AS run_after
      FROM bench_dag d, generate_series(0, ${plan.windowRuns - 1}) k
      UNION ALL
      SELECT d.dag_id, d.idx, d.version_id, ${plan.windowRuns} + h,
             ${at} - make_interval(secs => 4200 + h * ${historySpan / plan.historyRuns} - (d.idx % 180))
      FROM bench_dag d, generate_series(0, ${plan.historyRuns - 1}) h
    )
    SELECT p.*,
           'scheduled__' || to_char(p.run_after AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') AS run_id,
           p.run_after + interval '4 seconds' AS start_date,
           (60 + (p.idx * 37) % 180) * (0.8 + random() * 0.4) AS planned_seconds,
           CASE WHEN p.seq = 0 THEN 'running'
                WHEN random() < CASE WHEN p.idx % 10 = 3 THEN 0.25 ELSE 0.02 END THEN 'failed'
                ELSE 'success' END AS state
    FROM planned p;
    INSERT INTO dag_run (dag_id, run_id, run_type, state, queued_at, logical_date, start_date, end_date, run_after, created_dag_version_id,
                         data_interval_start, data_interval_end, triggered_by, conf, created_at, updated_at, clear_number, span_status)
    SELECT dag_id, run_id, 'scheduled', state, run_after + interval '1 second', run_after, start_date,
           CASE WHEN state = 'running' THEN NULL ELSE start_date + make_interval(secs => planned_seconds) END,
           run_after, version_id, run_after - interval '5 minutes', run_after, 'TIMETABLE', '{}'::jsonb, run_after, run_after, 0, 'not_started'
    FROM bench_run;`;
}

/**
 * Task instances: the run's planned time is cut into one stage per task (ordinal); a mapped task fans out.
 * In the running run, stages before "now" succeeded, the current one is running/queued, later ones have no
 * status yet. A failed run fails at its last stage. 1 DAG in 7 is flaky: some successes took a second try.
 */
function taskInstancesSql(at: string): string {
  // Ids are time-ordered like Airflow's uuid7 (start time in ms, then a row number): cheaper than
  // gen_random_uuid() and closer to the real index layout.
  return `INSERT INTO task_instance (id, task_id, dag_id, run_id, map_index, start_date, end_date, duration, state,
                             try_number, max_tries, pool, pool_slots, queue, priority_weight, operator,
                             queued_dttm, scheduled_dttm, updated_at, span_status, hostname, unixname, executor, dag_version_id)
    SELECT encode(int8send(((extract(epoch FROM x.stage_start) * 1000)::bigint << 16) | 28672)
                  || int8send(row_number() OVER () | (-9223372036854775808)::bigint), 'hex')::uuid,
           x.task_id, x.dag_id, x.run_id, x.map_index,
           CASE WHEN x.state IS NULL OR x.state = 'queued' THEN NULL ELSE x.stage_start END,
           CASE WHEN x.state IN ('success', 'failed') THEN x.stage_start + x.seconds * interval '1 second' END,
           CASE WHEN x.state IN ('success', 'failed') THEN x.seconds END,
           x.state,
           CASE WHEN x.state IS NULL THEN 0 WHEN x.state = 'failed' OR (x.flaky AND (x.seconds * 1000)::int % 10 < 3) THEN 2 ELSE 1 END,
           1, x.pool, 1, 'default', 1, 'PythonOperator',
           CASE WHEN x.state IS NULL THEN NULL ELSE x.stage_start - interval '1 second' END,
           CASE WHEN x.state IS NULL THEN NULL ELSE x.stage_start - interval '2 seconds' END,
           coalesce(x.stage_start + x.seconds * interval '1 second', x.start_date),
           'not_started', 'worker-1', 'airflow', 'LocalExecutor', x.version_id
    FROM (
      SELECT r.dag_id, r.run_id, r.start_date, r.version_id, t.task_id, t.pool, m.map_index, r.idx % 7 = 1 AS flaky,
             r.start_date + (r.planned_seconds * (t.ord - 1) / t.stages) * interval '1 second' AS stage_start,
             r.planned_seconds / t.stages * (0.5 + random() * 0.5) AS seconds,
             CASE
               WHEN r.state = 'failed' AND t.ord = t.stages THEN 'failed'
               WHEN r.state <> 'running' THEN 'success'
               WHEN r.start_date + (r.planned_seconds * t.ord / t.stages) * interval '1 second' <= ${at} THEN 'success'
               WHEN r.start_date + (r.planned_seconds * (t.ord - 1) / t.stages) * interval '1 second' <= ${at}
                 THEN CASE WHEN m.map_index % 3 = 2 THEN 'queued' ELSE 'running' END
               ELSE NULL
             END AS state
      FROM bench_run r
      JOIN bench_task t ON t.dag_id = r.dag_id
      CROSS JOIN LATERAL generate_series(CASE WHEN t.width > 0 THEN 0 ELSE -1 END,
                                         CASE WHEN t.width > 0 THEN t.width - 1 ELSE -1 END) AS m(map_index)
    ) x;`;
}

/**
 * What the dag-processor would have stored for each DAG (dag_version + serialized_dag), from
 * serialized-dags.json (made by serialize_dags.py with Airflow's own serializer): the api-server's per-DAG
 * endpoints answer 404 for a DAG without it.
 */
async function writeSerializedDags(client: pg.Client, plan: SizePlan): Promise<void> {
  const serialized = JSON.parse(
    readFileSync(join(repoRoot(), 'test', 'bench', 'serialized-dags.json'), 'utf8'),
  ) as Record<string, { data: unknown; hash: string }>;
  const key = plan.name === 'S' ? null : `synthetic_w${plan.mappedWidth}`;
  if (key && !serialized[key])
    throw new Error(`serialized-dags.json has no ${key}: run serialize_dags.py ${plan.mappedWidth}`);
  await client.query(
    'CREATE TEMP TABLE bench_serialized (key text PRIMARY KEY, data text NOT NULL, hash text NOT NULL)',
  );
  for (const [name, entry] of Object.entries(serialized)) {
    await client.query('INSERT INTO bench_serialized VALUES ($1, $2, $3)', [
      name,
      JSON.stringify(entry.data),
      entry.hash,
    ]);
  }
  await client.query(`
    INSERT INTO dag_version (id, version_number, dag_id, bundle_name, created_at, last_updated)
      SELECT gen_random_uuid(), 1, dag_id, 'dags-folder', now(), now() FROM bench_dag;
    UPDATE bench_dag d SET version_id = v.id FROM dag_version v WHERE v.dag_id = d.dag_id;
    INSERT INTO serialized_dag (id, dag_id, data, created_at, last_updated, dag_hash, dag_version_id)
      SELECT gen_random_uuid(), d.dag_id, replace(s.data, '__BENCH_DAG__', d.dag_id)::jsonb, now(), now(), s.hash, d.version_id
      FROM bench_dag d JOIN bench_serialized s ON s.key = ${key ? `'${key}'` : 'd.dag_id'};`);
}

/**
 * The statements that drop and recreate task_instance's indexes and key constraints, including the foreign
 * keys of other tables that point at them, read from the catalog so the rebuilt schema is exactly Airflow's.
 */
async function taskInstanceIndexDdl(client: pg.Client): Promise<{ drop: string[]; create: string[] }> {
  const { rows } = await client.query<{ kind: string; drop_sql: string; create_sql: string }>(`
    SELECT 'fk' AS kind, format('ALTER TABLE %s DROP CONSTRAINT %I', c.conrelid::regclass, c.conname) AS drop_sql,
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', c.conrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) AS create_sql
    FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = 'task_instance'::regclass
    UNION ALL
    SELECT 'key', format('ALTER TABLE task_instance DROP CONSTRAINT %I', c.conname),
           format('ALTER TABLE task_instance ADD CONSTRAINT %I %s', c.conname, pg_get_constraintdef(c.oid))
    FROM pg_constraint c WHERE c.conrelid = 'task_instance'::regclass AND c.contype IN ('p', 'u')
    UNION ALL
    SELECT 'index', format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = 'task_instance'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)`);
  const order = ['fk', 'key', 'index'];
  const sorted = rows.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  return { drop: sorted.map((r) => r.drop_sql), create: sorted.map((r) => r.create_sql).reverse() };
}

/** Fills `dbUrl` (a freshly migrated, empty Airflow DB) with the plan's history relative to `now`. */
export async function generateHistory(
  dbUrl: string,
  plan: SizePlan,
  now: Date,
  log: (line: string) => void = () => {},
): Promise<GeneratedCounts> {
  const started = Date.now();
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  const step = async (label: string, sql: string) => {
    const t0 = Date.now();
    await client.query(sql);
    log(`  generate ${plan.name}: ${label} ${Date.now() - t0} ms`);
  };
  try {
    await step(
      'catalog',
      `SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '512MB'; SET session_replication_role = replica; SELECT setseed(0.42);
      CREATE TEMP TABLE bench_dag (dag_id text PRIMARY KEY, idx int NOT NULL, version_id uuid);
      CREATE TEMP TABLE bench_task (dag_id text, task_id text, ord int, stages int, width int, pool text);
      ${catalogSql(plan)}
      INSERT INTO dag_bundle (name, active) VALUES ('dags-folder', true) ON CONFLICT DO NOTHING;
      INSERT INTO slot_pool (pool, slots, description, include_deferred)
        SELECT name, 16, 'bench', false FROM unnest(ARRAY['${BENCH_POOLS.join("','")}']) AS name;
      INSERT INTO dag (dag_id, is_paused, is_stale, bundle_name, fileloc, relative_fileloc, owners, timetable_type,
                       timetable_summary, partition_mapper_info, max_active_tasks, max_active_runs,
                       max_consecutive_failed_dag_runs, has_task_concurrency_limits, last_parsed_time)
        SELECT dag_id, idx % 97 = 50, false, 'dags-folder', '/bench/' || dag_id || '.py', dag_id || '.py', 'airflow',
               'cron', '*/5 * * * *', '{}'::json, 16, 16, 0, false, now()
        FROM bench_dag;
      INSERT INTO dag_tag (name, dag_id) SELECT tag, dag_id FROM bench_dag, unnest(ARRAY['capstone', 'bench']) AS tag;`,
    );
    const at = `'${now.toISOString()}'::timestamptz`;
    await writeSerializedDags(client, plan);
    log(`  generate ${plan.name}: serialized DAGs written`);
    await step('runs', runsSql(plan, at));
    // Loading into an indexed table costs ~1 s per index per 200k rows (random uuid keys, libc collation);
    // dropping the indexes and building them after the load is 5-10x faster and leaves the same schema.
    const ddl = await taskInstanceIndexDdl(client);
    await step('drop task_instance indexes', ddl.drop.join(';\n'));
    await step('task instances', taskInstancesSql(at));
    await step('rebuild task_instance indexes', ddl.create.join(';\n'));
    await step(
      'jobs',
      `INSERT INTO job (job_type, state, start_date, latest_heartbeat, hostname)
       VALUES ('SchedulerJob', 'running', ${at} - interval '1 day', ${at} - interval '2 seconds', 'bench'),
              ('TriggererJob', 'running', ${at} - interval '1 day', ${at} - interval '5 seconds', 'bench'),
              ('DagProcessorJob', 'running', ${at} - interval '1 day', ${at} - interval '3 seconds', 'bench')`,
    );
    // A real metadata DB is vacuumed and analysed by autovacuum; without this the first poll would pay for
    // hint bits and plan on empty-table statistics.
    await step('vacuum', 'VACUUM (ANALYZE) dag_run, task_instance, dag, dag_tag, slot_pool, job');
    const { rows } = await client.query<{ dags: number; runs: number; tis: number; window_tis: number }>(
      `SELECT (SELECT count(*)::int FROM dag) AS dags, (SELECT count(*)::int FROM dag_run) AS runs,
              (SELECT count(*)::int FROM task_instance) AS tis,
              (SELECT count(*)::int FROM task_instance WHERE start_date >= ${at} - interval '1 hour') AS window_tis`,
    );
    const counts = rows[0]!;
    return {
      dags: counts.dags,
      runs: counts.runs,
      taskInstances: counts.tis,
      windowTaskInstances: counts.window_tis,
      ms: Date.now() - started,
    };
  } finally {
    await client.end();
  }
}
