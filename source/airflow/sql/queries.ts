// The SQL behind one poll: six read-only aggregate queries over Airflow 3's metadata schema.
// dag_run and task_instance have no index on start_date/end_date/updated_at; dag_run.run_after is indexed
// (idx_dag_run_run_after), queued/running runs have partial indexes, and task_instance is indexed by
// (dag_id, run_id). So task_instance is read through the runs it belongs to, except by the window's task
// aggregate, which scans when that is cheaper (chooseTaskRead in poll.ts).

/** Task instance states after which nothing more happens; anything else, NULL included, is unfinished. */
export const FINISHED_TI_STATES = ['success', 'failed', 'skipped', 'upstream_failed', 'removed'];
/** Runs per DAG in the snapshot (a 5-minute schedule has 12 in the hour). */
export const RUNS_PER_DAG = 25;
/** Runs in the snapshot at most (2,000 DAGs on 5-minute schedules have 24,000 in the hour): unfinished first, then the newest. */
export const MAX_RUNS = 5_000;
/** Task instances in the snapshot at most; those of queued/running runs first, then of the newest runs. */
export const MAX_TASK_INSTANCES = 5_000;

/**
 * $1 ids, $2 regexes (anchored POSIX), $3 job types, $4 since. One row: the DAG list, alembic revision, jobs,
 * pools, and what chooseTaskRead needs, so the task aggregate can start right after this query.
 */
export const META_SQL = `
SELECT
  (SELECT version_num FROM alembic_version LIMIT 1) AS revision,
  -- The planner's row estimate (kept by ANALYZE/autovacuum) and an index-only count of the window's runs.
  (SELECT reltuples::float8 FROM pg_class WHERE oid = 'dag_run'::regclass) AS dag_run_rows,
  (SELECT count(*)::float8 FROM dag_run WHERE run_after >= $4) AS window_run_rows,
  (SELECT coalesce(json_agg(json_build_object(
            'dag_id', d.dag_id, 'is_paused', d.is_paused, 'owners', d.owners,
            'tags', (SELECT coalesce(json_agg(t.name ORDER BY t.name), '[]'::json) FROM dag_tag t WHERE t.dag_id = d.dag_id))
          ORDER BY d.dag_id), '[]'::json)
     FROM dag d
    WHERE NOT d.is_stale AND (d.dag_id = ANY($1::text[]) OR d.dag_id ~ ANY($2::text[]))) AS dags,
  -- Airflow's most_recent_job(): per job type, a running job first, then the latest heartbeat.
  (SELECT coalesce(json_agg(j), '[]'::json) FROM (
     SELECT DISTINCT ON (job_type) job_type, state, latest_heartbeat
       FROM job WHERE job_type = ANY($3::text[])
      ORDER BY job_type, (state = 'running') DESC, latest_heartbeat DESC NULLS LAST) j) AS jobs,
  -- Pool.slots_stats(): slots summed per pool and state over the states that can hold a slot; in id order,
  -- as GET /api/v2/pools lists them.
  (SELECT coalesce(json_agg(p ORDER BY p.id), '[]'::json) FROM (
     SELECT sp.id, sp.pool, sp.slots, sp.include_deferred,
            coalesce(o.running, 0) AS running, coalesce(o.queued, 0) AS queued,
            coalesce(o.scheduled, 0) AS scheduled, coalesce(o.deferred, 0) AS deferred
       FROM slot_pool sp
       LEFT JOIN (
         SELECT pool,
                sum(pool_slots) FILTER (WHERE state = 'running')::int AS running,
                sum(pool_slots) FILTER (WHERE state = 'queued')::int AS queued,
                sum(pool_slots) FILTER (WHERE state = 'scheduled')::int AS scheduled,
                sum(pool_slots) FILTER (WHERE state = 'deferred')::int AS deferred
           FROM task_instance
          WHERE state IN ('running', 'queued', 'scheduled', 'deferred')
          GROUP BY pool) o ON o.pool = sp.pool) p) AS pools`;

/**
 * $1 dag ids, $2 since. collect_pipeline_metrics over runs whose run_after (Airflow 2's execution_date) is
 * in the window: counts by state, mean and p95 (linear interpolation, as numpy) of end − start of the
 * successful runs that have both dates; 0 when there are none.
 */
