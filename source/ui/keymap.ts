// Keys are data: the dispatcher routes by this table, and the help overlay and footer are drawn from it.
// `dangerous` actions change alert state or Airflow; --readonly hides them here and the dispatcher refuses them.

export type Mode = 'normal' | 'drill' | 'log' | 'filter' | 'dialog' | 'help' | 'picker';

export type CommandName =
  | 'focusDags'
  | 'focusPools'
  | 'focusCosts'
  | 'focusQuality'
  | 'focusAlerts'
  | 'focusNext'
  | 'focusPrev'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'drill'
  | 'back'
  | 'filter'
  | 'faults'
  | 'sort'
  | 'pause'
  | 'refresh'
  | 'ack'
  | 'unack'
  | 'silence'
  | 'follow'
  | 'prevTry'
  | 'nextTry'
  | 'help'
  | 'quit'
  | 'filterApply'
  | 'filterClear'
  | 'erase'
  | 'type'
  | 'confirm'
  | 'cancel'
  | 'durationPrev'
  | 'durationNext'
  | 'clear'
  | 'mark'
  | 'trigger'
  | 'pauseDag'
  | 'jump'
  | 'dialogNext'
  | 'instances'
  | 'pick'
  | 'closePicker';

export interface Binding {
  /** Key names as keyName() produces them: 'up', 'enter', 'escape', 'shift-tab', 'ctrl-c', or the character. 'text' = any printable text. */
  keys: string[];
  command: CommandName;
  description: string;
  /** A word or two for the footer; bindings without one stay out of the footer. */
  short?: string;
  modes: Mode[];
  dangerous?: boolean;
  /** Changes Airflow itself: needs the op role and a REST URL; greyed with the reason when those are missing. */
  airflowAction?: boolean;
  /** In FLEET_KEYMAP: only with several Airflow instances; a single-instance airtop neither lists nor takes it. */
  fleet?: boolean;
}

const BROWSE: Mode[] = ['normal', 'drill'];
const VIEWS: Mode[] = ['normal', 'drill', 'log'];

