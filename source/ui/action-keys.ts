import { type ActionDialog, actionFields, focusedField, toggleField } from '../actions/dialog.js';
import { parseConf } from '../actions/conf.js';
import { doneText, targetText, terminalSafe, verbText } from '../actions/describe.js';
import type { ActionRequest, TaskRef } from '../actions/types.js';
import { topView } from '../state/store.js';
import type { AirtopData, View } from '../state/types.js';
import { selectDagRows } from './model/dag-rows.js';
import { rowTargets, selectAlertPaneRows } from './model/alert-rows.js';
import { currentInstance } from './model/current.js';
import { alertInstance } from './model/fleet.js';
import { alertText, selectRunRows, selectTaskRows } from './model/lists.js';
import type { Effect } from './effect.js';

// The keys that act on Airflow (c, m, t, P), the action dialog's keys and the alert's jump key: pure
// (state, key) → Effect, like dispatch.ts. The dry run, the request and the audit record happen in apply().

export type ActionKey = 'clear' | 'mark' | 'trigger' | 'pauseDag';

const info = (text: string): Effect => ({ ui: { message: { text, level: 'info' } } });
const error = (text: string): Effect => ({ ui: { message: { text, level: 'error' } } });

function pick<T>(state: AirtopData, list: string, rows: readonly T[]): T | undefined {
  const at = Math.max(0, Math.min(state.ui.selection[list] ?? 0, rows.length - 1));
  return rows[at];
}

/** Why the action keys are off right now, or null when they may be used. */
export function actionsOff(state: AirtopData): string | null {
  const a = state.actions;
  if (!a) return 'actions are not wired in this mode';
  return a.availability.allowed === false ? (a.availability.reason ?? 'actions are not allowed') : null;
}

function taskUnderCursor(state: AirtopData): (TaskRef & { state: string | null }) | null {
  const top = topView(state);
  if (top.kind === 'run') {
    const ti = pick(state, 'run', selectTaskRows(state));
    return ti ? { dagId: ti.dagId, runId: ti.runId, taskId: ti.taskId, mapIndex: ti.mapIndex, state: ti.state } : null;
  }
  if (top.kind === 'log') {
    const ti = state.snapshot?.taskInstances.find(
      (t) => t.dagId === top.dagId && t.runId === top.runId && t.taskId === top.taskId && t.mapIndex === top.mapIndex,
    );
    return { dagId: top.dagId, runId: top.runId, taskId: top.taskId, mapIndex: top.mapIndex, state: ti?.state ?? null };
  }
  return null;
}

function dagUnderCursor(state: AirtopData): string | null {
  const top = topView(state);
  if (top.kind !== 'main') return top.dagId;
  if (state.ui.focus !== 'dags') return null;
  return pick(state, 'dags', selectDagRows(state))?.dagId ?? null;
}

function requestFor(state: AirtopData, key: ActionKey): ActionRequest | string {
  const top = topView(state);
  if (key === 'clear' || key === 'mark') {
    const task = taskUnderCursor(state);
    if (task) {
      const { state: now, ...ref } = task;
      // Airflow's UI defaults: clear takes downstream tasks and every state; mark takes the task alone.
      if (key === 'clear')
        return { verb: 'clearTask', task: ref, downstream: true, upstream: false, onlyFailed: false };
      return { verb: 'markTask', task: ref, state: now === 'success' ? 'failed' : 'success', downstream: false };
    }
    if (top.kind === 'dag') {
      const run = pick(state, 'dag', selectRunRows(state));
      if (!run) return 'no run selected';
      if (key === 'clear') return { verb: 'clearRun', dagId: run.dagId, runId: run.runId, onlyFailed: true };
      return {
        verb: 'markRun',
        dagId: run.dagId,
        runId: run.runId,
        state: run.state === 'success' ? 'failed' : 'success',
      };
    }
    return `${key === 'clear' ? 'clear' : 'mark'} works on a task instance (a run's task list or a log) or a run (a DAG's runs): press Enter on a DAG first`;
  }
  const dagId = dagUnderCursor(state);
  if (!dagId) return 'select a DAG first (the DAG pane, 1)';
  if (key === 'trigger') return { verb: 'trigger', dagId, conf: null, note: null };
  const paused = state.snapshot?.dags.find((d) => d.dagId === dagId)?.isPaused ?? false;
  return { verb: 'pause', dagId, paused: !paused };
}

