import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../source/config/schema.js';
import type { AlertCandidate } from '../../source/report/types.js';
import { createNotifier, type Notifier } from '../../source/sinks/notifier.js';
import { startPagerDutyReceiver, startSlackReceiver, type Receiver } from '../helpers/receivers.js';
import { sampleReport, slaCandidate, slaMiss, T0 } from '../unit/sinks/report-fixture.js';

// The whole notification path on loopback — alert lifecycle, outbox, Slack, SMTP, PagerDuty — on an
// injected clock: an SLA miss escalates 1 → 2 → 3 to each level's channels, repeats only after
// repeat_interval, and an ack reaches PagerDuty as acknowledge with the same dedup_key and stops it all.

const ROUTING_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const MIN = 60_000;

let slack: Receiver<Record<string, unknown>>;
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let smtp: SMTPServer;
let smtpPort: number;
const mails: ParsedMail[] = [];
let dir: string;
let now: Date;
let notifier: Notifier;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        mails.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  smtpPort = (smtp.server.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => smtp.close(() => resolve())));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-escalation-'));
  now = T0;
  mails.length = 0;
  slack = await startSlackReceiver();
  pd = await startPagerDutyReceiver();
  const config = configSchema.parse({
    alerts: { repeat_interval: '4h', group_wait: 0 },
    sinks: {
      slack: { webhook_url_env: 'TEST_SLACK_URL' },
      email: { host: '127.0.0.1', port: smtpPort, ignore_tls: true, to: ['oncall@example.com'] },
      pagerduty: { routing_key_env: 'TEST_PD_KEY', url: pd.url },
    },
  });
  notifier = await createNotifier({
    config,
    stateDir: dir,
    variableWriter: null,
    clock: () => now,
    random: () => 0,
    env: { TEST_SLACK_URL: slack.url, TEST_PD_KEY: ROUTING_KEY },
    closeTimeoutMs: 100,
  });
});
afterEach(async () => {
  await notifier.close();
  await slack.close();
  await pd.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Delivers everything due, stepping the clock past Slack's one-per-second limit, until every queue is empty. */
async function drain(): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await notifier.outbox.deliverDue();
    if (notifier.outbox.status().every((s) => s.queueDepth === 0)) return;
    now = new Date(now.getTime() + 1000);
  }
  throw new Error(`outbox did not drain: ${JSON.stringify(notifier.outbox.status())}`);
}

async function poll(minutes: number, candidates: AlertCandidate[], level: 1 | 2 | 3 | null): Promise<void> {
  now = new Date(T0.getTime() + minutes * MIN);
  const lateness = 600 + minutes * 60;
  const report = sampleReport({ sla: { misses: level ? [slaMiss(level, lateness, now)] : [] } }, now);
  await notifier.afterPoll(report, candidates, now);
  await drain();
}

const slackTitles = () => slack.accepted.map((m) => (m.attachments as { title: string }[])[0]!.title);

