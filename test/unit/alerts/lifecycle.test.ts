import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertManager, type AlertManager, type AlertManagerOptions } from '../../../source/alerts/manager.js';
import { step } from '../../../source/alerts/lifecycle.js';
import { routingFromConfig } from '../../../source/alerts/routing-config.js';
import { configSchema } from '../../../source/config/schema.js';
import type { AlertRecord, CandidateInput } from '../../../source/alerts/types.js';
import { poolCandidate, slaCandidate, successRateCandidate, T0 } from '../sinks/report-fixture.js';

const MIN = 60_000;
const at = (minutes: number) => new Date(T0.getTime() + minutes * MIN);

let dir: string;
let clockNow: Date;
const problems: string[] = [];

function manager(extra: Partial<AlertManagerOptions> = {}): AlertManager {
  return createAlertManager({
    stateDir: dir,
    repeatIntervalSeconds: 4 * 3600,
    clock: () => clockNow,
    defaultChannels: ['slack', 'email', 'pagerduty'],
    user: 'oncall',
    onProblem: (m) => problems.push(m),
    ...extra,
  });
}

/** Polls every 5 minutes from `from` to `to` (inclusive) with the same candidates; returns the notification kinds. */
function pollRange(m: AlertManager, candidates: CandidateInput[], from: number, to: number): string[] {
  const kinds: string[] = [];
  for (let t = from; t <= to; t += 5) {
    clockNow = at(t);
    kinds.push(...m.update(candidates, at(t)).notifications.map((n) => n.kind));
  }
  return kinds;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-alerts-'));
  clockNow = T0;
  problems.length = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('alert lifecycle', () => {
  it('a resolved alert stays in the group it was shown in, after a restart too', async () => {
    const routing = routingFromConfig(configSchema.parse({}), new Set());
    const first = manager({ routing });
    await first.load();
    const firing = first.update([successRateCandidate, poolCandidate], at(0)).alerts;
    const group = firing.find((a) => a.labels.alertname === 'success_rate_critical')!.group_key;
    expect(group).toBeTruthy();
    const resolved = first.update([poolCandidate], at(5)).alerts;
    expect(resolved.find((a) => a.labels.alertname === 'success_rate_critical')).toMatchObject({
      state: 'resolved',
      group_key: group,
    });
    // A new process on the same state dir: no routing of its own remembered yet, the record says the group.
    const second = manager({ routing });
    await second.load();
    expect(second.alerts().find((a) => a.labels.alertname === 'success_rate_critical')).toMatchObject({
      state: 'resolved',
      group_key: group,
    });
  });

  it('keeps at most resolvedCapacity resolved alerts, the newest; firing ones are never dropped', () => {
    const run = (id: number): CandidateInput => ({
      ...successRateCandidate,
      labels: { ...successRateCandidate.labels, run_id: `run_${id}` },
    });
    const policy = {
      repeatIntervalSeconds: 3600,
      defaultChannels: [],
      resolvedRetentionSeconds: 86_400,
      resolvedCapacity: 3,
    };
    let records: Record<string, AlertRecord> = {};
    const nextId = (fp: string) => fp;
    // Run i fails at minute i and is fixed at minute i + 1: one new alert per run, each resolved a minute later.
    for (let i = 0; i < 6; i++) records = step(records, [], [run(i), run(100)], at(i), policy, nextId).records;
    const resolved = Object.values(records).filter((r) => r.resolvedAt !== null);
    expect(resolved.map((r) => r.labels.run_id).sort()).toEqual(['run_2', 'run_3', 'run_4']);
    expect(
      Object.values(records)
        .filter((r) => r.resolvedAt === null)
        .map((r) => r.labels.run_id)
        .sort(),
    ).toEqual(['run_100', 'run_5']);
  });

  it('notifies on first firing and then only once per repeat interval, not every poll', async () => {
    const m = manager();
    await m.load();
    const first = m.update([successRateCandidate], at(0));
    expect(first.notifications).toHaveLength(1);
    expect(first.notifications[0]).toMatchObject({ kind: 'firing', channels: ['slack', 'email', 'pagerduty'] });
    expect(first.alerts[0]).toMatchObject({ state: 'firing', since: T0.toISOString(), severity: 'critical' });
    // 4 h of 5-minute polls: nothing until the repeat interval has passed.
    expect(pollRange(m, [successRateCandidate], 5, 235)).toEqual([]);
    expect(pollRange(m, [successRateCandidate], 240, 240)).toEqual(['repeat']);
    expect(pollRange(m, [successRateCandidate], 245, 475)).toEqual([]);
  });

  it("escalates an SLA miss 1 → 2 → 3 to each level's channels, and stops after an ack", async () => {
    const m = manager();
    await m.load();
    const n1 = m.update([slaCandidate(1)], at(0)).notifications;
    expect(n1.map((n) => [n.kind, n.channels])).toEqual([['firing', ['slack']]]);
    expect(m.update([slaCandidate(1)], at(5)).notifications).toEqual([]);
    const n2 = m.update([slaCandidate(2)], at(30)).notifications;
    expect(n2.map((n) => [n.kind, n.channels, n.alert.escalation_level])).toEqual([
      ['escalated', ['slack', 'email'], 2],
    ]);
    const n3 = m.update([slaCandidate(3)], at(60)).notifications;
    expect(n3.map((n) => [n.kind, n.channels])).toEqual([['escalated', ['slack', 'email', 'pagerduty']]]);
    // All three levels are one alert (one fingerprint).
    expect(new Set([...n1, ...n2, ...n3].map((n) => n.alert.fingerprint)).size).toBe(1);

    clockNow = at(61);
    const acked = m.ack(n3[0]!.alert.fingerprint, 'ann', 'looking');
    if (!acked.ok) throw new Error(acked.error);
    expect(acked.alert.state).toBe('acknowledged');
    expect(acked.notification).toMatchObject({ kind: 'acknowledged', channels: ['slack', 'email', 'pagerduty'] });
    expect(acked.notification!.alert.ack).toEqual({ by: 'ann', at: at(61).toISOString(), note: 'looking' });
    // Acknowledged: no repeat, however long it stays late.
    expect(pollRange(m, [slaCandidate(3)], 65, 600)).toEqual([]);
  });

  it('an acknowledged alert does not escalate; unack lets it escalate again', async () => {
    const m = manager();
    await m.load();
    const [first] = m.update([slaCandidate(1)], at(0)).notifications;
    m.ack(first!.alert.fingerprint, '', '');
    expect(m.alerts()[0]!.ack?.by).toBe('oncall'); // the default user
    expect(m.update([slaCandidate(2)], at(30)).notifications).toEqual([]);
    m.unack(first!.alert.fingerprint);
    expect(m.update([slaCandidate(2)], at(35)).notifications.map((n) => n.kind)).toEqual(['escalated']);
  });

  it('sends resolved to the channels that were notified, keeps the resolved alert 24 h, then drops it', async () => {
    const m = manager();
    await m.load();
    m.update([slaCandidate(1)], at(0));
    m.update([slaCandidate(2)], at(30));
    const resolved = m.update([], at(40));
    expect(resolved.notifications.map((n) => [n.kind, n.channels])).toEqual([['resolved', ['slack', 'email']]]);
    expect(resolved.alerts[0]).toMatchObject({ state: 'resolved' });
    expect(m.update([], at(45)).notifications).toEqual([]);
    expect(m.update([], at(40 + 24 * 60 - 5)).alerts).toHaveLength(1);
    expect(m.update([], at(40 + 24 * 60 + 5)).alerts).toHaveLength(0);
  });

  it('a resolved alert that fires again is a new episode: firing again, new since, no old ack', async () => {
    const m = manager();
    await m.load();
    const [first] = m.update([successRateCandidate], at(0)).notifications;
    m.ack(first!.alert.fingerprint, 'ann', '');
    m.update([], at(5));
    const again = m.update([successRateCandidate], at(10));
    expect(again.notifications.map((n) => n.kind)).toEqual(['firing']);
    expect(again.alerts[0]).toMatchObject({ state: 'firing', since: at(10).toISOString(), ack: null });
  });

  it('silenced alerts do not notify; when the silence ends a never-notified alert fires', async () => {
    const m = manager();
    await m.load();
    const s = m.silence({
      matchers: [{ name: 'pool', value: 'default_pool', isRegex: false, isEqual: true }],
      durationSeconds: 30 * 60,
      comment: 'resizing',
    });
    if (!s.ok) throw new Error(s.error);
    expect(s.silence.createdBy).toBe('oncall');
    const during = m.update([poolCandidate, successRateCandidate], at(0));
    expect(during.notifications.map((n) => n.alert.labels.alertname)).toEqual(['success_rate_critical']);
    expect(during.alerts.find((a) => a.labels.pool)?.state).toBe('silenced');
    expect(pollRange(m, [poolCandidate, successRateCandidate], 5, 25)).toEqual([]);
    expect(pollRange(m, [poolCandidate, successRateCandidate], 30, 30)).toEqual(['firing']);
  });

  it('expiring a silence ends it at once and keeps it listed', async () => {
    const m = manager();
    await m.load();
    const s = m.silence({
      matchers: [{ name: 'alertname', value: 'pool_.*', isRegex: true, isEqual: true }],
      durationSeconds: 3600,
      comment: '',
      createdBy: 'bob',
    });
    if (!s.ok) throw new Error(s.error);
    expect(m.update([poolCandidate], at(0)).notifications).toEqual([]);
    clockNow = at(1);
    expect(m.expireSilence(s.silence.id).ok).toBe(true);
    expect(m.silences()[0]!.endsAt).toBe(at(1).toISOString());
    expect(m.update([poolCandidate], at(5)).notifications.map((n) => n.kind)).toEqual(['firing']);
    expect(m.expireSilence('nope')).toEqual({ ok: false, error: 'no silence with id nope' });
  });

  it('refuses to ack what does not exist or already resolved, with a clear message', async () => {
    const m = manager();
    await m.load();
    expect(m.ack('0000000000000000', 'a', '')).toEqual({
      ok: false,
      error: 'no alert with fingerprint 0000000000000000',
    });
    const [n] = m.update([successRateCandidate], at(0)).notifications;
    m.update([], at(5));
    expect(m.ack(n!.alert.fingerprint, 'a', '')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/already resolved/),
    });
  });

  it('an ack before anything was sent tells no one', async () => {
    const m = manager();
    await m.load();
    m.silence({
      matchers: [{ name: 'alertname', value: 'success_rate_critical', isRegex: false, isEqual: true }],
      durationSeconds: 60,
      comment: '',
    });
    const [view] = m.update([successRateCandidate], at(0)).alerts;
    const acked = m.ack(view!.fingerprint, 'ann', '');
    expect(acked).toMatchObject({ ok: true, notification: null });
  });
});

