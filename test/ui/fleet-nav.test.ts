// Fleet navigation as pure dispatch → reduce over a mirrored fleet store: the all view lists every instance's
// rows, the selected row decides the current instance, the picker picks, and drilling and acting go to the row's
// instance. No terminal: the store is the screen's whole state.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionDialog } from '../../source/actions/dialog.js';
import { topView, type AirtopStore } from '../../source/state/store.js';
import { reduce } from '../../source/ui/actions.js';
import { dispatch, type Effect } from '../../source/ui/dispatch.js';
import { breadcrumbs, scopeOf } from '../../source/ui/header.js';
import { footerHintsMarked, helpLines } from '../../source/ui/keymap.js';
import { selectAlertPaneRows } from '../../source/ui/model/alert-rows.js';
import { selectDagRows } from '../../source/ui/model/dag-rows.js';
import { isAllView, selectFleetCells } from '../../source/ui/model/fleet.js';
import { selectAlertRows } from '../../source/ui/model/lists.js';
import { actionsOff } from '../../source/ui/action-keys.js';
import { type MirroredMember, withAvailability } from '../../source/ui/fleet-sync.js';
import { buildFleetStore } from './fleet-fixtures.js';
import { buildStore, DAGS, NOW } from './fixtures.js';

let store: AirtopStore;
let members: MirroredMember[];
let stop: () => void;
let effects: Effect[];

beforeEach(() => {
  ({ store, members, stop } = buildFleetStore());
  effects = [];
});
afterEach(() => stop());

function press(key: string, input = key): Effect | null {
  const effect = dispatch(store.getState(), key, input, { readonly: false });
  if (effect) {
    effects.push(effect);
    store.setState(reduce(store.getState(), effect));
  }
  return effect;
}
const ui = () => store.getState().ui;
const rows = () => selectDagRows(store.getState());
/** Moves the DAG selection to the first row of `instance` (by key presses). */
function downTo(instance: string, dagId?: string) {
  const target = rows().findIndex((r) => r.instance === instance && (dagId === undefined || r.dagId === dagId));
  expect(target).toBeGreaterThanOrEqual(0);
  while ((ui().selection['dags'] ?? 0) < target) press('down');
  while ((ui().selection['dags'] ?? 0) > target) press('up');
  return rows()[target]!;
}

describe('fleet: the mirror', () => {
  it('holds each instance in the config order; the selected row’s instance is current, its data the top level', () => {
    const s = store.getState();
    expect(s.fleet?.map((i) => i.name)).toEqual(['prod', 'staging', 'dev']);
    expect(isAllView(s)).toBe(true);
    // The all view sorts by status, then DAG id, then instance: dev's copy of the critical DAG comes first.
    expect(rows()[0]).toMatchObject({ dagId: DAGS.processing, instance: 'dev' });
    expect(ui().current).toBe('dev');
    expect(s.snapshot?.airflow.url).toBe('http://127.0.0.1:8082');
    expect(s.poll.error).toBe('connect ECONNREFUSED 127.0.0.1:8082');
  });

  it('cells: name, URL, version, status, STALE with the reason, firing alerts by severity', () => {
    const cells = selectFleetCells(store.getState());
    expect(cells.map((c) => [c.name, c.url, c.version])).toEqual([
      ['prod', 'http://127.0.0.1:8080', '3.0.2'],
      ['staging', 'http://127.0.0.1:8081', '2.11.0'],
      ['dev', 'http://127.0.0.1:8082', '3.1.0'],
    ]);
    // buildAlerts: one firing critical; the others acknowledged, silenced, resolved.
    expect(cells[0]!.firing).toEqual({ critical: 1, warning: 0, info: 0 });
    expect(cells[0]!.stale).toBeNull();
    expect(cells[2]!.stale).toBe('connect ECONNREFUSED 127.0.0.1:8082');
    expect(cells[0]!.overall).toBe(store.getState().fleet![0]!.report!.summary.overall);
  });

  it("a poll of the current instance reaches the top level; another instance's only its entry", () => {
    const { store: s, members, stop: halt } = buildFleetStore();
    s.setState(reduce(s.getState(), { ui: { instance: 'prod' } }));
    expect(s.getState().ui.current).toBe('prod');
    const staging = members[1]!.store;
    const before = s.getState().report;
    staging.getState().pollFailed({ error: 'timeout after 30 s', at: new Date(NOW.getTime() + 60_000) });
    expect(s.getState().fleet![1]!.poll.error).toBe('timeout after 30 s');
    expect(s.getState().report).toBe(before);
    expect(s.getState().poll.error).toBeNull();
    const prod = members[0]!.store;
    prod.getState().pollFailed({ error: '503 from http://127.0.0.1:8080', at: new Date(NOW.getTime() + 60_000) });
    expect(s.getState().poll.error).toBe('503 from http://127.0.0.1:8080');
    halt();
    prod.getState().pollFailed({ error: 'after the mirror stopped', at: new Date(NOW.getTime() + 120_000) });
    expect(s.getState().poll.error).toBe('503 from http://127.0.0.1:8080');
  });
});

