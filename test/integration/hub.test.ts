import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachSession } from '../../source/hub/attach.js';
import { hubRequest, openHubStream, type HubStream } from '../../source/hub/client.js';
import type { AirtopStore } from '../../source/state/store.js';
import { attachConsole, type AttachedConsole } from '../helpers/attach.js';
import { freePort, startDaemon, until, type Daemon } from '../helpers/daemon.js';
import { startPagerDutyReceiver } from '../helpers/receivers.js';
import { KEY, renderTui } from '../ui/render.js';

// The team hub end to end: a real `airtop --demo --headless` with a hub token, two attached consoles (one
// the real Ink TUI), a loopback PagerDuty. An ack in one console reaches the other within a second, reaches
// the daemon's alerts.json and PagerDuty, and stops the repeats; tokens are refused with reasons; a daemon
// killed with -9 mid-ack loses nothing; 50 change streams all get an update.

const WRITE = 'hub-write-token-0123456789abcdef';
const READ = 'hub-read-token-0123456789abcdef';
const PD_KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';

let work: string;
let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
let daemon: Daemon;
let port: number;
let url: string;
let stateDir: string;
let configPath: string;
const sessions: AttachSession[] = [];
const streams: HubStream[] = [];

function daemonEnv() {
  return {
    AIRTOP_HUB_TOKEN: WRITE,
    AIRTOP_HUB_READONLY_TOKEN: READ,
    XDG_STATE_HOME: join(work, 'state'),
    TEST_PD_KEY: PD_KEY,
    NODE_ENV: 'production',
  };
}

async function launch(): Promise<Daemon> {
  const d = startDaemon(
    ['--interval', '2', '--metrics-listen', `127.0.0.1:${port}`, '--config', configPath],
    daemonEnv(),
  );
  await d.waitForLog('hub API on /api/v1');
  return d;
}

/** A write console named `name`, stopped after all tests. */
function attach(name: string): AttachedConsole {
  const attached = attachConsole({ url, token: WRITE, work, name, size: { columns: 119, rows: 31 } });
  sessions.push(attached.session);
  return attached;
}

const alertState = (store: AirtopStore, fp: string) =>
  (store.getState().report?.alerts ?? []).find((a) => a.fingerprint === fp)?.state;
const alertsFile = () =>
  JSON.parse(readFileSync(join(stateDir, 'alerts.json'), 'utf8')) as {
    alerts: Record<string, { ack: { by: string; note: string } | null }>;
  };
const pdEvents = (fp: string, action: string) =>
  pd.accepted.filter((e) => e.dedup_key === fp && e.event_action === action);

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'airtop-hub-'));
  stateDir = join(work, 'state', 'airtop', 'demo');
  pd = await startPagerDutyReceiver();
  port = await freePort();
  url = `http://127.0.0.1:${port}`;
  configPath = join(work, 'config.yaml');
  // Repeats every 3 s, so "the ack stopped the repeats" is visible within the test.
  writeFileSync(
    configPath,
    `alerts:\n  repeat_interval: 3s\n` +
      // Every alert paged at once and repeated every 3 s, so an ack's effect on repeats shows quickly.
      `  routes:\n    - receivers: [pagerduty]\n      group_wait: 0s\n      group_interval: 1s\n      repeat_interval: 3s\n      group_by: [alertname, dag_id, task_id, run_id, pool]\n` +
      `sinks:\n  pagerduty:\n    routing_key_env: TEST_PD_KEY\n    url: ${pd.url}\n`,
  );
  daemon = await launch();
}, 30_000);

