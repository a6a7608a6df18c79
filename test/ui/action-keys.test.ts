// The action keys and dialog, as pure dispatch → effect → reduce: which request each key builds where, the
// defaults, toggles re-asking for the dry run, Enter sending exactly what was previewed once, Esc sending
// nothing, the conf checked before sending, and the keys refused with the reason when the user may not act.
import { act } from './act.js';
import { selectAlertPaneRows } from '../../source/ui/model/alert-rows.js';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionDialog } from '../../source/actions/dialog.js';
import { reduce } from '../../source/ui/actions.js';
import { dispatch, type Effect } from '../../source/ui/dispatch.js';
import { footerHintsMarked, helpLines, KEYMAP } from '../../source/ui/keymap.js';
import type { AirtopStore } from '../../source/state/store.js';
import { selectDagRows } from '../../source/ui/model/dag-rows.js';
import { buildStore, DAGS, processingRuns, processingTaskInstances } from './fixtures.js';

const RUN = processingRuns()[1]!.runId;
let store: AirtopStore;
let effects: Effect[];

function press(key: string, input = key, readonly = false): Effect | null {
  const effect = dispatch(store.getState(), key, input, { readonly });
  if (effect) {
    effects.push(effect);
    store.setState(reduce(store.getState(), effect));
  }
  return effect;
}
const dialog = () => store.getState().ui.dialog as ActionDialog;
const allowed = () =>
  store.setState({ actions: { availability: { allowed: true, reason: null, role: 'op' }, recent: [] } });
const lastCommand = () => effects.at(-1)?.command;

/** The runner's half of a preview, as it writes the dry run into the dialog. */
function answerPreview(
  items = [{ dagId: DAGS.processing, runId: RUN, taskId: 'generate_summary', mapIndex: -1, state: 'failed' }],
) {
  store.setState((s) => ({
    ui: { ...s.ui, dialog: { ...dialog(), preview: { status: 'ready', items, total: items.length } } },
  }));
}

/** The alerts pane's row of one alert, every group expanded so each alert has a row of its own. */
function alertRow(fingerprint: string): number {
  const groups = selectAlertPaneRows(store.getState()).flatMap((r) => (r.kind === 'group' ? [r.group.key] : []));
  store.setState((s) => ({ ui: { ...s.ui, expandedGroups: groups } }));
  const index = selectAlertPaneRows(store.getState()).findIndex(
    (r) => r.kind === 'alert' && r.alert.fingerprint === fingerprint,
  );
  if (index < 0) throw new Error(`no alerts-pane row for ${fingerprint}`);
  return index;
}

function openTaskList() {
  store.setState((s) => ({
    ui: {
      ...s.ui,
      stack: [
        { kind: 'main' },
        { kind: 'dag', dagId: DAGS.processing },
        { kind: 'run', dagId: DAGS.processing, runId: RUN },
      ],
    },
    drill: { ...s.drill, loading: false, taskInstances: processingTaskInstances(RUN) },
  }));
  act(store, { select: ['run', 1] }); // generate_summary, failed
}

beforeEach(() => {
  store = buildStore();
  effects = [];
  allowed();
});

