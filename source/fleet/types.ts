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

/** What the TUI and the daemon share in fleet mode: every member, one notifier (alert state, one outbox). */
export interface FleetLive {
  members: FleetMember[];
  notifier: Notifier;
  stop(): Promise<void>;
}
