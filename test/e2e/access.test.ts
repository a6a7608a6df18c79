// Given the real Airflow's SimpleAuthManager users, when airtop runs as a viewer it shows every pane but the
// Variable-based ones and says why; with a wrong password it exits 3 and names the credentials to fix.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../source/report/types.js';
import { AirflowApi } from './support/api.js';
import { cliEnv, onceJson, runCli, writeConfig } from './support/cli.js';
import { expectFigures, SECONDS_TOLERANCE } from './support/compare.js';
import { CAPSTONE_DAGS, harness } from './support/context.js';
import { oracle, type OracleFigures } from './support/oracle.js';

describe('airtop as the viewer user', () => {
  let result: { code: number | null; report: Report; stderr: string };
  let truth: OracleFigures;

  beforeAll(async () => {
    await AirflowApi.as('admin').waitQuiet();
    const h = harness();
    const env = cliEnv({ AIRFLOW_USERNAME: h.users.viewer.username, AIRFLOW_PASSWORD: h.users.viewer.password });
    result = await onceJson<Report>(['--url', h.url, '--config', writeConfig({})], env);
    truth = await oracle(h.dbUrl, new Date(result.report.timestamp));
  }, 600_000);

  it('still reports: the exit code is a health verdict, not "unknown"', () => {
    expect([0, 1, 2], `stderr:\n${result.stderr}`).toContain(result.code);
    expect(result.report.airflow.stale).toBe(false);
  });

  it('says plainly that Variables need the Op role', () => {
    const variables = result.report.issues.filter((i) => i.scope === 'variables');
    expect(variables.length, JSON.stringify(result.report.issues)).toBeGreaterThan(0);
    expect(variables.map((i) => i.message).join('\n')).toMatch(/403[\s\S]*Op role/);
  });

  it('shows the Variable-based sections with the problem instead of numbers from nowhere', () => {
    for (const [section, problems] of [
      ['processing', result.report.processing.problems],
      ['costs', result.report.costs.problems],
      ['quality', result.report.quality.problems],
    ] as const) {
      expect(problems.join('\n'), `${section}.problems`).toMatch(/403/);
    }
    expect(result.report.quality.status).toBe('no_data');
  });

  it('keeps the panes a viewer may read: pipeline, tasks and pools equal SQL', () => {
    for (const dagId of CAPSTONE_DAGS) {
      const { baseline_samples: _n, ...expected } = truth.dags[dagId]!;
      expectFigures(
        result.report.pipeline.dags[dagId] as unknown as Record<string, unknown>,
        expected,
        `pipeline.dags.${dagId}`,
        {
          avg_duration_seconds: SECONDS_TOLERANCE,
          p95_duration_seconds: SECONDS_TOLERANCE,
          baseline_avg_duration_seconds: SECONDS_TOLERANCE,
        },
      );
    }
    for (const [key, expected] of Object.entries(truth.tasks)) {
      expectFigures(
        result.report.tasks.task_stats[key] as unknown as Record<string, unknown>,
        { ...expected },
        `tasks.task_stats.${key}`,
        {
          avg_duration: SECONDS_TOLERANCE,
          max_duration: SECONDS_TOLERANCE,
        },
      );
    }
    for (const [pool, expected] of Object.entries(truth.pools)) {
      expectFigures(
        result.report.resources.pools[pool] as unknown as Record<string, unknown>,
        { ...expected },
        `resources.pools.${pool}`,
      );
    }
  });
});

describe('airtop with a wrong password', () => {
  it('exits 3 and names the credentials to check, without printing the password', async () => {
    const h = harness();
    const env = cliEnv({ AIRFLOW_USERNAME: 'admin', AIRFLOW_PASSWORD: 'not-the-password' });
    const result = await runCli(['--url', h.url, '--once', '--json', '--config', writeConfig({})], env);
    expect(result.code).toBe(3);
    // Airflow 2.11 refuses a wrong password with 403, as it refuses a missing permission.
    expect(result.stderr).toMatch(h.major === 2 ? /403/ : /401/);
    expect(result.stderr).toMatch(/AIRFLOW_USERNAME|AIRFLOW_PASSWORD|credentials/);
    // Airflow 3 refuses the password at /auth/token; Airflow 2 (HTTP Basic) at the first /api/v1 request.
    expect(result.stderr).toContain(h.major === 2 ? `${h.url}/api/v1/` : `${h.url}/auth/token`);
    expect(result.stderr + result.stdout).not.toContain('not-the-password');
  });
});