/** A firing alert on the action's object: the task's own first, else one on its DAG as a whole. */
function firingAlertFor(state: AirtopData, req: ActionRequest): { fingerprint: string; summary: string } | null {
  const dagId = req.verb === 'clearTask' || req.verb === 'markTask' ? req.task.dagId : req.dagId;
  const taskId = req.verb === 'clearTask' || req.verb === 'markTask' ? req.task.taskId : null;
  const firing = (state.report?.alerts ?? []).filter((a) => a.state === 'firing' && a.labels['dag_id'] === dagId);
  const taskOf = (labels: Record<string, string>) => labels['task_id'] ?? labels['task'] ?? null;
  const found =
    (taskId ? firing.find((a) => taskOf(a.labels) === taskId) : undefined) ??
    firing.find((a) => taskOf(a.labels) === null || taskOf(a.labels) === '__dag__');
  return found ? { fingerprint: found.fingerprint, summary: alertText(found) } : null;
}

export function openAction(state: AirtopData, key: ActionKey): Effect {
  const off = actionsOff(state);
  if (off) return error(`${key === 'pauseDag' ? 'pause' : key}: ${off}`);
  const request = requestFor(state, key);
  if (typeof request === 'string') return info(request);
  const alert = firingAlertFor(state, request);
  // A fleet: the object's instance (the row's or the view's), fixed now so a poll cannot move the action elsewhere.
  const instance = currentInstance(state);
  const dialog: ActionDialog & { instance?: string } = {
    kind: 'action',
    request,
    field: 0,
    confText: '',
    noteText: '',
    seq: 1,
    preview: { status: 'loading' },
    phase: 'editing',
    error: null,
    // Offered on for a fix (clear, mark); off for trigger and pause, which seldom fix what the alert is about.
    ack: alert
      ? { ...alert, on: request.verb !== 'trigger' && request.verb !== 'pause', note: doneText(request) }
      : null,
    ...(instance ? { instance } : {}),
  };
  return {
    ui: { dialog },
    command: { name: 'actionPreview', request, seq: 1, ...(instance ? { instance } : {}) },
  };
}

function editText(d: ActionDialog, f: (t: string) => string): Effect | null {
  const field = focusedField(d);
  if (field?.id === 'conf') return { ui: { dialog: { ...d, confText: f(d.confText), error: null } } };
  if (field?.id === 'note') return { ui: { dialog: { ...d, noteText: f(d.noteText) } } };
  if (field?.id === 'ackNote' && d.ack) return { ui: { dialog: { ...d, ack: { ...d.ack, note: f(d.ack.note) } } } };
  return null;
}

type FleetDialog = ActionDialog & { instance?: string };
const instanceOf = (d: FleetDialog) => (d.instance ? { instance: d.instance } : {});

function toggle(d: FleetDialog): Effect | null {
  const field = focusedField(d);
  if (!field || field.kind === 'text') return null;
  const { dialog, requestChanged } = toggleField(d, field.id);
  const next: FleetDialog = { ...dialog, ...instanceOf(d) };
  return requestChanged
    ? {
        ui: { dialog: next },
        command: { name: 'actionPreview', request: dialog.request, seq: dialog.seq, ...instanceOf(d) },
      }
    : { ui: { dialog: next } };
}

function confirm(d: FleetDialog): Effect {
  if (d.phase === 'sending') return {};
  if (d.preview.status === 'loading') return info("waiting for Airflow's dry run; Enter again once it is listed");
  if (d.preview.status === 'error') return error(`not sent: ${d.preview.reason}`);
  if (d.preview.status === 'ready' && d.preview.total === 0)
    return info("Airflow's dry run lists nothing to change: nothing sent (change an option, or Esc)");
  let request = d.request;
  if (request.verb === 'trigger') {
    const conf = parseConf(d.confText);
    if (!conf.ok) return { ui: { dialog: { ...d, error: conf.error, field: 0 } } };
    request = { ...request, conf: conf.conf, note: d.noteText.trim() === '' ? null : d.noteText.trim() };
  }
  const ack = d.ack?.on ? { fingerprint: d.ack.fingerprint, note: d.ack.note.trim() } : null;
  return {
    ui: {
      dialog: { ...d, request, phase: 'sending' },
      message: { text: terminalSafe(`${verbText(request)} ${targetText(request)}: sending…`), level: 'info' },
    },
    command: {
      name: 'actionApply',
      request,
      seq: d.seq,
      dryRun: d.preview.status === 'ready' ? d.preview.items : null,
      ack,
      ...instanceOf(d),
    },
  };
}

