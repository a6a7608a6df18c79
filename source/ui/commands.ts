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
}
