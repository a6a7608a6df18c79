import { topView } from '../state/store.js';
import type { AirtopData, PaneId, UiState, View } from '../state/types.js';
import type { CommandCall, Effect } from './effect.js';
import { PANES } from '../state/types.js';
import { findBinding, helpLines, type Mode, SILENCE_CHOICES } from './keymap.js';
import { alertSections, bodyHeight, paneBox, paneContentHeight, screenLayout, tableRows } from './layout.js';
import { selectDagRows } from './model/dag-rows.js';
import { type AlertPaneRow, rowTargets, rowText, selectAlertPaneRows } from './model/alert-rows.js';
import { parseFilter } from './model/filter.js';
import { alertRowInstance } from './model/current.js';
import { anyAlerts, fleetSize, stripRows } from './model/fleet.js';
import { actionDialogKey, jumpToAlert, openAction } from './action-keys.js';
import {
  alertText,
  selectDeadLetters,
  selectLogLines,
  selectPoolRows,
  selectRunRows,
  selectSinks,
  selectTaskRows,
} from './model/lists.js';

// One dispatcher for every key: (state, key) → Effect, pure. apply() in actions.ts carries the effect out;
// key-names.ts turns Ink's (input, key) into the names the keymap uses.

export type { CommandCall, Effect };

export interface DispatchContext {
  readonly: boolean;
}

export function currentMode(state: AirtopData): Mode {
  if (state.ui.dialog) return 'dialog';
  if (state.ui.picker !== null && state.ui.picker !== undefined) return 'picker';
  if (state.ui.help) return 'help';
  if (state.ui.filter.editing) return 'filter';
  const top = topView(state);
  if (top.kind === 'log') return 'log';
  if (top.kind === 'main') return 'normal';
  return 'drill';
}

/** The list that ↑/↓ move in right now, with its length and page size. */
export function activeList(state: AirtopData): { id: string; length: number; page: number } {
  const top = topView(state);
  const { size, focus } = state.ui;
  const strip = stripRows(state);
  const full = { height: bodyHeight(size, false, strip) };
  if (top.kind === 'dag') return { id: 'dag', length: selectRunRows(state).length, page: tableRows(full) };
  if (top.kind === 'run') return { id: 'run', length: selectTaskRows(state).length, page: tableRows(full) };
  if (top.kind === 'log') {
    const page = Math.max(1, full.height - 3);
    return { id: 'log', length: Math.max(0, selectLogLines(state).length - page) + 1, page };
  }
  const box = paneBox(screenLayout(size, focus, false, strip), focus) ?? { height: 0, width: 0 };
  const page = tableRows(box);
  switch (focus) {
    case 'dags':
      return { id: 'dags', length: selectDagRows(state).length, page };
    case 'pools':
      return { id: 'pools', length: selectPoolRows(state).length, page };
    case 'alerts': {
      const rows = alertSections(
        paneContentHeight(box),
        selectSinks(state).length,
        selectDeadLetters(state).length,
      ).alerts;
      return { id: 'alerts', length: selectAlertPaneRows(state).length, page: rows };
    }
    default:
      return { id: focus, length: 0, page };
  }
}

function clamp(n: number, length: number): number {
  return Math.max(0, Math.min(n, length - 1));
}

function selected(state: AirtopData, list: string, length: number): number {
  return clamp(state.ui.selection[list] ?? 0, length);
}

const FOCUS: Partial<Record<string, PaneId>> = {
  focusDags: 'dags',
  focusPools: 'pools',
  focusCosts: 'costs',
  focusQuality: 'quality',
  focusAlerts: 'alerts',
};

const SORTS: UiState['sort'][] = ['status', 'name', 'success_rate', 'duration'];

const info = (text: string): Effect => ({ ui: { message: { text, level: 'info' } } });
const error = (text: string): Effect => ({ ui: { message: { text, level: 'error' } } });

