import { afterEach, describe, expect, it } from 'vitest';
import type { AlertView } from '../../source/report/types.js';
import { buildStore, NOW } from './fixtures.js';
import { KEY, renderTui } from './render.js';

// The alerts pane groups alerts as they are notified: one row per group (worst severity, member count,
// newest summary), Enter shows and hides the members, a / s act on every member; an inhibited alert is
// shown dimmed with what inhibits it.

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

const MIN = 60_000;
const GROUP = 'root:{dag_id="warehouse_compaction"}';
const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * MIN).toISOString();

function member(
  fingerprint: string,
  alertname: string,
  summary: string,
  minutesAgo: number,
  extra: Partial<AlertView> = {},
): AlertView {
  return {
    fingerprint,
    labels: { alertname, severity: 'warning', dag_id: 'warehouse_compaction' },
    annotations: { summary },
    severity: 'warning',
    state: 'firing',
    since: at(minutesAgo),
    escalation_level: null,
    ack: null,
    receivers: [],
    inhibited_by: null,
    group_key: GROUP,
    group_labels: { dag_id: 'warehouse_compaction' },
    ...extra,
  };
}

const SOURCE = 'f000000000000001';
const RUN = 'f000000000000002';
const TASK = 'f000000000000003';
const ALONE = 'f000000000000009';

function alerts(): AlertView[] {
  return [
    member(SOURCE, 'avg_duration_increase', 'warehouse_compaction average duration 1449.9s, 127% above baseline', 30),
    member(RUN, 'slow_run', 'warehouse_compaction run r1 took 3.1× its median', 20, { inhibited_by: SOURCE }),
    member(TASK, 'slow_task', 'warehouse_compaction.vacuum took 4.0× its median', 5, { inhibited_by: SOURCE }),
    {
      ...member(ALONE, 'success_rate_critical', 'ml_feature_refresh success rate 50.0% < 90%', 10),
      labels: { alertname: 'success_rate_critical', severity: 'critical', dag_id: 'ml_feature_refresh' },
      severity: 'critical',
      receivers: ['slack'],
      group_key: 'root.0:{}',
      group_labels: {},
    },
  ];
}

async function atAlerts() {
  const store = buildStore({ columns: 240, rows: 40 });
  store.getState().setAlerts(alerts());
  const ui = renderTui({ store });
  unmount = ui.unmount;
  await ui.waitForContent('[1] DAG health');
  await ui.sendKeys('5');
  await ui.waitForContent('3 alerts');
  return { store, ui };
}

describe('alert groups in the alerts pane', () => {
  it('one row per group: worst severity, member count, newest summary; Enter expands and collapses', async () => {
    const { ui } = await atAlerts();
    const frame = ui.lastFrame();
    expect(frame).toContain(
      '▸ 3 alerts · dag_id=warehouse_compaction · warehouse_compaction.vacuum took 4.0× its median',
    );
    expect(frame).toContain('ml_feature_refresh success rate 50.0% < 90%');
    expect(frame).not.toContain('run r1 took 3.1×');
    // The critical single alert sorts first; move to the group.
    await ui.sendKeys(KEY.down, KEY.enter);
    await ui.waitForContent('▾ 3 alerts');
    const open = ui.lastFrame();
    expect(open).toContain('warehouse_compaction run r1 took 3.1× its median');
    expect(open).toMatch(/inhibited\s+.*run r1 took 3\.1× its median\s+inhibited by avg_duration_increase/);
    await ui.sendKeys(KEY.enter);
    await ui.waitForContent('▸ 3 alerts');
    expect(ui.lastFrame()).not.toContain('run r1 took 3.1×');
  });

  it('a on a group acknowledges every member with the one note; s silences every member', async () => {
    const { ui } = await atAlerts();
    await ui.sendKeys(KEY.down, 'a');
    await ui.waitForContent('Acknowledge: 3 alerts of a group');
    await ui.sendKeys(...'known: backfill');
    await ui.sendKeys(KEY.enter);
    await expect.poll(() => ui.commands.ack.mock.calls.length, { timeout: 5000 }).toBe(3);
    expect(ui.commands.ack.mock.calls.map((c) => c[0]).sort()).toEqual([SOURCE, RUN, TASK].sort());
    expect(new Set(ui.commands.ack.mock.calls.map((c) => c[1]))).toEqual(new Set(['known: backfill']));

    await ui.sendKeys('s');
    await ui.waitForContent('Silence: 3 alerts of a group');
    await ui.sendKeys(KEY.enter);
    await expect.poll(() => ui.commands.silence.mock.calls.length, { timeout: 5000 }).toBe(3);
    expect(ui.commands.silence.mock.calls.every((c) => c[1] === 900)).toBe(true);
  });

  it('a group row says who acknowledged it: the one name, or how many of its live alerts are acked', async () => {
    const { store, ui } = await atAlerts();
    const ack = { by: 'alice', at: at(1), note: 'backfill' };
    store.getState().setAlerts(alerts().map((a) => (a.group_key === GROUP ? { ...a, ack } : a)));
    await ui.waitForContent('ack alice');
    expect(ui.lastFrame()).toMatch(/▸ 3 alerts · dag_id=warehouse_compaction .*ack alice/);
    store.getState().setAlerts(alerts().map((a) => (a.fingerprint === SOURCE ? { ...a, ack } : a)));
    await ui.waitForContent('ack 1/3');
  });
});
