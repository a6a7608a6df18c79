import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../source/config/schema.js';
import type { AlertCandidate } from '../../source/report/types.js';
import { createNotifier, type Notifier } from '../../source/sinks/notifier.js';
import { startPagerDutyReceiver, startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { sampleReport, T0 } from '../unit/sinks/report-fixture.js';

// Group notifications through the real notifier, outbox and loopback receivers on an injected clock:
// critical threshold violations are one Slack message in the reference's layout (one field each), sent
// after group_wait; PagerDuty keeps one incident per alert; acknowledging a group is one Slack message and
// one PagerDuty acknowledge per incident.

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
let slack: Receiver<Record<string, unknown>>;
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let dir: string;
let now: Date;
let notifier: Notifier;
let config: ReturnType<typeof configSchema.parse>;
const open = () =>
  createNotifier({
    config,
    stateDir: dir,
    variableWriter: null,
    clock: () => now,
    timers: false,
    random: () => 0,
    env: { SLACK_URL: slack.url, PD_KEY: ROUTING_KEY },
    closeTimeoutMs: 50,
  });

const critical = (alertname: string, value: string): AlertCandidate => ({
  labels: { alertname, severity: 'critical', ...(alertname.startsWith('pool') ? { pool: value } : { dag_id: value }) },
  annotations: { summary: `${alertname} ${value}` },
  severity: 'critical',
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-groups-'));
  now = T0;
  slack = await startSlackReceiver();
  pd = await startPagerDutyReceiver();
  config = configSchema.parse({
    alerts: {
      // The reference's critical route, plus PagerDuty, to see both kinds of sink.
      routes: [
        {
          matchers: ['alertname=~"success_rate_critical|pool_utilization_critical"'],
          receivers: ['slack', 'pagerduty'],
          group_by: [],
        },
      ],
    },
    sinks: { slack: { webhook_url_env: 'SLACK_URL' }, pagerduty: { routing_key_env: 'PD_KEY', url: pd.url } },
  });
  notifier = await open();
});
afterEach(async () => {
  await notifier.close();
  await slack.close();
  await pd.close();
  rmSync(dir, { recursive: true, force: true });
});

async function drain(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await notifier.outbox.deliverDue();
    if (notifier.outbox.status().every((s) => s.queueDepth === 0)) return;
    now = new Date(now.getTime() + 1000);
  }
}

describe('group notifications', () => {
  it('one Slack message per group after group_wait, one PagerDuty incident per alert, one message for a group ack', async () => {
    const candidates = [
      critical('success_rate_critical', 'dag_a'),
      critical('success_rate_critical', 'dag_b'),
      critical('pool_utilization_critical', 'llm_pool'),
    ];
    const report = sampleReport({}, now);
    await notifier.afterPoll(report, candidates, now);
    await drain();
    expect(slack.accepted).toEqual([]);
    expect(report.alert_groups).toMatchObject([
      { key: 'root.0:{}', state: 'firing', severity: 'critical', receivers: ['pagerduty', 'slack'] },
    ]);
    expect(report.alert_groups![0]!.alerts).toHaveLength(3);

    now = new Date(T0.getTime() + 30_000);
    notifier.flushDue(now);
    await drain();
    expect(slack.accepted).toHaveLength(1);
    expect(slack.accepted[0]).toMatchObject({
      text: ':red_circle: Capstone Pipeline Alert',
      attachments: [{ title: 'Critical Violations Detected', color: '#ff0000' }],
    });
    const fields = (slack.accepted[0]!.attachments as { fields: { title: string }[] }[])[0]!.fields.map((f) => f.title);
    expect(fields.sort()).toEqual([
      'NEW pool_utilization_critical',
      'NEW success_rate_critical',
      'NEW success_rate_critical',
    ]);
    const fps = notifier.alerts
      .alerts()
      .map((a) => a.fingerprint)
      .sort();
    expect(pd.accepted.map((e) => [e.event_action, e.dedup_key, e.payload?.severity]).sort()).toEqual(
      fps.map((fp) => ['trigger', fp, 'critical']),
    );

    // A poll 10 s later with nothing new: nothing sent.
    now = new Date(T0.getTime() + 40_000);
    await notifier.afterPoll(sampleReport({}, now), candidates, now);
    await drain();
    expect(slack.accepted).toHaveLength(1);

    // The group acknowledged: each member in the same tick, as the TUI does.
    await Promise.all(fps.map((fp) => notifier.ack(fp, 'ann', 'on it')));
    await drain();
    expect(slack.accepted).toHaveLength(2);
    expect(slack.accepted[1]!.text).toBe(':eyes: Acknowledged by ann: 3 alerts');
    const acks = pd.accepted
      .filter((e) => e.event_action === 'acknowledge')
      .map((e) => e.dedup_key)
      .sort();
    expect(acks).toEqual(fps);
    for (const a of notifier.alerts.alerts()) expect(a.ack).toMatchObject({ by: 'ann', note: 'on it' });
  });

  it('a restart remembers what each group told: no second first notification', async () => {
    const candidates = [critical('success_rate_critical', 'dag_a'), critical('success_rate_critical', 'dag_b')];
    await notifier.afterPoll(sampleReport({}, now), candidates, now);
    now = new Date(T0.getTime() + 30_000);
    notifier.flushDue(now);
    await drain();
    expect(slack.accepted).toHaveLength(1);
    await notifier.close();
    notifier = await open();
    for (let s = 60; s <= 900; s += 60) {
      now = new Date(T0.getTime() + s * 1000);
      await notifier.afterPoll(sampleReport({}, now), candidates, now);
      notifier.flushDue(now);
      await drain();
    }
    expect(slack.accepted).toHaveLength(1);
    // A third DAG joins: one more message, at the group's next flush, listing the new one first.
    await notifier.afterPoll(sampleReport({}, now), [...candidates, critical('success_rate_critical', 'dag_c')], now);
    notifier.flushDue(now);
    await drain();
    expect(slack.accepted).toHaveLength(2);
    const fields = (slack.accepted[1]!.attachments as { fields: { title: string; value: string }[] }[])[0]!.fields;
    expect(fields.map((f) => f.title)).toEqual([
      'NEW success_rate_critical',
      'success_rate_critical',
      'success_rate_critical',
    ]);
    expect(fields[0]!.value).toBe('dag_c');
  });
});
