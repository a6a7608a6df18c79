import type { DagRun, TaskInstance } from '../../airflow/types.js';
import type { AlertView, PoolMetrics, Report } from '../../report/types.js';
import type { AirtopData, DeadLetter, SinkStatus } from '../../state/types.js';
import { printable } from '../format.js';
import { parseFilter } from './filter.js';
import { memoLast } from './memo.js';
import { paneAlerts } from './fleet.js';
import { shownDeadLetters, shownReport, shownSinks } from './shown.js';

// Every list a pane or view shows, derived once per (data, filter, faults-only) and stable in between.

export type Level = 'ok' | 'warning' | 'critical';

export interface PoolRow extends PoolMetrics {
  name: string;
  level: Level;
}

const pools = memoLast((report: Report | null, faultsOnly: boolean): PoolRow[] => {
  const level = new Map<string, Level>();
  for (const f of report?.thresholds.warnings ?? []) if (f.pool) level.set(f.pool, 'warning');
  for (const f of report?.thresholds.violations ?? []) if (f.pool) level.set(f.pool, 'critical');
  return Object.entries(report?.resources.pools ?? {})
    .map(([name, m]) => ({ name, ...m, level: level.get(name) ?? ('ok' as Level) }))
    .filter((p) => !faultsOnly || p.level !== 'ok')
    .sort((a, b) => b.utilization - a.utilization || a.name.localeCompare(b.name));
});

export const selectPoolRows = (s: AirtopData) => pools(shownReport(s), s.ui.faultsOnly);

const STATE_RANK: Record<AlertView['state'], number> = { firing: 0, acknowledged: 1, silenced: 2, resolved: 3 };
const SEVERITY_RANK: Record<AlertView['severity'], number> = { critical: 0, warning: 1, info: 2 };

export function alertText(alert: AlertView): string {
  return alert.annotations['summary'] ?? alert.labels['alertname'] ?? alert.fingerprint;
}

const alerts = memoLast((list: AlertView[], filterText: string, faultsOnly: boolean): AlertView[] => {
  const filter = parseFilter(filterText);
  return list
    .filter(
      (a) =>
        (!faultsOnly || a.state !== 'resolved') && filter.test(`${alertText(a)} ${Object.values(a.labels).join(' ')}`),
    )
    .sort(
      (a, b) =>
        STATE_RANK[a.state] - STATE_RANK[b.state] ||
        SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
        Date.parse(b.since) - Date.parse(a.since),
    );
});

export const selectAlertRows = (s: AirtopData) => alerts(paneAlerts(s), s.ui.filter.text, s.ui.faultsOnly);

const sinks = memoLast((record: Record<string, SinkStatus>): SinkStatus[] =>
  Object.values(record).sort((a, b) => a.name.localeCompare(b.name)),
);
export const selectSinks = (s: AirtopData) => sinks(shownSinks(s));
export const selectDeadLetters = (s: AirtopData): DeadLetter[] => shownDeadLetters(s);

const FAILED_RUN = new Set(['failed']);
const FAILED_TI = new Set(['failed', 'upstream_failed', 'up_for_retry']);

const runs = memoLast((list: DagRun[] | null, filterText: string, faultsOnly: boolean): DagRun[] => {
  const filter = parseFilter(filterText);
  return (list ?? []).filter(
    (r) => (!faultsOnly || FAILED_RUN.has(r.state)) && filter.test(`${r.runId} ${r.state} ${r.runType}`),
  );
});
export const selectRunRows = (s: AirtopData) => runs(s.drill.runs, s.ui.filter.text, s.ui.faultsOnly);

function startMs(ti: TaskInstance): number {
  return ti.startDate ? Date.parse(ti.startDate) : Number.POSITIVE_INFINITY;
}

const taskInstances = memoLast(
  (list: TaskInstance[] | null, filterText: string, faultsOnly: boolean): TaskInstance[] => {
    const filter = parseFilter(filterText);
    return (list ?? [])
      .filter((t) => (!faultsOnly || FAILED_TI.has(t.state ?? '')) && filter.test(`${t.taskId} ${t.state ?? 'none'}`))
      .sort((a, b) => startMs(a) - startMs(b) || a.taskId.localeCompare(b.taskId) || a.mapIndex - b.mapIndex);
  },
);
export const selectTaskRows = (s: AirtopData) =>
  taskInstances(s.drill.taskInstances, s.ui.filter.text, s.ui.faultsOnly);

/** Lines that usually explain a failure: what "faults only" keeps in a log. */
const FAULT_LINE = /error|exception|traceback|failed|critical|fatal/i;

const logLines = memoLast((lines: string[] | undefined, filterText: string, faultsOnly: boolean): string[] => {
  const filter = parseFilter(filterText);
  const clean = (lines ?? []).map(printable);
  return filter.empty && !faultsOnly
    ? clean
    : clean.filter((l) => (!faultsOnly || FAULT_LINE.test(l)) && filter.test(l));
});
export const selectLogLines = (s: AirtopData) => logLines(s.drill.log?.lines, s.ui.filter.text, s.ui.faultsOnly);