describe('fleet: sinks', () => {
  it("the one notifier's sink status, told to every member's store, shows once in the TUI's", () => {
    const status = {
      name: 'slack',
      lastSuccessAt: null,
      lastError: '500 from the webhook',
      lastErrorAt: NOW.toISOString(),
      queueDepth: 3,
      deadLetters: 0,
    };
    for (const m of members) m.store.getState().setSinkStatus(status);
    expect(store.getState().sinks['slack']).toEqual(status);
    members[0]!.store.getState().setDeadLetters([]);
    expect(store.getState().deadLetters).toEqual([]);
  });
});

describe('fleet: the all view', () => {
  it('lists every instance’s DAGs with their instance, the same DAG id once per instance', () => {
    const all = rows();
    const perInstance = (name: string) => all.filter((r) => r.instance === name).map((r) => r.dagId);
    expect(perInstance('prod')).toHaveLength(4);
    expect(perInstance('staging')).toContain('staging_only_dag');
    expect(perInstance('dev')).toHaveLength(4);
    expect(all.filter((r) => r.dagId === DAGS.processing).map((r) => r.instance)).toEqual(['dev', 'prod', 'staging']);
  });

  it('moving onto another instance’s row makes it current: header, pools and costs speak of it', () => {
    downTo('staging');
    expect(ui().current).toBe('staging');
    expect(store.getState().snapshot?.airflow.url).toBe('http://127.0.0.1:8081');
    expect(store.getState().report?.airflow.version).toBe('2.11.0');
    press('g');
    expect(ui().current).toBe(rows()[0]!.instance);
  });

  it('the filter matches a DAG id or an instance name; faults-only and sort work across instances', () => {
    press('/');
    for (const ch of 'staging') press(ch, ch);
    press('enter');
    expect(new Set(rows().map((r) => r.instance))).toEqual(new Set(['staging']));
    press('escape');
    press('/');
    for (const ch of '!staging') press(ch, ch);
    expect(ui().filter.text).toBe('!staging');
    expect(rows().some((r) => r.instance === 'staging')).toBe(false);
    expect(rows().length).toBeGreaterThan(0);
    press('escape');
    press('f');
    expect(new Set(rows().map((r) => r.instance))).toEqual(new Set(['prod', 'staging', 'dev']));
    expect(rows().every((r) => r.status === 'critical' || r.status === 'warning')).toBe(true);
    press('f');
    press('o'); // status → name
    expect(ui().sort).toBe('name');
    const names = rows().map((r) => `${r.dagId} ${r.instance}`);
    expect(names).toEqual([...names].sort());
  });

  it('the alert pane lists every instance’s alerts once; a selected alert makes its instance current', () => {
    const alerts = selectAlertRows(store.getState());
    expect(new Set(alerts.map((a) => a.labels['instance']))).toEqual(new Set(['prod', 'staging', 'dev']));
    expect(alerts).toHaveLength(12);
    press('5');
    const paneRows = selectAlertPaneRows(store.getState());
    const devAt = paneRows.findIndex((r) => r.kind === 'alert' && r.alert.labels['instance'] === 'dev');
    for (let i = 0; i < devAt; i++) press('down');
    expect(ui().current).toBe('dev');
  });
});

describe('fleet: the instance picker', () => {
  it('i opens it on "all"; ↓ and Enter pick an instance: its rows alone, no instance column, lists at the top', () => {
    downTo('staging');
    press('i');
    expect(ui().picker).toBe(0);
    press('down');
    press('down');
    expect(ui().picker).toBe(2);
    press('enter');
    expect(ui().picker).toBeNull();
    expect(ui().instance).toBe('staging');
    expect(ui().current).toBe('staging');
    expect(isAllView(store.getState())).toBe(false);
    expect(rows().every((r) => r.instance === undefined)).toBe(true);
    expect(rows().map((r) => r.dagId)).toContain('staging_only_dag');
    expect(ui().selection['dags']).toBe(0);
    expect(selectAlertRows(store.getState()).every((a) => a.labels['instance'] === 'staging')).toBe(true);
    expect(breadcrumbs(ui().stack, scopeOf(store.getState()))).toBe('staging › DAGs');
  });

  it('Esc closes it and keeps what the panes show; picking "all" goes back to every instance', () => {
    press('i');
    press('down');
    press('escape');
    expect(ui().picker).toBeNull();
    expect(ui().instance ?? null).toBeNull();
    press('i');
    press('G');
    press('enter');
    expect(ui().instance).toBe('dev');
    press('i');
    expect(ui().picker).toBe(3); // opens on the instance shown
    press('g');
    press('enter');
    expect(isAllView(store.getState())).toBe(true);
    expect(breadcrumbs(ui().stack, scopeOf(store.getState()))).toBe('all instances › DAGs');
  });

  it('picking from a drill-down view goes back to the main screen', () => {
    press('enter');
    expect(ui().stack).toHaveLength(2);
    press('i');
    press('down');
    press('enter');
    expect(ui().stack).toEqual([{ kind: 'main' }]);
    expect(ui().instance).toBe('prod');
  });

  it('a single instance has no picker: i is not a key, and help and footer do not list it', () => {
    const single = buildStore();
    expect(dispatch(single.getState(), 'i', 'i', { readonly: false })).toBeNull();
    expect(helpLines(false).some((l) => l.text.includes('pick the Airflow instance'))).toBe(false);
    expect(footerHintsMarked('normal', false, null).some((h) => h.text === 'instance')).toBe(false);
    expect(helpLines(false, null, true).some((l) => l.text.includes('pick the Airflow instance'))).toBe(true);
    expect(footerHintsMarked('normal', false, null, true)[0]).toEqual({ key: 'i', text: 'instance', off: false });
    expect(footerHintsMarked('picker', false, null, true).map((h) => h.text)).toEqual(['move', 'pick', 'close']);
  });
});

