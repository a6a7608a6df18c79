import { describe, expect, it } from 'vitest';
import { configFile, runAirtop } from '../helpers/cli.js';

// The built binary, as a user runs it (npm test builds dist/ first): exit codes, messages, the JSON report.

describe('airtop command line', () => {
  it('with no Airflow configured exits 3 and says how to point it at one or try the demo', async () => {
    const run = await runAirtop(['--once']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no Airflow to watch');
    expect(run.stderr).toContain('--url');
    expect(run.stderr).toContain('airtop --demo');
  });

  it('exits 3 naming the file and key for a bad config key', async () => {
    const file = configFile('airflow:\n  url: http://127.0.0.1:1\nthreshold:\n  success_rate_critical: 0.5\n');
    const run = await runAirtop(['--once', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('unknown key threshold; allowed here:');
  });

  it('exits 3 with a JSON "unknown" report when Airflow cannot be reached, and never prints the password', async () => {
    const run = await runAirtop(['--once', '--json', '--url', 'http://127.0.0.1:1'], {
      AIRFLOW_USERNAME: 'u',
      AIRFLOW_PASSWORD: 'hunter2-secret',
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/cannot reach Airflow at http:\/\/127\.0\.0\.1:1/);
    const report = JSON.parse(run.stdout) as { summary: { overall: string }; error: string };
    expect(report.summary.overall).toBe('unknown');
    expect(run.stdout + run.stderr).not.toContain('hunter2-secret');
  });

  it('--demo --once --json reports the demo scenario and exits by its status', async () => {
    const run = await runAirtop(['--demo', '--once', '--json']);
    const report = JSON.parse(run.stdout) as {
      airflow: { version: string; api: string; stale: boolean };
      pipeline: { dags: Record<string, { runs_last_hour: number; failed_count: number; success_rate: number }> };
      resources: { pools: Record<string, { total_slots: number; utilization: number }> };
      thresholds: { violations: { type: string; dag_id?: string; pool?: string }[] };
      summary: { overall: string; health_score: number };
    };
    expect(report.airflow).toMatchObject({ version: '3.3.2', api: 'v2', stale: false });
    // The scenario's DAGs: the reference's three and the extras, all selected in demo mode.
    expect(Object.keys(report.pipeline.dags)).toEqual(
      expect.arrayContaining([
        'capstone_ingestion_pipeline',
        'capstone_processing_pipeline',
        'capstone_vector_store_pipeline',
        'ml_feature_refresh',
      ]),
    );
    expect(report.pipeline.dags.capstone_ingestion_pipeline!.runs_last_hour).toBeGreaterThan(0);
    // The scenario's saturated pool: embedding_pool has 4 slots, all busy in the background load.
    expect(report.resources.pools.embedding_pool).toMatchObject({ total_slots: 4, utilization: 1 });
    expect(report.thresholds.violations).toContainEqual(
      expect.objectContaining({ type: 'pool_utilization_critical', pool: 'embedding_pool' }),
    );
    const expected = { healthy: 0, warning: 1, critical: 2 }[report.summary.overall];
    expect(run.code).toBe(expected);
    expect(JSON.stringify(report)).not.toMatch(/NaN|Infinity/);
  });
});