describe('SLA escalation through real receivers', () => {
  it('escalates 1 → 2 → 3 to the level channels, repeats only after repeat_interval, and stops after an ack', async () => {
    await poll(0, [slaCandidate(1)], 1);
    expect(slackTitles()).toEqual([':clock1: SLA Miss - Level 1']);
    expect(mails).toHaveLength(0);
    expect(pd.accepted).toHaveLength(0);

    for (let m = 5; m < 30; m += 5) await poll(m, [slaCandidate(1)], 1);
    expect(slack.accepted).toHaveLength(1); // no re-send every poll

    await poll(30, [slaCandidate(2)], 2);
    expect(slackTitles()).toEqual([':clock1: SLA Miss - Level 1', ':clock1: SLA Miss - Level 2']);
    expect(mails.map((m) => m.subject)).toEqual(['[SLA MISS] capstone_processing_pipeline.extract_text']);
    expect(mails[0]!.html).toContain('<p><strong>Severity:</strong> high</p>');
    expect(pd.accepted).toHaveLength(0);

    await poll(60, [slaCandidate(3)], 3);
    expect(slackTitles().at(-1)).toBe(':clock1: SLA Miss - Level 3');
    expect((slack.accepted.at(-1)!.attachments as { footer: string }[])[0]!.footer).toBe('Escalation Level: 3');
    expect(mails).toHaveLength(2);
    expect(pd.accepted.map((e) => [e.event_action, e.payload?.severity])).toEqual([['trigger', 'critical']]);
    const dedupKey = pd.accepted[0]!.dedup_key;
    expect(dedupKey).toBe(notifier.alerts.alerts()[0]!.fingerprint);
    expect(pd.accepted[0]!.payload!.custom_details).toMatchObject({
      type: 'sla_miss',
      escalation_level: 3,
      blocking_tasks: 'generate_summary',
    });

    // Still late after 4 h: one repeat per channel, not one per poll.
    for (let m = 65; m <= 300; m += 5) await poll(m, [slaCandidate(3)], 3);
    expect(slack.accepted).toHaveLength(4);
    expect(pd.accepted.map((e) => e.event_action)).toEqual(['trigger', 'trigger']);

    now = new Date(T0.getTime() + 301 * MIN);
    const acked = await notifier.ack(dedupKey, 'ann', 'restarting the worker');
    expect(acked).toMatchObject({
      ok: true,
      alert: { state: 'acknowledged', ack: { by: 'ann', note: 'restarting the worker' } },
    });
    await drain();
    expect(pd.accepted.at(-1)).toEqual({
      routing_key: ROUTING_KEY,
      event_action: 'acknowledge',
      dedup_key: dedupKey,
      client: 'airtop',
    });
    expect(pd.incidents.get(dedupKey)).toBe('acknowledged');
    expect(slack.accepted.at(-1)!.text as string).toMatch(/^:eyes: Acknowledged by ann/);
    expect(mails.at(-1)!.subject).toMatch(/^\[ACKNOWLEDGED\]/);

    // Acknowledged: neither escalation nor repeats, for hours.
    const counts = [slack.accepted.length, mails.length, pd.accepted.length];
    for (let m = 305; m <= 600; m += 5) await poll(m, [slaCandidate(3)], 3);
    expect([slack.accepted.length, mails.length, pd.accepted.length]).toEqual(counts);

    // Resolution closes it everywhere it was announced.
    await poll(605, [], null);
    expect(pd.accepted.at(-1)).toMatchObject({ event_action: 'resolve', dedup_key: dedupKey });
    expect(pd.incidents.get(dedupKey)).toBe('resolved');
    expect(slack.accepted.at(-1)!.text).toMatch(/^:large_green_circle: Resolved/);
    expect(mails.at(-1)!.subject).toMatch(/^\[RESOLVED\]/);
    expect(notifier.outbox.deadLetters()).toEqual([]);
  });

  it("a critical threshold alert goes to Slack only (the reference's send_alerts), once, with the reference values", async () => {
    const candidate: AlertCandidate = {
      labels: { alertname: 'success_rate_critical', dag_id: 'capstone_ingestion_pipeline', severity: 'critical' },
      annotations: { summary: 'capstone_ingestion_pipeline success rate 85.00% < 90.00%' },
      severity: 'critical',
    };
    await poll(0, [candidate], null);
    await poll(5, [candidate], null);
    expect(slack.accepted).toHaveLength(1);
    expect(slack.accepted[0]).toMatchObject({
      attachments: [{ fields: [{ title: 'success_rate_critical', value: 'Value: 85.00%, Threshold: 90.00%' }] }],
    });
    expect(mails).toHaveLength(0);
    expect(pd.accepted).toHaveLength(0);
  });

  it('silencing an alert from the terminal keeps it quiet until the silence ends', async () => {
    await poll(0, [slaCandidate(1)], 1);
    const fp = notifier.alerts.alerts()[0]!.fingerprint;
    const silenced = await notifier.silence(fp, 3600, 'known outage', 'ann');
    expect(silenced).toMatchObject({ ok: true, silence: { createdBy: 'ann', comment: 'known outage' } });
    await poll(30, [slaCandidate(2)], 2);
    await poll(55, [slaCandidate(3)], 3);
    expect(slack.accepted).toHaveLength(1);
    expect(notifier.alerts.alerts()[0]!.state).toBe('silenced');
    await poll(65, [slaCandidate(3)], 3);
    expect(slackTitles().at(-1)).toBe(':clock1: SLA Miss - Level 3');
  });
});