export const KEYMAP: readonly Binding[] = [
  { keys: ['1'], command: 'focusDags', description: 'focus the DAG health pane', modes: ['normal'] },
  { keys: ['2'], command: 'focusPools', description: 'focus the pools pane', modes: ['normal'] },
  { keys: ['3'], command: 'focusCosts', description: 'focus the costs pane', modes: ['normal'] },
  { keys: ['4'], command: 'focusQuality', description: 'focus the quality pane', modes: ['normal'] },
  { keys: ['5'], command: 'focusAlerts', description: 'focus the alert log pane', modes: ['normal'] },
  { keys: ['tab'], command: 'focusNext', description: 'focus the next pane', short: 'pane', modes: ['normal'] },
  { keys: ['shift-tab'], command: 'focusPrev', description: 'focus the previous pane', modes: ['normal'] },
  { keys: ['up', 'k'], command: 'up', description: 'move the selection up', modes: BROWSE },
  { keys: ['down', 'j'], command: 'down', description: 'move the selection down', short: 'move', modes: BROWSE },
  { keys: ['pageup'], command: 'pageUp', description: 'one page up', modes: BROWSE },
  { keys: ['pagedown'], command: 'pageDown', description: 'one page down', modes: BROWSE },
  { keys: ['g', 'home'], command: 'top', description: 'go to the first row', modes: BROWSE },
  { keys: ['G', 'end'], command: 'bottom', description: 'go to the last row', modes: BROWSE },
  {
    keys: ['enter'],
    command: 'drill',
    description: 'drill in: DAG → runs → task instances → log; on an alert group: show or hide its alerts',
    short: 'open',
    modes: BROWSE,
  },
  {
    keys: ['escape', 'backspace'],
    command: 'back',
    description: 'back to the previous view (main screen: clear the filter)',
    short: 'back',
    modes: VIEWS,
  },
  {
    keys: ['/'],
    command: 'filter',
    description: 'filter rows: text, re:REGEX or /REGEX/; a leading ! inverts',
    short: 'filter',
    modes: VIEWS,
  },
  {
    keys: ['f'],
    command: 'faults',
    description: 'faults only: failing DAGs and pools, open alerts, failed runs and tasks, error lines',
    short: 'faults',
    modes: VIEWS,
  },
  {
    keys: ['o'],
    command: 'sort',
    description: 'cycle the DAG order: status, name, success rate, duration',
    short: 'sort',
    modes: ['normal'],
  },
  {
    keys: ['p'],
    command: 'pause',
    description: 'pause or resume live updates (polling goes on)',
    short: 'pause',
    modes: VIEWS,
  },
  { keys: ['r'], command: 'refresh', description: 'poll Airflow now', short: 'refresh', modes: VIEWS },
  {
    keys: ['a'],
    command: 'ack',
    description: 'acknowledge the selected alert (a group: each of its alerts), with an optional note',
    short: 'ack',
    modes: ['normal'],
    dangerous: true,
  },
  {
    keys: ['u'],
    command: 'unack',
    description: 'withdraw the acknowledgement of the selected alert (a group: of each alert)',
    modes: ['normal'],
    dangerous: true,
  },
  {
    keys: ['s'],
    command: 'silence',
    description: 'silence the selected alert (a group: each of its alerts) for 15m, 1h, 4h or 24h',
    short: 'silence',
    modes: ['normal'],
    dangerous: true,
  },
  {
    keys: ['c'],
    command: 'clear',
    description:
      "clear the selected task instance (task list, log) or run (runs list): Airflow's dry run lists what changes",
    short: 'clear',
    modes: ['drill', 'log'],
    dangerous: true,
    airflowAction: true,
  },
  {
    keys: ['m'],
    command: 'mark',
    description: 'mark the selected task instance or run success or failed',
    short: 'mark',
    modes: ['drill', 'log'],
    dangerous: true,
    airflowAction: true,
  },
  {
    keys: ['t'],
    command: 'trigger',
    description: 'trigger a run of the selected DAG, with an optional JSON conf and note',
    short: 'trigger',
    modes: ['normal', 'drill', 'log'],
    dangerous: true,
    airflowAction: true,
  },
  {
    keys: ['P'],
    command: 'pauseDag',
    description: 'pause or unpause the selected DAG in Airflow',
    short: 'pause DAG',
    modes: ['normal', 'drill', 'log'],
    dangerous: true,
    airflowAction: true,
  },
  {
    keys: ['l'],
    command: 'jump',
    description: "go to the selected alert's object: its task's log, its run or its DAG",
    short: 'jump',
    modes: ['normal'],
  },
  { keys: ['up', 'k'], command: 'up', description: 'scroll the log up a line (stops following)', modes: ['log'] },
  { keys: ['down', 'j'], command: 'down', description: 'scroll the log down a line', short: 'scroll', modes: ['log'] },
  { keys: ['pageup'], command: 'pageUp', description: 'scroll the log up a page', modes: ['log'] },
  { keys: ['pagedown'], command: 'pageDown', description: 'scroll the log down a page', modes: ['log'] },
  { keys: ['g', 'home'], command: 'top', description: 'go to the start of the log', modes: ['log'] },
  { keys: ['G', 'end'], command: 'bottom', description: 'go to the end of the log', modes: ['log'] },
  {
    keys: ['F'],
    command: 'follow',
    description: 'follow the log: fetch new lines every 2 s and stay at the end',
    short: 'follow',
    modes: ['log'],
  },
  { keys: ['['], command: 'prevTry', description: "show the task's previous try", short: 'try', modes: ['log'] },
  { keys: [']'], command: 'nextTry', description: "show the task's next try", modes: ['log'] },
  { keys: ['?'], command: 'help', description: 'show or hide this help', short: 'help', modes: [...VIEWS, 'help'] },
  { keys: ['escape'], command: 'help', description: 'close the help', modes: ['help'] },
  { keys: ['up', 'k'], command: 'up', description: 'scroll the help up', modes: ['help'] },
  { keys: ['down', 'j'], command: 'down', description: 'scroll the help down', modes: ['help'] },
  { keys: ['q'], command: 'quit', description: 'quit airtop', short: 'quit', modes: [...VIEWS, 'help'] },
  {
    keys: ['ctrl-c'],
    command: 'quit',
    description: 'quit airtop, from anywhere',
    modes: ['normal', 'drill', 'log', 'filter', 'dialog', 'help', 'picker'],
  },
  { keys: ['text'], command: 'type', description: 'type the filter text (it applies as you type)', modes: ['filter'] },
  {
    keys: ['enter'],
    command: 'filterApply',
    description: 'keep the filter and stop editing',
    short: 'apply',
    modes: ['filter'],
  },
  {
    keys: ['escape'],
    command: 'filterClear',
    description: 'clear the filter and stop editing',
    short: 'clear',
    modes: ['filter'],
  },
  { keys: ['backspace'], command: 'erase', description: 'delete the last character', modes: ['filter', 'dialog'] },
  { keys: ['text'], command: 'type', description: 'type the note (ack) or comment (silence)', modes: ['dialog'] },
  { keys: ['left'], command: 'durationPrev', description: 'silence: a shorter duration', modes: ['dialog'] },
  {
    keys: ['right'],
    command: 'durationNext',
    description: 'silence: a longer duration',
    short: 'duration',
    modes: ['dialog'],
  },
  {
    keys: ['tab'],
    command: 'dialogNext',
    description: 'action dialog: the next option (Space or ←/→ toggles it)',
    short: 'option',
    modes: ['dialog'],
  },
  {
    keys: ['enter'],
    command: 'confirm',
    description: 'confirm the acknowledgement, silence or action',
    short: 'confirm',
    modes: ['dialog'],
  },
  { keys: ['escape'], command: 'cancel', description: 'cancel the dialog', short: 'cancel', modes: ['dialog'] },
];

