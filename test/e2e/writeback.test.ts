// Given airtop running headless as the op user with the airflow_variables sink on, then the real Airflow's
// Variables hold the reports in the reference's shapes, so `airflow variables get capstone_quality_report`
// keeps working with airtop doing the monitoring.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AirflowApi } from './support/api.js';
import { cliEnv, RunningCli, runCli, writeConfig } from './support/cli.js';
import { harness } from './support/context.js';
import { notYet, waitFor } from './support/wait.js';

const admin = () => AirflowApi.as('admin');

async function variableJson(key: string): Promise<Record<string, unknown> | null> {
  const { status, body } = await admin().request('GET', `${admin().prefix}/variables/${key}`);
  if (status !== 200) return null;
  return JSON.parse((body as { value: string }).value) as Record<string, unknown>;
}

describe('write-back of the reference Variables (headless, op user)', () => {
  let cli: RunningCli;
  const env = () =>
    cliEnv({ AIRFLOW_USERNAME: harness().users.op.username, AIRFLOW_PASSWORD: harness().users.op.password });
  const config = () => writeConfig({ sinks: { airflow_variables: { enabled: true }, metrics: { enabled: false } } });

  beforeAll(async () => {
    await admin().waitQuiet();
    // Start from nothing, so what the test reads can only have been written by airtop.
    for (const key of ['capstone_quality_report', 'capstone_latest_metrics']) {
      const deleted = await admin().request('DELETE', `${admin().prefix}/variables/${key}`);
      expect([204, 404], `DELETE variable ${key}: ${deleted.status} ${JSON.stringify(deleted.body)}`).toContain(
        deleted.status,
      );
    }
    expect(await variableJson('capstone_quality_report')).toBeNull();
    cli = new RunningCli(['--url', harness().url, '--headless', '--interval', '2', '--config', config()], env());
  }, 120_000);

  afterAll(async () => {
    await cli?.stop();
  }, 120_000);

  it('writes capstone_quality_report and capstone_latest_metrics that match airtop own report', async () => {
    const quality = await waitFor(
      async () => (await variableJson('capstone_quality_report')) ?? notYet(cli.lines.slice(-3).join('\n')),
      {
        timeoutMs: 90_000,
        what: 'capstone_quality_report written by airtop',
      },
    );
    const latest = await waitFor(
      async () => (await variableJson('capstone_latest_metrics')) ?? notYet('capstone_latest_metrics not written yet'),
      {
        timeoutMs: 30_000,
        what: 'capstone_latest_metrics written by airtop',
      },
    );
    // The reference's shapes (generate_quality_report, aggregate_and_store).
    expect(Object.keys(quality)).toEqual(
      expect.arrayContaining(['timestamp', 'overall_score', 'status', 'components', 'issues', 'recommendations']),
    );
    expect(Object.keys(quality.components as object).sort()).toEqual(['embedding', 'extraction', 'llm']);
    expect(Object.keys(latest)).toEqual(
      expect.arrayContaining(['timestamp', 'processing', 'costs', 'quality', 'summary']),
    );
    expect(typeof (latest.summary as { health_score: unknown }).health_score).toBe('number');

    // The same figures airtop reports, computed from the same Variables.
    const once = await runCli(['--url', harness().url, '--once', '--json', '--config', writeConfig({})], env());
    const report = JSON.parse(once.stdout) as { quality: { overall_score: number; status: string } };
    expect(quality.overall_score).toBeCloseTo(report.quality.overall_score, 6);
    expect(quality.status).toBe(report.quality.status);
  }, 200_000);
});
