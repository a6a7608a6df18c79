import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { startDaemon, until, type Daemon } from '../helpers/daemon.js';
import { startSlackReceiver, type Receiver } from '../helpers/receivers.js';

// HA: two daemons on one shared state dir and one Slack. The first holds the lease and pages; the second
// waits as a standby and says so. Killed with -9, the first is replaced by the second, which reads the same
// alerts.json and so pages nothing that was already paged: every Slack message arrives exactly once.

let work: string;
let slack: Receiver<Record<string, unknown>>;
let airflow: DemoServer;
const daemons: Daemon[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'airtop-ha-'));
  slack = await startSlackReceiver();
  // One Airflow (the simulated one) watched by both daemons.
  airflow = await startDemoServer();
  writeFileSync(
    join(work, 'config.yaml'),
    `dags:\n  patterns: ['*']\nhub:\n  lease_ttl: 3s\n` +
      // Every alert its own Slack message at once, so a duplicate page would show.
      `alerts:\n  routes:\n    - receivers: [slack]\n      group_wait: 0s\n      group_by: [alertname, dag_id, task_id, run_id, pool]\n` +
      `sinks:\n  slack:\n    webhook_url_env: TEST_SLACK_URL\n`,
  );
});

afterAll(async () => {
  for (const d of daemons) await d.stop();
  await slack.close();
  await airflow.close();
  rmSync(work, { recursive: true, force: true });
});

const texts = () => slack.accepted.map((m) => JSON.stringify(m.attachments ?? m.blocks ?? m.text));

describe('two daemons on one state dir', () => {
  it('page once: the standby waits, takes over after a kill -9 and repeats nothing', async () => {
    const env = {
      XDG_STATE_HOME: join(work, 'state'),
      TEST_SLACK_URL: slack.url,
      NODE_ENV: 'production',
      AIRFLOW_USERNAME: airflow.credentials.username,
      AIRFLOW_PASSWORD: airflow.credentials.password,
    };
    // Port 0: the metrics default (9464) may be taken by anything else on the machine.
    const args = [
      '--url',
      airflow.url,
      '--interval',
      '2',
      '--metrics-listen',
      '127.0.0.1:0',
      '--config',
      join(work, 'config.yaml'),
    ];
    const first = startDaemon(args, env);
    daemons.push(first);
    await first.waitForLog('holding the lease');
    const second = startDaemon(args, env);
    daemons.push(second);
    const standby = await second.waitForLog('standby: another daemon holds the lease');
    expect(standby).toMatchObject({ holder_pid: first.pid });

    await until('first pages', () => slack.accepted.length >= 5, 20_000);
    await first.waitForLog('poll');
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const pagedByFirst = slack.accepted.length;
    // The standby has not polled: it logged no poll and sent nothing.
    expect(second.lines.some((l) => l.msg === 'poll')).toBe(false);

    // What Slack accepted 2 s before the kill has been recorded as sent by then. A message in flight at the kill
    // may go out again (webhooks are at-least-once: Slack answered, the -9 came before the record).
    const settled = texts();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await first.kill9();
    await second.waitForLog('holding the lease', 10_000);
    await second.waitForLog('poll', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    // Nothing already paged was paged again.
    const all = texts();
    const repeated = settled.filter((text) => all.filter((t) => t === text).length > 1);
    expect(repeated).toEqual([]);
    expect(settled.length).toBeGreaterThan(0);
    expect(pagedByFirst).toBeGreaterThan(0);
  }, 60_000);
});
