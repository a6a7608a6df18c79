import { createAirtopStore, type AirtopStore } from '../state/store.js';
import type { InstanceData } from '../state/types.js';
import { instanceData } from '../ui/fleet-sync.js';
import type { FleetLive } from './types.js';

// The hub (README "Hub") serves one store. In fleet mode it serves this one: every instance's own data in
// `fleet` (what an attached TUI's strip, all view and picker show), the first instance's at the top level
// (what a console of an older airtop shows), and the report's alert list holding every instance's alerts
// (each with its `instance` label), so that a TUI attached to the daemon sees, acks and silences any of them.

export function hubMirror(live: Pick<FleetLive, 'members' | 'notifier'>): { store: AirtopStore; stop(): void } {
  const primary = live.members[0]!.store;
  const store = createAirtopStore();
  let shownReport = primary.getState().report;
  const entryOf = (index: number): InstanceData => {
    const m = live.members[index]!;
    return instanceData(m.name, m.store.getState(), m.config.airflow.url ?? m.source.url);
  };
  const sync = (alertsChanged: boolean) => {
    const p = primary.getState();
    const current = store.getState();
    const patch: Partial<ReturnType<AirtopStore['getState']>> = {};
    if (current.snapshot !== p.snapshot) patch.snapshot = p.snapshot;
    if (current.history !== p.history) patch.history = p.history;
    if (current.poll !== p.poll) patch.poll = p.poll;
    if (current.sinks !== p.sinks) patch.sinks = p.sinks;
    if (current.deadLetters !== p.deadLetters) patch.deadLetters = p.deadLetters;
    if (p.report && (alertsChanged || p.report !== shownReport)) {
      patch.report = { ...p.report, alerts: live.notifier.alerts.alerts() };
      shownReport = p.report;
    }
    if (Object.keys(patch).length > 0) store.setState(patch);
  };
  store.setState({ fleet: live.members.map((_, index) => entryOf(index)) });
  sync(true);
  const unsubscribers = live.members.map((member, index) =>
    member.store.subscribe((state, previous) => {
      if (
        state.snapshot !== previous.snapshot ||
        state.report !== previous.report ||
        state.poll !== previous.poll ||
        state.history !== previous.history
      ) {
        // Only this instance's entry is replaced: the feed sends what changed in it, nothing of the others.
        const entry = entryOf(index);
        store.setState((s) => ({ fleet: (s.fleet ?? []).map((e) => (e.name === entry.name ? entry : e)) }));
      }
      // Another instance's poll changes the alert list; the first's changes everything shown.
      const alertsChanged = state.report !== previous.report;
      if (index === 0 || alertsChanged) sync(alertsChanged);
    }),
  );
  return {
    store,
    stop: () => unsubscribers.forEach((u) => u()),
  };
}
