import type { ActionRequest, PreviewItem } from '../actions/types.js';

/** Acting on Airflow: both write their outcome into the store (dialog preview, result message, audit list). */
export interface ActionCommands {
  /** Airflow's dry run for the dialog whose seq this is; in a fleet, from the instance named. */
  preview(request: ActionRequest, seq: number, instance?: string): void;
  /** Send it once (in a fleet, to the instance named), audit it, refresh that DAG. */
  apply(call: {
    request: ActionRequest;
    seq: number;
    dryRun: PreviewItem[] | null;
    ack: { fingerprint: string; note: string } | null;
    instance?: string;
  }): void;
}

/**
 * What the TUI asks of the rest of airtop. The lead wires these to the poller and the alert lifecycle;
 * the TUI never fetches or writes state files itself.
 */
export interface Commands {
  /** Poll now instead of waiting for the next tick. */
  refresh(): void;
  /** Stop background work; the TUI exits right after calling it. */
  quit(): void;
  ack(fingerprint: string, note: string): void;
  unack(fingerprint: string): void;
  silence(fingerprint: string, durationSeconds: number, comment: string): void;
  /** Absent where airtop cannot act on Airflow (tests, --once). */
  actions?: ActionCommands;
}