function move(state: AirtopData, command: string, readonly: boolean): Effect | null {
  const list = activeList(state);
  const mode = currentMode(state);
  if (mode === 'help') {
    const lines = helpLines(readonly, null, fleetSize(state) > 1).length;
    const last = Math.max(0, lines - Math.max(1, bodyHeight(state.ui.size, false, stripRows(state)) - 3));
    const at = Math.min(state.ui.selection['help'] ?? 0, last);
    return { select: ['help', clamp(at + (command === 'up' ? -1 : 1), last + 1)] };
  }
  if (list.length === 0) return null;
  const following = mode === 'log' && (state.drill.log?.follow ?? false);
  // While following, the view sits at the end of the log whatever the stored offset says.
  const at = following ? list.length - 1 : selected(state, list.id, list.length);
  const target = {
    up: at - 1,
    down: at + 1,
    pageUp: at - list.page,
    pageDown: at + list.page,
    top: 0,
    bottom: list.length - 1,
  }[command as 'up'];
  const effect: Effect = { select: [list.id, clamp(target, list.length)] };
  if (following && (command === 'up' || command === 'pageUp' || command === 'top')) effect.follow = false;
  return effect;
}

function selectedRow(state: AirtopData): AlertPaneRow | undefined {
  const rows = selectAlertPaneRows(state);
  return rows[selected(state, 'alerts', rows.length)];
}

/** Enter on a group row: show or hide its members. */
function toggleGroup(state: AirtopData, key: string): Effect {
  const open = state.ui.expandedGroups ?? [];
  return { ui: { expandedGroups: open.includes(key) ? open.filter((k) => k !== key) : [...open, key] } };
}

/** A drill-down view of `instance` (a fleet's); a single instance's views carry none. */
export function inInstance<V extends View>(view: V, instance: string | null | undefined): V {
  return instance ? { ...view, instance } : view;
}

function drillIn(state: AirtopData): Effect | null {
  const top = topView(state);
  if (top.kind === 'main') {
    if (state.ui.focus === 'dags') {
      const rows = selectDagRows(state);
      const row = rows[selected(state, 'dags', rows.length)];
      if (!row) return null;
      return { nav: { push: inInstance({ kind: 'dag', dagId: row.dagId }, row.instance ?? state.ui.current) } };
    }
    if (state.ui.focus === 'alerts') {
      const row = selectedRow(state);
      if (row?.kind === 'group') return toggleGroup(state, row.group.key);
      const dagId = row?.alert.labels['dag_id'];
      if (!row || !dagId) return info('this alert names no DAG to open');
      return { nav: { push: inInstance({ kind: 'dag', dagId }, alertRowInstance(state, row)) } };
    }
    return null;
  }
  if (top.kind === 'dag') {
    const rows = selectRunRows(state);
    const run = rows[selected(state, 'dag', rows.length)];
    return run
      ? { nav: { push: inInstance({ kind: 'run', dagId: run.dagId, runId: run.runId }, top.instance) } }
      : null;
  }
  if (top.kind === 'run') {
    const rows = selectTaskRows(state);
    const ti = rows[selected(state, 'run', rows.length)];
    if (!ti) return null;
    if (ti.tryNumber < 1) return info(`${ti.taskId} has not started yet: no log to show`);
    return {
      nav: {
        push: inInstance(
          {
            kind: 'log',
            dagId: ti.dagId,
            runId: ti.runId,
            taskId: ti.taskId,
            mapIndex: ti.mapIndex,
            tryNumber: ti.tryNumber,
            maxTry: ti.tryNumber,
          },
          top.instance,
        ),
      },
      // A running task's log is worth following; a finished one is read from the top.
      follow: ti.state === 'running',
    };
  }
  return null;
}

function alertAction(state: AirtopData, command: 'ack' | 'unack' | 'silence'): Effect {
  const row = selectedRow(state);
  if (!row) return info('no alert selected: focus the alert log (5) and pick one with ↑/↓');
  const targets = rowTargets(row);
  const first = targets[0];
  if (!first) return info(`nothing to ${command} in this group: every member has resolved`);
  const group = row.kind === 'group' ? { fingerprints: targets.map((a) => a.fingerprint) } : {};
  if (command === 'ack') return { ui: { dialog: { kind: 'ack', fingerprint: first.fingerprint, note: '', ...group } } };
  if (command === 'silence')
    return {
      ui: { dialog: { kind: 'silence', fingerprint: first.fingerprint, durationIndex: 0, comment: '', ...group } },
    };
  const acked = targets.filter((a) => a.state === 'acknowledged' || a.ack);
  if (acked.length === 0) return info(`not acknowledged: ${rowText(row)}`);
  const many = row.kind === 'group' ? { fingerprints: acked.map((a) => a.fingerprint) } : {};
  return {
    command: { name: 'unack', fingerprint: acked[0]!.fingerprint, ...many },
    ...info(`acknowledgement withdrawn: ${rowText(row)}`),
  };
}

