import type { AirflowSource } from '../airflow/types.js';
import type { Config } from '../config/schema.js';

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
}

export interface ModeContext {
  config: Config;
  source: AirflowSource;
  stateDir: string;
  flags: MainFlags;
  clock: () => Date;
}

/** Exit codes follow the monitoring-plugin convention: 0 ok, 1 warning, 2 critical, 3 unknown. */
export const EXIT_UNKNOWN = 3;
