import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AirflowError } from '../../source/airflow/errors.js';
import type { Snapshot } from '../../source/airflow/types.js';
import { configSchema } from '../../source/config/schema.js';
import { hubMirror } from '../../source/fleet/hub-mirror.js';
import { phaseOf, startFleetLive, type FleetHooks, type StartedFleet } from '../../source/fleet/live.js';
import type { InstanceContext } from '../../source/fleet/types.js';
import type { AlertView } from '../../source/report/types.js';
import { ManualPollerClock } from '../helpers/manual-clock.js';
import { FakeSource } from '../ui/fake-source.js';
import { NOW } from '../ui/fixtures.js';

// Several instances, one notifier: each instance's poll sees, resolves and inhibits only its own alerts,
// and a hanging instance does not hold back another's polls.

let dir = '';
let live: StartedFleet | null = null;
afterEach(async () => {
  await live?.stop();
  live = null;
  rmSync(dir, { recursive: true, force: true });
});

class FlakySource extends FakeSource {
  down = false;
  override async snapshot() {
    if (this.down) throw new AirflowError('network', 'connect ECONNREFUSED 127.0.0.1:8080', null);
    return super.snapshot();
  }
}

/** A snapshot that never comes until the test lets it fail. */
class HangingSource extends FakeSource {
  calls = 0;
  release: ((error: Error) => void) | null = null;
  override snapshot(): Promise<Snapshot> {
    this.calls += 1;
    return new Promise((_, reject) => {
      this.release = reject;
    });
  }
}

const config = configSchema.parse({ dags: { patterns: ['*'] }, interval: 60 });

function instance(name: string, source: FakeSource): InstanceContext {
  return { name, config, source };
}

const open = (alerts: AlertView[]) => alerts.filter((a) => a.state !== 'resolved');

/** Hooks for a fleet the test polls itself (refreshNow, refreshAll): no timers, no log. */
const driven: FleetHooks = { log: () => undefined, start: false, notifier: { timers: false } };

/** startFleetLive over `instances` in this test's dir at NOW; `fleet: false` is a flat config's fleet of one. */
function startFleet(instances: InstanceContext[], hooks: FleetHooks = driven, fleet = true): Promise<StartedFleet> {
  return startFleetLive({ config, stateDir: dir, instances, fleet, clock: () => NOW }, hooks);
}