export const WINDOW_DAGS_SQL = `
SELECT dag_id,
       count(*)::int AS runs,
       count(*) FILTER (WHERE state = 'success')::int AS success,
       count(*) FILTER (WHERE state = 'failed')::int AS failed,
       count(*) FILTER (WHERE state = 'running')::int AS running,
       count(*) FILTER (WHERE state = 'queued')::int AS queued,
       coalesce(avg(seconds) FILTER (WHERE state = 'success' AND seconds >= 0), 0)::float8 AS avg_seconds,
       coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY seconds) FILTER (WHERE state = 'success' AND seconds >= 0), 0)::float8 AS p95_seconds
  FROM (SELECT dag_id, state, date_part('epoch', end_date - start_date) AS seconds
          FROM dag_run
         WHERE dag_id = ANY($1::text[]) AND run_after >= $2) r
 GROUP BY dag_id`;

/**
 * Runs that can own a task instance started since $2: created within the baseline window ($3, indexed) or
 * still queued/running (partial indexes), and not finished before $2. A run older than the baseline window
 * that was cleared and finished again inside the window is the one case this misses.
 */
const ACTIVE_RUNS = `
  SELECT dag_id, run_id FROM dag_run
   WHERE dag_id = ANY($1::text[])
     AND (run_after >= $3 OR state IN ('queued', 'running'))
     AND (end_date IS NULL OR end_date >= $2)`;

// One pass per row, the least work per row: the success span is computed once, as an interval, and
// averaged as one (exact: a timestamp difference has no months); seconds are taken once per group.
const WINDOW_TASKS_COLUMNS = `
SELECT dag_id, task_id,
       count(*)::int AS total,
       count(*) FILTER (WHERE ok)::int AS success,
       count(*) FILTER (WHERE state = 'failed')::int AS failed,
       coalesce(sum(try_number - 1) FILTER (WHERE try_number > 1), 0)::int AS retries,
       coalesce(date_part('epoch', avg(ok_span)), 0) AS avg_seconds,
       coalesce(date_part('epoch', max(ok_span)), 0) AS max_seconds`;

const TASK_FIELDS = `ti.dag_id, ti.task_id, ti.state, ti.try_number, ti.state = 'success' AS ok,
       CASE WHEN ti.state = 'success' AND ti.end_date >= ti.start_date THEN ti.end_date - ti.start_date END AS ok_span`;

/**
 * collect_task_metrics over task instances started in the window, keyed dag.task: counts, retries =
 * Σ(try_number − 1) over try_number > 1, mean and max of end − start of the successful ones (0 when none).
 * Two ways to find them, same rows (see chooseTaskRead):
 * - scan ($1 dag ids, $2 since): filter task_instance directly; a sequential scan, best when the window
 *   holds a good share of the table (measured: 0.65 s against 3-4 s through the runs at 1M of 1.6M rows);
 * - through runs ($1, $2, $3 baseline since): index lookups per active run, best on a long history.
 */
export const WINDOW_TASKS_SCAN_SQL = `${WINDOW_TASKS_COLUMNS}
  FROM (SELECT ${TASK_FIELDS} FROM task_instance ti
         WHERE ti.dag_id = ANY($1::text[]) AND ti.start_date >= $2) t
 GROUP BY dag_id, task_id`;

export const WINDOW_TASKS_VIA_RUNS_SQL = `${WINDOW_TASKS_COLUMNS}
  FROM (SELECT ${TASK_FIELDS}
          FROM (${ACTIVE_RUNS}) r
          JOIN task_instance ti ON ti.dag_id = r.dag_id AND ti.run_id = r.run_id
         WHERE ti.start_date >= $2) t
 GROUP BY dag_id, task_id`;

/**
 * $1 dag ids, $2 baseline since, $3 samples. Durations of the newest $3 successful runs per DAG and task
 * instances per dag.task created in the baseline window, newest first: one row per key with parallel
 * arrays (seconds, the time the window is measured on, and an identity so later merges do not count a
 * sample twice). Partitions sort with the "C" collation: byte order is all the grouping needs, and it is
 * cheaper than a locale's (the same change took the recent-runs query from 285 to 165 ms at size L).
 */
