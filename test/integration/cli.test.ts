import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built binary, as a user runs it (npm test builds dist/ first).
const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function airtop(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const home = mkdtempSync(join(tmpdir(), 'airtop-cli-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_STATE_HOME: join(home, 'state'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('airtop command line', () => {
  it('with no Airflow configured exits 3 and says how to point it at one or try the demo', async () => {
    const run = await airtop(['--once']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('no Airflow to watch');
    expect(run.stderr).toContain('--url');
    expect(run.stderr).toContain('airtop --demo');
  });

  it('exits 3 naming the file and key for a bad config key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'airtop-cfg-'));
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'airflow:\n  url: http://127.0.0.1:1\nthreshold:\n  success_rate_critical: 0.5\n');
    const run = await airtop(['--once', '--config', file]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain('unknown key threshold; allowed here:');
  });

  it('exits 3 with a JSON "unknown" report when Airflow cannot be reached, and never prints the password', async () => {
    const run = await airtop(['--once', '--json', '--url', 'http://127.0.0.1:1'], {
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
    const run = await airtop(['--demo', '--once', '--json']);
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
