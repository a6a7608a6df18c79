import type { AlertView } from '../../report/types.js';
import type { AirtopData } from '../../state/types.js';

/** One empty list, so a selector without a report returns the same value each time. */
const NO_ALERTS: AlertView[] = [];

// What the panes show: the live data, or while paused the copy frozen when `p` was pressed.
// The poller keeps writing the live fields either way.

export const shownSnapshot = (s: AirtopData) => (s.ui.paused && s.frozen ? s.frozen.snapshot : s.snapshot);
export const shownReport = (s: AirtopData) => (s.ui.paused && s.frozen ? s.frozen.report : s.report);
export const shownHistory = (s: AirtopData) => (s.ui.paused && s.frozen ? s.frozen.history : s.history);
export const shownAlerts = (s: AirtopData) => shownReport(s)?.alerts ?? NO_ALERTS;
export const shownSinks = (s: AirtopData) => (s.ui.paused && s.frozen ? s.frozen.sinks : s.sinks);
export const shownDeadLetters = (s: AirtopData) => (s.ui.paused && s.frozen ? s.frozen.deadLetters : s.deadLetters);
export const shownFleet = (s: AirtopData) => (s.ui.paused && s.frozen ? (s.frozen.fleet ?? s.fleet) : s.fleet);
