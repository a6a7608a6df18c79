import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutbox, type Outbox } from '../../source/sinks/outbox.js';
import { createSlackSink } from '../../source/sinks/slack.js';
import type { SinkStatus } from '../../source/sinks/status.js';
import { startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { waitFor } from '../helpers/servers.js';
import { slaNotification, thresholdNotification } from '../unit/sinks/notification-fixture.js';

// A loopback Slack incoming webhook that validates payloads and answers like Slack (200 "ok", 400
// invalid_payload / no_text, 429 with Retry-After).

let slack: Receiver<Record<string, unknown>>;
let dir: string;
let box: Outbox | null = null;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-slack-'));
});
afterEach(async () => {
  box?.stop();
  box = null;
  await slack?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('slack sink', () => {
  it('every message kind is a payload Slack accepts', async () => {
    slack = await startSlackReceiver();
    const sink = createSlackSink({ webhookUrl: slack.url });
    for (const n of [
      thresholdNotification(),
      slaNotification(1),
      slaNotification(3, 'escalated'),
      slaNotification(3, 'acknowledged'),
      slaNotification(3, 'resolved'),
    ]) {
      expect(await sink.deliver(n)).toEqual({ ok: true });
    }
    expect(slack.accepted).toHaveLength(5);
    expect(slack.accepted[0]).toMatchObject({ text: ':red_circle: Capstone Pipeline Alert' });
    expect(slack.accepted[2]).toMatchObject({
      attachments: [{ title: ':clock1: SLA Miss - Level 3', color: '#ff0000' }],
    });
  });

  it('a 400 is permanent, and its reason never contains the webhook URL', async () => {
    slack = await startSlackReceiver();
    slack.failNext({ status: 400, body: 'invalid_payload' });
    const result = await createSlackSink({ webhookUrl: slack.url }).deliver(thresholdNotification());
    expect(result).toEqual({ ok: false, permanent: true, reason: 'slack: HTTP 400 invalid_payload' });
  });

  it('waits out Retry-After on 429 and spaces messages one per second, through the outbox', async () => {
    slack = await startSlackReceiver({ oneMessagePerSecond: true });
    const statuses: SinkStatus[] = [];
    box = createOutbox({
      stateDir: dir,
      sinks: [createSlackSink({ webhookUrl: slack.url })],
      onStatus: (s) => statuses.push(s),
      tickMs: 20,
    });
    slack.failNext({ status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } });
    box.enqueue(['a', 'b', 'c'].map((id) => ({ id, sink: 'slack', payload: thresholdNotification() })));
    box.start();
    // Drained means accepted and removed from disk (so nothing writes after the test's cleanup).
    await waitFor(
      () => slack.accepted.length === 3 && box!.status()[0]!.queueDepth === 0,
      'three Slack messages delivered',
      8000,
    );
    const times = slack.requests.map((r) => r.at);
    expect(slack.requests).toHaveLength(4); // one 429, then three accepted: no message hit the rate limit
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(990); // Retry-After: 1
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(990); // 1 message per second
    expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(990);
    // The webhook URL is the secret: not in statuses, not on disk.
    const secretPath = new URL(slack.url).pathname;
    expect(JSON.stringify(statuses)).not.toContain(secretPath);
    expect(readFileSync(join(dir, 'outbox.json'), 'utf8')).not.toContain(secretPath);
  });
});
