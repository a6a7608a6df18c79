import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlertManager } from '../../../source/alerts/manager.js';
import { announcePresence, describeSharing } from '../../../source/alerts/shared-dir.js';
import { acquireLease } from '../../../source/hub/lease.js';
import { createActionQueue } from '../../../source/hub/queue.js';
import type { CandidateInput } from '../../../source/alerts/types.js';

// Two processes on one state dir (a TUI beside the daemon): neither overwrites the other's acks and
// silences, and an alert one of them already notified is not notified again by the other.

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'airtop-shared-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const candidate = (name: string): CandidateInput => ({
  labels: { alertname: name, severity: 'critical' },
  annotations: { summary: name },
  severity: 'critical',
});
// Near the real clock: silences start at the real now.
const BASE = Date.now();
const T = (s: number) => new Date(BASE + s * 1000);

describe('alert state shared by two processes', () => {
  it('an ack made in one survives the other writing, and the other sees it', async () => {
    const tui = createAlertManager({ stateDir: dir, repeatIntervalSeconds: 60, defaultChannels: ['slack'] });
    const daemon = createAlertManager({ stateDir: dir, repeatIntervalSeconds: 60, defaultChannels: ['slack'] });
    await tui.load();
    await daemon.load();
    const first = daemon.update([candidate('a'), candidate('b')], T(0));
    expect(first.notifications).toHaveLength(2);
    const fp = first.alerts.find((a) => a.labels.alertname === 'a')!.fingerprint;
    tui.update([candidate('a'), candidate('b')], T(1));
    expect(tui.ack(fp, 'alice', 'on it').ok).toBe(true);
    const silence = tui.silence({
      matchers: [{ name: 'alertname', value: 'b', isRegex: false, isEqual: true }],
      durationSeconds: 3600,
      comment: 'noisy',
      createdBy: 'alice',
    });
    expect(silence.ok).toBe(true);
    // The daemon's next poll writes alerts.json: the ack and the silence stay, and it sees them.
    const next = daemon.update([candidate('a'), candidate('b')], T(2));
    const file = JSON.parse(readFileSync(join(dir, 'alerts.json'), 'utf8')) as {
      alerts: Record<string, { ack: unknown }>;
      silences: unknown[];
    };
    expect(file.alerts[fp]!.ack).toMatchObject({ by: 'alice', note: 'on it' });
    expect(file.silences).toHaveLength(1);
    expect(next.alerts.map((a) => a.state).sort()).toEqual(['acknowledged', 'silenced']);
    // After the repeat interval the daemon repeats neither (acked, silenced).
    expect(daemon.update([candidate('a'), candidate('b')], T(200)).notifications).toEqual([]);
  });

  it('an alert already notified by one process is not notified again by the other', async () => {
    const one = createAlertManager({ stateDir: dir, repeatIntervalSeconds: 60, defaultChannels: ['slack'] });
    const two = createAlertManager({ stateDir: dir, repeatIntervalSeconds: 60, defaultChannels: ['slack'] });
    await one.load();
    await two.load();
    expect(one.update([candidate('a')], T(0)).notifications).toHaveLength(1);
    expect(two.update([candidate('a')], T(1)).notifications).toEqual([]);
  });

  it('the second process is told it shares the dir, and by whom; entries of processes that are gone are removed', () => {
    const processes = join(dir, 'processes');
    mkdirSync(processes, { recursive: true });
    // The test runner's parent stands in for a live daemon; a pid that cannot exist, for a crashed one.
    writeFileSync(
      join(processes, 'other.json'),
      JSON.stringify({ pid: process.ppid, host: hostname(), role: 'headless', startedAt: '2025-01-01T00:00:00Z' }),
    );
    writeFileSync(
      join(processes, 'gone.json'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), role: 'tui', startedAt: '2025-01-01T00:00:00Z' }),
    );
    const me = announcePresence(dir, 'tui');
    try {
      expect(me.others.map((o) => [o.role, o.pid])).toEqual([['headless', process.ppid]]);
      expect(readdirSync(processes)).not.toContain('gone.json');
      expect(describeSharing(dir, me.others)).toMatch(
        new RegExp(`is shared with airtop headless pid ${process.ppid}: acks and silences are merged`),
      );
      expect(describeSharing(dir, [])).toBeNull();
    } finally {
      me.leave();
    }
    expect(readdirSync(processes)).toEqual(['other.json']);
  });
});

describe('lease', () => {
  it('one holder at a time; a released lease is taken by the waiting standby', async () => {
    const first = await acquireLease({ stateDir: dir, ttlSeconds: 3 });
    expect(first).not.toBeNull();
    const stop = new AbortController();
    let standbyHolder: number | null = null;
    const waiting = acquireLease({
      stateDir: dir,
      ttlSeconds: 3,
      signal: stop.signal,
      onStandby: (h) => (standbyHolder = h.pid),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(standbyHolder).toBe(process.pid);
    first!.release();
    const second = await waiting;
    expect(second).not.toBeNull();
    expect(second!.holder.id).not.toBe(first!.holder.id);
    second!.release();
  });
});

describe('queued hub actions', () => {
  it('stay on disk until the hub takes them; a refusal is dropped and said', async () => {
    let up = false;
    const outcomes: string[] = [];
    const make = () =>
      createActionQueue({
        stateDir: dir,
        hub: 'http://hub',
        send: async () => (up ? { status: 'done' } : { status: 'retry', reason: 'ECONNREFUSED' }),
        onOutcome: (a, o) => outcomes.push(`${a.kind}:${o.status}`),
      });
    const queue = make();
    queue.add({ kind: 'ack', fingerprint: 'f1', name: 'a', note: 'n', by: 'me' });
    expect(await queue.flush()).toBe(1);
    // A new TUI (after a restart) finds the ack on disk and sends it once the hub is back.
    const reopened = make();
    expect(reopened.size).toBe(1);
    up = true;
    expect(await reopened.flush()).toBe(0);
    expect(make().size).toBe(0);
    expect(outcomes).toEqual(['ack:retry', 'ack:done']);
  });
});