afterAll(async () => {
  for (const s of sessions) s.stop();
  for (const s of streams) s.stop();
  await daemon?.stop();
  await pd?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('hub', () => {
  it('refuses a wrong token (401) and a read-only token on a write (403), with reasons', async () => {
    const none = await hubRequest({ url, token: '' }, 'GET', '/api/v1/alerts');
    expect(none.status).toBe(401);
    const wrong = await hubRequest({ url, token: 'not-the-token-0123456789' }, 'GET', '/api/v1/alerts');
    expect(wrong).toEqual({
      status: 401,
      body: { status: 401, error: 'token not recognised: check AIRTOP_HUB_TOKEN matches the hub' },
    });
    const viewer = await hubRequest({ url, token: READ }, 'GET', '/api/v1/alerts');
    expect(viewer.status).toBe(200);
    const write = await hubRequest({ url, token: READ }, 'POST', '/api/v1/alerts/0000/ack', { note: 'x' });
    expect(write.status).toBe(403);
    expect((write.body as { error: string }).error).toMatch(/read-only.*AIRTOP_HUB_TOKEN/);
    const big = await hubRequest({ url, token: WRITE }, 'POST', '/api/v1/alerts/0000/ack', {
      note: 'x'.repeat(40_000),
    });
    expect(big.status).toBe(413);
    const unknown = await hubRequest({ url, token: WRITE }, 'POST', '/api/v1/alerts/0000/ack', { note: 'x' });
    expect(unknown).toMatchObject({ status: 404, body: { error: 'no alert with fingerprint 0000' } });
  });

  it('an ack in one console shows in the other within 1 s, lands in alerts.json and PagerDuty, and stops the repeats', async () => {
    const a = attach('console-a');
    const b = attach('console-b');
    // The critical one goes to PagerDuty (every alert sink); wait until it has been paged and repeated once.
    const fp = await until(
      'a paged critical alert',
      () =>
        (a.store.getState().report?.alerts ?? []).find(
          (x) => x.labels.alertname === 'success_rate_critical' && x.state === 'firing',
        )?.fingerprint,
      20_000,
    );
    await until('a PagerDuty repeat', () => pdEvents(fp, 'trigger').length >= 2, 20_000);
    await until('console b has the alert', () => alertState(b.store, fp) === 'firing');

    // Console B is the real TUI: it must draw the ack made in console A.
    const ui = renderTui({ store: b.store, commands: b.session.commands, clock: () => new Date() });
    try {
      await ui.waitForContent('[1] DAG health', 10_000);
      const started = Date.now();
      a.session.commands.ack(fp, 'looking at it');
      await until('console b to see the ack', () => alertState(b.store, fp) === 'acknowledged', 1000, 5);
      expect(Date.now() - started).toBeLessThan(1000);
      // Which DAG fails depends on the simulated clock: filter the alerts pane to this alert's DAG.
      const filter = `${(a.store.getState().report?.alerts ?? []).find((x) => x.fingerprint === fp)!.labels.dag_id}: success`;
      await ui.sendKeys('5', '/', ...filter, KEY.enter);
      const frame = await ui.waitForContent(new RegExp(`acknowledged +${filter} rate`), 5000);
      expect(frame).not.toMatch(new RegExp(`firing +${filter} rate`));

      // And the other way: an ack typed in the TUI reaches console A within a second.
      const poolAlert = (b.store.getState().report?.alerts ?? []).find(
        (x) => x.state === 'firing' && x.labels.alertname?.startsWith('pool_utilization'),
      );
      if (!poolAlert) throw new Error('the simulated Airflow has no pool near capacity right now');
      const pool = poolAlert.fingerprint;
      const poolFilter = `pool ${poolAlert.labels.pool}: utilization`;
      await ui.sendKeys('/', ...Array.from(filter, () => KEY.backspace), ...poolFilter, KEY.enter);
      await ui.waitForContent(new RegExp(`firing +${poolFilter}`), 5000);
      const typed = Date.now();
      await ui.sendKeys('a', ...'mine', KEY.enter);
      await until(
        'console a to see the ack typed in the TUI',
        () => alertState(a.store, pool) === 'acknowledged',
        1000,
        5,
      );
      expect(Date.now() - typed).toBeLessThan(1000);
      expect((a.store.getState().report?.alerts ?? []).find((x) => x.fingerprint === pool)?.ack).toMatchObject({
        by: 'console-b',
        note: 'mine',
      });
    } finally {
      ui.unmount();
    }
    expect(alertsFile().alerts[fp]?.ack).toMatchObject({ by: 'console-a', note: 'looking at it' });
    await until('PagerDuty acknowledge', () => pdEvents(fp, 'acknowledge').length === 1, 10_000);
    expect(pd.incidents.get(fp)).toBe('acknowledged');

    // Two repeat intervals later: other paged alerts repeated, the acknowledged one did not.
    const triggersAtAck = pdEvents(fp, 'trigger').length;
    const others = () => pd.accepted.filter((e) => e.dedup_key !== fp && e.event_action === 'trigger').length;
    const othersAtAck = others();
    await new Promise((resolve) => setTimeout(resolve, 7000));
    expect(others()).toBeGreaterThan(othersAtAck);
    expect(pdEvents(fp, 'trigger').length).toBe(triggersAtAck);
    // A resent ack (same alert, already acknowledged) does not page PagerDuty again.
    const again = await hubRequest({ url, token: WRITE }, 'POST', `/api/v1/alerts/${fp}/ack`, { note: 'again' });
    expect(again).toMatchObject({ status: 200, body: { unchanged: true } });
    expect(pdEvents(fp, 'acknowledge')).toHaveLength(1);
  }, 60_000);

  it('a silence from one console reaches the other within 1 s, is listed, and a resend does not add another', async () => {
    const a = attach('console-s1');
    const b = attach('console-s2');
    const fp = await until(
      'a firing alert in both',
      () => {
        const found = (a.store.getState().report?.alerts ?? []).find(
          (x) => x.state === 'firing' && x.labels.alertname === 'high_retry_rate',
        );
        return found && alertState(b.store, found.fingerprint) === 'firing' ? found.fingerprint : null;
      },
      20_000,
    );
    const started = Date.now();
    a.session.commands.silence(fp, 3600, 'known flaky');
    await until('console b sees it silenced', () => alertState(b.store, fp) === 'silenced', 1000, 5);
    expect(Date.now() - started).toBeLessThan(1000);
    const listed = (await hubRequest({ url, token: READ }, 'GET', '/api/v1/silences')).body as {
      silences: { comment: string; createdBy: string }[];
    };
    expect(listed.silences.filter((s) => s.comment === 'known flaky')).toEqual([
      expect.objectContaining({ createdBy: 'console-s1' }),
    ]);
    const again = await hubRequest({ url, token: WRITE }, 'POST', `/api/v1/alerts/${fp}/silence`, {
      duration_seconds: 3600,
      comment: 'known flaky',
      by: 'console-s1',
    });
    expect(again).toMatchObject({ status: 200, body: { unchanged: true } });
    const bad = await hubRequest({ url, token: WRITE }, 'POST', `/api/v1/alerts/${fp}/silence`, {
      duration_seconds: 5,
    });
    expect(bad).toMatchObject({ status: 400, body: { error: 'duration_seconds: at least 60 seconds' } });
  }, 30_000);

  it('50 change streams all receive an un-ack', async () => {
    const seen = new Set<number>();
    let fp = '';
    const ready = new Set<number>();
    for (let i = 0; i < 50; i++) {
      streams.push(
        openHubStream(
          { url, token: READ },
          {
            onState: () => ready.add(i),
            onUpdate: (u) => {
              if (u.alerts?.some((x) => x.fingerprint === fp && x.state === 'firing')) seen.add(i);
            },
            onConnection: () => undefined,
          },
        ),
      );
    }
    await until('50 streams', () => ready.size === 50, 10_000);
    const acked = (await hubRequest({ url, token: READ }, 'GET', '/api/v1/acks')).body as {
      acks: { fingerprint: string }[];
    };
    fp = acked.acks[0]!.fingerprint;
    const started = Date.now();
    expect((await hubRequest({ url, token: WRITE }, 'POST', `/api/v1/alerts/${fp}/unack`, {})).status).toBe(200);
    await until('every stream to see the un-ack', () => seen.size === 50, 3000, 5);
    expect(Date.now() - started).toBeLessThan(1000);
    for (const s of streams.splice(0)) s.stop();
  }, 30_000);

  it('a daemon killed with -9 mid-ack loses nothing: the console says STALE, queues the ack and sends it after the restart', async () => {
    const a = attach('console-c');
    // A paged alert whose labels do not name a run, so the restarted demo raises the same one again.
    const fp = await until(
      'a paged alert',
      () =>
        (a.store.getState().report?.alerts ?? []).find(
          (x) => x.state === 'firing' && !x.labels.run_id && pdEvents(x.fingerprint, 'trigger').length > 0,
        )?.fingerprint,
      20_000,
    );
    const alertsBefore = (a.store.getState().report?.alerts ?? []).length;
    a.session.commands.ack(fp, 'during the crash');
    await daemon.kill9();
    await until(
      'STALE with the reason',
      () => /hub .* unreachable.*ECONNREFUSED/.test(a.store.getState().poll.error ?? ''),
      5000,
    );
    // The last state stays on screen.
    expect((a.store.getState().report?.alerts ?? []).length).toBe(alertsBefore);
    // Either the ack reached the daemon before the kill, or it waits in the console's queue on disk.
    const queued = JSON.parse(readFileSync(join(work, 'console-c', 'hub-queue.json'), 'utf8')) as unknown[];
    const persisted = alertsFile().alerts[fp]?.ack?.note === 'during the crash';
    expect(persisted || queued.length === 1).toBe(true);

    daemon = await launch();
    await until(
      'the ack in alerts.json after the restart',
      () => alertsFile().alerts[fp]?.ack?.note === 'during the crash',
      20_000,
    );
    await until(
      'the console is attached again',
      () => a.session.connected && a.store.getState().poll.error === null,
      20_000,
    );
    await until('the queue emptied', () => a.session.queue.size === 0, 5000);
    await until('PagerDuty acknowledge', () => pdEvents(fp, 'acknowledge').length >= 1, 15_000);
    await until('the console shows it acknowledged', () => alertState(a.store, fp) === 'acknowledged', 15_000);
  }, 90_000);
});