/** A key in the action dialog. `command` is the keymap's command for it in dialog mode. */
export function actionDialogKey(d: FleetDialog, command: string, input: string): Effect | null {
  switch (command) {
    case 'cancel':
      return d.phase === 'sending'
        ? info('already sent; the answer will show here')
        : { ui: { dialog: null, message: { text: `${verbText(d.request)} cancelled: nothing sent`, level: 'info' } } };
    case 'confirm':
      return confirm(d);
    case 'dialogNext': {
      const n = actionFields(d).length;
      return n === 0 ? null : { ui: { dialog: { ...d, field: (d.field + 1) % n } } };
    }
    case 'durationPrev':
    case 'durationNext':
      return toggle(d);
    case 'type':
      if (focusedField(d)?.kind !== 'text') return input === ' ' ? toggle(d) : null;
      return editText(d, (t) => t + input);
    case 'erase':
      return editText(d, (t) => t.slice(0, -1));
    default:
      return null;
  }
}

/**
 * The selected alert's object: the log of its failed task (newest), else its run, else its DAG. An alert on a
 * whole DAG (success rate) leads to the DAG's newest failed task when there is one: page to fix in three keys.
 */
export function jumpToAlert(state: AirtopData): Effect {
  const row = pick(state, 'alerts', selectAlertPaneRows(state));
  // A group row leads to its most specific live member: one naming a task, else the group's newest.
  const alert =
    row &&
    (row.kind === 'alert'
      ? row.alert
      : (rowTargets(row).find((a) => a.labels['task_id'] ?? a.labels['task']) ?? row.newest));
  if (!alert) return info('no alert selected: focus the alert log (5) and pick one with ↑/↓');
  const dagId = alert.labels['dag_id'];
  if (!dagId) return info(`this alert names no DAG, run or task: ${alertText(alert)}`);
  const label = alert.labels['task_id'] ?? alert.labels['task'];
  const taskId = label === '__dag__' ? undefined : label;
  const runId = alert.labels['run_id'];
  // A fleet: the views open in the alert's instance, and its task instances are that instance's.
  const instance = alertInstance(state, alert);
  const snapshot = instance ? (state.fleet?.find((i) => i.name === instance)?.snapshot ?? null) : state.snapshot;
  const tis = (snapshot?.taskInstances ?? []).filter(
    (t) =>
      t.dagId === dagId &&
      (taskId === undefined || t.taskId === taskId) &&
      (runId === undefined || t.runId === runId) &&
      t.tryNumber >= 1,
  );
  const failed = (t: { state: string | null }) => Number(t.state === 'failed');
  const newest = tis.sort((a, b) => failed(b) - failed(a) || (b.startDate ?? '').localeCompare(a.startDate ?? ''));
  // A DAG-wide alert leads to a task only when one failed; a task's alert to its newest try either way.
  const ti = newest.find((t) => taskId !== undefined || t.state === 'failed');
  const at = <V extends View>(view: V): V => (instance ? { ...view, instance } : view);
  const views: View[] = [at({ kind: 'dag', dagId })];
  if (ti) {
    views.push(at({ kind: 'run', dagId, runId: ti.runId }));
    views.push(
      at({
        kind: 'log',
        dagId,
        runId: ti.runId,
        taskId: ti.taskId,
        mapIndex: ti.mapIndex,
        tryNumber: ti.tryNumber,
        maxTry: ti.tryNumber,
      }),
    );
  } else if (runId) views.push(at({ kind: 'run', dagId, runId }));
  return { nav: { pushAll: views } };
}
