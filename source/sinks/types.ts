// What every sink offers the outbox. A sink formats and sends one payload and says what happened; the
// outbox owns ordering, retries, rate limits, dead letters and persistence.

export type DeliveryResult =
  | { ok: true }
  /**
   * permanent: the receiver refused this payload (a 4xx other than 429); retrying cannot help, so it is
   * dead-lettered with `reason`. `retryAfterMs` honours a receiver's Retry-After.
   */
  | { ok: false; permanent: boolean; reason: string; retryAfterMs?: number };

export interface Sink<P = unknown> {
  /** The channel name: slack, email, pagerduty, pushgateway, dashboard, alertmanager, airflow_variables. */
  readonly name: string;
  /** 'queue': every item is delivered, in order. 'latest': only the newest state matters (metrics, status). */
  readonly mode: 'queue' | 'latest';
  /** At most one send per this many milliseconds (Slack: 1 message per second per webhook). */
  readonly minIntervalMs?: number;
  deliver(payload: P): Promise<DeliveryResult>;
  /** One line for a dead letter or a log; never contains a secret. */
  describe(payload: P): string;
  close?(): Promise<void>;
}

/** A payload for one sink. `id` is its idempotency key: the outbox never accepts or delivers an id twice. */
export interface OutboxItem {
  id: string;
  sink: string;
  payload: unknown;
}
