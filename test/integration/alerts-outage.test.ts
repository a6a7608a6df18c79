import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configSchema, type Config } from '../../source/config/schema.js';
import type { AlertCandidate } from '../../source/report/types.js';
import { createNotifier, type Notifier } from '../../source/sinks/notifier.js';
import { startPagerDutyReceiver, startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { sampleReport, T0 } from '../unit/sinks/report-fixture.js';

// Receivers go down (connection refused) for a stretch of polls, airtop restarts in the middle of it, and
// the receivers come back: every notification arrives exactly once, in the order it was emitted.

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const MIN = 60_000;

let slack: Receiver<Record<string, unknown>>;
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let dir: string;
let now: Date;
let config: Config;
let notifier: Notifier;

const open = () =>
  createNotifier({
    config,
    stateDir: dir,
    variableWriter: null,
    clock: () => now,
    random: () => 0,
    env: { SLACK_URL: slack.url, PD_KEY: ROUTING_KEY },
    closeTimeoutMs: 50,
  });

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-outage-'));
  now = T0;
  slack = await startSlackReceiver();
  pd = await startPagerDutyReceiver();
  config = configSchema.parse({
    // Every alert its own group, straight to both receivers: this test is about the outbox, not grouping.
    alerts: { repeat_interval: '1h', group_wait: 0, group_by: ['...'], receivers: ['slack', 'pagerduty'], routes: [] },
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

function candidate(alertname: string, dag: string): AlertCandidate {
  return {
    labels: { alertname, dag_id: dag, severity: 'critical' },
    annotations: { summary: `${alertname} on ${dag}` },
    severity: 'critical',
  };
}

/** Which alerts fire at poll i: a changing mix so there are firings, repeats and resolutions. */
function scenario(i: number): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  if (i >= 0 && i < 9) out.push(candidate('success_rate_critical', 'dag_a'));
  if (i >= 2 && i < 14) out.push(candidate('pool_utilization_critical', 'dag_b'));
  if (i % 4 === 1) out.push(candidate('high_retry_rate', `dag_${i}`));
  return out;
}

/** Delivers what is due at this poll, stepping a second at a time for Slack's rate limit, for at most a minute. */
async function deliverForAMinute(): Promise<void> {
  for (let s = 0; s < 60; s++) {
    await notifier.outbox.deliverDue();
    if (notifier.outbox.status().every((x) => x.queueDepth === 0)) return;
    now = new Date(now.getTime() + 1000);
  }
}

describe('delivery across an outage and a restart', () => {
  it('delivers every notification exactly once, in order', async () => {
    const POLLS = 16;
    let queuedDuringOutage = 0;
    for (let i = 0; i < POLLS; i++) {
      if (i === 3) await Promise.all([slack.down(), pd.down()]);
      if (i === 6) {
        // Restart airtop while the receivers are still down: the queue is on disk.
        await notifier.close();
        notifier = await open();
      }
      if (i === 10) await Promise.all([slack.up(), pd.up()]);
      now = new Date(T0.getTime() + i * 15 * MIN);
      await notifier.afterPoll(sampleReport({}, now), scenario(i), now);
      await deliverForAMinute();
      if (i >= 3 && i < 10) {
        for (const status of notifier.outbox.status()) {
          if (status.queueDepth > 0) expect(status.lastError).toMatch(/connection refused/);
          queuedDuringOutage = Math.max(queuedDuringOutage, status.queueDepth);
        }
      }
    }
    await deliverForAMinute();

    const log = notifier.alerts.log();
    expect(log.length).toBeGreaterThan(10);
    const expected = (sink: string) => log.filter((e) => e.channels.includes(sink));

    // PagerDuty: the exact sequence of (action, dedup_key).
    const action = (kind: string) =>
      kind === 'resolved' ? 'resolve' : kind === 'acknowledged' ? 'acknowledge' : 'trigger';
    expect(pd.accepted.map((e) => [e.event_action, e.dedup_key])).toEqual(
      expected('pagerduty').map((e) => [action(e.kind), e.fingerprint]),
    );

    // Slack: the same sequence, read back from the messages.
    const slackSeen = slack.accepted.map((m) => {
      const title = (m.attachments as { title: string; fields: { title: string }[] }[])[0]!;
      return (m.text as string).startsWith(':large_green_circle:')
        ? `resolved ${title.title.replace('Resolved - ', '')}`
        : `fired ${title.fields[0]!.title}`;
    });
    const names = new Map(notifier.alerts.records().map((r) => [r.fingerprint, r.labels.alertname]));
    const slackExpected = expected('slack').map(
      (e) => `${e.kind === 'resolved' ? 'resolved' : 'fired'} ${names.get(e.fingerprint) ?? '?'}`,
    );
    expect(slackSeen).toEqual(slackExpected);
    expect(slackExpected.filter((s) => s.endsWith('?'))).toEqual([]);

    // Nothing left, nothing refused, and the outage really happened.
    expect(notifier.outbox.status().map((s) => s.queueDepth)).toEqual([0, 0]);
    expect(notifier.outbox.deadLetters()).toEqual([]);
    expect(queuedDuringOutage).toBeGreaterThanOrEqual(3);
    // Every request that reached a receiver was accepted: no duplicates, no refusals.
    expect(slack.requests).toHaveLength(slack.accepted.length);
    expect(pd.requests).toHaveLength(pd.accepted.length);
  });
});
