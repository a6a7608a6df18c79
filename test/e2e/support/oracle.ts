// The figures airtop should report, computed independently by SQL on the metadata DB, the way the reference's
// monitoring DAG does (runs windowed by run_after, task instances by start_date, durations end - start,
// retries = sum(try_number - 1) where try_number > 1, pool slots as Airflow's Pool.slots_stats).
import pg from 'pg';
import { CAPSTONE_DAGS } from './context.js';

export interface DagFigures {
  runs_last_hour: number;
  success_count: number;
  failed_count: number;
  running_count: number;
  success_rate: number;
  avg_duration_seconds: number;
  p95_duration_seconds: number;
  baseline_avg_duration_seconds: number | null;
  baseline_samples: number;
}

export interface TaskFigures {
  total: number;
  success: number;
  failed: number;
  retries: number;
  avg_duration: number;
  max_duration: number;
}

export interface PoolFigures {
  total_slots: number;
  open_slots: number;
  used_slots: number;
  queued_slots: number;
  utilization: number;
}

export interface RunRow {
  dag_id: string;
  run_id: string;
  state: string;
  run_after: number;
  start: number | null;
  end: number | null;
}

export interface TiRow {
  dag_id: string;
  run_id: string;
  task_id: string;
  state: string | null;
  try_number: number;
  pool: string;
  start: number | null;
  end: number | null;
}

export interface OracleFigures {
  since: Date;
  dags: Record<string, DagFigures>;
  tasks: Record<string, TaskFigures>;
  pools: Record<string, PoolFigures>;
  /** Runs in the window or unfinished, and their task instances that started in the window or belong to an unfinished run. */
  runs: RunRow[];
  taskInstances: TiRow[];
}

