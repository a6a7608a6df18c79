import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSource } from '../../source/airflow/connect.js';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import type { AirflowSource } from '../../source/airflow/types.js';
import { createPollCycle } from '../../source/collect/cycle.js';
import { configSchema } from '../../source/config/schema.js';
import { createNotifier, type Notifier } from '../../source/sinks/notifier.js';
import { createAirtopStore } from '../../source/state/store.js';
import { startPagerDutyReceiver, startSlackReceiver, type Receiver } from '../helpers/receivers.js';

// The first-45-seconds experience, on an injected clock: the demo (polled every 10 s, as
// `airtop --demo --headless` does) with Slack and PagerDuty configured against loopback receivers.
// Before routing: 31 Slack messages and 25 PagerDuty triggers, 22 of them warnings. Target: at most
// 15 Slack messages and no PagerDuty trigger whose severity is a warning.

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

let demo: DemoServer | null = null;
let source: AirflowSource | null = null;
let notifier: Notifier | null = null;
let slack: Receiver<Record<string, unknown>> | null = null;
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>> | null = null;
let dir = '';

afterEach(async () => {
  await notifier?.close();
  await source?.close();
  await demo?.close();
  await slack?.close();
  await pd?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the demo with Slack and PagerDuty configured, first 45 seconds', () => {
  it('sends grouped Slack messages (≤ 15) and never pages a warning', async () => {
    let now = new Date();
    const clock = () => now;
    dir = mkdtempSync(join(tmpdir(), 'airtop-demo-routing-'));
    demo = await startDemoServer({ clock });
    slack = await startSlackReceiver();
    pd = await startPagerDutyReceiver();
    const config = configSchema.parse({
      airflow: { url: demo.url, username: demo.credentials.username, password: demo.credentials.password },
      interval: 10,
      dags: { patterns: ['*'] },
      sinks: { slack: { webhook_url_env: 'SLACK_URL' }, pagerduty: { routing_key_env: 'PD_KEY', url: pd.url } },
    });
    source = await connectSource(config);
    const store = createAirtopStore();
    notifier = await createNotifier({
      config,
      stateDir: dir,
      variableWriter: null,
      clock,
      timers: false,
      random: () => 0,
      env: { SLACK_URL: slack.url, PD_KEY: ROUTING_KEY },
      closeTimeoutMs: 50,
    });
    const cycle = createPollCycle({ source, store, config, alerts: notifier, clock });

    const start = now.getTime();
    for (let s = 0; s <= 45; s++) {
      now = new Date(start + s * 1000);
      if (s % 10 === 0) await cycle();
      notifier.flushDue(now);
      await notifier.outbox.deliverDue();
    }

    const report = store.getState().report!;
    const groups = report.alert_groups ?? [];
    const firingGroups = groups.filter((g) => g.state === 'firing');
    const inhibited = report.alerts.filter((a) => a.inhibited_by);
    const fingerprints = new Set(report.alerts.map((a) => a.fingerprint));
    // What the target is about, stated so a regression shows its figures.
    const figures = {
      alerts: report.alerts.length,
      groups: groups.length,
      firingGroups: firingGroups.length,
      inhibited: inhibited.length,
      slack: slack.accepted.length,
      pd: pd.accepted.length,
    };
    expect(report.alerts.length, JSON.stringify(figures)).toBeGreaterThan(15);
    expect(firingGroups.length, JSON.stringify(figures)).toBeLessThanOrEqual(12);
    expect(inhibited.length).toBeGreaterThan(0);
    for (const a of inhibited) expect(fingerprints.has(a.inhibited_by!)).toBe(true);
    for (const a of report.alerts) expect(Array.isArray(a.receivers)).toBe(true);

    expect(slack.accepted.length, JSON.stringify(figures)).toBeGreaterThan(0);
    expect(slack.accepted.length, JSON.stringify(figures)).toBeLessThanOrEqual(15);
    const triggers = pd.accepted.filter((e) => e.event_action === 'trigger');
    expect(triggers.filter((e) => e.payload?.severity === 'warning')).toEqual([]);
    // Nothing went out before group_wait (30 s).
    const log = notifier.alerts.log();
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => Date.parse(e.at) >= start + 30_000)).toBe(true);
    console.log(`demo, 45 s: ${JSON.stringify({ ...figures, pdTriggers: triggers.length })}`);
  }, 60_000);
});
