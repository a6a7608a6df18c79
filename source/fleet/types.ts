import type { AirflowSource } from '../airflow/types.js';
import type { Poller } from '../collect/poller.js';
import type { Config } from '../config/schema.js';
import type { Notifier } from '../sinks/notifier.js';
import type { AirtopStore } from '../state/store.js';

// A fleet is several Airflow instances watched by one airtop (README "Fleet"). A flat, single-instance config
// is a fleet of one, named after its host. The modes share these shapes; fleet/ holds what resolves and runs them.

/** One instance as the config resolves it: its name and its whole config (the fleet's, with its overrides). */
export interface InstanceSpec {
  name: string;
  config: Config;
  /** Why this instance cannot poll (a credential missing, its source failed to open): it is UNKNOWN with this. */
  problem?: string;
}

/** One instance ready to poll: its spec and its open source. */
export interface InstanceContext extends InstanceSpec {
  source: AirflowSource;
}

/** One polled instance at run time: its own store (snapshot, report, poll status, history) and its own poller. */
export interface FleetMember extends InstanceContext {
  store: AirtopStore;
  poller: Poller;
}

/** What startFleetLive needs of the mode's context (modes/context.ts ModeContext has it all). */
export interface FleetContext {
  /** The fleet-wide settings (alerts, sinks, hub): the first instance's config carries them. */
  config: Config;
  stateDir: string;
  instances: InstanceContext[];
  /** Alerts carry the `instance` label. */
  fleet: boolean;
  clock: () => Date;
}

/** What the TUI and the daemon share in fleet mode: every member, one notifier (alert state, one outbox). */
export interface FleetLive {
  members: FleetMember[];
  notifier: Notifier;
  /** The member of that name, if any (optional: the contract's FleetLive is members, notifier, stop). */
  member?(name: string): FleetMember | undefined;
  /** Poll every member now (each on its own; never rejects). */
  refreshAll?(): Promise<void>;
  stop(): Promise<void>;
}