export const BASELINE_SQL = `
WITH runs AS (
  SELECT dag_id, run_id, run_after, state, start_date, end_date
    FROM dag_run WHERE dag_id = ANY($1::text[]) AND run_after >= $2
), dag_samples AS (
  SELECT dag_id, run_id, run_after AS at, date_part('epoch', end_date - start_date) AS seconds,
         row_number() OVER (PARTITION BY dag_id COLLATE "C" ORDER BY run_after DESC, run_id COLLATE "C" DESC) AS n
    FROM runs WHERE state = 'success' AND start_date IS NOT NULL AND end_date >= start_date
), task_samples AS (
  SELECT ti.dag_id, ti.task_id, ti.run_id, ti.map_index, ti.start_date AS at,
         date_part('epoch', ti.end_date - ti.start_date) AS seconds,
         row_number() OVER (PARTITION BY ti.dag_id COLLATE "C", ti.task_id COLLATE "C"
                            ORDER BY ti.start_date DESC, ti.run_id COLLATE "C" DESC, ti.map_index DESC) AS n
    FROM runs r JOIN task_instance ti ON ti.dag_id = r.dag_id AND ti.run_id = r.run_id
   WHERE ti.state = 'success' AND ti.start_date >= $2 AND ti.end_date >= ti.start_date
)
SELECT dag_id, NULL::text AS task_id, array_agg(seconds ORDER BY n) AS seconds, array_agg(floor(date_part('epoch', at) * 1000) ORDER BY n) AS ats,
       array_agg(run_id ORDER BY n) AS run_ids, NULL::int[] AS map_indexes
  FROM dag_samples WHERE n <= $3 GROUP BY dag_id
UNION ALL
SELECT dag_id, task_id, array_agg(seconds ORDER BY n), array_agg(floor(date_part('epoch', at) * 1000) ORDER BY n), array_agg(run_id ORDER BY n),
       array_agg(map_index ORDER BY n)
  FROM task_samples WHERE n <= $3 GROUP BY dag_id, task_id`;

const RUN_COLUMNS = 'dag_id, run_id, state, run_type, queued_at, start_date, end_date, run_after, logical_date';

/** Runs in the window ($2) or still queued/running, newest first, at most $3 per DAG. */
const RECENT_RUNS = `
  SELECT ${RUN_COLUMNS} FROM (
    SELECT ${RUN_COLUMNS}, row_number() OVER (PARTITION BY dag_id COLLATE "C" ORDER BY run_after DESC, id DESC) AS n
      FROM dag_run
     WHERE dag_id = ANY($1::text[]) AND (run_after >= $2 OR state IN ('queued', 'running'))) ranked
   WHERE n <= $3`;

/** $1 dag ids, $2 since, $3 runs per DAG, $4 limit. */
export const RECENT_RUNS_SQL = `${RECENT_RUNS} ORDER BY (state IN ('queued', 'running')) DESC, run_after DESC, dag_id COLLATE "C" LIMIT $4`;

const TI_COLUMNS = `ti.dag_id, ti.run_id, ti.task_id, ti.map_index, ti.state, ti.try_number, ti.max_tries, ti.start_date,
  ti.end_date, ti.duration, ti.pool, ti.pool_slots, ti.queue, ti.operator, ti.queued_dttm`;

/**
 * $1 dag ids, $2 since, $3 runs per DAG, $4 finished states, $5 limit. Task instances of the recent runs
 * that started in the window or are unfinished. Runs are visited queued/running first, then newest first,
 * and the nested loop stops at $5 rows, so a huge window costs no more than the rows it returns.
 */
export const CURRENT_TASK_INSTANCES_SQL = `
SELECT ${TI_COLUMNS}
  FROM (SELECT dag_id, run_id FROM (${RECENT_RUNS}) recent
         ORDER BY (state IN ('queued', 'running')) DESC, run_after DESC, dag_id COLLATE "C", run_id COLLATE "C") r
 CROSS JOIN LATERAL (
   SELECT * FROM task_instance t
    WHERE t.dag_id = r.dag_id AND t.run_id = r.run_id
      AND (t.start_date >= $2 OR t.state IS NULL OR t.state <> ALL($4::text[]))
    ORDER BY (t.state IS NULL OR t.state <> ALL($4::text[])) DESC, t.start_date DESC NULLS FIRST, t.task_id, t.map_index
    -- OFFSET 0 keeps this a per-run lookup in run order (no flattening into a hash join), so LIMIT stops early.
   OFFSET 0) ti
 LIMIT $5`;

/** $1 dag id, $2 limit. The drill-down's run list. */
export const DAG_RUNS_SQL = `SELECT ${RUN_COLUMNS} FROM dag_run WHERE dag_id = $1 ORDER BY run_after DESC, id DESC LIMIT $2`;

/** $1 dag id, $2 run id. */
export const RUN_TASK_INSTANCES_SQL = `
SELECT ${TI_COLUMNS} FROM task_instance ti
 WHERE ti.dag_id = $1 AND ti.run_id = $2
 ORDER BY ti.start_date NULLS LAST, ti.task_id, ti.map_index`;
