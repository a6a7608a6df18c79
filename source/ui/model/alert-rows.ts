import { groupViews, memberState } from '../../alerts/group-views.js';
import type { AlertGroupView, AlertView } from '../../report/types.js';
import type { AirtopData } from '../../state/types.js';
import { alertText, selectAlertRows } from './lists.js';
import { memoLast } from './memo.js';

// The alerts pane's rows: one per group (worst severity, member count, newest summary), its members below
// it when expanded. A group of one is shown as its alert. Pure, memoised on the filtered alert list.

export type AlertPaneRow =
  | { kind: 'group'; group: AlertGroupView; members: AlertView[]; newest: AlertView; expanded: boolean }
  | { kind: 'alert'; alert: AlertView; member: boolean };

const EMPTY: readonly string[] = [];

const rowsOf = memoLast((alerts: AlertView[], expanded: readonly string[]): AlertPaneRow[] => {
  const byFp = new Map(alerts.map((a) => [a.fingerprint, a]));
  const open = new Set(expanded);
  const rows: AlertPaneRow[] = [];
  for (const group of groupViews(alerts)) {
    const members = group.alerts.map((fp) => byFp.get(fp)!).filter(Boolean);
    if (members.length === 1) {
      rows.push({ kind: 'alert', alert: members[0]!, member: false });
      continue;
    }
    const newest = members.reduce((a, b) => (Date.parse(b.since) > Date.parse(a.since) ? b : a));
    const isOpen = open.has(group.key);
    rows.push({ kind: 'group', group, members, newest, expanded: isOpen });
    if (isOpen) for (const alert of members) rows.push({ kind: 'alert', alert, member: true });
  }
  return rows;
});

export const selectAlertPaneRows = (s: AirtopData): AlertPaneRow[] =>
  rowsOf(selectAlertRows(s), s.ui.expandedGroups ?? EMPTY);

/** The alerts a row stands for: the group's members that are not resolved, or the one alert. */
export function rowTargets(row: AlertPaneRow): AlertView[] {
  return row.kind === 'group' ? row.members.filter((m) => m.state !== 'resolved') : [row.alert];
}

export function rowText(row: AlertPaneRow): string {
  return row.kind === 'group'
    ? `${row.members.length} alerts (${groupLabelText(row.group)}): ${alertText(row.newest)}`
    : alertText(row.alert);
}

export function groupLabelText(group: AlertGroupView): string {
  const labels = Object.entries(group.labels);
  return labels.length > 0 ? labels.map(([k, v]) => `${k}=${v}`).join(' ') : 'all';
}

/** "inhibited by slow DAG …": the source's summary, looked up among the alerts. */
export function inhibitedText(alert: AlertView, all: readonly AlertView[]): string | null {
  if (memberState(alert) !== 'inhibited') return null;
  const source = all.find((a) => a.fingerprint === alert.inhibited_by);
  return `inhibited by ${source ? (source.labels['alertname'] ?? source.fingerprint) : alert.inhibited_by}`;
}
