import type { AirflowSource } from '../airflow/types.js';
import type { Config } from '../config/schema.js';
import type { InstanceContext } from '../fleet/types.js';

// What every mode is handed by runMain (main.ts), apart from main.ts so the modes need not import the module
// that imports them.

export interface MainFlags {
  url?: string;
  config?: string;
  demo: boolean;
  once: boolean;
  json: boolean;
  headless: boolean;
  metricsListen?: string;
  interval?: number | string;
  deadline?: string;
  source?: string;
  db?: string;
  readonly: boolean;
  /** Attach the TUI to this hub instead of polling Airflow (README "Hub"). */
  attach?: string;
  /** Watch only this instance of the config's `instances:` (README "Fleet"). */
  context?: string;
  /** With --demo: this many simulated Airflows, as a fleet. */
  demoInstances?: number | string;
}

export interface ModeContext {
  /** The first (or --context) instance's config and source, for single-instance code. */
  config: Config;
  source: AirflowSource;
  /** Every instance watched (≥ 1); a flat config is one, named after its host. */
  instances: InstanceContext[];
  /**
   * The config has `instances:` (even one, even with --context) or the demo runs several: alerts carry the
   * `instance` label. A flat config keeps today's labels and fingerprints.
   */
  fleet: boolean;
  stateDir: string;
  flags: MainFlags;
  clock: () => Date;
}

/** Exit codes follow the monitoring-plugin convention: 0 ok, 1 warning, 2 critical, 3 unknown. */
export const EXIT_UNKNOWN = 3;
