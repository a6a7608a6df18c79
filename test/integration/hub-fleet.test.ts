import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttachSession } from '../../source/hub/attach.js';
import type { AirtopStore } from '../../source/state/store.js';
import type { InstanceData } from '../../source/state/types.js';
import { selectDagRows } from '../../source/ui/model/dag-rows.js';
import { attachConsole, type AttachedConsole } from '../helpers/attach.js';
import { freePort, startDaemon, until, type Daemon } from '../helpers/daemon.js';
import { renderTui } from '../ui/render.js';

// A console attached to a fleet daemon (`airtop --demo --demo-instances 3 --headless`, a real child) holds
// every instance's own data, as a polling fleet TUI does: the strip names all three with their own status,
// the all view lists every instance's DAGs, an ack of another instance's alert goes through, and when the
// daemon dies every instance goes STALE while its last data stays.

const WRITE = 'hub-fleet-token-0123456789abcdef';
const NAMES = ['healthy', 'failing', 'flaky'];

let work: string;
let daemon: Daemon;
let url: string;
const sessions: AttachSession[] = [];

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'airtop-hub-fleet-'));
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  daemon = startDaemon(['--demo-instances', '3', '--interval', '2', '--metrics-listen', `127.0.0.1:${port}`], {
    AIRTOP_HUB_TOKEN: WRITE,
    XDG_STATE_HOME: join(work, 'state'),
    NODE_ENV: 'production',
  });
  await daemon.waitForLog('hub API on /api/v1');
}, 30_000);

afterAll(async () => {
  for (const s of sessions) s.stop();
  await daemon?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** A write console named `name`, stopped after all tests. */
function attach(name: string): AttachedConsole {
  const attached = attachConsole({ url, token: WRITE, work, name, size: { columns: 160, rows: 40 } });
  sessions.push(attached.session);
  return attached;
}

/** The DAGs an instance's rows come from: its snapshot's and its report's. */
const dagCount = (i: InstanceData) =>
  new Set([...(i.snapshot?.dags ?? []).map((d) => d.dagId), ...Object.keys(i.report?.pipeline.dags ?? {})]).size;

const polled = (store: AirtopStore) => {
  const fleet = store.getState().fleet ?? [];
  return fleet.length === 3 && fleet.every((i) => i.report !== null) ? fleet : null;
};

describe('a console attached to a fleet daemon', () => {
  it('holds each instance’s own data: the strip, the all view’s DAGs of every instance, its alerts', async () => {
    const { store, session } = attach('console-a');
    const fleet = await until('every instance polled, as the attached console sees it', () => polled(store), 20_000);
    expect(fleet.map((i) => i.name)).toEqual(NAMES);
    // Each instance is its own Airflow: its own URL and its own report.
    expect(new Set(fleet.map((i) => i.report!.airflow.url)).size).toBe(3);
    const overall = Object.fromEntries(fleet.map((i) => [i.name, i.report!.summary.overall]));
    expect(overall.healthy).not.toBe('critical');
    expect(overall.failing).toBe('critical');

    // The all view lists the DAGs of every instance, each row naming its own.
    const rows = selectDagRows(store.getState());
    expect(new Set(rows.map((r) => r.instance))).toEqual(new Set(NAMES));
    for (const instance of fleet) {
      expect(instance.snapshot?.dags.length).toBeGreaterThan(0);
      expect(rows.filter((r) => r.instance === instance.name)).toHaveLength(dagCount(instance));
    }

    // Alerts: each instance's report shows its own, labelled; acking one of the second instance's goes through.
    const target = await until(
      'a firing alert of the failing instance',
      () =>
        (store.getState().fleet ?? [])
          .find((i) => i.name === 'failing')!
          .report!.alerts.find((a) => a.labels.instance === 'failing' && a.state === 'firing'),
      20_000,
    );
    session.commands.ack(target.fingerprint, 'mine');
    await until(
      'the ack in the console',
      () =>
        store
          .getState()
          .fleet!.find((i) => i.name === 'failing')!
          .report!.alerts.find((a) => a.fingerprint === target.fingerprint)?.state === 'acknowledged',
      5000,
    );

    // The real TUI over this store: the strip names all three, the breadcrumb says "all instances".
    const ui = renderTui({ store, commands: session.commands, clock: () => new Date() });
    try {
      const frame = await ui.waitForContent(/all instances/, 10_000);
      for (const name of NAMES) expect(frame).toContain(name);
    } finally {
      ui.unmount();
    }
  }, 60_000);

  it('when the daemon dies, every instance goes STALE and keeps its last data', async () => {
    const { store } = attach('console-b');
    await until('every instance polled', () => polled(store), 20_000);
    const before = store.getState().fleet!.map(dagCount);
    await daemon.kill9();
    const fleet = await until(
      'every instance marked stale',
      () => {
        const f = store.getState().fleet ?? [];
        return f.every((i) => i.poll.error?.includes('unreachable')) ? f : null;
      },
      10_000,
    );
    expect(fleet.map(dagCount)).toEqual(before);
    expect(fleet[0]!.poll.error).toMatch(/^hub http:\/\/127\.0\.0\.1:\d+ unreachable since .*showing its last state/);
    expect(store.getState().poll.error).toMatch(/unreachable/);
  }, 40_000);
});
