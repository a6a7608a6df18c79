// The baseline (durations of successful runs and task instances over 7 days) changes slowly, and at scale
// its query is the poll's most expensive (a window-function sort over every success of the week: ~4 s on
// 1.5M task instances). So it is read in full on the first poll and then every `refreshMs`; in between,
// the successes in each poll's runs and task instances are merged in, as the REST source does.
import type { DagRun, TaskInstance } from '../types.js';

export interface Sample {
  /** Identity (run, or run + map index) so a sample seen again is not counted twice. */
  key: string;
  /** run_after for runs, start_date for task instances: what the baseline window is measured on. */
  at: number;
  seconds: number;
}

export type SampleGroups = Map<string, Sample[]>;

export interface BaselineRow {
  dag_id: string;
  task_id: string | null;
  seconds: number[];
  ats: Date[];
  run_ids: string[];
  map_indexes: number[] | null;
}

export interface BaselineCache {
  readAt: number;
  selectionKey: string;
  dags: SampleGroups;
  tasks: SampleGroups;
}

export function cacheFromRows(rows: BaselineRow[], readAt: number, selectionKey: string): BaselineCache {
  const dags: SampleGroups = new Map();
  const tasks: SampleGroups = new Map();
  for (const row of rows) {
    const samples = row.seconds.map((seconds, i) => ({
      key: row.map_indexes ? `${row.run_ids[i]}\u0000${row.map_indexes[i]}` : row.run_ids[i]!,
      at: row.ats[i]!.getTime(),
      seconds,
    }));
    if (row.task_id === null) dags.set(row.dag_id, samples);
    else tasks.set(`${row.dag_id}.${row.task_id}`, samples);
  }
  return { readAt, selectionKey, dags, tasks };
}

function seconds(start: string | null, end: string | null): number | null {
  return start === null || end === null ? null : (Date.parse(end) - Date.parse(start)) / 1000;
}

export function runSamples(runs: DagRun[]): SampleGroups {
  const out: SampleGroups = new Map();
  for (const run of runs) {
    const duration = seconds(run.startDate, run.endDate);
    if (run.state !== 'success' || duration === null) continue;
    const group = out.get(run.dagId) ?? [];
    group.push({ key: run.runId, at: Date.parse(run.runAfter), seconds: duration });
    out.set(run.dagId, group);
  }
  return out;
}

export function taskSamples(tis: TaskInstance[]): SampleGroups {
  const out: SampleGroups = new Map();
  for (const ti of tis) {
    const duration = seconds(ti.startDate, ti.endDate);
    if (ti.state !== 'success' || duration === null) continue;
    const name = `${ti.dagId}.${ti.taskId}`;
    const group = out.get(name) ?? [];
    group.push({ key: `${ti.runId}\u0000${ti.mapIndex}`, at: Date.parse(ti.startDate!), seconds: duration });
    out.set(name, group);
  }
  return out;
}

const newestFirst = (a: Sample, b: Sample): number => b.at - a.at || (a.key < b.key ? 1 : a.key > b.key ? -1 : 0);

/** Union by key (the incoming sample wins), drop samples older than `since`, newest first, at most `cap` per group. */
export function mergeSamples(existing: SampleGroups, incoming: SampleGroups, since: number, cap: number): SampleGroups {
  const out: SampleGroups = new Map();
  for (const [group, samples] of existing) {
    const added = incoming.get(group);
    if (!added && (samples.length === 0 || samples[samples.length - 1]!.at >= since)) {
      out.set(group, samples);
      continue;
    }
    const byKey = new Map<string, Sample>();
    for (const sample of [...samples, ...(added ?? [])]) if (sample.at >= since) byKey.set(sample.key, sample);
    out.set(group, [...byKey.values()].sort(newestFirst).slice(0, cap));
  }
  for (const [group, samples] of incoming) {
    if (!out.has(group)) out.set(group, samples.filter((s) => s.at >= since).sort(newestFirst).slice(0, cap));
  }
  return out;
}

export function durations(groups: SampleGroups): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [group, samples] of groups) if (samples.length > 0) out[group] = samples.map((s) => s.seconds);
  return out;
}