describe('startFleetLive', () => {
  it("an instance's poll resolves and inhibits only its own alerts", async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-live-'));
    const prod = new FlakySource();
    const staging = new FlakySource();
    live = await startFleet([instance('prod', prod), instance('staging', staging)]);
    const [p, s] = live.members;
    await p!.poller.refreshNow();
    await s!.poller.refreshNow();
    const all = open(live.notifier.alerts.alerts());
    const prodAlerts = all.filter((a) => a.labels.instance === 'prod');
    const stagingAlerts = all.filter((a) => a.labels.instance === 'staging');
    expect(prodAlerts.length).toBeGreaterThan(0);
    expect(stagingAlerts.length).toBe(prodAlerts.length);
    expect(prodAlerts.length + stagingAlerts.length).toBe(all.length);
    // The same finding on two instances is two alerts.
    const fps = new Set(all.map((a) => a.fingerprint));
    expect(fps.size).toBe(all.length);
    // Each member's report lists its own alerts only.
    expect(p!.store.getState().report!.alerts.every((a) => a.labels.instance === 'prod')).toBe(true);

    // staging polls again with a clean Airflow: its alerts resolve, prod's (which it never saw) stay.
    vi.spyOn(staging, 'snapshot').mockImplementation(async () => {
      const snap = await FakeSource.prototype.snapshot.call(staging);
      return { ...snap, window: { ...snap.window, dags: {}, tasks: {} }, pools: [], health: null } as Snapshot;
    });
    await s!.poller.refreshNow();
    const after = live.notifier.alerts.alerts();
    for (const a of prodAlerts) expect(after.find((x) => x.fingerprint === a.fingerprint)!.state).toBe('firing');
    expect(
      open(after).filter((a) => a.labels.instance === 'staging').length,
      'staging resolved some of its own',
    ).toBeLessThan(stagingAlerts.length);

    // prod unreachable: one alert that mutes prod's others, not staging's.
    prod.down = true;
    await p!.poller.refreshNow();
    const down = live.notifier.alerts.alerts();
    const unreachable = down.filter((a) => a.labels.alertname === 'airflow_unreachable');
    expect(unreachable.map((a) => a.labels.instance)).toEqual(['prod']);
    const fp = unreachable[0]!.fingerprint;
    for (const a of open(down)) {
      if (a.fingerprint === fp) continue;
      if (a.labels.instance === 'prod') expect(a.inhibited_by, a.labels.alertname).toBe(fp);
      else expect(a.inhibited_by, a.labels.alertname).not.toBe(fp);
    }
    expect(p!.store.getState().poll.error).toMatch(/ECONNREFUSED/);
    expect(s!.store.getState().poll.error).toBeNull();
  });

  it('a hanging instance does not delay the polls of another', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-hang-'));
    // Poller timers the test fires by advancing time.
    const clock = new ManualPollerClock(NOW.getTime());
    const hanging = new HangingSource();
    const fast = new FakeSource();
    const reports: string[] = [];
    live = await startFleet([instance('stuck', hanging), instance('fast', fast)], {
      log: () => undefined,
      pollerClock: clock,
      notifier: { timers: false },
      onReport: (member) => reports.push(member.name),
    });
    const [stuck, quick] = live.members;
    await vi.waitFor(() => expect(reports).toEqual(['fast']));
    for (let polls = 2; polls <= 4; polls++) {
      // The second poll falls due an interval plus its phase (a few seconds) after the first.
      clock.advance(polls === 2 ? 70_000 : 60_000);
      await vi.waitFor(() => expect(reports.length).toBe(polls));
    }
    expect(reports).toEqual(['fast', 'fast', 'fast', 'fast']);
    expect(hanging.calls).toBe(1);
    expect(stuck!.poller.inFlight).toBe(true);
    expect(quick!.store.getState().poll.lastSuccessAt).not.toBeNull();
    expect(stuck!.store.getState().poll.lastSuccessAt).toBeNull();
    hanging.release?.(new Error('gave up'));
    await vi.waitFor(() => expect(stuck!.store.getState().poll.error).toBe('gave up'));
  });

  it("the hub's store lists every instance's alerts, and any of them can be acknowledged", async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-hub-'));
    live = await startFleet([instance('prod', new FakeSource()), instance('staging', new FakeSource())]);
    const mirror = hubMirror(live);
    try {
      await live.refreshAll();
      const listed = mirror.store.getState().report!.alerts;
      expect(new Set(listed.map((a) => a.labels.instance))).toEqual(new Set(['prod', 'staging']));
      const target = listed.find((a) => a.labels.instance === 'staging' && a.state === 'firing')!;
      const result = await live.notifier.ack(target.fingerprint, 'oncall', 'looking');
      expect(result.ok).toBe(true);
      expect(live.notifier.alerts.alerts().find((a) => a.fingerprint === target.fingerprint)!.state).toBe(
        'acknowledged',
      );
    } finally {
      mirror.stop();
    }
  });

  it('an instance unreachable since start is one airflow_unreachable alert of its own', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-never-'));
    const never = new FlakySource();
    never.down = true;
    live = await startFleet([instance('prod', new FakeSource()), instance('staging', never)]);
    await live.refreshAll();
    const alerts = open(live.notifier.alerts.alerts());
    const down = alerts.filter((a) => a.labels.alertname === 'airflow_unreachable');
    expect(down.map((a) => a.labels.instance)).toEqual(['staging']);
    expect(down[0]!.annotations.description).toMatch(/ECONNREFUSED/);
    const prodAlerts = alerts.filter((a) => a.labels.instance === 'prod');
    expect(prodAlerts.length).toBeGreaterThan(0);
    for (const a of prodAlerts) expect(a.inhibited_by).not.toBe(down[0]!.fingerprint);
    expect(live.member('staging')!.store.getState().report).toBeNull();
  });

  it('spreads the instances after their first poll: a few seconds apart, within half an interval', () => {
    expect([0, 1, 19].map((i) => phaseOf(i, 20, 300))).toEqual([0, 5000, 95_000]);
    expect([0, 1, 2].map((i) => phaseOf(i, 3, 10))).toEqual([0, 1667, 3333]);
    expect(phaseOf(0, 1, 300)).toBe(0);
  });

  it('a flat config (fleet: false) keeps alerts without the instance label', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-fleet-flat-'));
    live = await startFleet([instance('localhost', new FakeSource())], driven, false);
    await live.refreshAll();
    const alerts = live.notifier.alerts.alerts();
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => a.labels.instance === undefined)).toBe(true);
  });
});
