// What the outbox reports about each sink and what it gave up on; the store keeps these for the alerts pane
// and /metrics, but the outbox (sinks/outbox.ts) is where they are made.

export interface SinkStatus {
  name: string;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  queueDepth: number;
  deadLetters: number;
}

export interface DeadLetter {
  id: string;
  sink: string;
  reason: string;
  at: string;
  summary: string;
}