describe('alert state on disk', () => {
  it('survives a restart: alerts, acks, silences, log, and ids never repeat', async () => {
    const m1 = manager();
    await m1.load();
    const [n] = m1.update([successRateCandidate, slaCandidate(1)], at(0)).notifications;
    m1.ack(n!.alert.fingerprint, 'ann', 'on it');
    m1.silence({
      matchers: [{ name: 'pool', value: 'default_pool', isRegex: false, isEqual: true }],
      durationSeconds: 3600,
      comment: '',
    });

    const m2 = manager();
    await m2.load();
    expect(m2.alerts().find((a) => a.fingerprint === n!.alert.fingerprint)?.ack).toMatchObject({
      by: 'ann',
      note: 'on it',
    });
    expect(m2.silences()).toHaveLength(1);
    expect(
      m2
        .log()
        .map((e) => e.kind)
        .sort(),
    ).toEqual(['acknowledged', 'firing', 'firing']);
    // No re-notification after restart: the repeat timer is remembered.
    expect(m2.update([successRateCandidate, slaCandidate(1)], at(5)).notifications).toEqual([]);
    const later = m2.update([slaCandidate(2)], at(30)).notifications;
    const ids = [...m2.log().map((e) => e.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(later.map((x) => x.kind).sort()).toEqual(['escalated', 'resolved']);
  });

  it('keeps emitted notifications pending until handed off, across a restart', async () => {
    const m1 = manager();
    await m1.load();
    const { notifications } = m1.update([successRateCandidate, poolCandidate], at(0));
    expect(m1.pending().map((n) => n.id)).toEqual(notifications.map((n) => n.id));
    m1.handedOff([notifications[0]!.id]);
    const m2 = manager();
    await m2.load();
    expect(m2.pending().map((n) => n.id)).toEqual([notifications[1]!.id]);
  });

  it('records the reference sla_miss_history from SLA notifications with details, capped', async () => {
    const m = manager({ slaHistorySize: 2 });
    await m.load();
    const withDetails = (level: 1 | 2 | 3) => ({
      ...slaCandidate(level),
      details: { type: 'sla_miss', escalation_level: level },
    });
    m.update([withDetails(1)], at(0));
    m.update([withDetails(2)], at(30));
    m.update([withDetails(3)], at(60));
    m.update([], at(65));
    expect(m.slaHistory()).toEqual([
      { type: 'sla_miss', escalation_level: 2 },
      { type: 'sla_miss', escalation_level: 3 },
    ]);
  });

  it('moves a corrupt state file aside with a message and starts empty instead of crashing', async () => {
    writeFileSync(join(dir, 'alerts.json'), '{"version":1,"alerts":');
    const m = manager();
    await m.load();
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/alerts\.json could not be loaded .*moved it to .*alerts\.json\.corrupt-/);
    expect(m.alerts()).toEqual([]);
    expect(readdirSync(dir).some((f) => f.startsWith('alerts.json.corrupt-'))).toBe(true);
    expect(m.update([successRateCandidate], at(0)).notifications).toHaveLength(1);
  });

  it('rejects a file of the wrong shape the same way', async () => {
    writeFileSync(join(dir, 'alerts.json'), JSON.stringify({ version: 1, epoch: 'x', sequence: 'seven' }));
    const m = manager();
    await m.load();
    expect(problems[0]).toMatch(/not airtop alert state: sequence/);
  });

  it('read-only mode reads acks but never writes', async () => {
    const writer = manager();
    await writer.load();
    const [n] = writer.update([successRateCandidate], at(0)).notifications;
    writer.ack(n!.alert.fingerprint, 'ann', '');
    const before = readdirSync(dir);
    const reader = manager({ readOnly: true });
    await reader.load();
    expect(reader.alerts()[0]?.state).toBe('acknowledged');
    reader.update([], at(5));
    const again = manager();
    await again.load();
    expect(again.alerts()[0]?.state).toBe('acknowledged');
    expect(readdirSync(dir)).toEqual(before);
  });
});
