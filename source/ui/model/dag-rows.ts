import type { DagRun, Snapshot } from '../../airflow/types.js';
import type { Report } from '../../report/types.js';
import type { AirtopData, HistoryPoint, InstanceData, UiState } from '../../state/types.js';
import { sparkline } from '../glyphs.js';
import { isAllView } from './fleet.js';
import { parseFilter } from './filter.js';
import { memoLast } from './memo.js';
import { shownFleet, shownHistory, shownReport, shownSnapshot } from './shown.js';

export type DagStatus = 'critical' | 'warning' | 'running' | 'healthy' | 'idle' | 'paused';

export interface DagRow {
  dagId: string;
  /** Fleet, all view: the instance the DAG belongs to. */
  instance?: string;
  status: DagStatus;
  paused: boolean;
  runs: number;
  failed: number;
  running: number;
  /** null when no run finished in the window (a rate of 0 would read as "all failed"). */
  successRate: number | null;
  avgSeconds: number | null;
  p95Seconds: number | null;
  spark: string;
  slaMisses: number;
  /** Worst escalation level among the DAG's SLA misses, 0 when none. */
  slaLevel: 0 | 1 | 2 | 3;
}

export const SPARK_WIDTH = 10;

const STATUS_RANK: Record<DagStatus, number> = { critical: 0, warning: 1, running: 2, healthy: 3, idle: 4, paused: 5 };

function runSeconds(run: DagRun): number | null {
  if (run.state !== 'success' || !run.startDate || !run.endDate) return null;
  const s = (Date.parse(run.endDate) - Date.parse(run.startDate)) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : null;
}

function durationsByDag(snapshot: Snapshot | null): Map<string, number[]> {
  const out = new Map<string, number[]>();
  // snapshot.runs is newest first; sparklines read oldest → newest.
  for (const run of snapshot?.runs ?? []) {
    const s = runSeconds(run);
    if (s === null) continue;
    const list = out.get(run.dagId);
    if (list) list.push(s);
    else out.set(run.dagId, [s]);
  }
  for (const list of out.values()) list.reverse();
  return out;
}

function historyDurations(history: readonly HistoryPoint[], dagId: string): number[] {
  const out: number[] = [];
  for (const point of history.slice(-SPARK_WIDTH)) {
    const v = point.dagDurations[dagId];
    if (typeof v === 'number' && v > 0) out.push(v);
  }
  return out;
}

