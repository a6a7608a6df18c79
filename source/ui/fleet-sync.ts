import type { ActionAvailability } from '../actions/types.js';
import { type AirtopState, type AirtopStore, instancePatch } from '../state/store.js';
import type { AirtopData, InstanceData } from '../state/types.js';
import { currentInstance } from './model/current.js';

// The fleet mirror: each instance has its own store (its poller writes snapshot, report, poll status and
// history there); the TUI's store holds a copy of each in `fleet` and the current instance's in its top-level
// fields. One store update per member change, so a poll of one instance is one frame.

/** What the mirror needs of a fleet member (source/fleet/types.ts' FleetMember has it). */
export interface MirroredMember {
  name: string;
  store: AirtopStore;
  /** The configured URL, shown until the first poll names one. */
  url?: string | null;
}

export function instanceData(name: string, member: AirtopData, url: string | null = null): InstanceData {
  return {
    name,
    url: member.report?.airflow.url ?? member.snapshot?.airflow.url ?? url,
    snapshot: member.snapshot,
    report: member.report,
    poll: member.poll,
    history: member.history,
  };
}

/** The store change that puts `data` in the fleet: the entry, and the top level when it is (or becomes) current. Pure. */
export function withInstance(s: AirtopData, data: InstanceData): Partial<AirtopData> {
  const before = s.fleet ?? [];
  const known = before.some((i) => i.name === data.name);
  const fleet = known
    ? before.map((i) =>
        i.name === data.name ? { ...data, ...(i.availability ? { availability: i.availability } : {}) } : i,
      )
    : [...before, data];
  const next: AirtopData = { ...s, fleet };
  const name = currentInstance(next);
  if (name === null || (name === s.ui.current && name !== data.name)) return { fleet };
  return { fleet, ...instancePatch(next, name), ui: { ...s.ui, current: name } };
}

/** What this user may do on one instance: its entry, and the footer's and action keys' when it is current. Pure. */
export function withAvailability(s: AirtopData, name: string, availability: ActionAvailability): Partial<AirtopData> {
  const fleet = (s.fleet ?? []).map((i) => (i.name === name ? { ...i, availability } : i));
  const patch: Partial<AirtopData> = { fleet };
  if (s.ui.current === name) patch.actions = { availability, recent: s.actions?.recent ?? [] };
  return patch;
}

/** Mirrors every member's store into `store` from now on; returns the function that stops it. */
export function mirrorFleet(store: AirtopStore, members: readonly MirroredMember[]): () => void {
  // Every instance has its entry (and the first is current) before any poll answers, in the config's order.
  for (const m of members) store.setState((s) => withInstance(s, instanceData(m.name, m.store.getState(), m.url)));
  const stops = members.map((m) =>
    m.store.subscribe((now: AirtopState, before: AirtopState) => {
      // The one notifier tells every member's store about its sinks; the TUI shows them once.
      if (now.sinks !== before.sinks || now.deadLetters !== before.deadLetters)
        store.setState({ sinks: now.sinks, deadLetters: now.deadLetters });
      if (
        now.snapshot === before.snapshot &&
        now.report === before.report &&
        now.poll === before.poll &&
        now.history === before.history
      )
        return;
      store.setState((s) => withInstance(s, instanceData(m.name, now, m.url)));
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}