export const SILENCE_CHOICES: readonly { label: string; seconds: number }[] = [
  { label: '15m', seconds: 15 * 60 },
  { label: '1h', seconds: 3600 },
  { label: '4h', seconds: 4 * 3600 },
  { label: '24h', seconds: 24 * 3600 },
];

/** With several instances (a fleet) only: the instance picker. */
export const FLEET_KEYMAP: readonly Binding[] = [
  {
    keys: ['i'],
    command: 'instances',
    description: 'pick the Airflow instance the panes show, or all of them',
    short: 'instance',
    modes: ['normal', 'drill'],
    fleet: true,
  },
  { keys: ['up', 'k'], command: 'up', description: 'the previous instance', modes: ['picker'], fleet: true },
  {
    keys: ['down', 'j'],
    command: 'down',
    description: 'the next instance',
    short: 'move',
    modes: ['picker'],
    fleet: true,
  },
  { keys: ['g', 'home'], command: 'top', description: 'all instances (the first row)', modes: ['picker'], fleet: true },
  { keys: ['G', 'end'], command: 'bottom', description: 'the last instance', modes: ['picker'], fleet: true },
  {
    keys: ['enter'],
    command: 'pick',
    description: 'show the selected instance (or all) in the panes',
    short: 'pick',
    modes: ['picker'],
    fleet: true,
  },
  {
    keys: ['escape', 'i'],
    command: 'closePicker',
    description: 'close the picker, keeping what the panes show',
    short: 'close',
    modes: ['picker'],
    fleet: true,
  },
];

// First, so the footer names `i` before its hints are cut on a narrow screen.
const WITH_FLEET: readonly Binding[] = [...FLEET_KEYMAP, ...KEYMAP];