function countBy<T>(items: readonly T[], key: (item: T) => string | null | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    if (k) out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Every DAG the snapshot selected or the report measured. */
function buildDagRows(report: Report | null, snapshot: Snapshot | null, history: readonly HistoryPoint[]): DagRow[] {
  const metrics = report?.pipeline.dags ?? {};
  const dags = new Map((snapshot?.dags ?? []).map((d) => [d.dagId, d]));
  const ids = new Set([...dags.keys(), ...Object.keys(metrics)]);
  const critical = countBy(report?.thresholds.violations ?? [], (f) => f.dag_id);
  const warnings = countBy(report?.thresholds.warnings ?? [], (f) => f.dag_id);
  const anomalies = countBy(report?.anomalies ?? [], (a) => a.dag_id);
  const misses = new Map<string, { count: number; level: 0 | 1 | 2 | 3 }>();
  for (const miss of report?.sla.misses ?? []) {
    const m = misses.get(miss.dag_id) ?? { count: 0, level: 0 };
    misses.set(miss.dag_id, { count: m.count + 1, level: Math.max(m.level, miss.escalation_level) as 0 | 1 | 2 | 3 });
  }
  const durations = durationsByDag(snapshot);
  const rows: DagRow[] = [];
  for (const dagId of ids) {
    const m = metrics[dagId];
    const dag = dags.get(dagId);
    const sla = misses.get(dagId) ?? { count: 0, level: 0 as const };
    const finished = m ? m.success_count + m.failed_count : 0;
    const paused = dag?.isPaused ?? false;
    let status: DagStatus;
    if ((critical.get(dagId) ?? 0) > 0 || sla.level >= 3) status = 'critical';
    else if (
      (warnings.get(dagId) ?? 0) > 0 ||
      sla.count > 0 ||
      (anomalies.get(dagId) ?? 0) > 0 ||
      (m?.failed_count ?? 0) > 0
    )
      status = 'warning';
    else if ((m?.running_count ?? 0) > 0) status = 'running';
    else if (paused) status = 'paused';
    else if ((m?.runs_last_hour ?? 0) === 0) status = 'idle';
    else status = 'healthy';
    const runDurations = durations.get(dagId) ?? [];
    rows.push({
      dagId,
      status,
      paused,
      runs: m?.runs_last_hour ?? 0,
      failed: m?.failed_count ?? 0,
      running: m?.running_count ?? 0,
      successRate: m && finished > 0 ? m.success_rate : null,
      avgSeconds: m && m.success_count > 0 ? m.avg_duration_seconds : null,
      p95Seconds: m && m.success_count > 0 ? m.p95_duration_seconds : null,
      spark: sparkline(runDurations.length >= 2 ? runDurations : historyDurations(history, dagId), SPARK_WIDTH),
      slaMisses: sla.count,
      slaLevel: sla.level,
    });
  }
  return rows;
}

/** Every DAG the snapshot selected or the report measured, once per poll. */
export const allDagRows = memoLast(buildDagRows);

// The all view: each instance's rows, built once per poll of that instance, then put together.
const instanceRows = new WeakMap<InstanceData, DagRow[]>();
function rowsOfInstance(instance: InstanceData): DagRow[] {
  let rows = instanceRows.get(instance);
  if (!rows) {
    rows = buildDagRows(instance.report, instance.snapshot, instance.history).map((r) => ({
      ...r,
      instance: instance.name,
    }));
    instanceRows.set(instance, rows);
  }
  return rows;
}
const fleetDagRows = memoLast((fleet: InstanceData[] | null | undefined): DagRow[] =>
  (fleet ?? []).flatMap(rowsOfInstance),
);

/** Every DAG row the DAG pane could list (before filter and faults-only): the shown instance's, or the fleet's. */
export function unfilteredDagRows(s: AirtopData): DagRow[] {
  return isAllView(s) ? fleetDagRows(shownFleet(s)) : allDagRows(shownReport(s), shownSnapshot(s), shownHistory(s));
}

/** A row's identity: the DAG id, and in the all view its instance too (two instances may share a DAG id). */
export const dagRowKey = (row: DagRow): string =>
  row.instance === undefined ? row.dagId : `${row.instance}\0${row.dagId}`;

const byName = (a: DagRow, b: DagRow) =>
  a.dagId < b.dagId
    ? -1
    : a.dagId > b.dagId
      ? 1
      : (a.instance ?? '') < (b.instance ?? '')
        ? -1
        : (a.instance ?? '') > (b.instance ?? '')
          ? 1
          : 0;

const COMPARATORS: Record<UiState['sort'], (a: DagRow, b: DagRow) => number> = {
  name: byName,
  status: (a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || byName(a, b),
  // Worst first: the lowest success rate, then DAGs without finished runs.
  success_rate: (a, b) => (a.successRate ?? 2) - (b.successRate ?? 2) || byName(a, b),
  duration: (a, b) => (b.p95Seconds ?? -1) - (a.p95Seconds ?? -1) || byName(a, b),
};

export function isFaultyDag(row: DagRow): boolean {
  return row.status === 'critical' || row.status === 'warning';
}

/** Sorted once per poll and sort order, so typing a filter only filters. */
const sortedDagRows = memoLast((rows: DagRow[], sort: UiState['sort']): DagRow[] => [...rows].sort(COMPARATORS[sort]));

const visibleDagRows = memoLast((sorted: DagRow[], filterText: string, faultsOnly: boolean): DagRow[] => {
  const filter = parseFilter(filterText);
  if (filter.empty && !faultsOnly) return sorted;
  return sorted.filter(
    (r) =>
      (!faultsOnly || isFaultyDag(r)) &&
      (r.instance === undefined ? filter.test(r.dagId) : filter.testAny([r.dagId, r.instance])),
  );
});

/** The DAG list as the pane shows it; a stable reference between polls and key presses. */
export function selectDagRows(s: AirtopData): DagRow[] {
  return visibleDagRows(sortedDagRows(unfilteredDagRows(s), s.ui.sort), s.ui.filter.text, s.ui.faultsOnly);
}
