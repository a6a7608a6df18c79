import type { AirtopStore } from '../../source/state/store.js';
import type { HistoryPoint } from '../../source/state/types.js';
import { buildSnapshot } from '../ui/fixtures.js';
import { sampleReport } from '../unit/sinks/report-fixture.js';

// A store in the states the /metrics tests scrape: after a good poll of the sample report, with notifications
// queued for Slack.

/** The history point a poll at `at` records (/metrics does not show it). */
export const samplePoint = (at: Date): HistoryPoint => ({
  at: at.toISOString(),
  healthScore: 92.5,
  totalCostUsd: 1.06,
  costPerDocumentUsd: 0.0265,
  qualityScore: 80,
  dagDurations: {},
});

/** Records a good poll at `at`: the UI fixtures' snapshot and the sample report. */
export function pollSample(store: AirtopStore, at: Date): void {
  store.getState().pollSucceeded({ snapshot: buildSnapshot(), report: sampleReport(), point: samplePoint(at), at });
}

/** Sets Slack's status: `queueDepth` notifications waiting, nothing sent or failed yet. */
export function queueForSlack(store: AirtopStore, queueDepth: number): void {
  store.getState().setSinkStatus({
    name: 'slack',
    lastSuccessAt: null,
    lastError: null,
    lastErrorAt: null,
    queueDepth,
    deadLetters: 0,
  });
}