describe('c on a failed task instance', () => {
  it('opens a confirmation naming the task, with Airflow UI defaults, and asks for the dry run', () => {
    openTaskList();
    press('c');
    expect(dialog().request).toEqual({
      verb: 'clearTask',
      task: { dagId: DAGS.processing, runId: RUN, taskId: 'generate_summary', mapIndex: -1 },
      downstream: true,
      upstream: false,
      onlyFailed: false,
    });
    expect(dialog().preview).toEqual({ status: 'loading' });
    expect(lastCommand()).toEqual({ name: 'actionPreview', request: dialog().request, seq: 1 });
  });

  it('toggling an option changes the request and asks for a new dry run; the old answer no longer matches', () => {
    openTaskList();
    press('c');
    press(' ', ' '); // downstream off
    expect(dialog().request).toMatchObject({ downstream: false });
    expect(dialog().seq).toBe(2);
    expect(lastCommand()).toMatchObject({ name: 'actionPreview', seq: 2 });
    press('tab', '');
    press('right', ''); // upstream on
    press('tab', '');
    press(' ', ' '); // only failed on
    expect(dialog().request).toMatchObject({ downstream: false, upstream: true, onlyFailed: true });
  });

  it('Enter waits for the dry run, then sends exactly what was previewed, once', () => {
    openTaskList();
    press('c');
    press('enter', '');
    expect(lastCommand()).toBeUndefined();
    expect(store.getState().ui.message?.text).toMatch(/waiting for Airflow's dry run/);
    answerPreview();
    press('enter', '');
    expect(lastCommand()).toMatchObject({
      name: 'actionApply',
      seq: 1,
      dryRun: [{ taskId: 'generate_summary', state: 'failed' }],
      request: dialog().request,
    });
    expect(dialog().phase).toBe('sending');
    const sent = effects.filter((e) => e.command?.name === 'actionApply').length;
    press('enter', '');
    press('escape', '');
    expect(effects.filter((e) => e.command?.name === 'actionApply')).toHaveLength(sent);
    expect(dialog()).not.toBeNull();
  });

  it('a dry run that lists nothing: Enter sends nothing and says so', () => {
    openTaskList();
    press('c');
    answerPreview([]);
    press('enter', '');
    expect(effects.some((e) => e.command?.name === 'actionApply')).toBe(false);
    expect(store.getState().ui.message?.text).toMatch(/lists nothing to change: nothing sent/);
  });

  it('Esc cancels and sends nothing', () => {
    openTaskList();
    press('c');
    answerPreview();
    press('escape', '');
    expect(store.getState().ui.dialog).toBeNull();
    expect(effects.some((e) => e.command?.name === 'actionApply')).toBe(false);
    expect(store.getState().ui.message?.text).toMatch(/nothing sent/);
  });

  it('a refused dry run is shown and Enter sends nothing', () => {
    openTaskList();
    press('c');
    store.setState((s) => ({
      ui: {
        ...s.ui,
        dialog: {
          ...dialog(),
          preview: { status: 'error', reason: 'your role (viewer) cannot clear task instances; it needs op' },
        },
      },
    }));
    press('enter', '');
    expect(effects.some((e) => e.command?.name === 'actionApply')).toBe(false);
    expect(store.getState().ui.message?.text).toMatch(/not sent: your role \(viewer\)/);
  });
});

describe('m, and the run-level c', () => {
  it('m on a failed task marks it success by default, without downstream; ←/→ switches to failed', () => {
    openTaskList();
    press('m');
    expect(dialog().request).toMatchObject({ verb: 'markTask', state: 'success', downstream: false });
    press('right', '');
    expect(dialog().request).toMatchObject({ state: 'failed' });
  });

  it('c in the runs list clears the run, failed tasks only by default; m marks it', () => {
    store.setState((s) => ({
      ui: { ...s.ui, stack: [{ kind: 'main' }, { kind: 'dag', dagId: DAGS.processing }] },
      drill: { ...s.drill, loading: false, runs: processingRuns() },
    }));
    act(store, { select: ['dag', 1] });
    press('c');
    expect(dialog().request).toEqual({ verb: 'clearRun', dagId: DAGS.processing, runId: RUN, onlyFailed: true });
    press('escape', '');
    press('m');
    expect(dialog().request).toEqual({ verb: 'markRun', dagId: DAGS.processing, runId: RUN, state: 'success' });
  });

  it('c on the main screen explains where it works', () => {
    press('c');
    expect(store.getState().ui.dialog).toBeNull();
  });
});

describe('t and P on a DAG', () => {
  it('t: a conf that is not JSON is refused with where, nothing sent; a valid one is sent with the note', () => {
    press('t');
    expect(dialog().request).toEqual({
      verb: 'trigger',
      dagId: selectDagRows(store.getState())[0]!.dagId,
      conf: null,
      note: null,
    });
    store.setState((s) => ({
      ui: { ...s.ui, dialog: { ...dialog(), preview: { status: 'none', reason: 'no dry run' } } },
    }));
    for (const ch of '{"docs": 3,}') press(ch, ch);
    press('enter', '');
    expect(dialog().error).toMatch(/conf is not JSON at line 1, column 12/);
    expect(effects.some((e) => e.command?.name === 'actionApply')).toBe(false);
    press('backspace', '');
    press('backspace', '');
    press('}', '}');
    press('tab', '');
    for (const ch of 'rerun') press(ch, ch);
    press('enter', '');
    expect(lastCommand()).toMatchObject({
      name: 'actionApply',
      request: { verb: 'trigger', conf: { docs: 3 }, note: 'rerun' },
      dryRun: null,
    });
  });

  it('t and P offer the firing alert too, but unticked: they seldom fix what it is about', () => {
    act(store, { ui: { focus: 'dags' } });
    act(store, { select: ['dags', selectDagRows(store.getState()).findIndex((r) => r.dagId === DAGS.processing)] });
    press('P');
    expect(dialog().ack).toMatchObject({
      fingerprint: 'a1b2c3d4e5f60001',
      on: false,
      note: `paused ${DAGS.processing}`,
    });
  });

  it('P on a paused DAG unpauses it, on an active one pauses it', () => {
    const rows = () => store.getState().snapshot!.dags;
    press('P');
    const dagId = (dialog().request as { dagId: string }).dagId;
    expect(dialog().request).toEqual({
      verb: 'pause',
      dagId,
      paused: !rows().find((d) => d.dagId === dagId)!.isPaused,
    });
  });
});

describe('permissions and read-only', () => {
  it('a viewer: the keys send no request, the reason is shown, help and footer grey them with it', () => {
    const reason = 'your Airflow role (viewer) may only read: clear, mark, trigger and pause need op';
    store.setState({ actions: { availability: { allowed: false, reason, role: 'viewer' }, recent: [] } });
    openTaskList();
    for (const key of ['c', 'm', 't', 'P']) {
      expect(press(key)?.command).toBeUndefined();
      expect(store.getState().ui.dialog).toBeNull();
      expect(store.getState().ui.message).toMatchObject({ level: 'error', text: expect.stringContaining(reason) });
    }
    const off = footerHintsMarked('drill', false, reason)
      .filter((h) => h.off)
      .map((h) => h.text);
    expect(off).toEqual(['clear', 'mark', 'trigger', 'pause DAG']);
    const help = helpLines(false, reason)
      .filter((l) => l.off)
      .map((l) => l.text);
    expect(help[0]).toBe(`Actions on Airflow (c m t P) are off: ${reason}`);
    expect(help.slice(1)).toEqual([
      expect.stringMatching(/^ {2}t +\(off\) trigger a run/),
      expect.stringMatching(/^ {2}P +\(off\) pause or unpause/),
      expect.stringMatching(/^ {2}c +\(off\) clear/),
      expect.stringMatching(/^ {2}m +\(off\) mark/),
    ]);
  });

  it('--readonly hides c, m, t and P and refuses them', () => {
    openTaskList();
    expect(press('c', 'c', true)?.ui?.message?.text).toMatch(/read-only mode/);
    expect(store.getState().ui.dialog).toBeNull();
    const keys = KEYMAP.filter((b) => b.airflowAction).map((b) => b.keys[0]);
    expect(keys).toEqual(['c', 'm', 't', 'P']);
    expect(KEYMAP.filter((b) => b.airflowAction).every((b) => b.dangerous)).toBe(true);
  });
});

describe('the alert', () => {
  it('a firing alert on the object is offered for acknowledgement with the note filled in', () => {
    openTaskList();
    press('c');
    expect(dialog().ack).toMatchObject({
      fingerprint: 'a1b2c3d4e5f60001',
      on: true,
      note: `cleared ${DAGS.processing}.generate_summary in ${RUN}`,
    });
    answerPreview();
    press('enter', '');
    expect(lastCommand()).toMatchObject({
      name: 'actionApply',
      ack: { fingerprint: 'a1b2c3d4e5f60001', note: `cleared ${DAGS.processing}.generate_summary in ${RUN}` },
    });
  });

  it("l jumps from an alert naming a task to that task's log; from a DAG-wide one to its failed task, else the DAG", () => {
    act(store, { ui: { focus: 'alerts' } });
    act(store, { select: ['alerts', alertRow('a1b2c3d4e5f60003')] });
    press('l');
    expect(store.getState().ui.stack.map((v) => v.kind)).toEqual(['main', 'dag', 'run', 'log']);
    expect(store.getState().ui.stack.at(-1)).toMatchObject({
      kind: 'log',
      taskId: 'generate_summary',
      runId: RUN,
      tryNumber: 2,
    });
    store.setState((s) => ({ ui: { ...s.ui, stack: [{ kind: 'main' }] } }));
    act(store, { select: ['alerts', alertRow('a1b2c3d4e5f60001')] });
    press('l');
    expect(store.getState().ui.stack.map((v) => v.kind)).toEqual(['main', 'dag', 'run', 'log']);
    expect(store.getState().ui.stack.at(-1)).toMatchObject({ taskId: 'generate_summary' });
    store.setState((s) => ({ ui: { ...s.ui, stack: [{ kind: 'main' }] } }));
    act(store, { select: ['alerts', alertRow('a1b2c3d4e5f60004')] });
    press('l');
    expect(store.getState().ui.stack.map((v) => v.kind)).toEqual(['main', 'dag']);
  });
});
