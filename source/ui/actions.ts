import { type AirtopStore, EMPTY_DRILL, frozenCopy } from '../state/store.js';
import type { AirtopData, View } from '../state/types.js';
import type { Commands } from './commands.js';
import type { Effect } from './dispatch.js';
import { currentPatch } from './model/current.js';

/** The list each view's ↑/↓ selection lives under. */
function listOf(view: View): string {
  return view.kind === 'main' ? 'main' : view.kind;
}

/** The store change an effect makes, as one patch so a key press is one render. Pure. */
export function reduce(state: AirtopData, effect: Effect): Partial<AirtopData> {
  let ui = { ...state.ui, ...effect.ui };
  let drill = state.drill;
  if (state.ui.message && !effect.ui?.message) ui.message = null;
  if (effect.select) ui.selection = { ...ui.selection, [effect.select[0]]: Math.max(0, effect.select[1]) };
  const nav = effect.nav;
  if (nav && 'push' in nav) {
    // The view being left keeps its filter; the new one starts unfiltered at its first row.
    const below = ui.stack.slice(0, -1);
    const top = ui.stack[ui.stack.length - 1] ?? { kind: 'main' as const };
    ui = {
      ...ui,
      stack: [...below, { ...top, filter: ui.filter.text }, nav.push],
      filter: { editing: false, text: '' },
      selection: { ...ui.selection, [listOf(nav.push)]: 0 },
    };
    drill = { ...EMPTY_DRILL, loading: true };
  } else if (nav && 'pop' in nav && ui.stack.length > 1) {
    const stack = ui.stack.slice(0, -1);
    const top = stack[stack.length - 1]!;
    ui = { ...ui, stack, filter: { editing: false, text: top.filter ?? '' } };
    drill = { ...EMPTY_DRILL, loading: top.kind !== 'main' };
  } else if (nav && 'pushAll' in nav && nav.pushAll.length > 0) {
    // A jump: several views at once, each starting at its first row; the one on top fetches.
    const below = ui.stack.slice(0, -1);
    const top = ui.stack[ui.stack.length - 1] ?? { kind: 'main' as const };
    const selection = { ...ui.selection };
    for (const view of nav.pushAll) selection[listOf(view)] = 0;
    ui = {
      ...ui,
      stack: [...below, { ...top, filter: ui.filter.text }, ...nav.pushAll],
      filter: { editing: false, text: '' },
      selection,
    };
    drill = { ...EMPTY_DRILL };
  } else if (nav && 'replace' in nav) {
    ui = {
      ...ui,
      stack: [...ui.stack.slice(0, -1), nav.replace],
      selection: { ...ui.selection, [listOf(nav.replace)]: 0 },
    };
    drill = { ...EMPTY_DRILL, loading: true };
  } else if (nav && 'home' in nav && ui.stack.length > 1) {
    // The main view's saved filter comes back into the filter line, as a pop would bring it.
    const { filter, ...main } = ui.stack[0]!;
    ui = { ...ui, stack: [main], filter: { editing: false, text: filter ?? '' } };
    drill = EMPTY_DRILL;
  }
  if (effect.follow !== undefined) {
    drill = {
      ...drill,
      log: {
        lines: drill.log?.lines ?? [],
        continuationToken: drill.log?.continuationToken ?? null,
        follow: effect.follow,
      },
    };
  }
  const patch: Partial<AirtopData> = { ui };
  if (drill !== state.drill) patch.drill = drill;
  if (effect.paused !== undefined) {
    ui.paused = effect.paused;
    patch.frozen = effect.paused ? frozenCopy(state) : null;
  }
  // A fleet: the view, the picked instance or the selected row may now belong to another instance.
  if (state.fleet) Object.assign(patch, currentPatch({ ...state, ...patch }));
  return patch;
}

/** Carries an effect out: one store update, then the command (which may itself update the store). */
export function apply(store: AirtopStore, commands: Commands, effect: Effect, exit: () => void): void {
  store.setState(reduce(store.getState(), effect));
  const call = effect.command;
  if (!call) return;
  switch (call.name) {
    case 'refresh':
      return commands.refresh();
    case 'quit':
      commands.quit();
      return exit();
    // A group's action is the member action, once per member.
    case 'ack':
      for (const fp of call.fingerprints ?? [call.fingerprint]) commands.ack(fp, call.note);
      return;
    case 'unack':
      for (const fp of call.fingerprints ?? [call.fingerprint]) commands.unack(fp);
      return;
    case 'silence':
      for (const fp of call.fingerprints ?? [call.fingerprint])
        commands.silence(fp, call.durationSeconds, call.comment);
      return;
    case 'actionPreview':
      if (!commands.actions)
        return store.setState({
          ui: {
            ...store.getState().ui,
            dialog: null,
            message: { text: 'actions are not available here', level: 'error' },
          },
        });
      return commands.actions.preview(call.request, call.seq, call.instance);
    case 'actionApply':
      if (!commands.actions) return;
      return commands.actions.apply(call);
  }
}
