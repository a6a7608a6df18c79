// What deriveReport adds to the history ring (state/ring.ts) after each successful poll.

/** One point per successful poll, kept in a bounded ring for sparklines and charts. */
export interface HistoryPoint {
  at: string;
  healthScore: number;
  totalCostUsd: number;
  costPerDocumentUsd: number;
  qualityScore: number;
  /** Average successful-run duration per DAG at that poll. */
  dagDurations: Record<string, number>;
}
