import type { AlertView, Overall, Report } from '../../report/types.js';
import type { AirtopData, InstanceData } from '../../state/types.js';
import { sanitizeText } from '../../text/sanitize.js';
import { memoLast } from './memo.js';
import { shownAlerts, shownFleet } from './shown.js';

// The fleet as the panes see it: one cell per instance for the strip and the picker, the "all" view's alert
// list (every instance's, once each) and which instance an alert belongs to. Pure and memoised per poll.

export interface InstanceCell {
  name: string;
  url: string | null;
  version: string | null;
  /** 'unknown' until the instance's first good poll. */
  overall: Overall | 'unknown';
  /** Why the instance's data is stale (its last poll failed, or the report says so); null when fresh. */
  stale: string | null;
  firing: { critical: number; warning: number; info: number };
}

const NO_ALERTS: AlertView[] = [];
/** Instance names are short ([A-Za-z0-9_.-], 1-40) by the config; text from Airflow is cut well before the strip needs to. */
const clean = (text: string | null | undefined, max = 200): string | null =>
  text === null || text === undefined ? null : sanitizeText(text, { max });

/** The instance's own alerts: those labelled with it, or unlabelled ones in its own report. */
const ownAlerts = new WeakMap<Report, AlertView[]>();
export function instanceAlerts(instance: InstanceData): AlertView[] {
  const report = instance.report;
  if (!report) return NO_ALERTS;
  let alerts = ownAlerts.get(report);
  if (!alerts) {
    alerts = report.alerts.filter((a) => (a.labels['instance'] ?? instance.name) === instance.name);
    ownAlerts.set(report, alerts);
  }
  return alerts;
}

function cellOf(instance: InstanceData): InstanceCell {
  const { report, poll } = instance;
  const firing = { critical: 0, warning: 0, info: 0 };
  for (const a of instanceAlerts(instance)) if (a.state === 'firing' && !a.inhibited_by) firing[a.severity]++;
  const stale = poll.error ?? (report?.airflow.stale ? (report.airflow.stale_reason ?? 'data is stale') : null);
  return {
    name: clean(instance.name, 40)!,
    url: clean(report?.airflow.url ?? instance.snapshot?.airflow.url ?? instance.url),
    version: clean(report?.airflow.version ?? instance.snapshot?.airflow.version ?? null, 24),
    overall: report ? report.summary.overall : 'unknown',
    stale: clean(stale),
    firing,
  };
}

const cellCache = new WeakMap<InstanceData, InstanceCell>();
const cells = memoLast((fleet: InstanceData[] | null | undefined): InstanceCell[] =>
  (fleet ?? []).map((instance) => {
    let cell = cellCache.get(instance);
    if (!cell) {
      cell = cellOf(instance);
      cellCache.set(instance, cell);
    }
    return cell;
  }),
);

/** One cell per instance, in the config's order (empty for a single instance). */
export const selectFleetCells = (s: AirtopData): InstanceCell[] => cells(shownFleet(s));

/** How many instances the fleet has (0 for a single-instance airtop). */
export const fleetSize = (s: AirtopData): number => s.fleet?.length ?? 0;

/** The "all" view: more than one instance and none picked. */
export const isAllView = (s: AirtopData): boolean => fleetSize(s) > 1 && !s.ui.instance;

/** The strip shows when there is more than one instance. */
export const stripRows = (s: AirtopData): number => (fleetSize(s) > 1 ? 1 : 0);

const union = memoLast((fleet: InstanceData[] | null | undefined) => {
  const alerts: AlertView[] = [];
  const owner = new Map<string, string>();
  for (const instance of fleet ?? []) {
    for (const alert of instanceAlerts(instance)) {
      if (owner.has(alert.fingerprint)) continue;
      owner.set(alert.fingerprint, instance.name);
      alerts.push(alert);
    }
  }
  return { alerts, owner };
});

const ofCurrent = memoLast((alerts: AlertView[], name: string) =>
  alerts.filter((a) => (a.labels['instance'] ?? name) === name),
);

/** The alerts the alert pane lists: every instance's in the all view, else the shown instance's. */
export function paneAlerts(s: AirtopData): AlertView[] {
  if (isAllView(s)) return union(shownFleet(s)).alerts;
  const alerts = shownAlerts(s);
  return s.fleet && s.ui.current ? ofCurrent(alerts, s.ui.current) : alerts;
}

/** The instance each alert of the fleet belongs to, by fingerprint (the instance whose report holds it). */
export const alertOwners = (fleet: InstanceData[] | null | undefined): Map<string, string> => union(fleet).owner;

/** The instance an alert belongs to: its `instance` label, else the instance whose report holds it. */
export function alertInstance(s: AirtopData, alert: AlertView): string | null {
  if (!s.fleet) return null;
  return alert.labels['instance'] ?? alertOwners(shownFleet(s)).get(alert.fingerprint) ?? s.ui.current ?? null;
}

/** Every alert of the fleet (or the one instance), for looking one up by fingerprint. */
export function anyAlerts(s: AirtopData): AlertView[] {
  return s.fleet ? union(shownFleet(s)).alerts : shownAlerts(s);
}

/** " · NAME" after a pane title that shows one instance's figures in a fleet (pools, costs, quality); '' otherwise. */
export const instanceTag = (s: AirtopData): string =>
  fleetSize(s) > 1 && s.ui.current ? ` · ${sanitizeText(s.ui.current, { max: 40 })}` : '';
