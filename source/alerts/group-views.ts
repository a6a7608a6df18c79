import type { AlertGroupView, AlertView, Severity } from '../report/types.js';

// The report's alert_groups and the alerts pane's rows, from the alert views alone (each carries its
// group's key and labels), so an ack that changes one view regroups without another routing pass. Pure.

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };
const STATE_ORDER: AlertGroupView['state'][] = ['firing', 'acknowledged', 'silenced', 'inhibited', 'resolved'];

export function memberState(view: AlertView): AlertGroupView['state'] {
  if (view.state === 'firing' && view.inhibited_by) return 'inhibited';
  return view.state;
}

/** Groups in the order of their first member in `views` (already sorted for reading). */
export function groupViews(views: readonly AlertView[]): AlertGroupView[] {
  const groups = new Map<string, { view: AlertGroupView; members: AlertView[] }>();
  for (const view of views) {
    // A resolved alert keeps no route: it is shown on its own.
    const key = view.group_key ?? `resolved:${view.fingerprint}`;
    let entry = groups.get(key);
    if (!entry) {
      entry = {
        view: {
          key,
          labels: { ...(view.group_labels ?? view.labels) },
          state: 'resolved',
          severity: view.severity,
          alerts: [],
          receivers: [],
        },
        members: [],
      };
      groups.set(key, entry);
    }
    entry.members.push(view);
    entry.view.alerts.push(view.fingerprint);
  }
  return [...groups.values()].map(({ view, members }) => {
    const states = new Set(members.map(memberState));
    const receivers = new Set(members.flatMap((m) => m.receivers ?? []));
    return {
      ...view,
      state: STATE_ORDER.find((s) => states.has(s)) ?? 'resolved',
      severity: members.reduce<Severity>(
        (worst, m) => (SEVERITY_RANK[m.severity] < SEVERITY_RANK[worst] ? m.severity : worst),
        'info',
      ),
      receivers: [...receivers].sort(),
    };
  });
}