export interface OracleOptions {
  recentSeconds?: number;
  baselineSeconds?: number;
  baselineSamples?: number;
  dagIds?: string[];
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export async function withDb<T>(dbUrl: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

export async function oracle(dbUrl: string, now: Date, options: OracleOptions = {}): Promise<OracleFigures> {
  const dagIds = options.dagIds ?? CAPSTONE_DAGS;
  const since = new Date(now.getTime() - (options.recentSeconds ?? 3600) * 1000);
  const baselineSince = new Date(now.getTime() - (options.baselineSeconds ?? 7 * 86400) * 1000);
  const cap = options.baselineSamples ?? 50;
  return withDb(dbUrl, async (db) => {
    // Airflow 2's dag_run has no run_after: its runs are windowed on execution_date (asked, not assumed).
    const probe = await db.query(
      `SELECT 1 FROM information_schema.columns WHERE table_name = 'dag_run' AND column_name = 'run_after'`,
    );
    const anchor = probe.rowCount ? 'run_after' : 'execution_date';
    const dags: Record<string, DagFigures> = {};
    for (const dagId of dagIds) {
      const { rows } = await db.query(
        `WITH w AS (
           SELECT state, extract(epoch FROM end_date - start_date)::float8 AS d
           FROM dag_run WHERE dag_id = $1 AND ${anchor} >= $2)
         SELECT count(*)::int AS runs,
                count(*) FILTER (WHERE state = 'success')::int AS success,
                count(*) FILTER (WHERE state = 'failed')::int AS failed,
                count(*) FILTER (WHERE state = 'running')::int AS running,
                coalesce(avg(d) FILTER (WHERE state = 'success'), 0)::float8 AS avg,
                coalesce(percentile_cont(0.95) WITHIN GROUP (ORDER BY d) FILTER (WHERE state = 'success'), 0)::float8 AS p95
         FROM w`,
        [dagId, since],
      );
      const base = await db.query(
        `SELECT count(*)::int AS n, avg(d)::float8 AS avg FROM (
           SELECT extract(epoch FROM end_date - start_date)::float8 AS d FROM dag_run
           WHERE dag_id = $1 AND state = 'success' AND ${anchor} >= $2 AND start_date IS NOT NULL AND end_date IS NOT NULL
           ORDER BY ${anchor} DESC LIMIT $3) s`,
        [dagId, baselineSince, cap],
      );
      const r = rows[0];
      const runs = num(r.runs);
      dags[dagId] = {
        runs_last_hour: runs,
        success_count: num(r.success),
        failed_count: num(r.failed),
        running_count: num(r.running),
        // airtop's rate is over finished runs (README: where airtop differs from the reference).
        success_rate: num(r.success) + num(r.failed) > 0 ? num(r.success) / (num(r.success) + num(r.failed)) : 1.0,
        avg_duration_seconds: num(r.avg),
        p95_duration_seconds: num(r.p95),
        baseline_avg_duration_seconds: num(base.rows[0].n) > 0 ? num(base.rows[0].avg) : null,
        baseline_samples: num(base.rows[0].n),
      };
    }

    const tasks: Record<string, TaskFigures> = {};
    const taskRows = await db.query(
      `SELECT dag_id, task_id, count(*)::int AS total,
              count(*) FILTER (WHERE state = 'success')::int AS success,
              count(*) FILTER (WHERE state = 'failed')::int AS failed,
              coalesce(sum(try_number - 1) FILTER (WHERE try_number > 1), 0)::int AS retries,
              coalesce(avg(extract(epoch FROM end_date - start_date)) FILTER (WHERE state = 'success' AND end_date IS NOT NULL), 0)::float8 AS avg,
              coalesce(max(extract(epoch FROM end_date - start_date)) FILTER (WHERE state = 'success' AND end_date IS NOT NULL), 0)::float8 AS max
       FROM task_instance WHERE dag_id = ANY($1) AND start_date >= $2
       GROUP BY dag_id, task_id`,
      [dagIds, since],
    );
    for (const r of taskRows.rows) {
      tasks[`${r.dag_id}.${r.task_id}`] = {
        total: num(r.total),
        success: num(r.success),
        failed: num(r.failed),
        retries: num(r.retries),
        avg_duration: num(r.avg),
        max_duration: num(r.max),
      };
    }

    const pools: Record<string, PoolFigures> = {};
    const poolRows = await db.query(
      `SELECT p.pool, p.slots, p.include_deferred,
              coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'running'), 0)::int AS running,
              coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'queued'), 0)::int AS queued,
              coalesce(sum(ti.pool_slots) FILTER (WHERE ti.state = 'deferred'), 0)::int AS deferred
       FROM slot_pool p LEFT JOIN task_instance ti ON ti.pool = p.pool
       GROUP BY p.pool, p.slots, p.include_deferred`,
    );
    for (const r of poolRows.rows) {
      const slots = num(r.slots);
      const used = num(r.running) + num(r.queued) + (r.include_deferred ? num(r.deferred) : 0);
      pools[r.pool] = {
        total_slots: slots,
        open_slots: slots === -1 ? -1 : slots - used,
        used_slots: used,
        queued_slots: num(r.queued),
        utilization: slots > 0 ? used / slots : 0,
      };
    }

    const epoch = (col: string) => `extract(epoch FROM ${col})::float8`;
    const runRows = await db.query(
      `SELECT dag_id, run_id, state, ${epoch(anchor)} AS run_after, ${epoch('start_date')} AS start, ${epoch('end_date')} AS "end"
       FROM dag_run WHERE dag_id = ANY($1) AND (${anchor} >= $2 OR state IN ('queued', 'running'))`,
      [dagIds, since],
    );
    const tiRows = await db.query(
      `SELECT ti.dag_id, ti.run_id, ti.task_id, ti.state, ti.try_number, ti.pool, ${epoch('ti.start_date')} AS start, ${epoch('ti.end_date')} AS "end"
       FROM task_instance ti JOIN dag_run dr ON dr.dag_id = ti.dag_id AND dr.run_id = ti.run_id
       WHERE ti.dag_id = ANY($1) AND (ti.start_date >= $2 OR dr.state IN ('queued', 'running'))`,
      [dagIds, since],
    );
    const seconds = (v: unknown) => (v === null ? null : Number(v));
    return {
      since,
      dags,
      tasks,
      pools,
      runs: runRows.rows.map((r) => ({
        ...r,
        run_after: Number(r.run_after),
        start: seconds(r.start),
        end: seconds(r.end),
      })),
      taskInstances: tiRows.rows.map((r) => ({
        ...r,
        try_number: Number(r.try_number),
        start: seconds(r.start),
        end: seconds(r.end),
      })),
    };
  });
}

/** Task instances by state in one pool (running, queued, scheduled...), to wait for contention. */
export async function poolStates(dbUrl: string, pool: string): Promise<Record<string, number>> {
  return withDb(dbUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT coalesce(state, 'none') AS state, count(*)::int AS n FROM task_instance WHERE pool = $1 GROUP BY 1`,
      [pool],
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  });
}