function dialogKey(
  state: AirtopData,
  dialog: Exclude<NonNullable<AirtopData['ui']['dialog']>, { kind: 'action' }>,
  command: string,
  input: string,
): Effect | null {
  const summary = () => {
    const alert = anyAlerts(state).find((a) => a.fingerprint === dialog.fingerprint);
    const text = alert ? alertText(alert) : dialog.fingerprint;
    return dialog.fingerprints && dialog.fingerprints.length > 1
      ? `${dialog.fingerprints.length} alerts (${text}, …)`
      : text;
  };
  const many = dialog.fingerprints ? { fingerprints: [...dialog.fingerprints] } : {};
  const edit = (f: (text: string) => string): Effect =>
    dialog.kind === 'ack'
      ? { ui: { dialog: { ...dialog, note: f(dialog.note) } } }
      : { ui: { dialog: { ...dialog, comment: f(dialog.comment) } } };
  switch (command) {
    case 'type':
      return edit((t) => t + input);
    case 'erase':
      return edit((t) => t.slice(0, -1));
    case 'durationPrev':
    case 'durationNext': {
      if (dialog.kind !== 'silence') return null;
      const step = command === 'durationPrev' ? -1 : 1;
      return {
        ui: { dialog: { ...dialog, durationIndex: clamp(dialog.durationIndex + step, SILENCE_CHOICES.length) } },
      };
    }
    case 'cancel':
      return { ui: { dialog: null } };
    case 'confirm':
      if (dialog.kind === 'ack') {
        return {
          command: { name: 'ack', fingerprint: dialog.fingerprint, note: dialog.note.trim(), ...many },
          ui: { dialog: null, message: { text: `acknowledged: ${summary()}`, level: 'info' } },
        };
      }
      {
        const choice = SILENCE_CHOICES[dialog.durationIndex] ?? SILENCE_CHOICES[0]!;
        return {
          command: {
            name: 'silence',
            fingerprint: dialog.fingerprint,
            durationSeconds: choice.seconds,
            comment: dialog.comment.trim(),
            ...many,
          },
          ui: { dialog: null, message: { text: `silenced for ${choice.label}: ${summary()}`, level: 'info' } },
        };
      }
    default:
      return null;
  }
}

/** Printable text (a key or a paste) that a text field may take. */
function isText(input: string): boolean {
  // eslint-disable-next-line no-control-regex
  return input.length > 0 && !/[\x00-\x1f\x7f]/.test(input);
}

/** The picker's rows: "all", then each instance in the config's order. */
function pickerKey(state: AirtopData, command: string): Effect | null {
  const names = (state.fleet ?? []).map((i) => i.name);
  const at = Math.max(0, Math.min(state.ui.picker ?? 0, names.length));
  switch (command) {
    case 'up':
    case 'down':
    case 'top':
    case 'bottom': {
      const to = { up: at - 1, down: at + 1, top: 0, bottom: names.length }[command];
      return { ui: { picker: Math.max(0, Math.min(to, names.length)) } };
    }
    case 'pick': {
      const instance = at === 0 ? null : names[at - 1]!;
      // Another instance's rows: the lists start at their first row, on the main screen.
      return {
        ui: {
          picker: null,
          instance,
          selection: { ...state.ui.selection, dags: 0, alerts: 0, pools: 0 },
          expandedGroups: [],
          message: { text: `showing ${instance ?? 'all instances'}`, level: 'info' },
        },
        nav: { home: true },
      };
    }
    case 'closePicker':
      return { ui: { picker: null } };
    case 'quit':
      return { command: { name: 'quit' } };
    default:
      return null;
  }
}

/** The picker opens on what the panes show now: "all" (row 0) or the picked instance. */
function openPicker(state: AirtopData): Effect {
  const names = (state.fleet ?? []).map((i) => i.name);
  const at = state.ui.instance ? names.indexOf(state.ui.instance) + 1 : 0;
  return { ui: { picker: Math.max(0, at), help: false } };
}

