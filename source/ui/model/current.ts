import { instancePatch, topView } from '../../state/store.js';
import type { AirtopData } from '../../state/types.js';
import { type AlertPaneRow, rowTargets, selectAlertPaneRows } from './alert-rows.js';
import { selectDagRows } from './dag-rows.js';
import type { InstanceData } from '../../state/types.js';
import { sanitizeText } from '../../text/sanitize.js';
import { alertInstance, alertOwners, isAllView } from './fleet.js';
import { memoLast } from './memo.js';
import { shownFleet } from './shown.js';

// Which instance of a fleet the screen speaks of right now (UiState.current): the picked one, the drill-down
// view's, or in the all view the selected row's. Pure; reduce() and the fleet mirror store it.

function pick<T>(s: AirtopData, list: string, rows: readonly T[]): T | undefined {
  return rows[Math.max(0, Math.min(s.ui.selection[list] ?? 0, rows.length - 1))];
}

/** The instance an alert pane row belongs to (a group: its first live member's, else its newest's). */
export function alertRowInstance(s: AirtopData, row: AlertPaneRow): string | null {
  const alert = row.kind === 'alert' ? row.alert : (rowTargets(row)[0] ?? row.newest);
  return alertInstance(s, alert);
}

/** The instance the selected row of the focused pane belongs to in the all view; null elsewhere. */
export function rowInstance(s: AirtopData): string | null {
  if (!isAllView(s) || topView(s).kind !== 'main') return null;
  if (s.ui.focus === 'dags') return pick(s, 'dags', selectDagRows(s))?.instance ?? null;
  if (s.ui.focus === 'alerts') {
    const row = pick(s, 'alerts', selectAlertPaneRows(s));
    return row ? alertRowInstance(s, row) : null;
  }
  return null;
}

/** The current instance; null for a single instance. Falls back to the last one, then the first. */
export function currentInstance(s: AirtopData): string | null {
  const fleet = s.fleet;
  if (!fleet || fleet.length === 0) return null;
  const known = (name: string | null | undefined): string | null =>
    name && fleet.some((i) => i.name === name) ? name : null;
  const top = topView(s);
  return (
    known(s.ui.instance) ??
    (top.kind !== 'main' ? known(top.instance) : null) ??
    known(rowInstance(s)) ??
    known(s.ui.current) ??
    fleet[0]!.name
  );
}

/** The patch that makes the computed current instance the one in the top-level fields, or {} when it is already. */
export function currentPatch(s: AirtopData, force = false): Partial<AirtopData> {
  if (!s.fleet || s.fleet.length === 0) return {};
  const name = currentInstance(s);
  if (name === null || (!force && name === s.ui.current)) return {};
  return { ...instancePatch(s, name), ui: { ...s.ui, current: name } };
}

const instanceTexts = memoLast((rows: AlertPaneRow[], fleet: InstanceData[] | null | undefined): string[] => {
  const owners = alertOwners(fleet);
  return rows.map((row) => {
    const members = row.kind === 'group' ? row.members : [row.alert];
    const names = new Set(members.map((a) => a.labels['instance'] ?? owners.get(a.fingerprint) ?? '?'));
    return names.size === 1 ? sanitizeText([...names][0]!, { max: 40 }) : `${names.size} inst.`;
  });
});

/** The all view's instance cell of each alert pane row (a group: its one instance, or how many); null elsewhere. */
export function selectAlertRowInstances(s: AirtopData): string[] | null {
  return isAllView(s) ? instanceTexts(selectAlertPaneRows(s), shownFleet(s)) : null;
}
