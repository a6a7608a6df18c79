// Given a real Airflow 3 where capstone_vector_store_pipeline has run quickly several times, when one run
// takes far longer than its baseline, then airtop --headless shows one group for the DAG with its slow run
// and slow task inhibited by the DAG-level slowness, and a loopback Slack receiver (a route sends this
// DAG's alerts to Slack) gets exactly one message for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertGroupView, AlertView, Report } from '../../source/report/types.js';
import { startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { AirflowApi } from './support/api.js';
import { cliEnv, onceJson, RunningCli, writeConfig } from './support/cli.js';
import { harness } from './support/context.js';
import { notYet, waitFor } from './support/wait.js';

const DAG = 'capstone_vector_store_pipeline';
const SLOW_SECONDS = 40;
const GAP_SECONDS = 40;

describe('a DAG run past its baseline', () => {
  const api = AirflowApi.as('admin');
  let slack: Receiver<Record<string, unknown>>;
  let daemon: RunningCli | null = null;
  let config: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    await api.waitQuiet();
    // A baseline of quick runs, then one that sleeps in generate_embeddings.
    for (let i = 0; i < 5; i++) await api.waitForRuns([await api.trigger(DAG, {})]);
    // A gap, so the window below holds the slow run alone.
    await new Promise((resolve) => setTimeout(resolve, (GAP_SECONDS + 5) * 1000));
    const slowAt = Date.now();
    await api.waitForRuns([await api.trigger(DAG, { sleep: { generate_embeddings: SLOW_SECONDS } })]);
    const recent = Math.ceil((Date.now() - slowAt) / 1000) + GAP_SECONDS;
    slack = await startSlackReceiver();
    const h = harness();
    env = cliEnv({
      AIRFLOW_USERNAME: h.users.admin.username,
      AIRFLOW_PASSWORD: h.users.admin.password,
      SLACK_URL: slack.url,
    });
    config = writeConfig({
      dags: { ids: [DAG] },
      // "The last hour" shrunk to the slow run, so its average stands out against the 7-day baseline.
      // (it stays in it for GAP_SECONDS, long enough for the checks below).
      window: { recent: `${recent}s` },
      sla: { definitions: {} },
      alerts: {
        group_wait: '1s',
        routes: [{ matchers: [`dag_id="${DAG}"`], receivers: ['slack'] }],
      },
      sinks: { slack: { webhook_url_env: 'SLACK_URL' } },
    });
  }, 900_000);

  afterAll(async () => {
    await daemon?.stop();
    await slack?.close();
  });

  it('is one group, run and task alerts inhibited by the DAG-level slowness, and one Slack message', async () => {
    const h = harness();
    const { report } = await onceJson<Report>(['--url', h.url, '--config', config], env);
    const alerts = report.alerts.filter((a) => a.labels.dag_id === DAG && a.state !== 'resolved');
    const byName = (name: string) => alerts.filter((a) => a.labels.alertname === name);
    const source = byName('avg_duration_increase')[0];
    expect(source, JSON.stringify(alerts.map((a) => a.labels))).toBeDefined();
    const runAndTask = [...byName('slow_run'), ...byName('slow_task')];
    expect(runAndTask.length, JSON.stringify(alerts.map((a) => a.labels))).toBeGreaterThanOrEqual(2);
    for (const a of runAndTask) expect(a.inhibited_by, a.labels.alertname).toBe(source!.fingerprint);
    const groups = (report.alert_groups ?? []).filter((g: AlertGroupView) =>
      g.alerts.some((fp) => alerts.some((a: AlertView) => a.fingerprint === fp)),
    );
    expect(groups.map((g) => g.key)).toEqual([`root.0:{dag_id="${DAG}"}`]);
    expect(groups[0]!.receivers).toEqual(['slack']);
    expect(new Set(groups[0]!.alerts)).toEqual(new Set(alerts.map((a) => a.fingerprint)));

    daemon = new RunningCli(
      ['--headless', '--url', h.url, '--config', config, '--interval', '5', '--metrics-listen', '127.0.0.1:0'],
      env,
    );
    await waitFor(async () => (slack.accepted.length > 0 ? true : notYet('no Slack message yet')), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the Slack message',
    });
    // Three more polls: the group has not changed, so nothing more is sent.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    expect(slack.accepted).toHaveLength(1);
    const message = JSON.stringify(slack.accepted[0]);
    expect(message).toContain('avg_duration_increase');
    // The inhibited alerts are not in it.
    expect(message).not.toContain('slow_task');
    expect(message).not.toContain('slow_run');
  });
});
