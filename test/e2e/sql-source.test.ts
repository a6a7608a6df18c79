// Given the same Airflow, when airtop reads its metadata DB (`--source sql --db URL`) instead of the REST API,
// then the pipeline, task and pool figures are the same as over REST, and equal SQL computed independently.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import { AirflowApi } from './support/api.js';
import { cliEnv, onceJson, writeConfig } from './support/cli.js';
import { expectFigures, SECONDS_TOLERANCE, sortedKeys } from './support/compare.js';
import { CAPSTONE_DAGS, harness } from './support/context.js';
import { oracle, type OracleFigures } from './support/oracle.js';

const DURATIONS = {
  avg_duration_seconds: SECONDS_TOLERANCE,
  p95_duration_seconds: SECONDS_TOLERANCE,
  baseline_avg_duration_seconds: SECONDS_TOLERANCE,
  avg_duration: SECONDS_TOLERANCE,
  max_duration: SECONDS_TOLERANCE,
};

describe('airtop --source sql against the real metadata DB', () => {
  const api = AirflowApi.as('admin');
  let rest: { code: number | null; report: Report; stderr: string };
  let sql: { code: number | null; report: Report; stderr: string };
  let truth: OracleFigures;

  beforeAll(async () => {
    await api.waitQuiet();
    // Something in the window whatever ran before: a clean run per DAG, and one failing task.
    const refs = await Promise.all([
      api.trigger('capstone_ingestion_pipeline', { fail: ['download_documents'] }),
      api.trigger('capstone_processing_pipeline', {}),
      api.trigger('capstone_vector_store_pipeline', { flaky: ['upsert_vectors'] }),
    ]);
    await api.waitForRuns(refs);
    const h = harness();
    const config = writeConfig({});
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.admin.username, AIRFLOW_PASSWORD: h.users.admin.password });
    rest = await onceJson<Report>(['--url', h.url, '--config', config], env);
    sql = await onceJson<Report>(['--source', 'sql', '--db', h.dbUrl, '--config', config], env);
    truth = await oracle(h.dbUrl, new Date(sql.report.timestamp));
  }, 600_000);

  it('runs and reports from the DB', () => {
    expect(sql.code, `exit code; stderr:\n${sql.stderr}`).not.toBe(3);
    expect(sql.report.airflow?.api).toBe('sql');
  });

  it('pipeline figures equal SQL and the REST source', () => {
    expect(sortedKeys(sql.report.pipeline.dags)).toEqual([...CAPSTONE_DAGS].sort());
    for (const dagId of CAPSTONE_DAGS) {
      const { baseline_samples: _n, ...expected } = truth.dags[dagId]!;
      expectFigures(
        sql.report.pipeline.dags[dagId] as unknown as Record<string, unknown>,
        expected,
        `sql pipeline.dags.${dagId}`,
        DURATIONS,
      );
      expectFigures(
        sql.report.pipeline.dags[dagId] as unknown as Record<string, unknown>,
        { ...rest.report.pipeline.dags[dagId] },
        `sql vs rest pipeline.dags.${dagId}`,
        DURATIONS,
      );
    }
  });

  it('task figures equal SQL and the REST source', () => {
    expect(sortedKeys(sql.report.tasks.task_stats)).toEqual(sortedKeys(truth.tasks));
    expect(sortedKeys(sql.report.tasks.task_stats)).toEqual(sortedKeys(rest.report.tasks.task_stats));
    for (const [key, expected] of Object.entries(truth.tasks)) {
      expectFigures(
        sql.report.tasks.task_stats[key] as unknown as Record<string, unknown>,
        { ...expected },
        `sql tasks.task_stats.${key}`,
        DURATIONS,
      );
      expectFigures(
        sql.report.tasks.task_stats[key] as unknown as Record<string, unknown>,
        { ...rest.report.tasks.task_stats[key] },
        `sql vs rest tasks.task_stats.${key}`,
        DURATIONS,
      );
    }
  });

  it('pool figures equal SQL and the REST source', () => {
    expect(sortedKeys(sql.report.resources.pools)).toEqual(sortedKeys(truth.pools));
    for (const [pool, expected] of Object.entries(truth.pools)) {
      expectFigures(
        sql.report.resources.pools[pool] as unknown as Record<string, unknown>,
        { ...expected },
        `sql resources.pools.${pool}`,
      );
      expectFigures(
        sql.report.resources.pools[pool] as unknown as Record<string, unknown>,
        { ...rest.report.resources.pools[pool] },
        `sql vs rest resources.pools.${pool}`,
      );
    }
  });

  it('fires the same thresholds as the REST source', () => {
    const keys = (r: Report) =>
      [...r.thresholds.violations, ...r.thresholds.warnings]
        .map((f) => `${f.type}:${f.dag_id ?? f.pool ?? f.task}`)
        .sort();
    expect(keys(sql.report)).toEqual(keys(rest.report));
  });
});