export function dispatch(state: AirtopData, key: string, input: string, ctx: DispatchContext): Effect | null {
  const mode = currentMode(state);
  const fleet = fleetSize(state) > 1;
  let binding = findBinding(mode, key, ctx.readonly, fleet);
  if (!binding && (mode === 'filter' || mode === 'dialog') && isText(input))
    binding = findBinding(mode, 'text', ctx.readonly, fleet);
  if (!binding) {
    const refused = findBinding(mode, key, false, fleet);
    return refused?.dangerous ? error(`read-only mode: ${refused.description} is disabled`) : null;
  }
  const command = binding.command;
  if (mode === 'picker') return pickerKey(state, command);
  if (mode === 'dialog') {
    if (command === 'quit') return { command: { name: 'quit' } };
    const dialog = state.ui.dialog!;
    return dialog.kind === 'action'
      ? actionDialogKey(dialog, command, input)
      : dialogKey(state, dialog, command, input);
  }
  const focus = FOCUS[command];
  if (focus) return { ui: { focus } };
  const list = activeList(state);
  const filterText = state.ui.filter.text;
  switch (command) {
    case 'focusNext':
    case 'focusPrev': {
      const i = PANES.indexOf(state.ui.focus);
      const step = command === 'focusNext' ? 1 : -1;
      return { ui: { focus: PANES[(i + step + PANES.length) % PANES.length]! } };
    }
    case 'up':
    case 'down':
    case 'pageUp':
    case 'pageDown':
    case 'top':
    case 'bottom':
      return move(state, command, ctx.readonly);
    case 'drill':
      return drillIn(state);
    case 'back':
      if (topView(state).kind !== 'main') return { nav: { pop: true } };
      return filterText ? { ui: { filter: { editing: false, text: '' } } } : null;
    case 'filter':
      return { ui: { filter: { editing: true, text: filterText } } };
    case 'type':
      return { ui: { filter: { editing: true, text: filterText + input } }, select: [list.id, 0] };
    case 'erase':
      return { ui: { filter: { editing: true, text: filterText.slice(0, -1) } }, select: [list.id, 0] };
    case 'filterApply': {
      const problem = parseFilter(filterText).error;
      return {
        ui: {
          filter: { editing: false, text: filterText },
          ...(problem ? { message: { text: problem, level: 'error' as const } } : {}),
        },
      };
    }
    case 'filterClear':
      return { ui: { filter: { editing: false, text: '' } } };
    case 'faults':
      return { ui: { faultsOnly: !state.ui.faultsOnly }, select: [list.id, 0] };
    case 'sort': {
      const next = SORTS[(SORTS.indexOf(state.ui.sort) + 1) % SORTS.length]!;
      return {
        ui: { sort: next, message: { text: `DAGs sorted by ${next.replace('_', ' ')}`, level: 'info' } },
        select: ['dags', 0],
      };
    }
    case 'pause':
      return { paused: !state.ui.paused };
    case 'refresh':
      return { command: { name: 'refresh' } };
    case 'ack':
    case 'unack':
    case 'silence':
      return alertAction(state, command);
    case 'clear':
    case 'mark':
    case 'trigger':
    case 'pauseDag':
      return openAction(state, command);
    case 'jump':
      return jumpToAlert(state);
    case 'follow':
      return { follow: !(state.drill.log?.follow ?? false) };
    case 'prevTry':
    case 'nextTry': {
      const top = topView(state);
      if (top.kind !== 'log') return null;
      const next = top.tryNumber + (command === 'prevTry' ? -1 : 1);
      const max = top.maxTry ?? top.tryNumber;
      if (next < 1 || next > max)
        return info(`try ${top.tryNumber} of ${max}: no ${command === 'prevTry' ? 'earlier' : 'later'} try`);
      return { nav: { replace: { ...top, tryNumber: next } } };
    }
    case 'help':
      return { ui: { help: !state.ui.help }, select: ['help', 0] };
    case 'instances':
      return openPicker(state);
    case 'quit':
      return { command: { name: 'quit' } };
    default:
      return null;
  }
}