/** The bindings a user can use: --readonly drops the dangerous ones; the fleet's only with several instances. */
export function activeBindings(readonly: boolean, fleet = false): readonly Binding[] {
  const keys = fleet ? WITH_FLEET : KEYMAP;
  return readonly ? keys.filter((b) => !b.dangerous) : keys;
}

export function findBinding(mode: Mode, key: string, readonly: boolean, fleet = false): Binding | undefined {
  return activeBindings(readonly, fleet).find((b) => b.modes.includes(mode) && b.keys.includes(key));
}

const KEY_LABELS: Record<string, string> = {
  up: '↑',
  down: '↓',
  left: '←',
  right: '→',
  pageup: 'PgUp',
  pagedown: 'PgDn',
  home: 'Home',
  end: 'End',
  enter: 'Enter',
  escape: 'Esc',
  backspace: 'Bksp',
  tab: 'Tab',
  'shift-tab': 'S-Tab',
  'ctrl-c': 'Ctrl-C',
  text: 'text',
};

export function keyLabel(binding: Binding): string {
  return binding.keys.map((k) => KEY_LABELS[k] ?? k).join('/');
}

export const MODE_TITLES: Record<Mode, string> = {
  normal: 'Main screen',
  drill: 'Runs and task instances',
  log: 'Task log',
  filter: 'Editing the filter',
  dialog: 'Ack, silence and action dialogs',
  help: 'This help',
  picker: 'Instance picker (i)',
};

/** Help sections: each binding listed once, under the first mode it works in. */
export function helpSections(readonly: boolean, fleet = false): { mode: Mode; title: string; bindings: Binding[] }[] {
  const order: Mode[] = ['normal', 'drill', 'log', 'filter', 'dialog', 'picker', 'help'];
  return order
    .map((mode) => ({
      mode,
      title: MODE_TITLES[mode],
      bindings: activeBindings(readonly, fleet).filter((b) => b.modes[0] === mode),
    }))
    .filter((s) => s.bindings.length > 0);
}

/** Footer hints for a mode, in keymap order. */
export function footerHints(mode: Mode, readonly: boolean, fleet = false): { key: string; text: string }[] {
  return activeBindings(readonly, fleet)
    .filter((b) => b.short && b.modes.includes(mode))
    .map((b) => ({ key: keyLabel(b), text: b.short! }));
}

export interface HelpLine {
  heading: boolean;
  text: string;
  /** An Airflow action this user cannot take now: drawn greyed. */
  off?: boolean;
}

/** The help overlay's lines: every binding the user may use, grouped by where it works. `actionsOff` greys the Airflow actions with why. */
export function helpLines(readonly: boolean, actionsOff: string | null = null, fleet = false): HelpLine[] {
  const lines: HelpLine[] = [];
  // The reason once, first, where it is not cut off; each greyed key is marked (off).
  if (actionsOff !== null && !readonly) {
    const keys = KEYMAP.filter((b) => b.airflowAction)
      .map(keyLabel)
      .join(' ');
    lines.push({ heading: false, off: true, text: `Actions on Airflow (${keys}) are off: ${actionsOff}` });
  }
  for (const section of helpSections(readonly, fleet)) {
    lines.push({ heading: true, text: section.title });
    for (const b of section.bindings) {
      const off = actionsOff !== null && b.airflowAction === true;
      lines.push({
        heading: false,
        text: `  ${keyLabel(b).padEnd(14)} ${off ? '(off) ' : ''}${b.description}`,
        ...(off ? { off } : {}),
      });
    }
  }
  return lines;
}

/** Footer hints marking the Airflow actions this user cannot take now. */
export function footerHintsMarked(
  mode: Mode,
  readonly: boolean,
  actionsOff: string | null,
  fleet = false,
): { key: string; text: string; off: boolean }[] {
  return activeBindings(readonly, fleet)
    .filter((b) => b.short && b.modes.includes(mode))
    .map((b) => ({ key: keyLabel(b), text: b.short!, off: actionsOff !== null && b.airflowAction === true }));
}