describe('fleet: drilling in the row’s instance', () => {
  it('Enter on another instance’s DAG opens it in that instance; deeper views keep it; the breadcrumb names it', () => {
    const row = downTo('staging', DAGS.processing);
    press('enter');
    expect(topView(store.getState())).toEqual({ kind: 'dag', dagId: row.dagId, instance: 'staging' });
    expect(ui().current).toBe('staging');
    expect(breadcrumbs(ui().stack, scopeOf(store.getState()))).toBe(`staging › DAGs › ${DAGS.processing}`);
    store
      .getState()
      .setDrill({ loading: false, runs: store.getState().snapshot!.runs.filter((r) => r.dagId === row.dagId) });
    press('enter');
    const run = topView(store.getState());
    expect(run.kind).toBe('run');
    expect(run.kind !== 'main' && run.instance).toBe('staging');
    press('escape');
    press('escape');
    expect(ui().stack).toHaveLength(1);
  });

  it('Enter on an alert opens its DAG in the alert’s instance; l jumps there too', () => {
    press('5');
    const paneRows = selectAlertPaneRows(store.getState());
    const at = paneRows.findIndex(
      (r) => r.kind === 'alert' && r.alert.labels['instance'] === 'dev' && r.alert.labels['dag_id'],
    );
    for (let i = 0; i < at; i++) press('down');
    press('enter');
    expect(topView(store.getState())).toMatchObject({ kind: 'dag', instance: 'dev' });
    press('escape');
    press('l');
    expect(
      ui()
        .stack.slice(1)
        .every((v) => v.kind !== 'main' && v.instance === 'dev'),
    ).toBe(true);
    expect(ui().stack.length).toBeGreaterThan(1);
  });

  it('an action opens on the row’s instance and keeps it to the end, even when a poll moves the selection', () => {
    store.setState({ actions: { availability: { allowed: true, reason: null, role: 'op' }, recent: [] } });
    for (const i of store.getState().fleet!) i.availability = { allowed: true, reason: null, role: 'op' };
    downTo('dev', DAGS.ingestion);
    press('t');
    const dialog = ui().dialog as ActionDialog & { instance?: string };
    expect(dialog.kind).toBe('action');
    expect(dialog.instance).toBe('dev');
    expect(effects.at(-1)?.command).toMatchObject({ name: 'actionPreview', instance: 'dev' });
    // The dry run answers; meanwhile the selection moves to another instance's row.
    store.setState((s) => ({
      ui: {
        ...s.ui,
        selection: { ...s.ui.selection, dags: 0 },
        dialog: { ...dialog, preview: { status: 'none', reason: 'trigger has no dry run' } },
      },
    }));
    press('enter');
    expect(effects.at(-1)?.command).toMatchObject({ name: 'actionApply', instance: 'dev' });
  });

  it('paused: moving to another instance shows that instance as it was when p was pressed', () => {
    press('p');
    const frozenStaging = store.getState().fleet![1]!.report;
    // Staging polls while paused: the live entry changes, the frozen one does not.
    const staging = members[1]!.store.getState();
    staging.pollSucceeded({
      snapshot: staging.snapshot!,
      report: { ...staging.report! },
      point: staging.history[0]!,
      at: new Date(NOW.getTime() + 300_000),
    });
    expect(store.getState().fleet![1]!.report).not.toBe(frozenStaging);
    downTo('staging');
    expect(ui().current).toBe('staging');
    expect(store.getState().frozen?.report).toBe(frozenStaging);
    press('p');
    expect(store.getState().report).toBe(store.getState().fleet![1]!.report);
  });
});

describe('fleet: what this user may do follows the instance', () => {
  it("the action keys and footer read the current instance's availability, set by its own runner", () => {
    store.setState((s) => withAvailability(s, 'prod', { allowed: true, reason: null, role: 'op' }));
    store.setState((s) =>
      withAvailability(s, 'staging', { allowed: false, reason: 'your Airflow role (viewer) cannot', role: 'viewer' }),
    );
    store.setState((s) => withAvailability(s, 'dev', { allowed: true, reason: null, role: 'op' }));
    downTo('staging');
    expect(actionsOff(store.getState())).toBe('your Airflow role (viewer) cannot');
    press('t');
    expect(ui().dialog).toBeNull();
    expect(ui().message?.text).toContain('viewer');
    downTo('prod');
    expect(ui().current).toBe('prod');
    expect(actionsOff(store.getState())).toBeNull();
  });
});
