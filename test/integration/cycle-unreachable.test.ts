import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AirflowError } from '../../source/airflow/errors.js';
import { groupViews } from '../../source/alerts/group-views.js';
import { createAlertManager } from '../../source/alerts/manager.js';
import { routingFromConfig } from '../../source/alerts/routing-config.js';
import { createPollCycle } from '../../source/collect/cycle.js';
import { configSchema } from '../../source/config/schema.js';
import { createAirtopStore } from '../../source/state/store.js';
import { FakeSource } from '../ui/fake-source.js';
import { NOW } from '../ui/fixtures.js';

// A poll that cannot reach Airflow keeps the last good findings and adds airflow_unreachable, whose default
// inhibit rule mutes every other alert: one cause, one thing to look at.

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

class FlakySource extends FakeSource {
  down = false;
  override async snapshot() {
    if (this.down) throw new AirflowError('network', 'connect ECONNREFUSED 127.0.0.1:8080', null);
    const unhealthy = { status: 'unhealthy', latestHeartbeat: null };
    const healthy = { status: 'healthy', latestHeartbeat: null };
    // Two more findings to be muted: the scheduler and the triggerer down.
    return {
      ...(await super.snapshot()),
      health: { metadatabase: healthy, scheduler: unhealthy, triggerer: unhealthy, dagProcessor: healthy },
    } as Awaited<ReturnType<FakeSource['snapshot']>>;
  }
}

describe('Airflow unreachable', () => {
  it('is an alert that inhibits every other one, and the others stay listed', async () => {
    dir = mkdtempSync(join(tmpdir(), 'airtop-unreachable-'));
    const config = configSchema.parse({ dags: { patterns: ['*'] } });
    const manager = createAlertManager({
      stateDir: dir,
      repeatIntervalSeconds: 3600,
      clock: () => NOW,
      routing: routingFromConfig(config),
    });
    await manager.load();
    const stage = {
      afterPoll: async (
        report: { alert_groups?: unknown },
        candidates: Parameters<typeof manager.update>[0],
        now: Date,
      ) => {
        const { alerts } = manager.update(candidates, now);
        report.alert_groups = groupViews(alerts);
        return alerts;
      },
    };
    const source = new FlakySource();
    const store = createAirtopStore();
    const cycle = createPollCycle({ source, store, config, alerts: stage, clock: () => NOW });
    await cycle();
    const before = (store.getState().report?.alerts ?? []).filter((a) => a.state !== 'resolved');
    // The fixture's own findings, plus the scheduler and the triggerer down.
    expect(before.map((a) => a.labels.alertname).sort()).toEqual([
      'component_unhealthy',
      'component_unhealthy',
      'high_retry_rate',
      'pool_utilization_critical',
      'pool_utilization_warning',
      'quality_degraded',
      'sla_miss',
      'success_rate_critical',
    ]);
    expect(before.flatMap((a) => a.labels.component ?? []).sort()).toEqual(['scheduler', 'triggerer']);
    // The scheduler down already mutes the triggerer.
    expect(before.find((a) => a.labels.component === 'triggerer')!.inhibited_by).toBe(
      before.find((a) => a.labels.component === 'scheduler')!.fingerprint,
    );
    source.down = true;
    await expect(cycle()).rejects.toThrow(/ECONNREFUSED/);
    const after = (store.getState().report?.alerts ?? []).filter((a) => a.state !== 'resolved');
    const down = after.find((a) => a.labels.alertname === 'airflow_unreachable');
    expect(down).toMatchObject({ severity: 'critical', inhibited_by: null });
    expect(after.length).toBe(before.length + 1);
    for (const a of after) if (a !== down) expect(a.inhibited_by, a.labels.alertname).toBe(down!.fingerprint);
  });
});
